"""PyYAML's syntax error texts in the chosen language.

PyYAML words its problems in English, and differently for its two parsers: libyaml (the C one that
its wheels carry, and yamlfile uses) says "mapping values are not allowed in this context" where the
pure Python one says "... allowed here". Each common problem is matched by pattern, as
commands/help_format.py does for argparse, and given one text through the catalog; the English keys are
PyYAML's own words (libyaml's), so English output stays as it was. A problem no pattern knows keeps
PyYAML's English text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from installer.i18n import _


@dataclass(frozen=True)
class _Found:
    """What the patterns look at: PyYAML's words, and the text and lines they point at."""

    problem: str
    context: str
    text: str
    line: int | None  # 1-based, where PyYAML gave up
    context_line: int | None  # 1-based, where what it was reading began (an opening quote, the first anchor)

    def quoted_line(self, line: int | None) -> str:
        """The line (1-based) as written, stripped and cut short, quoted: what a message points at."""
        lines = self.text.splitlines()
        if not line or line > len(lines):
            return "?"
        shown = lines[line - 1].strip()
        return repr(shown if len(shown) <= 60 else shown[:59] + "…")

    def char(self, mark: yaml.Mark | None) -> str | None:
        """The character at `mark` in the text (libyaml's messages do not quote it)."""
        if mark is None:
            return None
        lines = self.text.splitlines()
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            return lines[mark.line][mark.column]
        return None


def _shown_char(char: str | None) -> str:
    if char is None:
        return "?"
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


# (context pattern, problem pattern, the text): matched in order, the first that fits wins; each text is a
# literal _() call, so the catalog test sees it
_Rule = tuple[re.Pattern[str], re.Pattern[str], Callable[[_Found, re.Match[str], str | None], str]]
_ANY = re.compile("")
_RULES: list[_Rule] = [
    (_ANY, re.compile(r"^mapping values are not allowed (here|in this context)$"),
     lambda f, m, c: _("mapping values are not allowed in this context")),
    (_ANY, re.compile(r"^found a tab character that violates indentation$"),
     lambda f, m, c: _("found a tab character that violates indentation")),
    (_ANY, re.compile(r"^found character (.* )?that cannot start any token$"),
     lambda f, m, c: (_("found a tab character that cannot start any token") if c == "\t"
                      else _("found character {char} that cannot start any token", char=_shown_char(c)))),
    # `path ~/env` under a key: PyYAML gives up on the next line; the line with the mistake is the context's
    (re.compile(r"simple key"), re.compile(r"^could not find expected ':'$"),
     lambda f, m, c: (_("no ':' after the key in {line}", line=f.quoted_line(f.context_line))
                      if f.context_line and f.line and f.context_line < f.line
                      else _("could not find expected ':'"))),
    (_ANY, re.compile(r"^could not find expected ':'$"), lambda f, m, c: _("could not find expected ':'")),
    (re.compile(r"block mapping"), re.compile(r"^(did not find expected key|expected <block end>, but found .*)$"),
     lambda f, m, c: _("did not find expected key")),
    (re.compile(r"block collection"),
     re.compile(r"^(did not find expected '-' indicator|expected <block end>, but found .*)$"),
     lambda f, m, c: _("did not find expected '-' indicator")),
    (_ANY, re.compile(r"^found undefined alias\b"), lambda f, m, c: _("found undefined alias")),
    (re.compile(r"^found duplicate anchor"), re.compile(r"^second occurrence$"),
     lambda f, m, c: _("found duplicate anchor (first occurrence on line {line})", line=f.context_line or "?")),
    # an unclosed quote or bracket: PyYAML finds out at the end of the file or on a later line; the mistake
    # is where it opened (found in use: "y2.yaml:37" for a 36-line file with an unclosed quote on line 8)
    (re.compile(r"quoted scalar"), re.compile(r"^found unexpected end of stream$"),
     lambda f, m, c: (_("the quote that opens in {line} is never closed", line=f.quoted_line(f.context_line))
                      if f.context_line else _("a quote is never closed"))),
    (re.compile(r"flow (sequence|mapping)"),
     re.compile(r"^(did not find expected|expected) ',' or '(?P<close>[\]}])'"),
     lambda f, m, c: (_("the '{open}' in {line} is not closed with '{close}'", line=f.quoted_line(f.context_line),
                        open="[" if m.group("close") == "]" else "{", close=m.group("close"))
                      if f.context_line and f.line and f.context_line < f.line
                      else _("did not find expected ',' or '{close}'", close=m.group("close")))),
    (_ANY, re.compile(r"^(did not find expected node content|expected the node content, but found .*)$"),
     lambda f, m, c: _("did not find expected node content")),
    (re.compile(r"^expected a single document"), re.compile(r"^but found another document$"),
     lambda f, m, c: _("expected a single document in the stream, but found another document")),
    (_ANY, re.compile(r"^found unknown escape character\b"), lambda f, m, c: _("found unknown escape character")),
    (_ANY, re.compile(r"^could not determine a constructor for the tag (?P<tag>.*)$"),
     lambda f, m, c: _("could not determine a constructor for the tag {tag}", tag=m.group("tag"))),
    (_ANY, re.compile(r"^found unhashable key$"), lambda f, m, c: _("found unhashable key")),
]


def _line(mark: yaml.Mark | None) -> int | None:
    return mark.line + 1 if mark else None


def mistake_line(exc: yaml.MarkedYAMLError) -> int | None:
    """The line (1-based) to name for a syntax error: where PyYAML gave up, except for a key line with no
    ':' (`path ~/env`), which PyYAML finds out only on the line after it, and a quote or a bracket never
    closed, named where it opens. Other contexts stay as they are:
    a block mapping's context is its first key, many lines above a mistake that is where PyYAML gave up."""
    if (exc.context and re.search(r"simple key|quoted scalar|flow (sequence|mapping)", exc.context)
            and exc.context_mark and exc.problem_mark and exc.context_mark.line < exc.problem_mark.line):
        return exc.context_mark.line + 1
    return _line(exc.problem_mark or exc.context_mark)


def problem_text(exc: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's problem in the chosen language; its own English words when no pattern knows it."""
    problem = exc.problem or str(exc)
    found = _Found(problem=problem, context=exc.context or "", text=text,
                   line=_line(exc.problem_mark), context_line=_line(exc.context_mark))
    for context, pattern, say in _RULES:
        m = pattern.search(problem)
        if m and context.search(found.context):
            return say(found, m, found.char(exc.problem_mark))
    return problem


def reader_problem(exc: yaml.reader.ReaderError, text: str) -> tuple[str, int | None]:
    """A character YAML does not allow (a control character, most often from a copy out of a terminal or
    a word processor): the text naming it, and its line when the position is known."""
    # the pure Python reader counts characters; libyaml counts bytes of the UTF-8 it was given
    where = text.encode("utf-8", errors="replace") if exc.encoding != "unicode" else None
    size = len(text) if where is None else len(where)
    line = None
    if isinstance(exc.position, int) and 0 <= exc.position <= size:
        line = (text.count("\n", 0, exc.position) if where is None else where.count(b"\n", 0, exc.position)) + 1
    if isinstance(exc.character, int):
        char = f"U+{exc.character:04X}"
    else:
        char = repr(exc.character)
    return _("the file holds a character YAML does not allow ({char}): control characters cannot be in it",
             char=char), line
