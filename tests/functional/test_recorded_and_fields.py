"""A recorded machine's plan is only ever shown (found in use: `--hardware F` without `--dry-run` was one
key away from writing that machine's driver setup onto this one), and the Combination screen refuses,
at the field, a folder no run can make and a Python no release has."""

from __future__ import annotations

import os

import pytest
from textual.widgets import Input, RadioButton
from tui_support import press_until, screen_text, settle, widget_text

from installer.executor.events import RunFinished

NOTE = "A recorded machine's plan is shown, not run: run torch-setup on that machine to install."


def _text(app) -> str:
    return " ".join(screen_text(app).split())


@pytest.mark.parametrize("dry_run", [False, True])
async def test_a_recorded_machine_is_a_dry_run_that_cannot_be_switched(make_wizard, dry_run):
    asked: list[bool] = []

    def run_plan(plan, *, dry_run, cancel, simulate=True):
        asked.append(dry_run)
        yield RunFinished(ok=True)

    app = make_wizard("nodriver-rtx3060", dry_run=dry_run)
    app.engine.run_plan = run_plan
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert app.state.dry_run and "dry run" in app.screen.sub_title
        assert app.screen.query_one("#mode-install", RadioButton).disabled
        assert NOTE in _text(app)
        await pilot.press("d")  # not offered here (the footer has no d): it changes nothing
        await settle(pilot)
        assert app.state.dry_run, "d must not turn a recorded machine's dry run off"
        await press_until(pilot, "n", "review")
        assert app.screen.query_one("#nav-next").label.plain.startswith("Dry run")
        await pilot.press("n")
        await settle(pilot)
    assert asked == [True]


@pytest.mark.skipif(os.geteuid() != 0, reason="os.access lets only root 'write' /proc")
async def test_a_folder_in_proc_is_refused_at_the_field(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-path", Input).value = "/proc/x"
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"
        problem = " ".join(widget_text(app.screen.query_one("#path-problem")).split())
    assert "/proc/x cannot be made" in problem and "choose a folder of your own" in problem
    assert "as root" not in problem


async def test_a_python_no_release_has_is_named_at_its_field(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(80, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-python", Input).focus()
        await pilot.press(*"3.99", "tab")
        await settle(pilot)
        box = app.screen.query_one("#python-problem")
        assert box.display
        text = " ".join(widget_text(box).split())
    assert "No PyTorch release has wheels for Python 3.99: the releases support Python 3." in text


async def test_an_existing_interpreter_needs_its_path_before_review(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-existing", RadioButton).value = True
        await settle(pilot)
        field = app.screen.query_one("#target-python", Input)
        assert "empty: the one detected" not in str(field.placeholder)
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"
        text = " ".join(str(app.screen.query_one("#python-problem").render()).split())
    assert text.startswith("Give the path of the interpreter to install into")
