"""The Welcome screen says where the last install stopped, from the executor's journal of a real run.

Found in use: after an install that failed at its first step, the wizard opened as if nothing had happened;
choosing the same again resumes the run, but nothing said so, or where it had got to.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui_support import settle, widget_text

from installer.executor.events import RunFinished
from installer.executor.runner import run_plan
from installer.plan.model import Command, Plan, Step


def _step(step_id: str, code: int = 0) -> Step:
    return Step(id=step_id, title=step_id, kind="command", timeout=60,
                commands=(Command(argv=(sys.executable, "-c", f"import sys; sys.exit({code})")),))


def _run(state: Path, *steps: Step) -> bool:
    *_, finished = run_plan(Plan(steps=steps), state_dir=state)
    assert isinstance(finished, RunFinished)
    return finished.ok


async def _welcome(app) -> str | None:
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        assert app.current_name == "welcome"
        found = app.screen.query("#last-stop")
        return widget_text(found.first()) if found else None


async def test_a_failed_run_is_named_on_welcome_with_its_step_and_reason(make_wizard, in_tmp):
    assert not _run(in_tmp / "state", _step("venv"), _step("torch", 3), _step("verify"))
    said = await _welcome(make_wizard("cpu-only", as_this_machine=True))
    assert said is not None
    assert said.startswith("The last install stopped at step torch (")
    # the cause first (found in use: the same choices alone failed the same way)
    assert ("less than a minute ago): python failed: exit code 3. Put right what stopped it (`torch-setup doctor` "
            "says what and how), then make the same choices") in " ".join(said.split())


async def test_a_finished_run_or_a_recorded_machine_says_nothing(make_wizard, in_tmp):
    assert await _welcome(make_wizard("cpu-only", as_this_machine=True)) is None  # no run at all
    assert not _run(in_tmp / "state", _step("torch", 3))
    assert await _welcome(make_wizard("cpu-only")) is None  # another machine's plan: not this one's journal
    assert _run(in_tmp / "state", _step("torch"))
    assert await _welcome(make_wizard("cpu-only", as_this_machine=True)) is None


async def test_the_folder_it_was_installing_into_is_named(make_wizard, in_tmp):
    """Found in use: a lab admin with several environments could not tell which one had stopped."""
    env = str(in_tmp / "envs" / "torch-a")
    plan = Plan(steps=(_step("torch", 3),), summary=(("target", env),))
    *_, finished = run_plan(plan, state_dir=in_tmp / "state")
    assert isinstance(finished, RunFinished) and not finished.ok
    said = await _welcome(make_wizard("cpu-only", as_this_machine=True))
    assert said is not None and said.endswith(f"It was installing into {env}."), said


def _stop_in(folder: Path, state: Path, monkeypatch) -> Path:
    """An install started in `folder` from its cpu-venv.yaml, stopped at its torch step."""
    answers = folder / "cpu-venv.yaml"
    folder.mkdir(exist_ok=True)
    answers.write_text("version: 1\ntarget: {kind: venv, path: .venv-torch}\n"
                       "torch: {version: 2.13.0, variant: cpu, extras: []}\nverify: false\n")
    plan = Plan(steps=(_step("torch", 3),), summary=(("target", str(folder / ".venv-torch")),),
                meta={"answers_file": str(answers)})
    with monkeypatch.context() as m:
        m.chdir(folder)  # install runs where its relative folders are taken from
        *_, finished = run_plan(plan, state_dir=state)
    assert isinstance(finished, RunFinished) and not finished.ok
    return answers


async def test_r_takes_the_stopped_runs_choices_again(make_wizard, in_tmp, monkeypatch):
    """Found in use: Welcome said "make the same choices", and every screen offered other ones (another
    folder, another torch); a returning user did not remember the first ones. The run's answers file is in
    its records: r loads it and goes to Review, its relative folder taken from where that run ran."""
    from installer.tui.screens.welcome import WelcomeScreen

    answers = _stop_in(in_tmp / "proj", in_tmp / "state", monkeypatch)
    env = str(answers.parent / ".venv-torch")
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        said = widget_text(app.screen.query_one("#last-stop"))
        assert said.endswith(f"Press r to take its choices again from {answers}."), said
        assert isinstance(app.screen, WelcomeScreen) and app.screen.check_action("resume", ())
        await pilot.press("r")
        await settle(pilot)
        assert app.current_name == "review"
        assert app.state.answers_path == str(answers)
        assert app.state.draft["target"]["path"] == env  # not .venv-torch under the folder the wizard runs in
        assert app.state.draft["verify"] is False


async def test_no_r_when_the_answers_file_is_gone(make_wizard, in_tmp):
    gone = in_tmp / "gone.yaml"
    plan = Plan(steps=(_step("torch", 3),), meta={"answers_file": str(gone)})
    *_, finished = run_plan(plan, state_dir=in_tmp / "state")
    assert isinstance(finished, RunFinished) and not finished.ok
    app = make_wizard("cpu-only", as_this_machine=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        assert "Press r" not in widget_text(app.screen.query_one("#last-stop"))
        assert not app.screen.check_action("resume", ())
        await pilot.press("r")
        await settle(pilot)
        assert app.current_name == "welcome"


async def test_a_file_changed_since_is_said_and_taken_as_it_is(make_wizard, in_tmp, monkeypatch):
    """Found in use: the file was edited after the run stopped (another folder, another torch), and r gave
    the new torch with the old folder, without a word."""
    import os
    import time

    answers = _stop_in(in_tmp / "proj", in_tmp / "state", monkeypatch)
    answers.write_text(answers.read_text().replace(".venv-torch", ".venv-other"))
    later = time.time() + 5
    os.utime(answers, (later, later))
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        said = widget_text(app.screen.query_one("#last-stop"))
        assert said.endswith("That file has changed since the run stopped: r takes it as it is now."), said
        await pilot.press("r")
        await settle(pilot)
        assert app.current_name == "review"
        assert app.state.draft["target"]["path"] == str(in_tmp / "proj" / ".venv-other")


async def test_a_run_still_going_is_said_and_not_resumed(make_wizard, in_tmp, monkeypatch):
    """Found in use: r was offered while the run was still going; Install then refused for it, and said to
    change the Folder answer."""
    from installer.tui.engine import Engine

    _stop_in(in_tmp / "proj", in_tmp / "state", monkeypatch)
    monkeypatch.setattr(Engine, "last_stop_running", lambda self: 4242)  # its lock held by pid 4242
    app = make_wizard("cpu-only", as_this_machine=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        said = widget_text(app.screen.query_one("#last-stop"))
        assert said.startswith(f"An install into {in_tmp / 'proj' / '.venv-torch'} is running now (pid 4242, at step "
                               "torch): wait for it to finish"), said
        assert not app.screen.check_action("resume", ())


async def test_a_stopped_run_is_no_failure_to_mend_and_its_log_is_named(make_wizard, in_tmp):
    """Found in use (t11): the terminal closed during the torch step, and the first screen said "put right what
    stopped it", of nothing, and named no log (README: the step, why and its log)."""
    import threading

    from installer.executor.events import StepStarted

    cancel = threading.Event()
    slow = Step(id="torch", title="torch", kind="command", timeout=60,
                commands=(Command(argv=(sys.executable, "-c", "import time; time.sleep(30)")),))
    events = []
    for event in run_plan(Plan(steps=(_step("venv"), slow)), state_dir=in_tmp / "state", cancel=cancel):
        events.append(event)
        if isinstance(event, StepStarted) and event.step_id == "torch":
            cancel.set()  # as install's Ctrl-C or SIGTERM handler does
    assert isinstance(events[-1], RunFinished) and events[-1].interrupted
    said = await _welcome(make_wizard("cpu-only", as_this_machine=True))
    assert said is not None
    said = " ".join(said.split())
    assert said.startswith("The last install did not finish step torch ("), said
    assert ("it was stopped before that step ended (Ctrl-C, killed, or its terminal closed), and nothing needs "
            "mending. Make the same choices") in said, said
    assert "Put right what stopped it" not in said and "interrupted" not in said, said
    assert " Its output: " in said and "/logs/run-" in said, said
