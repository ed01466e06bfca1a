"""Whether a step needs no run: one rule, for the runner (which skips the step) and the disk check (which
counts no space for a step the runner will skip). Pure: the guard is handed in as a callable, because
each asks it its own way (the runner as a step run, sandboxed and logged; the disk check as a plain
child before anything exists), and it is asked only when the rule needs it, at most once (a guard can
read every file of a torch install).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from installer.plan.model import Guard

Skip = Literal["done", "in place"]


def skip_decision(record_status: str | None, guard: Guard | None, guard_holds: Callable[[], bool]) -> Skip | None:
    """"done" (the journal says so, and the guard, if any, still holds), "in place" (not done by a run of
    ours, but the guard holds), or None: the step must run. `record_status` is the journal's record for
    the step (started | done | failed), None when there is none."""
    if guard is None:
        return "done" if record_status == "done" else None
    if record_status == "started" and not guard.unless:
        # cut off half-way: the path it creates may be there already, and proves nothing; only a check
        # that runs something (`unless`) can tell such a step is complete
        return None
    if not guard_holds():
        return None
    return "done" if record_status == "done" else "in place"
