"""The Done screen of a dry run says when the install would not get through. Found in use: with a
wheelhouse folder that is not there, the dry run stopped before its first step, and Done said nothing of
it and offered the real install, "nothing on this machine was changed", though it had saved the answers."""

from __future__ import annotations

import pytest
from tui_support import press_until, screen_text, settle, widget_text

from installer.answers import parse_answers


async def test_a_dry_run_that_would_stop_says_so_on_done(make_wizard, in_tmp):
    import json
    import shutil

    # a wheelhouse as its build leaves it (plan time hashes no wheel), there while the plan is made and gone when the
    # run starts (a USB stick pulled out): the Wheelhouse field and Review both found it, the run does not
    wheels = in_tmp / "no-such-wheels"
    wheels.mkdir()
    (wheels / "manifest.json").write_text(json.dumps({"format": 1, "requirements": ["torch==2.13.0+cpu"]}))
    (wheels / "requirements.txt").write_text("torch==2.13.0+cpu\n")
    answers = parse_answers(f"version: 1\nmethod: wheel\nwheelhouse: {wheels}\n"
                            "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\nverify: false\n", "a.yaml")
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review")
        assert app.state.plan is not None, screen_text(app)
        shutil.rmtree(wheels)
        await press_until(pilot, "n", "install")
        assert app.state.run_result is not None and not app.state.run_result.ok
        assert app.state.run_error and "no-such-wheels" in app.state.run_error
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
    assert "The dry run found that the install would stop before its steps: " in text
    assert "no-such-wheels" in text
    assert "Once that is fixed, to install for real, unattended:" in text
    assert "To install for real, unattended:" not in text.replace("Once that is fixed, to install", "")
    written = app.state.answers_written
    assert written is not None and written.exists()
    assert f"torch-setup install --answers {written} --yes" in text  # unattended: without --yes it asks
    assert ("Dry run finished: nothing was installed, and nothing on this machine was changed but the answers "
            "file named below.") in text and f"Answers file: {written}" in text


async def test_a_dry_run_that_gets_through_offers_the_real_install(make_wizard, in_tmp):
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        assert app.state.run_result is not None and app.state.run_result.ok
        states = [str(w.render()) for w in app.screen.query("#steps-list .run-step-state")]
        assert states and all(state == "not run (dry run)" for state in states), states
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
        # after the run, Back can never work here: hidden, not greyed (which reads as "wait")
        assert app.screen.check_action("back", ()) is False
        assert not app.screen.query_one("#nav-back").display
        await pilot.press("b")
        assert app.current_name == "done"
    assert "would stop" not in text and "would fail" not in text
    assert "To install for real, unattended:" in text
    assert f"torch-setup install --answers {app.state.answers_written} --yes" in text


async def test_a_recorded_machines_dry_run_offers_the_install_on_that_machine(make_wizard, in_tmp):
    """Found in use: a recorded RTX 4090's dry run ended with `install --answers F --yes` and `plan --answers F`
    as if for this machine, where they plan (and install, unasked) a build for the GPU-less machine here."""
    app = make_wizard("rtx4090-550")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
    written = app.state.answers_written
    hardware = app.state.hardware_path
    assert written is not None and hardware
    assert f"On the recorded machine, to install unattended: torch-setup install --answers {written} --yes" in text
    assert f"torch-setup plan --answers {written} --hardware {hardware}" in text
    assert "To install for real" not in text


def _no_folder(root):
    return root / "no-such-wheels", "there is no wheelhouse folder at {folder}"


def _gathered_by_hand(root):
    # found in use: /opt/wheels (wheels, no manifest) passed Review, and its install would have stopped at
    # the check after making the environment
    folder = root / "wheels"
    folder.mkdir()
    (folder / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"not a real wheel")
    return folder, "{folder} was not made by a wheelhouse build: it has no manifest.json"


@pytest.mark.parametrize("make_folder", [_no_folder, _gathered_by_hand])
async def test_on_this_machine_review_names_a_wheelhouse_that_cannot_be_installed(make_wizard, in_tmp, make_folder):
    """Detected here, the folder can be looked at: Review refuses it, as `plan` does, naming the field."""
    folder, expected = make_folder(in_tmp)
    answers = parse_answers(f"version: 1\nmethod: wheel\nwheelhouse: {folder}\n"
                            "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\nverify: false\n", "a.yaml")
    app = make_wizard(None, dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await pilot.press("n")  # said at the field first, and the screen stays
        await settle(pilot)
        assert app.current_name == "combination"
        assert expected.format(folder=folder) in widget_text(app.screen.query_one("#wheelhouse-problem"))
        app.go("review")  # where the Welcome screen's jump takes an answers file: Review refuses it too
        await settle(pilot, rounds=8)
        text = " ".join(screen_text(app).split())
        assert app.state.plan is None
        assert expected.format(folder=folder) in text
        assert "Combination screen, Wheelhouse" in text
        await pilot.press("n")
        assert app.current_name == "review"  # nothing to install from: Next stays shut


async def _until_run_ends(pilot) -> None:
    """On to Install, and wait there for the dry run to end."""
    await press_until(pilot, "n", "install")
    for _ in range(40):
        if pilot.app.state.run_result is not None:
            return
        await pilot.pause(0.25)


async def test_a_recorded_machine_of_another_system_has_no_package_step_failing_here(make_wizard):
    """Found in use: the Ubuntu 24.04 machine with no driver, walked here (Debian 12): its ubuntu-drivers step
    "would fail" (apt here has no ubuntu-drivers-common), Done said "once that is fixed", exit 1. Its package
    steps are not simulated on another system, and the outcome says why."""
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _until_run_ends(pilot)
        assert app.state.run_result is not None and app.state.run_result.ok, app.state.run_result
        outcome = " ".join(widget_text(app.screen.query_one("#outcome")).split())
        assert "The package steps were not simulated: the recorded machine runs ubuntu 24.04," in outcome, outcome


async def test_a_plan_without_package_steps_says_nothing_of_them(make_wizard):
    """Rocky's plan is a venv and pip alone: nothing was left unsimulated, nothing is said of it."""
    app = make_wizard("rocky94-2x3060-560", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _until_run_ends(pilot)
        outcome = " ".join(widget_text(app.screen.query_one("#outcome")).split())
        assert outcome.startswith("Dry run finished") and "not simulated" not in outcome, outcome


async def test_sentences_are_joined_as_chinese_joins_them(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await _until_run_ends(pilot)
        outcome = widget_text(app.screen.query_one("#outcome"))
        assert "。软件包步骤未做模拟" in outcome.replace("\n", ""), outcome
        assert "。 " not in outcome
