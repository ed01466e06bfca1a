"""The command line in the chosen language: its help, its usage errors, and the `--lang` they follow.

argparse words its own texts in English (through gettext, which has no Chinese catalog to offer) and
lays out help by counting characters and breaking at blanks, which leaves Chinese lines past the
terminal's edge. Nothing at import beyond what cli.py already has (argparse, the message catalog).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable

from installer.i18n import _

# argparse's own words for the usage errors people make, with the catalog's text for each: argparse
# words them through gettext, which has no Chinese catalog to offer
_USAGE_ERRORS = [
    (re.compile(r"^the following arguments are required: (?P<names>.*)$"),
     "the following arguments are required: {names}"),
    (re.compile(r"^unrecognized arguments: (?P<names>.*)$"), "unrecognized arguments: {names}"),
    (re.compile(r"^argument (?P<name>\S+): invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)$"),
     "argument {name}: invalid choice: {value} (choose from {choices})"),
    (re.compile(r"^argument (?P<name>\S+): expected one argument$"), "argument {name}: expected one argument"),
    (re.compile(r"^argument (?P<name>\S+): invalid (?P<type>\w+) value: (?P<value>.*)$"),
     "argument {name}: invalid {type} value: {value}"),
]


def usage_error_text(message: str) -> str:
    """argparse's message for a usage error, in the chosen language."""
    for pattern, text in _USAGE_ERRORS:
        m = pattern.match(message)
        if m:
            return _(text, **m.groupdict())
    if message.startswith("argument ") and ": " in message:  # our own types' messages come translated
        name, _sep, rest = message[len("argument "):].partition(": ")
        return _("argument {name}: {message}", name=name, message=rest)
    return message


# an item of a list written in help text: indented, a short code ("130"), then two blanks or more
_ITEM = re.compile(r"^(\s+\S{1,8}\s{2,})(?=\S)")


class TranslatedHelp(argparse.HelpFormatter):
    """argparse's help in the chosen language. The texts are looked up as the help is printed, so the
    command modules keep plain English literals and a command that is not asked for help loads no
    catalog; the headings and argparse's own option texts are in the catalog too."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _(action.help) if action.help and action.help is not argparse.SUPPRESS else action.help

    def add_text(self, text: str | None) -> None:
        if text and text is not argparse.SUPPRESS:
            # one catalog key per paragraph: YAML takes a key of at most 1024 characters, and an epilog
            # (install's exit codes, sudo, paths) is longer than that
            text = "\n\n".join(_(part) for part in text.split("\n\n"))
        super().add_text(text)

    def start_section(self, heading: str | None) -> None:
        heading = _(heading) if heading else heading
        if heading:
            self._headings = [*getattr(self, "_headings", []), heading]
        super().start_section(heading)

    def format_help(self) -> str:
        # argparse puts an ASCII colon after each heading itself: Chinese writes "选项：" (found in use:
        # "位置参数:" and "选项:" under "用法：")
        said = {f"{heading}:": _("{heading}:", heading=heading) for heading in getattr(self, "_headings", [])}
        lines = super().format_help().split("\n")
        for i, line in enumerate(lines):
            bare = line.lstrip(" ")
            if bare in said:
                lines[i] = line[:len(line) - len(bare)] + said[bare]
        return "\n".join(lines)

    def _split_lines(self, text: str, width: int) -> list[str]:
        # argparse counts characters and breaks at blanks: a Chinese help text ran past the terminal's edge
        from installer.i18n.linebreak import wrap

        return wrap(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        # a text written in lines (an epilog's list of exit codes, its paragraphs) keeps them: each line is
        # wrapped on its own, and an item's continuation lines hang under its text, not under its code
        out: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                out.append("")
                continue
            item = _ITEM.match(line)
            lead = item.group(1) if item else line[:len(line) - len(line.lstrip())]
            wrapped = self._split_lines(line[len(lead):], max(width - len(lead), 11))
            out.append(indent + lead + wrapped[0])
            out += [indent + " " * len(lead) + rest for rest in wrapped[1:]]
        return "\n".join(out)

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        # argparse lines up the usage's continuation lines by the characters of the prefix, which
        # "用法：" (three characters, six cells) leaves three cells short
        from installer.i18n.linebreak import cells

        extra = max(cells(prefix or "") - len(prefix or ""), 0)
        self._width -= extra  # the lines it fits are that much wider than it counts
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra
        if not extra:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(" " * extra + line if line else line for line in rest)])

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


def language_in(argv: list[str]) -> str | None:
    """The `--lang` the command line asks for, read before parsing: the help and the usage errors that
    parsing prints must already be in it (`torch-setup --help --lang zh` prints the help before it reaches
    --lang). The last one wins, as in argparse."""
    lang = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif token.startswith("--lang="):
            lang = token.split("=", 1)[1]
    return lang
