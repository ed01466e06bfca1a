"""A wheelhouse typed for the offline method, then the method changed back to pip: the answers saved do
not name that folder (found in use: the saved file carried a wheelhouse that its method never reads),
while the field keeps the text for a change of mind."""

from __future__ import annotations

from textual.widgets import Input, RadioButton
from tui_support import press_until, settle

from installer.answers import load_answers


async def test_the_saved_answers_name_no_wheelhouse_for_pip(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#method-wheel", RadioButton).value = True
        await settle(pilot)
        app.screen.query_one("#wheelhouse", Input).value = str(in_tmp / "usb" / "torch-wheelhouse")
        await settle(pilot)
        app.screen.query_one("#method-pip", RadioButton).value = True
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+u", *list(str(in_tmp / "lab.yaml")), "enter")
        await settle(pilot)
        assert app.screen.query_one("#wheelhouse", Input).value == str(in_tmp / "usb" / "torch-wheelhouse")
    saved = load_answers(in_tmp / "lab.yaml")
    assert saved.method == "pip" and saved.wheelhouse is None
