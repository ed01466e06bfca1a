"""Plans: answers + hardware report + recipes -> the ordered steps of a run (pure data).

`make_plan(answers, report, *, pins, indexes)` builds a Plan; `plan_for(answers, report)` runs the
whole choose -> plan chain (pins from installer.compat, the PyTorch index from installer.mirrors);
`installer.plan.script.render_script(plan)` prints one as a bash script. Imports are lazy: a command
that only needs the model stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from installer.plan.model import Plan


def make_plan(answers: Any, report: Any, **kwargs: Any) -> Plan:
    from installer.plan.planner import make_plan as _make_plan

    return _make_plan(answers, report, **kwargs)


def plan_for(answers: Any, report: Any, **kwargs: Any) -> Plan:
    from installer.plan.planner import plan_for as _plan_for

    return _plan_for(answers, report, **kwargs)


__all__ = ["make_plan", "plan_for"]
