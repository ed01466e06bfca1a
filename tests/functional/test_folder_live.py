"""The Combination screen's Folder field is checked as it is typed, by the rules the answers file's
target.path follows (a file in the way, ~user with no such user): the problem shows under the field,
and Next stays on the screen until it is fixed, rather than Review refusing the plan later."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_support import hidden_rows, press_until, screen_text, settle, widget_text


async def _type_path(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#target-path", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.press("enter", "enter")  # finishes the field and the Python one after it (n is a letter there)
    await settle(pilot, rounds=1)
    assert not isinstance(pilot.app.screen.focused, Input)


def _problem(app) -> str | None:
    box = app.screen.query_one("#path-problem")
    return " ".join(widget_text(box).split()) if box.display else None


async def test_a_folder_that_cannot_be_made_is_shown_and_keeps_the_screen(make_wizard, in_tmp, monkeypatch):
    (in_tmp / "notes.txt").write_text("a file where a folder would go\n")
    app = make_wizard("cpu-only", dry_run=True)
    rang: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rang.append(1))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert _problem(app) is None  # the default folder is fine

        await _type_path(pilot, "notes.txt/env")
        assert _problem(app) == (f"{in_tmp}/notes.txt is a file, so the folder {in_tmp}/notes.txt/env cannot be "
                                 f"made in it → choose another path, or move {in_tmp}/notes.txt aside")
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination" and rang == [1]
        assert "notes.txt is a file" in screen_text(app)

        await _type_path(pilot, "~nosuchuser-ts/env")
        assert (_problem(app) or "").startswith("no user 'nosuchuser-ts' for ~nosuchuser-ts")

        (in_tmp / "proj").mkdir()
        (in_tmp / "proj" / "notes.txt").write_text("a project's own file\n")
        await _type_path(pilot, "proj")
        assert _problem(app) == (f"{in_tmp}/proj already holds other files (notes.txt) and is not a Python "
                                 "environment: an environment made there would be mixed in with them → choose a "
                                 f"new or empty folder, such as {in_tmp}/proj/.venv-torch")

        await _type_path(pilot, "envs/torch")
        assert _problem(app) is None
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "review" and rang == [1]
    assert app.state.draft["target"]["path"] == "envs/torch"


async def test_an_existing_interpreter_leaves_the_hidden_folder_out(make_wizard, in_tmp):
    """The Folder field is hidden for "an existing Python interpreter": a path left in it is not the target's,
    and must not be refused (or used) at Review."""
    (in_tmp / "notes.txt").write_text("a file where a folder would go\n")
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await _type_path(pilot, "notes.txt/env")
        assert _problem(app) is not None
        app.screen.query_one("#target-existing").value = True
        await settle(pilot)
        assert _problem(app) is None  # hidden with its field
        app.screen.query_one("#target-python").value = sys.executable  # an existing interpreter needs its path
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot, rounds=4)
        assert app.current_name == "review", screen_text(app)
        assert "notes.txt" not in screen_text(app)
    assert app.state.draft["target"]["kind"] == "existing" and "path" not in app.state.draft["target"]


async def test_a_folder_emptied_is_the_default_folder(make_wizard, in_tmp):
    """Found in use (t11): `~` typed (refused: a home of other files), then the field emptied; the field said
    nothing (empty is the default folder), and Review refused the plan for the home folder, still in the answers."""
    app = make_wizard("cpu-only", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await _type_path(pilot, "~")
        assert (_problem(app) or "").startswith(f"{Path.home()} already holds other files"), _problem(app)
        field = app.screen.query_one("#target-path", Input)
        field.value = ""
        await settle(pilot, rounds=1)
        assert _problem(app) is None
        await press_until(pilot, "n", "review")
        await settle(pilot)
        target = dict(app.state.plan.summary)["target"] if app.state.plan else None
    assert "path" not in app.state.section("target")
    assert target == str(in_tmp / ".venv-torch"), target


@pytest.mark.parametrize("rows", [24, 26, 28, 30])
async def test_what_the_folder_field_says_is_scrolled_into_view_as_it_is_typed(make_wizard, in_tmp, rows):
    """Found in use: with the Folder field on the terminal's last row, the problem that typing showed under it (and
    what to do about it) was below the screen. At these heights the field lands on or near the last row when Tab
    reaches it from the list of builds (26 and 28 hid 2 rows and 1 before the change)."""
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, rows)) as pilot:
        await press_until(pilot, "n", "combination")
        await pilot.press("tab", "tab", "tab")  # from the list of builds, as a person goes: the Folder field
        field = app.screen.query_one("#target-path", Input)
        assert app.screen.focused is field
        field.value = ""
        await pilot.press(*"~nosuchuser-ts/env")
        await settle(pilot)
        assert _problem(app) is not None and app.screen.focused is field
        assert hidden_rows(app, "#path-problem") == 0 and hidden_rows(app, "#target-path") == 0

        field.value = ""  # cleared, then a good folder: where it goes takes the problem's place
        await pilot.press(*"envs/torch")
        await settle(pilot)
        assert _problem(app) is None and app.screen.query_one("#path-where").display
        assert hidden_rows(app, "#path-where") == 0 and hidden_rows(app, "#target-path") == 0
