"""Checks of the Combination screen's fields that the answers file's rules do not make, so that a value
no run can use is refused at its field rather than by a failed step.

Data files only: nothing is created, nothing is run.
"""

from __future__ import annotations

import re

from installer.i18n import _


def python_without_release(python: str | None) -> str | None:
    """Why the Python field's version (3.12, 3.12.4) has no PyTorch release at all, naming the versions
    the releases do support; None for one some release has wheels for, an interpreter's path, or nothing."""
    match = re.fullmatch(r"(\d+)\.(\d+)(\.\d+)?", (python or "").strip())
    if match is None:
        return None
    from installer.compat.data import load
    from installer.compat.solver import in_range, parse_range

    asked = (int(match[1]), int(match[2]))
    ranges = [parse_range(text) for release in load().released() for text in release.python.values() if text]
    if not ranges or any(in_range(asked, r) for r in ranges):
        return None
    low = min(r[0] for r in ranges)
    highs = [r[1] for r in ranges]
    if any(h is None for h in highs):
        return None  # an open range takes every newer Python
    high = max(h for h in highs if h is not None)
    return _("No PyTorch release has wheels for Python {version}: the releases support Python {low} to {high}",
             version=f"{asked[0]}.{asked[1]}", low=f"{low[0]}.{low[1]}", high=f"{high[0]}.{high[1]}")
