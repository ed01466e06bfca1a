"""Choose: which driver / CUDA / PyTorch combination fits a machine, and why.

`resolve_pins(report, torch=, variant=, python=, extras=) -> Pins`: exact pins for the planner.
`recommend(report, python=, torch=, variant=, keep_driver=) -> Recommendation`: ranked choices with reasons,
rejections and warnings (`recommend --json`). Both are pure functions over the report and the versioned data
files in installer/compat/data/.
"""

from __future__ import annotations

from installer.compat.model import Action, Choice, Pins, Recommendation, Rejection
from installer.compat.pins import resolve_pins
from installer.compat.solver import recommend

__all__ = ["Action", "Choice", "Pins", "Recommendation", "Rejection", "recommend", "resolve_pins"]
