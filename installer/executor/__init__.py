"""The executor: runs a Plan (argv only, allowlisted programs, scrubbed environment, sandbox, journal)
and reports what happens as events. `run_plan` is imported lazily so `installer.executor.events` stays light."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from installer.executor.events import Event
    from installer.plan.model import Plan


def run_plan(plan: Plan, **kwargs: Any) -> Iterator[Event]:
    from installer.executor.runner import run_plan as _run_plan

    return _run_plan(plan, **kwargs)


__all__ = ["run_plan"]
