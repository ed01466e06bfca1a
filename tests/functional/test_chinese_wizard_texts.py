"""The wizard's own texts and Textual's in Chinese: the Review screen's step kinds and save errors, the
command palette's "No matches found", a dropdown's "Dismiss menu" key.

The palette's text comes from a private Textual method that installer.tui.translate.CommandPalette
overrides: when Textual renames it, the English comes back and the palette test fails.
"""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Select
from tui_support import press_until, screen_text, settle

from installer.i18n import set_language


def test_step_kinds_are_words_in_chinese_and_tool_names_stay():
    from installer.tui.screens.review import kind_tag

    try:
        set_language("zh")
        assert [kind_tag(k) for k in ("file", "command", "apt", "pip")] == ["（写文件）", "（命令）", "（apt）", "（pip）"]
    finally:
        set_language("en")
    assert [kind_tag(k) for k in ("file", "command", "runfile")] == [" (file)", " (command)", " (runfile)"]


async def test_review_shows_the_kind_in_chinese(make_wizard):
    app = make_wizard("cpu-only", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review")
        text = screen_text(app)
    assert "（pip）" in text and "(pip)" not in text, text


async def test_review_says_why_a_save_failed_in_chinese(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review")
        path = "/proc/没有/计划.sh"  # looks writable to a check, fails when written: a toast
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SavePathScreen"
        await pilot.press("ctrl+u", *list(path), "enter")
        await settle(pilot)
        assert app.current_name == "review"
        said = [str(n.message) for n in app._notifications]
        assert f"无法写入 {path}：文件夹不存在" in said, said
        # a folder is said before the write, in the dialog, which stays
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("ctrl+u", *list(str(in_tmp)), "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "SavePathScreen"
        assert str(app.screen.query_one("#path-problem").render()) == f"{in_tmp} 是文件夹：请在后面加上文件名"


async def test_the_command_palette_says_no_matches_in_chinese(make_wizard):
    assert hasattr(CommandPalette, "_start_no_matches_countdown"), "Textual renamed the method overridden"
    app = make_wizard(dry_run=True, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*list("xyz"))
        await pilot.pause(1.0)
        results = app.screen.query_one(CommandList)
        prompt = results.get_option("--no-matches").prompt
        assert getattr(prompt, "renderable", prompt).plain == "没有匹配项"


async def test_a_dropdown_menu_key_is_chinese_in_the_footer(make_wizard):
    app = make_wizard(dry_run=True, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#torch-version", Select).focus()
        await pilot.press("enter")  # opens the menu: its list has the focus
        await settle(pilot)
        assert isinstance(app.focused.parent, Select)
        shown = {b.key: b.description for (_node, b, _enabled, _tip) in app.screen.active_bindings.values() if b.show}
        assert shown.get("escape") == "关闭菜单", shown


async def test_the_install_outcome_says_the_log_with_a_chinese_colon(make_wizard, in_tmp):
    """Found in use: "日志: …" on the Install screen, "日志：…" on Done."""
    from dataclasses import replace

    from tui_support import widget_text

    app = make_wizard("cpu-only", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        for _ in range(40):
            if app.state.run_result is not None:
                break
            await pilot.pause(0.25)
        assert app.state.run_result is not None
        # a dry run keeps no log: the outcome of the same run as a real one that logged to install.log
        log = str(in_tmp / "install.log")
        app.screen.show_outcome(replace(app.state.run_result, log_path=log))
        await pilot.pause()
        outcome = widget_text(app.screen.query_one("#outcome")).replace("\n", "")
    assert f"日志：{log}" in outcome and "日志:" not in outcome, outcome
