"""Two answers a re-check tester wrote for their home and for a system folder.

`target.path: ~` was reported as "the value is empty": YAML reads a bare `~` as null, and the user meant
their home. `target.path: /usr` was answered "choose a new or empty folder, such as /usr/.venv-torch": a
folder a normal user cannot make, and one that would put an environment among the system's files.
"""

from __future__ import annotations

import os

import pytest
from helpers import as_nobody

from installer.answers import folder_problem, parse_answers
from installer.errors import InputError
from installer.yamlfile import parse_yaml

PREFIX = "choose a new or empty folder, such as "


def _error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_answers(text, "a.yaml")
    return info.value


def test_a_bare_tilde_path_is_said_to_be_yaml_null_with_the_home_folder_written_right():
    err = _error("version: 1\ntarget:\n  kind: venv\n  path: ~\n")
    assert (err.line, err.key) == (4, "target.path")
    assert err.message == "`~` alone is YAML's empty value (null)"
    assert err.hint == ("for the home folder write '~' in quotes, or better a folder inside it, such as "
                        "~/.venv-torch")
    # the suggestion is itself a good answer; quoted, `~` is the home folder (and no longer null)
    assert parse_answers("version: 1\ntarget:\n  path: ~/.venv-torch\n").target.path == "~/.venv-torch"
    assert parse_yaml("path: '~'\n").data == {"path": "~"}


def test_a_bare_tilde_elsewhere_is_null_without_talk_of_the_home_folder():
    err = _error("version: 1\ntorch:\n  version: ~\n")
    assert (err.line, err.key) == (3, "torch.version")
    assert err.message == "`~` alone is YAML's empty value (null)"
    assert err.hint == "write a value after the ':', or delete the line"
    # an empty value written as nothing is still said as before
    assert _error("version: 1\ntarget:\n  path:\n").message.startswith("the value is empty")



@pytest.mark.parametrize("system", ["/usr", "/etc", "/"])
def test_a_system_folder_gets_a_suggestion_in_the_home_folder(home, system):
    # as root (who may write there) and for a plan made for another machine (`writes` false) alike
    for writes in (True, False):
        problem = folder_problem(system, writes=writes, env="venv")
        assert problem is not None and problem[1] == f"{PREFIX}{home}/.venv-torch", (system, writes, problem)


def test_a_project_of_ones_own_still_gets_the_environment_inside_it(home):
    (home / "thesis").mkdir()
    (home / "thesis" / "notes.txt").write_text("")
    assert folder_problem("thesis", writes=False, env="venv")[1] == f"{PREFIX}{home}/thesis/.venv-torch"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_a_folder_the_user_cannot_write_gets_one_in_their_home_for_another_machine_too(shared_and_home):
    """`plan --answers F --hardware H` does not check writability (`writes` false), yet a suggestion inside
    root's shared folder could not be made by this user."""
    shared, home = shared_and_home
    (shared / "notes.txt").write_text("")

    def suggestion(path: str) -> str:
        problem = folder_problem(path, writes=False, env="venv")
        return problem[1] if problem else ""

    assert as_nobody(suggestion, str(shared), cwd=str(home), home=str(home)) == f"{PREFIX}{home}/.venv-torch"
    assert as_nobody(suggestion, "/usr", cwd=str(home), home=str(home)) == f"{PREFIX}{home}/.venv-torch"
