"""The Combination screen's driver tick follows the build that is chosen. Found in use: after Review and
back, choosing the CPU build left "install the NVIDIA driver (root, then a reboot)" ticked, and the plan
still blacklisted nouveau, installed driver 580 and asked for a reboot for a build that needs no driver."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList
from tui_support import press_until, settle


async def _choose(pilot, variant: str) -> None:
    app = pilot.app
    choices = app.state.recommendation["choices"]
    index = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    options = app.screen.query_one("#choices", OptionList)
    options.focus()
    options.highlighted = index
    await pilot.press("enter")  # the arrows (the highlight) only move through the list: Enter chooses
    await settle(pilot)


async def test_the_driver_tick_follows_the_chosen_build(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        driver = app.screen.query_one("#driver", Checkbox)
        first = app.state.recommendation["choices"][app.state.choice_index]
        assert first["variant"].startswith("cu") and driver.display and driver.value
        await press_until(pilot, "n", "review")
        assert app.state.draft["driver"]["install"] is True
        await press_until(pilot, "b", "combination")
        driver = app.screen.query_one("#driver", Checkbox)

        await _choose(pilot, "cpu")
        assert driver.display and not driver.value  # shown (the answers had it), no longer ticked
        await press_until(pilot, "n", "review")
        assert app.state.draft["driver"].get("install") is not True
        assert app.state.plan is not None and not app.state.plan.needs_reboot
        assert not any(step.root for step in app.state.plan.steps)

        await press_until(pilot, "b", "combination")
        await _choose(pilot, first["variant"])
        assert app.screen.query_one("#driver", Checkbox).value  # a build that needs the driver ticks it again
