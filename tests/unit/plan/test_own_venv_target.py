"""torch-setup's own venv is no target: `answers check`, `plan` and `install` refuse it with exit 2, naming the
answers file, line and key (target.path; target.python for an existing interpreter), before anything runs.

Found by a newcomer: `answers check` said ok for `target: {kind: venv, path: ~/ts-venv}`, the venv torch-setup
runs from, where an install would have changed torch-setup's own packages. Only a virtual environment is
torch-setup's own: a system or conda base Python it runs on is the person's, and may be a target.
"""

from __future__ import annotations

import os
import sys

import pytest

from installer.paths import own_venv
from installer.plan.own_environment import own_environment_refusal

ANSWERS = "version: 1\n{target}\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\nmirror:\n  pytorch: none\n"


def _own() -> str:
    names = own_venv()
    if not names:
        pytest.skip("the tests run on no virtual environment: torch-setup has none of its own here")
    return names[0]


@pytest.mark.parametrize(("target", "line", "key"), [
    ("target:\n  kind: venv\n  path: {own}", 4, "target.path"),
    ("method: pip\ntarget: {{kind: existing, python: {own}/bin/python}}", 3, "target.python"),
])
def test_answers_check_refuses_the_venv_torch_setup_runs_from(cli, tmp_path, target, line, key):
    own = _own()
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS.format(target=target.format(own=own)))
    result = cli("answers", "check", str(answers), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{answers}:{line}: {key}: " in result.stderr, result.stderr
    assert "the environment torch-setup runs from" in result.stderr and "~/.venv-torch" in result.stderr
    assert "Traceback" not in result.stderr
    planned = cli("plan", "--answers", str(answers), cwd=tmp_path)
    assert planned.returncode == 2 and f"{answers}:{line}: {key}: " in planned.stderr, planned.stderr
    assert not planned.stdout  # no script


def test_the_folder_is_compared_as_written_and_another_one_passes():
    own = ("/home/u/ts-venv",)
    refused = own_environment_refusal("venv", "/home/u/./ts-venv/", None, own, home="/home/u")
    assert refused is not None and refused.key == "target.path"
    assert refused.hint == "choose another folder, e.g. ~/.venv-torch"
    existing = own_environment_refusal("existing", "/home/u/ts-venv", "/home/u/ts-venv/bin/python3", own,
                                       home="/home/u")
    assert existing is not None and existing.key == "target.python"
    assert own_environment_refusal("venv", "/home/u/.venv-torch", None, own, home="/home/u") is None
    # torch-setup on a system or conda base Python has no venv of its own: that Python may be a target
    assert own_environment_refusal("existing", "/usr", "/usr/bin/python3", (), home="/home/u") is None
    # torch-setup itself in ~/.venv-torch: the folder suggested is another one
    mine = own_environment_refusal("venv", "/home/u/.venv-torch", None, ("/home/u/.venv-torch",), home="/home/u")
    assert mine is not None and mine.hint == "choose another folder, e.g. ~/torch-env"


def test_own_venv_names_the_running_venv():
    names = own_venv()
    in_venv = os.path.realpath(sys.prefix) != os.path.realpath(sys.base_prefix)
    assert bool(names) == in_venv
    if in_venv:
        assert os.path.abspath(sys.prefix) in names
