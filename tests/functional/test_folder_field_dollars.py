"""The wizard's Folder field reads `$$` as a `$` of the folder's name, as an answers file does: it says the
folder in full with the `$` kept (it used to expand the field twice, which read `$$HOME` as the home folder),
and takes the answer without an "is not set" problem."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import press_until, settle, widget_text


async def test_a_doubled_dollar_is_said_as_one(make_wizard, in_tmp, monkeypatch):
    monkeypatch.delenv("TORCH_SETUP_UNSET_X", raising=False)
    app = make_wizard("rtx4090-550", dry_run=True, as_this_machine=True)  # a recorded machine's is said as typed
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot)
        where = app.screen.query_one("#path-where")
        field = app.screen.query_one("#target-path", Input)
        field.value = ".venv-$$HOME"
        await settle(pilot)
        assert widget_text(where) == f"The new environment is this folder itself: {in_tmp}/.venv-$HOME"
        field.value = ".venv-$$TORCH_SETUP_UNSET_X"
        await settle(pilot)
        assert where.display and not app.screen.query_one("#path-problem").display
        field.value = ".venv-$TORCH_SETUP_UNSET_X"
        await settle(pilot)
        assert not where.display
        assert "write $$ for a $ that is part of the name: .venv-$$TORCH_SETUP_UNSET_X" in " ".join(
            widget_text(app.screen.query_one("#path-problem")).split())
