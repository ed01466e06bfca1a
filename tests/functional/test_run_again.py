"""After a run has ended, an answer can be changed and the new plan run; the Install screen never shows
one plan's result under another's steps. Found in use: after a failed install, Back did nothing, and
the command palette's way round showed the old failure (and the old log) under the new plan's steps,
running nothing."""

from __future__ import annotations

import threading

from textual.widgets import Input, ProgressBar
from tui_support import press_until, screen_text, settle

from installer.executor.events import OutputLine, RunFinished, StepFinished, StepStarted


class FakeRuns:
    """The engine's run_plan: the first run fails at its first step with `detail`, the next ones finish.
    `gate`, when given, holds each run until it is set."""

    def __init__(self, detail: str, gate: threading.Event | None = None) -> None:
        self.detail = detail
        self.gate = gate
        self.plans: list = []
        self.dry_runs: list[bool] = []

    def __call__(self, plan, *, dry_run, cancel, simulate=True):
        self.plans.append(plan)
        self.dry_runs.append(dry_run)
        if self.gate is not None:
            self.gate.wait(10)
        first = len(self.plans) == 1
        for i, step in enumerate(plan.steps, 1):
            yield StepStarted(step.id, step.title, i, len(plan.steps))
            yield OutputLine(step.id, f"run {len(self.plans)} says hello")
            if first:
                yield StepFinished(step.id, "failed", self.detail)
                yield RunFinished(ok=False, failed_step=step.id, log_path=f"/logs/run-{len(self.plans)}.log")
                return
            yield StepFinished(step.id, "changed")
        yield RunFinished(ok=True, log_path=f"/logs/run-{len(self.plans)}.log")


def _text(app) -> str:
    return " ".join(screen_text(app).split())


async def test_back_after_a_failed_run_changes_the_folder_and_runs_the_new_plan(make_wizard, in_tmp):
    app = make_wizard("cpu-only", as_this_machine=True)
    runs = FakeRuns(f"uv failed: cannot create {in_tmp / '.venv-torch'}: No such file or directory")
    app.engine.run_plan = runs
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        await settle(pilot)
        text = _text(app)
        # the cause is the Folder answer: resuming with the same answers would fail the same way
        assert "Go back (b) and change the answer named above (Combination screen, Folder)." in text
        assert "If the cause is not that answer, fix it, then run this to resume:" in text
        assert "Fix the cause shown above" not in text
        assert app.screen.check_action("back", ()) is True

        await press_until(pilot, "b", "combination")
        app.screen.query_one("#target-path", Input).value = "envs/torch"
        await settle(pilot)
        await press_until(pilot, "n", "review")
        await pilot.press("n")
        await press_until(pilot, "n", "install", limit=1)
        await settle(pilot)
        text = _text(app)

    assert len(runs.plans) == 2, "the new plan was run"
    assert str(in_tmp / "envs" / "torch") in " ".join(s.title for s in runs.plans[1].steps)
    assert app.state.run_result is not None and app.state.run_result.ok
    assert "All steps finished." in text and "/logs/run-2.log" in text
    assert "The step “" not in text and "/logs/run-1.log" not in text


async def test_back_waits_for_the_run_and_help_says_so(make_wizard, in_tmp):
    gate = threading.Event()
    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = FakeRuns("uv failed: exit code 1", gate=gate)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review")
        await pilot.press("n")
        await pilot.pause(0.2)
        assert app.current_name == "install" and app.run_active
        await pilot.press("b")
        await pilot.pause(0.1)
        assert app.current_name == "install", "Back while the install runs"
        assert not app.screen.check_action("back", ())
        await pilot.press("f1")
        await pilot.pause(0.1)
        assert "Esc Back" not in " ".join(screen_text(app).split())
        await pilot.press("escape")
        gate.set()
        await settle(pilot)
        assert not app.run_active
        # a cause outside the answers: the resume command stays
        text = _text(app)
        assert "Fix the cause shown above, then run this to resume from that step:" in text
        assert "torch-setup install --answers" in text and "Go back (b)" not in text
        await pilot.press("f1")
        await pilot.pause(0.1)
        assert "Esc Back" in " ".join(screen_text(app).split())
        await pilot.press("escape")
        await pilot.pause(0.1)
        await pilot.press("b")
        await settle(pilot)
        assert app.current_name == "review"


async def test_a_failed_run_stops_the_bar_at_the_failed_step(make_wizard, in_tmp):
    def fail_at_the_last(plan, *, dry_run, cancel, simulate=True):
        total = len(plan.steps)
        for i, step in enumerate(plan.steps, 1):
            yield StepStarted(step.id, step.title, i, total)
            if i == total:
                yield StepFinished(step.id, "failed", "uv failed: exit code 1")
                yield RunFinished(ok=False, failed_step=step.id)
                return
            yield StepFinished(step.id, "changed")

    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = fail_at_the_last
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        await settle(pilot)
        total = len(app.state.plan.steps)
        assert total >= 2
        bar = app.screen.query_one("#overall-bar", ProgressBar)
        assert bar.progress == total - 1 and bar.percentage is not None and bar.percentage < 1
        assert f"Steps: stopped at step {total} of {total}" in _text(app)


async def test_coming_back_to_install_shows_the_run_as_it_ended(make_wizard, in_tmp):
    """From Verify, Back shows the run that was made, not a screen of pending steps at 0%."""
    app = make_wizard("cpu-only", dry_run=True)
    runs = FakeRuns("")
    runs.plans.append(None)  # every run finishes
    app.engine.run_plan = runs
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "verify")
        await press_until(pilot, "b", "install")
        await settle(pilot)
        total = len(app.state.plan.steps)
        assert app.screen.query_one("#overall-bar", ProgressBar).progress == total
        states = [str(w.render()) for w in app.screen.query("#steps-list .run-step-state")]
        assert states == ["changed"] * total, states
        log = app.screen.query_one("#log")
        assert any("says hello" in line.text for line in log.lines)
