"""The PyTorch index typed by hand on the Mirrors screen is judged for the build chosen on the Combination screen,
not only for the ranking's first (found in review: the typed row was probed for the first-ranked build only, so an
index that carries cu126 but not cpu still counted as serving the CPU build chosen after it, and no warning said
its install would fail)."""

from __future__ import annotations

from textual.widgets import OptionList, Static
from tui_support import mirror_servers, press_until, settle, type_pytorch_index, widget_text


def _warnings(app) -> str:
    return " ".join(widget_text(app.screen.query_one("#rec-warnings", Static)).split())


async def test_the_typed_index_follows_the_build_chosen(make_wizard):
    # torch for cu126 only: what the rtx4090-550 ranking puts first (2.14.1 cu126), and not its CPU build
    live = mirror_servers.torch_index(mirror_servers.Mirror("cu126-only"), variant="cu126",
                                      versions=("2.14.1", "2.15.0")).start()
    app = make_wizard("rtx4090-550", dry_run=True)
    try:
        async with app.run_test(size=(110, 50)) as pilot:
            await press_until(pilot, "n", "mirrors")
            await settle(pilot, rounds=4)
            await type_pytorch_index(pilot, f"{live.base}/whl")  # left: checked, then probed for the first-ranked build
            await settle(pilot, rounds=4)
            assert [(r["variant"], r["ok"]) for r in app.state.mirror_rows if r.get("typed")] == [("cu126", True)]

            await press_until(pilot, "n", "combination")
            await settle(pilot, rounds=6)
            assert app.screen.current_choice()["variant"] == "cu126"
            assert "typed by hand" not in _warnings(app)

            # the CPU build chosen: the typed index is probed again for it, and fails
            choices = app.state.recommendation["choices"]
            cpu = next(i for i, c in enumerate(choices) if c["variant"] == "cpu")
            options = app.screen.query_one("#choices", OptionList)
            options.focus()
            options.highlighted = cpu
            await pilot.press("enter")
            await settle(pilot, rounds=6)
            assert app.screen.current_choice()["variant"] == "cpu"
            typed = [r for r in app.state.mirror_rows if r.get("typed")]
            assert [(r["variant"], r["torch_version"], r["ok"]) for r in typed] == [("cpu", choices[cpu]["torch"],
                                                                                      False)]
            warnings = _warnings(app)
            assert f"typed by hand (Mirrors screen) does not serve torch {choices[cpu]['torch']}+cpu" in warnings, warnings
            # it answered, without the CPU wheels: not said to be an index that did not answer
            assert "no PyTorch index answered" not in warnings, warnings
            assert f"torch {choices[cpu]['torch']}+cpu is on no PyPI either" in warnings, warnings

            # and back to the cu126 build: served again, the warning goes
            options.highlighted = next(i for i, c in enumerate(choices) if c["variant"] == "cu126")
            await pilot.press("enter")
            await settle(pilot, rounds=6)
            assert [(r["variant"], r["ok"]) for r in app.state.mirror_rows if r.get("typed")] == [("cu126", True)]
            assert "no PyTorch index answered" not in _warnings(app)
    finally:
        live.stop()
