"""The issue's acceptance walk: Welcome to Done in dry run, keyboard alone, on a recorded machine; the
answers file it leaves then gives the same plan unattended (`torch-setup plan --answers F`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_support import MACHINES, press_until, settle

from installer.answers import load_answers
from installer.hardware.report import load_report
from installer.plan.recorded_folder import recorded_target
from installer.plan.script import render_script
from installer.tui.engine import Engine


async def test_keyboard_dry_run_then_replay_gives_the_same_plan(make_wizard, loopback_catalog, in_tmp, cli):
    machine = "rtx4090-550"
    app = make_wizard(machine, catalog=loopback_catalog.path)
    app.engine.today = None  # the clock's day, as the `plan` below (another process) reads it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_name == "welcome"
        await pilot.press("d")  # dry run, by its key
        assert app.state.dry_run
        await press_until(pilot, "n", "mirrors")

        # choose the loopback PyTorch index for the wheels, with the keyboard
        for _i in range(12):
            if app.focused is not None and app.focused.id == "pick-pytorch":
                break
            await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "pick-pytorch"
        await pilot.press("enter", "down", "down", "enter")
        await settle(pilot)
        assert app.focused.value == f"{loopback_catalog.torch.base}/whl"

        await press_until(pilot, "n", "review")
        shown = app.state.plan
        assert shown is not None and shown.steps
        shown_script = app.state.script
        await pilot.press("n")  # "Dry run"
        await settle(pilot)
        assert app.current_name == "install"
        await press_until(pilot, "n", "done")
        await pilot.press("q")
    assert app.return_code == 0

    answers_file = in_tmp / "torch-setup-answers.yaml"
    assert answers_file.exists(), "every run ends by writing its answers file in the working directory"
    answers = load_answers(answers_file)
    assert answers.mirror.pytorch == f"{loopback_catalog.torch.base}/whl"
    report = load_report(MACHINES / f"{machine}.json")

    # the same plan, through the engine (in a thread: it probes with its own event loop)...
    assert await asyncio.to_thread(Engine().make_plan, answers, report) == shown
    # ...and through the unattended front door, in another process
    out = cli("plan", "--answers", str(answers_file), "--hardware", str(MACHINES / f"{machine}.json"), cwd=in_tmp)
    assert out.returncode == 0, out.stderr
    # a recorded machine's folder is said in the header as the answers keep it (installer.plan.recorded_folder)
    said = render_script(shown, target=recorded_target(answers, shown))
    assert out.stdout.strip() == said.strip() == (shown_script or "").strip()
    assert not Path(in_tmp / ".venv-torch").exists(), "a dry run creates nothing"
