"""Text fields as a keyboard user meets them. Found in use (tmux, 80x24): Tab into the Folder field
selected all of it, and one habitual `n` replaced the whole path with "n"; meanwhile the footer showed only
Quit and Help, not the Esc that leaves the field. And a wrong Wheelhouse kept Next looking ready while `n`
did nothing, the bar still reading "1 choice, 0 refused"."""

from __future__ import annotations

from textual.widgets import Footer, Input
from tui_support import press_until, settle


async def test_tab_into_a_field_keeps_its_text_and_a_letter_is_added(make_wizard):
    app = make_wizard("rocky94-2x3060-560", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        folder = app.screen.query_one("#target-path", Input)
        before = folder.value
        assert before
        folder.focus()
        await settle(pilot)
        assert folder.selection.is_empty and folder.cursor_position == len(before)
        await pilot.press("n")
        assert folder.value == before + "n"  # a letter added at the end, the folder kept


async def test_the_footer_says_esc_leaves_the_field(make_wizard):
    app = make_wizard("rocky94-2x3060-560", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-path", Input).focus()
        await settle(pilot)
        shown = {b.binding.key: b.binding.description for b in app.screen.active_bindings.values()
                 if b.binding.show}
        assert shown.get("escape") == "Leave field", shown
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.focused, Input) and app.current_name == "combination"
        assert app.screen.query_one(Footer) is not None


async def test_a_wrong_wheelhouse_is_said_in_the_bar_and_put_right(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#method-wheel").value = True
        await settle(pilot)
        field = app.screen.query_one("#wheelhouse", Input)
        field.value = "C:\\wheels"  # a Windows path: wrong on any machine, recorded ones too
        await settle(pilot)
        hint = app.screen.query_one("#nav-hint")
        # said as the field is filled in, before any n, and Next dimmed (found in use: only after n)
        assert "the Wheelhouse field is wrong" in str(hint.render())
        assert app.screen.query_one("#nav-next").disabled
        app.screen.query_one("#choices").focus()
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"

        field.value = ""  # empty again: waiting to be filled, not wrong
        await settle(pilot)
        assert "refused (r)" in str(hint.render())
        assert not app.screen.query_one("#nav-next").disabled
