"""A path the save dialog cannot write is said in the dialog, which stays with what was typed. Found in
use: a folder typed as the answers file's path closed the dialog on an error toast, and the path typed
was gone, to be typed again from the start."""

from __future__ import annotations

import os

import pytest
from tui_support import press_until, settle

from installer.answers import load_answers
from installer.tui.screens.dialogs import save_path_problem


def test_a_folder_a_file_on_the_way_and_a_closed_folder_are_problems(tmp_path):
    assert "is a folder" in (save_path_problem(str(tmp_path)) or "")
    (tmp_path / "notes.txt").write_text("x")
    problem = save_path_problem(str(tmp_path / "notes.txt" / "a.yaml")) or ""
    assert "notes.txt is a file, not a folder" in problem
    assert save_path_problem(str(tmp_path / "new" / "deeper" / "a.yaml")) is None  # folders are made
    assert save_path_problem(str(tmp_path / "a.yaml")) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_not_ours_is_a_problem(tmp_path):
    shut = tmp_path / "shut"
    shut.mkdir()
    shut.chmod(0o500)
    try:
        assert "you may not write in" in (save_path_problem(str(shut / "a.yaml")) or "")
    finally:
        shut.chmod(0o700)


async def _save_as(pilot, path: str) -> None:
    """From Mirrors: `a`, the path typed over the one offered, Enter."""
    await press_until(pilot, "n", "mirrors")
    await pilot.press("a")
    await settle(pilot)
    await pilot.press("ctrl+u", *list(path), "enter")
    await settle(pilot)


async def test_the_dialog_stays_with_the_path_typed(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _save_as(pilot, str(in_tmp))
        assert type(app.screen).__name__ == "SavePathScreen"
        problem = app.screen.query_one("#path-problem")
        assert problem.display and "is a folder" in str(problem.render())
        assert app.screen.query_one("#path").value == str(in_tmp)  # kept, to be mended
        await pilot.press(*list("/mine.yaml"), "enter")
        await settle(pilot)
        assert app.current_name == "mirrors"
    assert load_answers(in_tmp / "mine.yaml").mirror.scope


async def test_a_file_of_ones_own_is_replaced_on_a_second_enter_only(make_wizard, in_tmp):
    """Found in use: a hand-commented answers file, typed as the path, was overwritten without a word."""
    mine = in_tmp / "cpu-venv.yaml"
    mine.write_text("# my notes\nversion: 1\n")
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _save_as(pilot, str(mine))
        assert type(app.screen).__name__ == "SavePathScreen"
        said = str(app.screen.query_one("#path-problem").render())
        assert said.startswith(f"{mine} exists: Enter again replaces it"), said
        assert mine.read_text() == "# my notes\nversion: 1\n"
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_name == "mirrors"
    assert "# my notes" not in mine.read_text() and load_answers(mine).version == 1
