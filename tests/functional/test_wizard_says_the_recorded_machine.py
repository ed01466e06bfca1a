"""The wizard for a recorded machine (--hardware) calls it the recorded machine, where it said "this machine":
the Hardware screen's "No known traps", the Combination screen's reasons, and the answers file it saves. Found
in use: the screens said the plan is for that machine, and the saved file that the CUDA build "was chosen for
this machine's GPU and driver". The same report standing in for this machine's detection says this machine."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle

from installer.answers import Answers


async def test_the_screens_and_the_saved_answers_name_the_recorded_machine(make_wizard, in_tmp):
    app = make_wizard("rtx4090-550", dry_run=True, answers=Answers.model_validate(
        {"version": 1, "torch": {"variant": "cu126"}}))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        shown = " ".join(screen_text(app).split())
        assert "this machine" not in shown, shown
        await press_until(pilot, "n", "install")
    text = (in_tmp / "torch-setup-answers.yaml").read_text(encoding="utf-8")
    assert "# torch.variant cu126 was chosen for the recorded machine's GPU and driver." in text, text
    assert "this machine" not in text


async def test_no_known_traps_on_the_recorded_machine(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "hardware")
        assert "No known traps on the recorded machine." in screen_text(app)


async def test_detected_here_it_is_this_machine(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "hardware")
        assert "No known traps on this machine." in screen_text(app)


async def test_welcome_of_a_recorded_machine_plans_for_it(make_wizard):
    """Found in use: under --hardware, Welcome said "Install PyTorch on this machine" and "Look at this machine"."""
    app = make_wizard("nodriver-rtx3060", lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    assert "Plan PyTorch for the recorded machine" in text
    assert "1. Look at the recorded machine: GPUs, driver, CUDA, system, Python." in text
    # the one line about this machine says that nothing is installed on it
    assert "Nothing is installed on this machine: the plan is for the recorded one" in text
    assert "this machine" not in text.replace("nothing on this machine", "").replace(
        "Nothing is installed on this machine", "")
