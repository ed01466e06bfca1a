"""Letters typed where no text field is must not start the install. Found in a trial: "new-env" typed on
Combination with the focus on a checkbox, not in the Folder field, went on to Review at its first n and
started the run at its second. Review now takes an n that comes right after letters it has no use for as
typing, says so, and waits for the next n."""

from __future__ import annotations

from textual.widgets import Checkbox
from tui_support import press_until, settle

from installer.tui.screens.typing_guard import TYPING_GAP_S


async def test_a_word_typed_outside_a_field_does_not_start_the_install(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query(Checkbox).first().focus()
        await settle(pilot)
        await pilot.press(*"new", "minus", *"env")
        await settle(pilot)
        assert app.current_name == "review", app.current_name
        assert app.state.run_result is None
        said = [n.message for n in app._notifications]
        assert any("as if typed for a text field: nothing was started" in m for m in said), said
        # a deliberate n, once the typing has stopped (the toast read), goes on
        await pilot.pause(TYPING_GAP_S + 0.1)
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "install"


async def test_n_alone_on_review_goes_on_at_once(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await press_until(pilot, "n", "review")
        await pilot.press("s", "escape")  # a key of the screen's own (Save script) is no typing
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "install"


async def test_a_word_typed_into_a_yes_no_question_does_not_answer_yes(make_wizard, in_tmp):
    # "city" typed during an install: its c opens the cancel question, its y would have answered it
    from installer.tui.screens.dialogs import ConfirmScreen

    app = make_wizard("cpu-only", dry_run=True)
    answers: list[bool | None] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmScreen("Cancel the install?"), answers.append)
        await settle(pilot)
        await pilot.press(*"ity")
        await settle(pilot)
        assert answers == [] and isinstance(app.screen, ConfirmScreen)
        said = [n.message for n in app._notifications]
        assert any("y came right after letters this question has no use for" in m for m in said), said
        await pilot.pause(TYPING_GAP_S + 0.1)
        await pilot.press("y")
        await settle(pilot)
        assert answers == [True]
        # n (the safe answer) is never held back
        app.push_screen(ConfirmScreen("Cancel the install?"), answers.append)
        await settle(pilot)
        await pilot.press(*"it", "n")
        await settle(pilot)
        assert answers == [True, False]
