"""After an upgrade, a journal written by the earlier code still says which steps are done: the key
moved into Step.digest and must not have changed for any step. The journal under
tests/fixtures/journals/before-digest-move was written by a real run of the code before the move
(record.py there says how); a run of the same steps now must find every one of them done."""

from __future__ import annotations

import shutil

from helpers import TESTS, load_module

from installer.executor.events import StepFinished

from .conftest import run

JOURNALS = TESTS / "fixtures" / "journals"
recorded = load_module(JOURNALS / "steps.py", "journal_fixture_steps")


def test_a_journal_from_before_the_move_still_says_done(tmp_path):
    state = tmp_path / "state"
    shutil.copytree(JOURNALS / "before-digest-move" / "state", state)
    before = sorted(p.name for p in (state / "journal").iterdir())
    events = run(recorded.RUNNABLE, state)
    finished = {e.step_id: (e.status, e.detail) for e in events if isinstance(e, StepFinished)}
    # "done in an earlier run" comes only from the journal: a step whose key changed would run again
    # (changed), or be found in place by its guard alone (guarded: "already in place")
    assert finished == {sid: ("unchanged", "done in an earlier run")
                        for sid in ("plain", "guarded", "password", "token")}, finished
    assert sorted(p.name for p in (state / "journal").iterdir()) == before  # no record under a new key
