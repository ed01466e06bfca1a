"""The one rule for "will this step be skipped" (installer.executor.skip), every case of it; and the runner
asking a guard once where it used to ask it twice."""

from __future__ import annotations

import pytest

from installer.executor.journal import Journal
from installer.executor.skip import skip_decision
from installer.plan.model import Guard, Plan

from .conftest import PY, py_step, run, statuses

GUARDS = {
    "none": None,
    "creates": Guard(creates="/made/by/the/step"),
    "unless": Guard(unless=("python", "-I", "-c", "pass")),
    "both": Guard(creates="/made/by/the/step", unless=("python", "-I", "-c", "pass")),
}

# (journal record, guard, guard holds) -> (decision, times the guard was asked)
TABLE = [
    (None, "none", True, None, 0),
    (None, "none", False, None, 0),
    (None, "creates", True, "in place", 1),
    (None, "creates", False, None, 1),
    (None, "unless", True, "in place", 1),
    (None, "unless", False, None, 1),
    (None, "both", True, "in place", 1),
    (None, "both", False, None, 1),
    ("started", "none", True, None, 0),
    ("started", "none", False, None, 0),
    ("started", "creates", True, None, 0),  # cut off half-way: its path proves nothing
    ("started", "creates", False, None, 0),
    ("started", "unless", True, "in place", 1),
    ("started", "unless", False, None, 1),
    ("started", "both", True, "in place", 1),
    ("started", "both", False, None, 1),
    ("done", "none", True, "done", 0),
    ("done", "none", False, "done", 0),
    ("done", "creates", True, "done", 1),
    ("done", "creates", False, None, 1),  # done once, undone since (a venv removed): runs again
    ("done", "unless", True, "done", 1),
    ("done", "unless", False, None, 1),
    ("done", "both", True, "done", 1),
    ("done", "both", False, None, 1),
    ("failed", "none", True, None, 0),
    ("failed", "none", False, None, 0),
    ("failed", "creates", True, "in place", 1),
    ("failed", "creates", False, None, 1),
    ("failed", "unless", True, "in place", 1),
    ("failed", "unless", False, None, 1),
    ("failed", "both", True, "in place", 1),
    ("failed", "both", False, None, 1),
]


@pytest.mark.parametrize(("record", "guard", "holds", "decision", "asked"), TABLE,
                         ids=[f"{r}-{g}-{'holds' if h else 'fails'}" for r, g, h, _d, _a in TABLE])
def test_skip_decision(record, guard, holds, decision, asked):
    calls = []

    def guard_holds() -> bool:
        calls.append(1)
        return holds

    assert skip_decision(record, GUARDS[guard], guard_holds) == decision
    assert len(calls) == asked


def test_the_table_covers_every_case():
    cases = {(r, g, h) for r, g, h, _d, _a in TABLE}
    assert cases == {(r, g, h) for r in (None, "started", "done", "failed") for g in GUARDS for h in (True, False)}


def test_a_done_step_whose_guard_fails_is_checked_once_then_runs(tmp_path, state):
    """The runner used to ask such a guard twice (as "done?", then as "in place?"): a guard can read a
    whole torch install. Real runs: the guard counts itself in a file."""
    tally = tmp_path / "tally"
    made = tmp_path / "made"
    check = f"open({str(tally)!r}, 'a').write('x'); raise SystemExit(1)"
    step = py_step("s", f"open({str(made)!r}, 'w').write('ran')", writable=(str(tmp_path),),
                   guard=Guard(unless=(PY, "-I", "-c", check)))
    Journal(state).record(step.digest(), "done", step.id)
    assert statuses(run(Plan(steps=(step,)), state)) == {"s": "changed"}
    assert made.read_text() == "ran"
    assert tally.read_text() == "x"
