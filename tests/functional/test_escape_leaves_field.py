"""Esc in a text field leaves the field, where n and b are letters, so that the footer's keys work again;
elsewhere it is Back, as before. Found in use (tmux, 100x34): Esc pressed to get out of the Folder field
took the wizard back to the Mirrors screen. (Leaving the Python field with Esc works out the builds for it:
test_extras_decide_builds.)"""

from __future__ import annotations

from textual.widgets import Input
from tui_support import press_until, screen_text, settle


async def test_esc_leaves_the_field_and_n_then_goes_on(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        folder = app.screen.query_one("#target-path", Input)
        folder.focus()
        folder.value = ""
        await pilot.press(*"my-env")
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_name == "combination" and not isinstance(app.focused, Input)
        assert folder.value == "my-env"
        await pilot.press("n")
        await settle(pilot, rounds=6)
        assert app.current_name == "review"  # not an "n" typed into the field
        assert app.state.draft["target"]["path"] == "my-env"
        await pilot.press("escape")  # outside a field: Back
        await settle(pilot)
        assert app.current_name == "combination"


async def test_help_says_what_esc_does_where_there_are_fields(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await pilot.press("f1")
        await pilot.pause(0.1)
        assert "Esc leave a text field; elsewhere Back" in " ".join(screen_text(app).split())
        await pilot.press("escape")
        await press_until(pilot, "b", "hardware")
        await pilot.press("f1")
        await pilot.pause(0.1)
        text = " ".join(screen_text(app).split())
        assert "Esc Back" in text and "leave a text field" not in text


async def test_help_on_the_first_screen_offers_no_back(make_wizard):
    # found in use (zh, tmux): the Welcome screen's help listed "esc Back", where there is nothing to go back to
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "HelpScreen"
        text = " ".join(screen_text(app).split())
        assert "n Next" in text and "Back" not in text and "esc" not in text.lower().replace("press esc to close", "")


async def test_answers_that_cannot_be_saved_say_the_key_not_an_inner_file_name(make_wizard):
    # found in use: a wrong Folder field, then a (save answers): "<wizard>:4: target.path: …", a file and
    # line nobody can open
    from textual.widgets import Input

    app = make_wizard(dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        shown: list[str] = []
        app.screen.notify = lambda message, **kw: shown.append(str(message))  # type: ignore[method-assign]
        app.screen.query_one("#target-path", Input).value = "$NO_SUCH_VARIABLE_HERE/env"
        await settle(pilot)
        app.screen.action_save_answers()
        await settle(pilot)
        assert len(shown) == 1 and "<wizard>" not in shown[0], shown
        first, hint = shown[0].split("\n")
        assert first.startswith("target.path: ") and "NO_SUCH_VARIABLE_HERE" in first
        assert hint.startswith("→ ")
