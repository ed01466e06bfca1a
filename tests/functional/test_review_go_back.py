"""Review names the screen and field to go back to for a plan error about an answer: the answers key is
what the error says (the saved file has it), the field is what the person at Review can change."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle

from installer.i18n import set_language
from installer.tui.screens.review import ANSWER_FIELDS, go_back_text


async def test_every_field_review_names_is_on_its_screen(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(110, 60)) as pilot:
        for screen in ("mirrors", "combination"):
            await press_until(pilot, "n", screen, limit=40)
            await settle(pilot)
            shown = {line.strip() for line in screen_text(app).splitlines()}
            for key, where, label in ANSWER_FIELDS:
                if where == screen:
                    assert label in shown, f"{key}: no {label!r} on the {screen} screen"


def test_the_most_specific_key_wins_and_an_unknown_one_keeps_the_plain_advice():
    assert go_back_text("target.python") == ("Go back (b) and change the answer named above "
                                             "(Combination screen, Python).")
    assert go_back_text("target.kind").endswith("(Combination screen, Target environment).")
    assert go_back_text("mirror.pytorch").endswith("(Mirrors screen, PyTorch wheels).")
    assert go_back_text("driver.branch").endswith("(Combination screen, Also install).")
    assert go_back_text("version") == "Go back (b) and change the answer named above."


def test_it_is_said_in_the_wizards_language():
    set_language("zh")
    try:
        assert go_back_text("target.python") == "返回（b）并修改上面指出的答案（组合页面，Python）。"
    finally:
        set_language("en")
