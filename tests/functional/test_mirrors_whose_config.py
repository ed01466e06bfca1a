"""The Mirrors screen says whose mirror configuration it shows. Found in review: for a recorded machine it
said "No mirror is configured on this machine yet", of the recorded one, while this machine's own pip
configuration (which a plan for the recorded machine does not use) had a find-links folder."""

from __future__ import annotations

from tui_support import press_until, settle, widget_text


async def _existing(app) -> str:
    async with app.run_test(size=(110, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await settle(pilot)
        return " ".join(widget_text(app.screen.query_one("#existing")).split())


async def test_a_recorded_machine_is_named_as_such(make_wizard):
    # the recorded report of an H100 server names no pip configuration
    assert await _existing(make_wizard("h100x8-565", dry_run=True)) == "No mirror is configured on the recorded machine."
    here = await _existing(make_wizard("h100x8-565", as_this_machine=True, dry_run=True))
    assert here == "No mirror is configured on this machine yet."
