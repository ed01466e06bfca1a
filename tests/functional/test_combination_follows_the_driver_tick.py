"""The Combination screen's words follow its driver tick (found by a tester: ticked, the warning still said "to move
to it, tick …"; unticked, "the driver install ticked … replaces it", the chosen build "after installing driver branch
R580", and Secure Boot and nouveau advice for a driver install no longer in the plan, while Review had no driver step).
"""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList
from tui_support import press_until, screen_text, settle, widget_text


async def _choose(pilot, variant: str) -> None:
    choices = pilot.app.state.recommendation["choices"]
    options = pilot.app.screen.query_one("#choices", OptionList)
    options.focus()
    options.highlighted = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    await pilot.press("enter")
    await settle(pilot)


async def _tick(pilot, value: bool) -> None:
    pilot.app.screen.query_one("#driver", Checkbox).value = value
    await settle(pilot)


def _chosen(app) -> str:
    """The chosen build's title and reasons, as the list shows them."""
    import io

    from rich.console import Console

    options = app.screen.query_one("#choices", OptionList)
    console = Console(width=300, file=io.StringIO())
    console.print(options.get_option_at_index(app.state.choice_index).prompt)
    return " ".join(console.file.getvalue().split())


def _warnings(app) -> str:
    return " ".join(widget_text(app.screen.query_one("#rec-warnings")).split())



async def test_a_loaded_driver_past_support_is_said_as_the_tick_is(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert app.state.recommendation["choices"][app.state.choice_index]["variant"] == "cu126"
        assert "to move to it, tick" in _warnings(app)
        await _tick(pilot, True)
        said = _warnings(app)
        assert "replaces it with R580" in said and "to move to it, tick" not in said

        await _choose(pilot, "cu132")
        assert app.screen.query_one("#driver", Checkbox).value
        await _tick(pilot, False)
        said = _warnings(app)
        assert "ticked under Also install (below) replaces it" not in said and "to move to it, tick" in said
        assert "the driver install under Also install (below) is not ticked" in _chosen(app)

        await press_until(pilot, "n", "review")
        text = " ".join(screen_text(app).split())
        assert "it needs a newer NVIDIA driver" in text  # 550 is loaded: not "it needs an NVIDIA driver"


async def test_no_driver_advice_once_the_driver_is_unticked(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert app.screen.query_one("#driver", Checkbox).value
        said = _warnings(app)
        assert "Secure Boot is on" in said and "nouveau driver is loaded" in said
        assert "CUDA 13.2 build, after installing driver branch R580" in _chosen(app)
        await _tick(pilot, False)
        said, text = _warnings(app), _chosen(app)
        assert "Secure Boot is on" not in said and "nouveau driver is loaded" not in said
        assert "after installing driver branch R580" not in text
        assert "the driver install under Also install (below) is not ticked" in text
        await _tick(pilot, True)
        assert "Secure Boot is on" in _warnings(app)


async def test_with_no_driver_loaded_the_way_out_is_the_cpu_build(make_wizard):
    app = make_wizard("k80-nodriver", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        said = _warnings(app)
        assert "or choose the CPU build" in said
        assert "a build the loaded driver runs" not in said
