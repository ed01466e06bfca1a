"""The Combination screen's install method and target follow each other: only conda makes a conda
environment, and conda makes nothing else (the answers refuse a conda target with pip or the wheelhouse;
before, that plan had no step and the wizard went on to verify an environment nobody made)."""

from __future__ import annotations

from tui_support import press_until, settle


def _pressed(app, selector: str) -> str:
    return app.screen.pressed_id(selector, "")


async def test_conda_goes_with_a_conda_environment(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert (_pressed(app, "#method"), _pressed(app, "#target-kind")) == ("method-pip", "target-venv")
        for chosen, method, kind in (("#method-conda", "method-conda", "target-conda"),
                                     ("#method-wheel", "method-wheel", "target-venv"),
                                     ("#target-conda", "method-conda", "target-conda"),
                                     ("#target-venv", "method-pip", "target-venv"),
                                     ("#target-existing", "method-pip", "target-existing"),
                                     ("#method-conda", "method-conda", "target-existing")):  # a conda env's Python
            app.screen.query_one(chosen).value = True
            await settle(pilot)
            assert (_pressed(app, "#method"), _pressed(app, "#target-kind")) == (method, kind), chosen
        app.screen.query_one("#target-conda").value = True
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot, rounds=6)
        assert app.current_name == "review"
    assert (app.state.draft["method"], app.state.draft["target"]["kind"]) == ("conda", "conda")
