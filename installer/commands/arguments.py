"""argparse types shared by the command modules: a bad value is a usage error (exit 2) before anything runs.

Standard library only at import (plus the message catalog when a value is refused), as the command
modules are: `torch-setup detect` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def seconds(low: float, high: float) -> Callable[[str], float]:
    """An argparse type for a time limit: a number of seconds in [low, high], else a usage error (exit 2)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN and inf fail here too
            from installer.i18n import _

            raise argparse.ArgumentTypeError(_("give between {low} and {high} seconds, not {value}",
                                               low=f"{low:g}", high=f"{high:g}", value=repr(text)))
        return value

    return parse
