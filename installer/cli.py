"""The front door: `torch-setup` (the wizard) and its subcommands.

Each subcommand lives in `installer/commands/<module>.py` with two functions:
`configure(parser)` adds its arguments, `run(args) -> int` does the work. Command modules import
only the standard library at top level, so `torch-setup detect` stays fast; heavy imports go in run().
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import re
import sys
from collections.abc import Iterable

from installer import __version__
from installer.commands.arguments import user_path
from installer.commands.help_format import TranslatedHelp, language_in, usage_error_text
from installer.commands.streams import lines_in_order, survive_narrow_encodings
from installer.errors import InputError, TorchSetupError
from installer.i18n import _, set_language

# subcommand name -> module in installer/commands, in the order `--help` shows them
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": ("detect", "what this machine has: GPUs, driver, CUDA, OS, Python, traps"),
    "recommend": ("recommend", "which driver / CUDA / PyTorch combination fits, and why"),
    "mirrors": ("mirrors", "probe the mirrors and rank them"),
    "plan": ("plan", "print the install plan as a bash script; runs nothing"),
    "install": ("install", "install from an answers file (unattended with --yes)"),
    "verify": ("verify", "check that torch works, and on which devices"),
    "bench": ("bench", "measure what this GPU (or CPU) does, against what it should do"),
    "doctor": ("doctor", "explain a broken install, with fixes"),
    "recipes": ("recipes", "work with recipe files (validate)"),
    "answers": ("answers", "work with answers files (schema, check)"),
    "matrix": ("matrix", "refresh the compatibility data (update)"),
}


# argparse's own words for a value outside `choices` (Python 3.12 stopped quoting the choices)
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


def did_you_mean(message: str) -> str | None:
    """For argparse's "invalid choice" message, the closest choice, as a hint; None when none is close."""
    m = _INVALID_CHOICE.search(message)
    if not m:
        return None
    choices = [c.strip().strip("'") for c in m.group(2).split(",")]
    close = difflib.get_close_matches(m.group(1), choices, n=1, cutoff=0.6)
    return _("did you mean {value}?", value=repr(close[0])) if close else None


# what people type for an offline install's commands, which torch-setup does not have: `install` builds a
# wheelhouse (method: wheelhouse-build) and installs one (method: wheel); found in use: `torch-setup wheelhouse
# --help` got only the list of commands
_OFFLINE_WORDS = re.compile(r"wheel|offline|air-?gap", re.IGNORECASE)


