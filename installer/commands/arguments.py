"""argparse types shared by the command modules: a bad value is a usage error (exit 2) before anything runs.

Standard library only at import (plus the message catalog when a value is refused), as the command
modules are: `torch-setup detect` stays fast.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable

_UNITS = {"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "mins": 60,
          "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600, "ms": 0.001}
_UNIT = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\s*$",
                   re.IGNORECASE)


def user_path(text: str) -> str:
    """An argparse type for a file or folder on the command line: a leading `~` or `~user` is that home
    folder, as the shell makes it of an unquoted word and as answers files read their paths (found in use:
    `plan --answers "~/lab/cpu.yaml"`, quoted, was looked for in a folder named `~`). Nothing else: a `$`
    the shell left as it is (single quotes) is part of the name. `~nobody` with no such user is a usage error
    that says so (found in use: it stayed as written and was then "file not found", as in a shell)."""
    expanded = os.path.expanduser(text)
    if expanded == text and text.startswith("~"):
        from installer.paths import no_such_user

        problem = no_such_user(text)
        if problem is not None:
            from installer.i18n import _

            raise argparse.ArgumentTypeError(_("{one}; {other}", one=problem[0], other=problem[1]))
    return expanded


def add_hardware(parser: argparse.ArgumentParser, help: str) -> None:
    """`--hardware F` after the command. SUPPRESS: when it is not given there, the global one (before the
    command: `torch-setup --hardware F plan ...`) must not be overwritten by this parser's default."""
    parser.add_argument("--hardware", metavar="F", type=user_path, default=argparse.SUPPRESS, help=help)


def hardware(args: argparse.Namespace) -> str | None:
    """The saved hardware report to use, from before or after the command; None: detect this machine."""
    return getattr(args, "hardware", None)


def seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse type for a time limit: a number of seconds in [low, high], else a usage error (exit 2)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN and inf fail here too
            from installer.i18n import _

            unit = _UNIT.match(text)
            if unit:  # "30s", "2min": the number is fine, the unit is not wanted
                raise argparse.ArgumentTypeError(_("give the number of seconds alone, without a unit: "
                                                   "{seconds} (between {low} and {high}), not {value}",
                                                   seconds=f"{float(unit.group(1)) * _UNITS[unit.group(2).lower()]:g}",
                                                   low=f"{low:g}", high=f"{high:g}", value=repr(text)))
            if re.fullmatch(r"\s*[0-9]+,[0-9]+\s*", text):  # a decimal comma, as much of Europe writes it
                raise argparse.ArgumentTypeError(_("write the decimal point as '.': {seconds}, not {value}",
                                                   seconds=text.strip().replace(",", "."), value=repr(text)))
            raise argparse.ArgumentTypeError(_("give between {low} and {high} seconds, not {value}",
                                               low=f"{low:g}", high=f"{high:g}", value=repr(text)))
        return value

    return parse
