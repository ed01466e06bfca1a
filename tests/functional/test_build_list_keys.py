"""The build list on the Combination screen is keyed as the radio buttons under it are: the arrow keys move
through it, Enter or space chooses. Found in use: the arrows changed the build chosen (the list has the
focus as the screen opens, so moving down to read the other builds chose them)."""

from __future__ import annotations

from tui_support import press_until, settle


def _chosen(app) -> tuple[str, str]:
    choice = app.state.recommendation["choices"][app.state.choice_index]
    return choice["torch"], choice["variant"]


def _bullets(app) -> list[str]:
    options = app.screen.query_one("#choices")
    return [str(options.get_option_at_index(i).prompt.renderables[0])[:1] for i in range(options.option_count)]


async def test_the_arrows_move_and_enter_or_space_chooses(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        options = app.screen.query_one("#choices")
        assert app.focused is options
        first = _chosen(app)
        assert len(app.state.recommendation["choices"]) >= 3

        await pilot.press("down", "down")
        await settle(pilot)
        assert options.highlighted == 2
        assert _chosen(app) == first, "moving through the list chose a build"
        assert _bullets(app)[0] == "●" and _bullets(app).count("●") == 1

        await pilot.press("enter")
        await settle(pilot)
        third = app.state.recommendation["choices"][2]
        assert _chosen(app) == (third["torch"], third["variant"])
        assert _bullets(app)[2] == "●" and _bullets(app).count("●") == 1

        await pilot.press("up", "space")
        await settle(pilot)
        second = app.state.recommendation["choices"][1]
        assert _chosen(app) == (second["torch"], second["variant"])

        await press_until(pilot, "n", "review")
        assert (app.state.draft["torch"]["version"], app.state.draft["torch"]["variant"]) == _chosen(app)