def no_wheelhouse_command(message: str) -> str | None:
    """For argparse's "invalid choice" of a command named like an offline install's (`wheelhouse`,
    `offline`), where an answers file does that, as a hint; None for any other message."""
    m = _INVALID_CHOICE.search(message)
    if not m or not message.startswith("argument COMMAND:") or not _OFFLINE_WORDS.search(m.group(1)):
        return None
    import shlex

    from installer.paths import answers_examples

    examples = answers_examples()
    return _("a wheelhouse is built by `torch-setup install --answers F` with method: wheelhouse-build in F "
             "(an example: {build}), and installed on the offline machine with method: wheel (an example: "
             "{offline})", build=shlex.quote(examples + "wheelhouse-build.yaml"),
             offline=shlex.quote(examples + "wheelhouse-offline.yaml"))


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", TranslatedHelp)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse already exits 2 for usage errors; this translates the message and adds "did you mean"
        self.print_usage(sys.stderr)
        if message.startswith("the following arguments are required:") and not self._subparsers:
            # argparse checks what is missing before what is unknown: `plan --answerz F` was told only that
            # --answers is required, and the hint put --answers before F, next to the misspelt option
            unknown = self.unknown_options()
            if unknown:
                message = f"unrecognized arguments: {' '.join(unknown)}"
        hint = (no_wheelhouse_command(message) or did_you_mean(message) or self.answers_misplaced(message)
                or self.closest_option(message))
        # one text, so that Chinese puts its own colon after 错误 (found in use: "错误: 参数")
        self.exit(2, _("{prog}: error: {message}", prog=self.prog, message=usage_error_text(message)) + "\n"
                  + (f"  -> {hint}\n" if hint else ""))

    def parse_known_args(self, args: Iterable[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        # kept for error(): the words given to this (sub)command, which argparse's messages leave out
        self.given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(self.given, namespace)

    def answers_misplaced(self, message: str) -> str | None:
        """The command line as meant, as a hint, when the answers file was given without --answers (plan,
        install: `install cpu-venv.yaml`) or with it where none is wanted (`answers check --answers F`)."""
        given = list(getattr(self, "given", []))
        fixed: list[str] | None = None
        if message.startswith("the following arguments are required:") and "--answers" in message:
            # one file that is there: a name that is not (or two of them) would only lead to the next error
            taking_value = value_options(self)
            files = [i for i, (previous, token) in enumerate(zip([None, *given], given, strict=False))
                     if not token.startswith("-") and previous not in taking_value and os.path.isfile(token)]
            if len(files) == 1:
                i = files[0]
                fixed = [*given[:i], "--answers", given[i], *given[i + 1:]]
        elif (message.startswith(("the following arguments are required:", "unrecognized arguments:"))
              and self.prog.split()[1:] == ["answers", "check"]):
            # `answers check` takes its files as they are, like `recipes validate`
            fixed = [t.removeprefix("--answers=") for t in given if t != "--answers"]
            if fixed == given:
                fixed = None
        if fixed is None:
            return None
        import shlex

        return _("did you mean: {command}?", command=shlex.join([*self.prog.split(), *fixed]))


    def unknown_options(self) -> list[str]:
        """The words given to this (sub)command that look like options but are none of its own, as argparse
        tells them apart: a leading dash, no blank, not a negative number; `--name=value` by its name, a
        long option by any prefix that names only it (argparse's abbreviations); nothing after `--`."""
        own = [s for action in self._actions for s in action.option_strings]
        unknown = []
        for token in getattr(self, "given", []):
            if token == "--":
                break
            if (len(token) < 2 or not token.startswith("-") or " " in token
                    or self._negative_number_matcher.match(token)):
                continue
            name = token.split("=", 1)[0]
            if name in own or (not name.startswith("--") and name[:2] in own):  # -q, or -qVALUE
                continue
            if name.startswith("--") and len([o for o in own if o.startswith(name)]) == 1:
                continue
            unknown.append(name)
        return unknown

    def closest_option(self, message: str) -> str | None:
        """For "unrecognized arguments: --quik", this parser's option it misspells, as a hint."""
        m = re.match(r"unrecognized arguments: (\S+)", message)
        if not m or not m.group(1).startswith("-"):
            return None
        given = m.group(1).split("=", 1)[0]
        options = [o for action in self._actions for o in action.option_strings if o.startswith("--")]
        close = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
        return _("did you mean {value}?", value=repr(close[0])) if close else None


def subcommand_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the innermost (sub)command `args` names (`recipes validate`, bench...), or `parser`
    itself when there is none: the action's own (found in use: `recipes validate --quite F` was told
    recipes' usage, with no hint of --quiet)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest, None)
            if chosen in action.choices:
                return subcommand_parser(action.choices[chosen], args)
    return parser


def build_parser(configured: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. `configured`: the subcommands whose own arguments are set up (default:
    all); the others are listed by name and help only, which is all `--help` and a usage error need."""
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=["en", "zh"], default=argparse.SUPPRESS,
                        help="language of the messages (default: from LANG / LC_ALL; English on the Linux "
                             "text console, which cannot draw Chinese)")
    parser = _Parser(prog="torch-setup", parents=[common],
                     description="A guided installer for PyTorch on GPU workstations.")
    parser.add_argument("--version", action="version", version=f"torch-setup {__version__}")
    parser.add_argument("--dry-run", action="store_true", help="walk the wizard, execute nothing")
    parser.add_argument("--answers", metavar="F", type=user_path, help="pre-fill the wizard from an answers file")
    parser.add_argument("--hardware", metavar="F", type=user_path,
                        help="use a saved hardware report instead of detecting")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        if configured is None or name in configured:
            module = importlib.import_module(f"installer.commands.{module_name}")
            module.configure(p)
    return parser


def value_options(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The parser's own options that take a value (`--lang zh`): the token after one is that value."""
    return frozenset(s for action in parser._actions if action.nargs != 0 for s in action.option_strings)


def command_in(argv: list[str]) -> str | None:
    """The subcommand named on the command line, if any: only its arguments need setting up, which
    spares every start the import of the other ten command modules."""
    taking_value = value_options(build_parser(()))  # the global options, read from the parser itself
    previous = None
    for token in argv:
        if token == "--":
            return None
        if token in COMMANDS and previous not in taking_value:
            return token
        previous = token
    return None


def main(argv: list[str] | None = None) -> int:
    # pydantic looks for plugins in every installed distribution's entry points before its first
    # validation; torch-setup uses none, and on a Python with many packages the scan costs start-up time
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # first: --help and the first message may already hold characters an ascii or latin-1 stdout lacks
    survive_narrow_encodings()
    lines_in_order()
    argv = sys.argv[1:] if argv is None else argv
    set_language(language_in(argv))
    command = command_in(argv)
    parser = build_parser([command] if command else [])
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # what parse_args does, said by the subcommand's own parser: its usage, and its option the
        # mistyped one is closest to (`bench --quik` used to get the top-level usage and no hint)
        subcommand_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    set_language(getattr(args, "lang", None))
    try:
        if args.command is None:
            from installer.tui.launch import run_wizard

            return run_wizard(args)
        module = importlib.import_module(f"installer.commands.{COMMANDS[args.command][0]}")
        return int(module.run(args))
    except InputError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except TorchSetupError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
