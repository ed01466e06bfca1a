"""The wizard's Install refuses what `install --answers` refuses: a CUDA build that needs a driver, with the
driver left out. Found in use: unticking "install the NVIDIA driver" for a cu build on a machine with no
driver went on to install gigabytes that could not use the GPU, where the same answers file given to
`install` was refused before anything ran."""

from __future__ import annotations

from textual.widgets import Button, Checkbox, Static
from tui_support import press_until, settle, widget_text


async def _untick_driver(pilot) -> None:
    app = pilot.app
    await press_until(pilot, "n", "combination")
    driver = app.screen.query_one("#driver", Checkbox)
    assert driver.display and driver.value  # a cu build first: the driver is ticked for it
    driver.value = False
    await settle(pilot)
    await press_until(pilot, "n", "review")
    await settle(pilot)


async def test_install_is_refused_with_the_driver_left_out(make_wizard):
    app = make_wizard("nodriver-rtx3060", as_this_machine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _untick_driver(pilot)
        assert app.state.plan is not None and not app.state.dry_run
        refusal = app.screen.query_one("#refusal", Static)
        text = " ".join(widget_text(refusal).split())
        assert "cannot use" in text and "GPU" in text and "Also install" in text
        assert app.screen.query_one("#nav-next", Button).disabled
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "review"  # Install did not start
        assert app.state.run_result is None
        # the script can still be saved for later, as `plan` prints it
        assert app.screen.check_action("save_script", ()) is True

        await press_until(pilot, "b", "combination")
        app.screen.query_one("#driver", Checkbox).value = True
        await settle(pilot)
        await press_until(pilot, "n", "review")
        await settle(pilot)
        assert not app.screen.query("#refusal")
        assert not app.screen.query_one("#nav-next", Button).disabled


async def test_a_dry_run_shows_the_plan_without_the_refusal(make_wizard):
    app = make_wizard("nodriver-rtx3060", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _untick_driver(pilot)
        assert app.state.plan is not None
        assert not app.screen.query("#refusal")
        assert not app.screen.query_one("#nav-next", Button).disabled


async def test_a_recorded_dry_run_says_the_wizard_way_and_that_install_would_refuse(make_wizard):
    """Found in use (a recorded RTX 3060 with no driver, the driver unticked): Review told a wizard user with
    no answers file yet to "set driver.install: true in the answers", and Done then offered the recorded
    machine `install --answers F --yes`, which that machine refuses."""
    from tui_support import screen_text

    app = make_wizard("nodriver-rtx3060")
    async with app.run_test(size=(120, 40)) as pilot:
        await _untick_driver(pilot)
        notes = " ".join(" ".join(widget_text(w).split()) for w in app.screen.query(".note"))
        assert "tick the NVIDIA driver under Also install" in notes, notes
        assert "driver.install: true in the answers" not in notes
        assert app.state.install_refused and "cannot use" in app.state.install_refused
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
    assert "`torch-setup install` refuses these answers:" in text, text
    assert "tick the NVIDIA driver under Also install (Combination screen), or set driver.install: true" in text
    assert "On the recorded machine, once that is put right, to install unattended:" in text


async def test_a_recorded_dry_run_that_install_takes_has_no_refusal_on_done(make_wizard):
    from tui_support import screen_text

    app = make_wizard("nodriver-rtx3060")
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "done")
        text = " ".join(screen_text(app).split())
    assert app.state.install_refused is None
    assert "refuses these answers" not in text
    assert "On the recorded machine, to install unattended:" in text


async def test_a_recorded_machines_welcome_promises_no_install_here(make_wizard):
    from tui_support import screen_text

    app = make_wizard("nodriver-rtx3060")
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        steps = " ".join(widget_text(app.screen.query_one("#steps", Static)).split())
        shown = " ".join(screen_text(app).split())
    assert "Save the answers file (and the script) to install with on that machine." in steps
    assert "Install, with progress" not in steps and "works here" not in steps
    assert "until you confirm the plan" not in shown and "Nothing is installed on this machine" in shown
