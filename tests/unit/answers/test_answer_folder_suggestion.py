"""The folder suggested instead of one that holds other files is a new one, which passes the same checks.

Found in use: a non-empty `~/t/.venv-torch` (with notes.txt), and a link `.venv-torch -> /opt/wheels`, given
as target.path, were answered "choose a new or empty folder, such as /home/t2/s/.venv-torch/.venv-torch":
inside the folder refused (for the link, inside /opt/wheels). A project folder still gets the environment
inside it, as projects keep theirs; anything else gets a new folder beside it. Real folders and links.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import as_nobody

from installer.answers import folder_problem, parse_answers
from installer.errors import InputError

PREFIX = "choose a new or empty folder, such as "


def _suggested(path: str, env: str = "venv") -> str:
    problem = folder_problem(path, writes=True, env=env)
    assert problem is not None and problem[1].startswith(PREFIX), problem
    suggestion = problem[1].removeprefix(PREFIX)
    # the suggestion itself passes the checks it was suggested by
    assert folder_problem(suggestion, writes=True, env=env) is None, suggestion
    return suggestion



def test_a_full_environment_folder_gets_a_new_one_beside_it(home):
    env = home / "t" / ".venv-torch"
    env.mkdir(parents=True)
    (env / "notes.txt").write_text("mine\n")
    assert _suggested(str(env)) == f"{home}/t/.venv-torch-2"
    (home / "t" / ".venv-torch-2").mkdir()  # empty, but another run's to fill: not suggested
    assert _suggested(str(env)) == f"{home}/t/.venv-torch-3"
    assert _suggested(str(env), "conda") == f"{home}/t/.venv-torch-3"  # a hidden folder is no project


def test_a_link_to_a_folder_of_files_gets_a_new_folder_beside_the_link(home, tmp_path):
    wheels = tmp_path / "opt" / "wheels"
    wheels.mkdir(parents=True)
    (wheels / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_text("")
    (home / "s").mkdir()
    (home / "s" / ".venv-torch").symlink_to(wheels)
    assert _suggested(str(home / "s" / ".venv-torch")) == f"{home}/s/.venv-torch-2"
    # a link with a project's name is not a project either: its inside is another folder altogether
    (home / "s" / "proj").symlink_to(wheels)
    assert _suggested(str(home / "s" / "proj")) == f"{home}/s/proj-2"
    assert not (wheels / ".venv-torch").exists()


def test_a_project_folder_gets_the_environment_inside_it(home):
    proj = home / "thesis"
    proj.mkdir()
    (proj / "notes.txt").write_text("mine\n")
    assert _suggested("thesis") == f"{proj}/.venv-torch"
    assert _suggested("thesis", "conda") == f"{proj}/torch-env"
    (proj / ".venv-torch").mkdir()
    (proj / ".venv-torch" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert _suggested("thesis") == f"{proj}/.venv-torch"  # the project's own environment: filled again
    (proj / ".venv-torch" / "pyvenv.cfg").unlink()
    (proj / ".venv-torch" / "data.csv").write_text("")
    assert _suggested("thesis") == f"{proj}/.venv-torch-2"


def test_the_answers_file_says_the_same(home):
    (home / ".venv-torch").mkdir()
    (home / ".venv-torch" / "notes.txt").write_text("")
    with pytest.raises(InputError) as info:
        parse_answers("version: 1\ntarget:\n  path: .venv-torch\n", "a.yaml")
    assert (info.value.line, info.value.key) == (3, "target.path")
    assert info.value.hint == f"{PREFIX}{home}/.venv-torch-2"


def test_a_dollar_in_the_name_is_suggested_as_the_answers_file_writes_it(home):
    env = home / "it's $x" / ".venv-torch"
    env.mkdir(parents=True)
    (env / "notes.txt").write_text("")
    assert _suggested(str(home) + "/it's $$x/.venv-torch") == f"{home}/it's $$x/.venv-torch-2"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_a_folder_the_user_cannot_write_beside_gets_one_in_their_home(shared_and_home):
    """A full folder in root's shared folder: a new one beside it could not be made by this user, so the
    suggestion is in their home."""
    shared, home = shared_and_home
    (shared / ".venv-torch").mkdir()
    (shared / ".venv-torch" / "notes.txt").write_text("")

    def both(path: str) -> list[object]:
        problem = folder_problem(path, writes=True, env="venv")
        suggestion = problem[1].removeprefix(PREFIX) if problem else ""
        return [problem, folder_problem(suggestion, writes=True, env="venv")]

    problem, again = as_nobody(both, str(shared / ".venv-torch"), cwd=str(home), home=str(home))
    assert problem[1] == f"{PREFIX}{home}/.venv-torch" and again is None


def test_no_suggestion_when_none_passes(home, monkeypatch):
    env = home / ".venv-torch"
    env.mkdir()
    (env / "notes.txt").write_text("")
    for n in range(2, 10):  # every name beside it and in the home folder taken by other files
        (home / f".venv-torch-{n}").mkdir()
        (home / f".venv-torch-{n}" / "x").write_text("")
    problem = folder_problem(str(env), writes=True, env="venv")
    assert problem is not None and problem[1] == "choose a new or empty folder"
    shutil.rmtree(home / ".venv-torch-5")
    assert folder_problem(str(env), writes=True, env="venv")[1] == f"{PREFIX}{home}/.venv-torch-5"
