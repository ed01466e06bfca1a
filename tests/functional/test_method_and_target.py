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


async def test_the_default_folder_follows_the_kind_of_environment(make_wizard):
    # found in use (zh, tmux): conda chosen, the Folder field still offered .venv-torch for the conda env
    from textual.widgets import Input

    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        folder = app.screen.query_one("#target-path", Input)
        assert folder.value == ".venv-torch"
        app.screen.query_one("#method-conda").value = True
        await settle(pilot)
        assert folder.value == ".conda-torch"
        # the cursor at its end (found in use: before its "h", so Ctrl+U and typing made "envs/ch")
        folder.focus()
        await pilot.press("ctrl+u", *"envs/c")
        assert folder.value == "envs/c"
        folder.value = ".conda-torch"
        app.screen.set_focus(None)  # n and b are letters inside the field
        app.screen.query_one("#method-pip").value = True
        await settle(pilot)
        assert folder.value == ".venv-torch"
        folder.value = "~/envs/mine"  # typed by hand: kept whatever the kind
        app.screen.query_one("#target-conda").value = True
        await settle(pilot)
        assert folder.value == "~/envs/mine"
        await pilot.press("n")
        await settle(pilot, rounds=6)
        assert app.current_name == "review"
    assert app.state.draft["target"] == {**app.state.draft["target"], "kind": "conda", "path": "~/envs/mine"}
