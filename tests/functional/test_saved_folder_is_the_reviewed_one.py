"""The answers file the wizard saves holds the environment folder Review showed. Found in use: Review said
/home/t3/.venv-torch, the file said `.venv-torch`, and `install --answers` run from another folder installed
there. `~` and `$HOME/...` stay as written: they do not depend on the working folder."""

from __future__ import annotations

from installer.answers import load_answers
from installer.tui.engine import Engine, anchored


def test_a_relative_folder_is_saved_as_the_absolute_one(in_tmp):
    engine = Engine()
    answers = engine.answers_from_data({"version": 1, "target": {"path": "envs/torch"}})
    assert answers.target.path == str(in_tmp / "envs" / "torch")
    path = in_tmp / "saved.yaml"
    path.write_text(engine.dump_answers(answers))
    assert load_answers(str(path)).target.path == str(in_tmp / "envs" / "torch")


def test_home_and_variables_stay_as_written(in_tmp):
    engine = Engine()
    answers = engine.answers_from_data({"version": 1, "target": {"path": "~/envs/torch"}, "method": "wheel",
                                        "wheelhouse": "$HOME/wheels"})
    assert (answers.target.path, answers.wheelhouse) == ("~/envs/torch", "$HOME/wheels")


def test_a_relative_wheelhouse_too(in_tmp):
    answers = Engine().answers_from_data({"version": 1, "method": "wheel", "wheelhouse": "usb/wh"})
    assert answers.wheelhouse == str(in_tmp / "usb" / "wh")


def test_a_file_with_the_relative_folder_still_holds_these_answers(in_tmp):
    """The --answers file the wizard started from (cpu-venv.yaml: `.venv-torch`) is reused, not copied: it
    names the same folder from here."""
    (in_tmp / "cpu.yaml").write_text("version: 1\ntarget:\n  path: .venv-torch\n")
    engine = Engine()
    answers = engine.answers_from_data({"version": 1, "target": {"path": ".venv-torch"}})
    assert engine.holds_answers(in_tmp / "cpu.yaml", answers)
    assert anchored(answers) == answers


def test_a_folder_in_the_home_folder_is_saved_from_it(in_tmp, monkeypatch):
    """Found in use: the wizard run in ~/w33 saved `path: /home/u29/w33/.venv-torch`, which no other account
    of the lab can write; from `~` it is the same folder here and each user's own elsewhere."""
    from installer.paths import absolute

    monkeypatch.setenv("HOME", str(in_tmp.parent))
    engine = Engine()
    answers = engine.answers_from_data({"version": 1, "target": {"path": ".venv-torch"}, "method": "wheel",
                                        "wheelhouse": "../wh"})
    assert (answers.target.path, answers.wheelhouse) == (f"~/{in_tmp.name}/.venv-torch", "~/wh")
    path = in_tmp / "saved.yaml"
    path.write_text(engine.dump_answers(answers))
    assert engine.holds_answers(path, answers)
    # it names the folder Review showed, from anywhere
    assert absolute(load_answers(str(path)).target.path or "", "/") == str(in_tmp / ".venv-torch")
    # and another user's home, for that user
    monkeypatch.setenv("HOME", "/home/someone")
    assert absolute(load_answers(str(path)).target.path or "", "/") == f"/home/someone/{in_tmp.name}/.venv-torch"


def test_outside_the_home_folder_or_with_home_at_the_root_it_stays_absolute(in_tmp, monkeypatch):
    monkeypatch.setenv("HOME", "/")
    assert Engine().answers_from_data({"version": 1, "target": {"path": "env"}}).target.path == str(in_tmp / "env")
    monkeypatch.setenv("HOME", str(in_tmp / "elsewhere"))
    assert Engine().answers_from_data({"version": 1, "target": {"path": "env"}}).target.path == str(in_tmp / "env")
