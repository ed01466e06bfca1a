"""Review shows the plan's note that nothing this run reads can have the build (no PyTorch index answered, and
only PyPI is left) as a warning, not among the plain notes: in the wizard the person decides whether to go on,
where `install --yes` refuses (tests/e2e/test_no_source_refused.py), but the note is the install's likely
failure. The shipped catalog's PyTorch indexes, probed for real through a proxy on a port where nothing
listens, so every probe fails at once and nothing leaves this machine; the recorded CPU machine has no pip
configuration."""

from __future__ import annotations

import pytest
from tui_support import mirror_servers, press_until, settle


@pytest.fixture
def cut_off(no_way_out, monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_REGION", "global")


async def _review_notes(make_wizard, pytorch: str) -> list[tuple[str, set[str]]]:
    """Review's notes and warnings, each with its classes, for answers with `mirror.pytorch: pytorch`."""
    from installer.answers import Answers

    answers = Answers.model_validate({
        "target": {"kind": "venv", "path": "env"}, "torch": {"version": "2.13.0", "variant": "cpu", "extras": []},
        "mirror": {"pytorch": pytorch, "region": "global"}, "verify": True, "bench": "none"})
    app = make_wizard("cpu-only", as_this_machine=True, answers=answers, answers_path="given", dry_run=True)
    async with app.run_test(size=(100, 60)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        return [(" ".join(str(w.render()).split()), set(w.classes)) for w in app.screen.query("#plan Static")
                if {"note", "warning"} & set(w.classes)]


async def test_the_note_is_a_warning(make_wizard, in_tmp, cut_off):
    notes = await _review_notes(make_wizard, "auto")
    said = [classes for text, classes in notes if text.startswith("no PyTorch index answered for cpu, and what "
                                                                  "else this run reads (https://pypi.org/simple)")]
    assert said == [{"warning"}], notes


async def test_the_index_switched_off_by_hand_stays_a_plain_note(make_wizard, in_tmp, cut_off):
    notes = await _review_notes(make_wizard, "none")
    said = [classes for text, classes in notes if text.startswith("no PyTorch index is reachable for cpu")]
    assert said == [{"note"}], notes
    assert not [text for text, classes in notes if "warning" in classes and "PyTorch index" in text], notes


async def test_an_index_chosen_by_hand_that_does_not_answer_is_a_warning_too(make_wizard, in_tmp, cut_off):
    """The other note `install --yes` refuses on (installer.plan.indexes.UnansweredIndex)."""
    dead = mirror_servers.dead_base()
    notes = await _review_notes(make_wizard, f"{dead}/whl")
    said = [classes for text, classes in notes if "chosen by hand and kept, although it does not work from here" in text]
    assert said == [{"warning"}], notes
