"""Quitting the wizard in the middle of an install leaves the way to go on in the terminal. Found in use: after
Ctrl+Q and "Stop and quit" only the exit code 130 was left, where the command line prints the resume command."""

from __future__ import annotations

import threading

from tui_support import press_until

from installer.executor.events import RunFinished, StepFinished, StepStarted


async def test_stop_and_quit_says_how_to_go_on(make_wizard, in_tmp):
    gate = threading.Event()

    def held(plan, *, dry_run, cancel, simulate=True):
        step = plan.steps[0]
        yield StepStarted(step.id, step.title, 1, len(plan.steps))
        cancel.wait(10)  # the step runs until the wizard cancels it
        gate.set()
        yield StepFinished(step.id, "failed", "interrupted")
        yield RunFinished(ok=False, interrupted=True, failed_step=step.id)

    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = held
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review")
        await pilot.press("n")
        await pilot.pause(0.3)
        assert app.run_active
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        await pilot.press("y")
        await pilot.pause(0.2)
    assert gate.wait(5), "the run was cancelled"
    assert app.return_code == 130
    note = app.exit_note or ""
    assert "The install was stopped; the steps already done stay done." in note
    assert f"torch-setup install --answers {in_tmp / 'torch-setup-answers.yaml'}" in note
    assert "torch-setup doctor" in note
