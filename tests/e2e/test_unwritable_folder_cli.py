"""A normal user, an answers file whose environment folder they may not write (a lab's shared folder), or
a path under a folder they may not even enter (/root/torch-env, found in use).

Before, `install` got as far as the venv step and failed there ("cannot create …: Permission denied").
Now the answers are refused when read: exit 2 naming the line of target.path, nothing created, no
journal. A `plan` for a recorded machine (--hardware) leaves the folders' permissions to that machine;
an `install`, which runs here (with this machine's own report), does not.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from helpers import cli_as_nobody

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = Path("tests") / "fixtures" / "machines" / "cpu-only.json"  # in readable_checkout: a fresh clone may be 0700
SYSTEM_PY = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                       reason="needs root (to make a folder nobody may write) and setpriv (to run as nobody)"),
    pytest.mark.skipif(not os.access(SYSTEM_PY, os.X_OK), reason=f"needs {SYSTEM_PY}, which nobody can run"),
]


def _tree(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*"))


@pytest.fixture
def lab(shared_and_home):
    """The example answers in a folder of root's (shared), and the user's own home."""
    shared, home = shared_and_home
    answers = shared / "cpu-venv.yaml"
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", answers)
    os.chmod(answers, 0o644)
    return shared, home, answers


def test_install_into_a_folder_the_user_cannot_write_is_refused_first(lab, readable_checkout):
    shared, home, answers = lab
    # install takes only this machine's report (a recorded machine's is refused first, by
    # installer.hardware.same_machine): one saved here by detect, as a person would
    here = cli_as_nobody(readable_checkout, home, shared, "detect", "--json")
    assert here.returncode == 0, here.stderr
    (home / "here.json").write_text(here.stdout)
    os.chmod(home / "here.json", 0o644)
    before = _tree(shared)
    for command in (["install", "--answers", str(answers), "--yes"],
                    ["install", "--answers", str(answers), "--yes", "--hardware", str(home / "here.json")],
                    ["plan", "--answers", str(answers)]):
        result = cli_as_nobody(readable_checkout, home, shared, *command)
        assert result.returncode == 2, result.stdout + result.stderr
        first, *rest = result.stderr.splitlines()
        # the example's `.venv-torch` is relative: taken from the folder run in (shared), which is the thing
        # to change (found in use: `cd / && install` said "/ is not writable" of a file that wrote no `/`)
        assert first == (f"{answers}:8: target.path: .venv-torch is relative, so it is taken from the folder you "
                         f"run torch-setup in, {shared}, which is not writable by you"), result.stderr
        assert rest == ["  -> cd to a folder of your own (such as ~) and run torch-setup there, or write an absolute "
                        "path, such as ~/.venv-torch"]
        assert result.stdout == ""
    assert _tree(shared) == before
    assert not (home / ".local").exists()  # no journal, no log: refused before anything ran


def test_a_plan_for_a_recorded_machine_leaves_permissions_to_it(lab, readable_checkout):
    shared, home, answers = lab
    result = cli_as_nobody(readable_checkout, home, shared, "plan", "--answers", str(answers), "--hardware",
                        str(readable_checkout.root / CPU_ONLY), "--probe-timeout", "0.2")
    assert result.returncode == 0, result.stderr
    assert f"Create the virtual environment {shared}/.venv-torch" in result.stdout


def test_an_environment_under_a_folder_the_user_may_not_enter_is_refused(lab, readable_checkout):
    # /root/torch-env as a normal user: said as the folder they may not enter, not as a path too long
    shared, home, answers = lab
    closed = shared / "private"
    closed.mkdir(mode=0o700)
    mine = home / "answers.yaml"
    mine.write_text(answers.read_text().replace("path: .venv-torch", f"path: {closed}/torch-env"))
    os.chmod(mine, 0o644)
    result = cli_as_nobody(readable_checkout, home, home, "install", "--answers", str(mine), "--yes")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"{mine}:8: target.path: {closed} is closed to you (you may not look inside it), so {closed}/torch-env "
        "cannot be used",
        f"  -> choose a folder of your own (such as ~/torch-env), or ask the owner of {closed} to let you in"]
    assert _tree(closed) == []


@pytest.mark.parametrize("key", ["target.python", "wheelhouse", "--python"])
def test_an_interpreter_or_wheelhouse_in_a_folder_the_user_may_not_enter_is_named(key, lab, readable_checkout):
    # found in use: `verify --python /root/…` ended in a PermissionError traceback, and target.python there
    # was "no Python interpreter there", which the user could not know
    _shared, home, _answers = lab
    closed = _shared / "private"
    (closed / "env" / "bin").mkdir(parents=True)
    closed.chmod(0o700)
    python = f"{closed}/env/bin/python"
    answers = home / "answers.yaml"
    if key == "target.python":
        answers.write_text(f"version: 1\ntarget:\n  kind: existing\n  python: {python}\n")
        args, where = ["plan", "--answers", str(answers)], f"{answers}:4: target.python: "
    elif key == "wheelhouse":
        answers.write_text(f"version: 1\nmethod: wheel\nwheelhouse: {closed}/wh\n")
        args, where = ["plan", "--answers", str(answers)], f"{answers}:3: wheelhouse: "
    else:
        args, where = ["verify", "--python", python], "--python: "
    result = cli_as_nobody(readable_checkout, home, home, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    used = python if key != "wheelhouse" else f"{closed}/wh"
    first, hint = result.stderr.splitlines()
    assert first == f"{where}{closed} is closed to you (you may not look inside it), so {used} cannot be used"
    what = "give the path of a Python interpreter you may run" if key != "wheelhouse" else \
        "choose a folder of your own (such as ~/torch-env)"
    assert hint == f"  -> {what}, or ask the owner of {closed} to let you in"
    assert result.stdout == ""
