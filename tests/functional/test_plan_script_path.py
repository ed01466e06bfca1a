"""Review offers to save the plan's script at a whole path, as it does the answers file, and says where a
file went as a whole path whatever was typed. Found in use: "torch-setup-plan.sh" alone in the dialog,
where the answers file's dialog showed /home/.../torch-setup-answers.yaml."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import press_until, settle


async def _save_dialog(pilot, key: str) -> Input:
    await pilot.press(key)
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "SavePathScreen"
    return pilot.app.screen.query_one("#path", Input)


async def test_the_script_and_the_answers_are_offered_at_whole_paths(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        script = await _save_dialog(pilot, "s")
        assert script.value == str(in_tmp / "torch-setup-plan.sh")
        await pilot.press("escape")
        await settle(pilot)
        answers = await _save_dialog(pilot, "a")
        assert answers.value == str(in_tmp / "torch-setup-answers.yaml")
        await pilot.press("escape")
        await settle(pilot)

        # a path typed relative to where the wizard was started is said as the whole path
        field = await _save_dialog(pilot, "s")
        field.value = "plans/gpu-box.sh"
        await pilot.press("enter")
        await settle(pilot)
        told = [str(n.message) for n in app._notifications]
    written = in_tmp / "plans" / "gpu-box.sh"
    assert written.is_file() and written.read_text(encoding="utf-8").startswith("#!")
    assert f"Saved {written}" in told, told


async def test_done_names_the_script_saved_during_a_dry_run(make_wizard, in_tmp):
    """Found in use: Done said "nothing on this machine was changed but the answers file" after a script
    had been saved too."""
    from tui_support import screen_text

    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        await _save_dialog(pilot, "s")
        await pilot.press("enter")
        await settle(pilot)
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
    assert f"Also saved, as you asked: {in_tmp / 'torch-setup-plan.sh'}" in text, text


async def test_an_earlier_script_is_not_replaced_by_the_name_offered(make_wizard, in_tmp):
    """Found in use: a CPU plan's script, saved in one session, was silently replaced by a recorded A100's in
    the next, Enter on the name offered; the answers file got a new name, the script did not. This session's
    own script is still updated in place."""
    earlier = in_tmp / "torch-setup-plan.sh"
    earlier.write_text("#!/bin/bash\n# the CPU plan\n", encoding="utf-8")
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        script = await _save_dialog(pilot, "s")
        assert script.value == str(in_tmp / "torch-setup-plan-2.sh")
        await pilot.press("enter")
        await settle(pilot)
        again = await _save_dialog(pilot, "s")
        assert again.value == str(in_tmp / "torch-setup-plan-2.sh")  # its own, from a moment ago
        await pilot.press("escape")
        await settle(pilot)
    assert earlier.read_text(encoding="utf-8") == "#!/bin/bash\n# the CPU plan\n"
    assert (in_tmp / "torch-setup-plan-2.sh").read_text(encoding="utf-8").startswith("#!")
