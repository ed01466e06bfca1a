"""The footer names what `n` does on each screen, as the button beside it does: on Review it starts the
run, so it says "Install" (a dry run: "Dry run"), and the help's list of keys says the same.

Found in use (a student pressing n through the screens): the footer said "n Next" on Review, and the
install started at once.
"""

from __future__ import annotations

from tui_support import press_until, screen_text


def _n_label(app) -> str:
    (label,) = {b.description for (_node, b, enabled, _tip) in app.screen.active_bindings.values()
                if b.key == "n" and b.show and enabled}
    return label


async def test_review_says_dry_run_on_its_n_key_in_a_dry_run(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        assert _n_label(app) == "Next"
        await press_until(pilot, "n", "review")
        assert _n_label(app) == "Dry run"
        await pilot.press("f1")
        await pilot.pause()
        assert "Dry run" in screen_text(app)


async def test_review_says_install_in_chinese_when_it_installs(make_wizard):
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=False, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "review")
        assert _n_label(app) == "安装"
