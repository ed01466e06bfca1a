"""The answers file can be saved from every screen that decides something: `a`, and "Save the answers
file" in the command palette. Found in use: the help promised "Ctrl+P command palette: jump to a
screen, save, quit", but "save" in the palette on the Mirrors screen matched nothing; only Review saved."""

from __future__ import annotations

from tui_support import footer_drawn, press_until, settle

from installer.answers import load_answers


async def _palette(pilot, search: str) -> list[str]:
    """The palette's matches for `search`, left open."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*list(search))
    await pilot.pause(0.5)
    found = pilot.app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


async def test_the_palette_saves_the_answers_from_the_mirrors_screen(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        matches = await _palette(pilot, "save")
        assert any("Save the answers file" in m for m in matches), matches
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SavePathScreen"
        await pilot.press("enter")  # the path offered: a new file in the working folder
        await settle(pilot)
        assert app.current_name == "mirrors"
        written = in_tmp / "torch-setup-answers.yaml"
        assert app.state.answers_written == written.resolve()
        assert load_answers(written).mirror.scope == app.state.draft["mirror"]["scope"]
        # Review's leaving for Install updates that file: no second one
        await press_until(pilot, "n", "install")
    assert sorted(p.name for p in in_tmp.glob("torch-setup-answers*.yaml")) == ["torch-setup-answers.yaml"]


async def test_no_save_before_anything_is_decided(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "hardware")
        matches = await _palette(pilot, "save")
        assert not any("Save the answers file" in m for m in matches), matches
        assert "a" not in footer_drawn(app)


async def test_the_key_is_in_the_footer_or_the_help(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "combination")
        # no room in the footer at 80 columns: the help names it
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one("Static").render())
        assert "Save answers" in help_text
        await pilot.press("escape")
        await press_until(pilot, "n", "review")
        assert footer_drawn(app).get("a") == "Save answers"
        await press_until(pilot, "n", "done")
        assert footer_drawn(app).get("a") == "Save answers"
        run_file = app.state.answers_written
        # after the run, a copy: the run's own file stays the one Done names (and resume uses)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+u", *list("copies/mine.yaml"), "enter")
        await settle(pilot)
        assert app.current_name == "done"
    copy = in_tmp / "copies" / "mine.yaml"
    # the same answers; the comment's replay command names each file itself
    assert load_answers(copy) == load_answers(run_file) and f"--answers {copy}\n" in copy.read_text()
    assert app.state.answers_written == run_file
