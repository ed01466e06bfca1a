"""After a failure with a known cause, the resume command is offered for after the cause is put right, not as
if running it again would do: found in use, the tester ran `torch-setup install --answers F` as the screens
offered it ("Then run this to resume", "To resume:") and it failed the same way."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle

from installer.executor.events import OutputLine, RunFinished, StepFinished, StepStarted


def _fails_with_a_known_cause(plan, *, dry_run, cancel, simulate=True):
    step = plan.steps[-1]
    for i, s in enumerate(plan.steps, 1):
        yield StepStarted(s.id, s.title, i, len(plan.steps))
        if s is not step:
            yield StepFinished(s.id, "changed")
    yield OutputLine(step.id, "No matching distribution found for torch==2.15.0")
    yield StepFinished(step.id, "failed", "exit code 1", cause="no source has torch 2.15.0",
                       hint="choose a torch version those sources have")
    yield RunFinished(ok=False, failed_step=step.id, log_path="/logs/run.log")


async def test_the_resume_command_waits_for_the_cause_to_be_fixed(make_wizard, in_tmp):
    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = _fails_with_a_known_cause
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "What to do: choose a torch version those sources have" in text
        assert "Once that is done, run this to resume from that step:" in text
        assert "Then run this" not in text
        await press_until(pilot, "n", "done")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
    assert "Once the cause is fixed, to resume from the step that failed:" in text
    assert "To resume:" not in text
