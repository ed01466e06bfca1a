"""Enter on a set of options keeps the option that is on: the highlight starts there. Found in use:
`torch-setup --dry-run` on a real machine, Enter pressed on the Welcome screen's Mode (to go on) switched
to Install, as Textual's highlight starts on the first option; four `n` later Review offered Install."""

from __future__ import annotations

from tui_support import press_until, settle


async def test_enter_on_the_welcome_mode_keeps_the_dry_run(make_wizard):
    app = make_wizard("rtx4090-550", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        mode = app.screen.query_one("#mode")
        assert app.focused is mode
        assert mode._selected == mode.pressed_index == 1  # the highlight is on "Dry run", which is on
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.dry_run is True
        assert mode.pressed_button.id == "mode-dry"


async def test_every_option_set_starts_on_its_option(make_wizard):
    """The Combination screen's sets too (method, target, bench): an option further down that is on is
    where the highlight starts."""
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        bench = app.screen.query_one("#bench")
        bench.query_one("#bench-quick").value = True
        await settle(pilot)
        await pilot.press("b")
        await press_until(pilot, "n", "combination")
        for radio_set in app.screen.query("RadioSet"):
            if radio_set.pressed_index >= 0:
                assert radio_set._selected == radio_set.pressed_index, radio_set.id
        assert app.screen.query_one("#bench")._selected == 1
