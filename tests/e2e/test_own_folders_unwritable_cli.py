"""torch-setup's own folders (journal and logs, the steps' temporary files, the caches, the run lock) that a
normal user cannot write refuse `install` before anything ran: exit 2, naming the variable that places the
folder and what to do, and nothing changed.

Found in use: `XDG_STATE_HOME=~/ro` (a folder of mode 555) ended with "cannot keep the journal in …:
Permission denied", and `XDG_CACHE_HOME=~/ro` with "cannot create …/tmp … nothing was changed", both exit 1,
which `install --help` says means a step failed and to run again. Run as the nobody user: root ignores mode 555.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from helpers import cli_as_nobody

SYSTEM_PY = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                       reason="needs root (to make a folder nobody may write) and setpriv (to run as nobody)"),
    pytest.mark.skipif(not os.access(SYSTEM_PY, os.X_OK), reason=f"needs {SYSTEM_PY}, which nobody can run"),
]


def _tree(root):
    return sorted(str(p) for p in root.rglob("*"))


@pytest.fixture
def ro_home(shared_and_home, readable_checkout):
    """The user's home with the example answers and `ro`, a folder of theirs of mode 555, and `st`, whose
    torch-setup folder (the journal's) is there but 555: made before, by hand or by another tool."""
    _shared, home = shared_and_home
    shutil.copy(readable_checkout.root / "recipes" / "answers" / "cpu-venv.yaml", home)
    for folder in (home / "ro", home / "st" / "torch-setup", home / "wheels"):
        folder.mkdir(parents=True)
    for folder in (home / "cpu-venv.yaml", home / "ro", home / "st", home / "st" / "torch-setup", home / "wheels"):
        os.chown(folder, 65534, 65534)  # nobody
    os.chmod(home / "ro", 0o555)
    os.chmod(home / "st" / "torch-setup", 0o555)
    return home


def _install(ck, home, **env: str):
    """`install --yes` of the example as nobody, whose pip configuration has a find-links folder (empty): with
    PyPI alone the plan is refused first, for having no source of the +cpu build, wherever no PyTorch index
    answers (tests/e2e/test_no_source_refused.py); the folder keeps these tests on the refusals they are about,
    whatever this machine's network."""
    return cli_as_nobody(ck, home, home, "install", "--answers", "cpu-venv.yaml", "--yes", "--probe-timeout", "0.2",
                         env={"PIP_FIND_LINKS": str(home / "wheels"), **env})


@pytest.mark.parametrize("variable, value, kept", [
    ("XDG_STATE_HOME", "ro", "the journal and the logs"),
    ("XDG_STATE_HOME", "st", "the journal and the logs"),
    ("XDG_CACHE_HOME", "ro", "the steps' temporary files"),
    ("UV_CACHE_DIR", "ro/uv", "the download cache"),
])
def test_an_own_folder_that_cannot_be_written_refuses_the_run(ro_home, readable_checkout, variable, value, kept):
    home = ro_home
    before = _tree(home)
    result = _install(readable_checkout, home, **{variable: str(home / value)})
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert "Traceback" not in out
    message, hint = result.stderr.splitlines()[-2:]
    assert message.startswith(f"cannot keep {kept} in {home / value}"), message
    assert message.endswith(": permission denied; refused before anything ran, nothing was changed"), message
    closed = home / value.split("/")[0] / ("torch-setup" if value == "st" else "")
    assert hint == (f"  -> {variable} is set to {home / value}, which places it: make {str(closed).rstrip('/')} "
                    f"writable for you (`ls -ld {str(closed).rstrip('/')}` shows its owner and mode), or point "
                    f"{variable} at a folder you can write to, or unset it for the default "
                    f"({'~/.cache/uv' if variable == 'UV_CACHE_DIR' else '~/.local/state' if 'STATE' in variable else '~/.cache'})"), hint
    assert "[1/" not in result.stdout  # no step started
    assert not (home / ".venv-torch").exists()
    # what the refusal left: at most torch-setup's own empty folders elsewhere in the home (the journal's
    # or the cache's, made before the one that failed), never a venv, a journal record or a log file
    made = [p for p in set(_tree(home)) - set(before)]
    assert not [p for p in made if os.path.isfile(p)], made


def test_a_run_lock_folder_that_cannot_be_written_refuses_the_run(ro_home, readable_checkout):
    home = ro_home
    result = _install(readable_checkout, home, TORCH_SETUP_LOCK_DIR=str(home / "ro" / "locks"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"cannot take the run lock in {home / 'ro' / 'locks'}" in result.stderr
    assert "set TORCH_SETUP_LOCK_DIR to a folder you can write to; nothing was changed" in result.stderr
    assert not (home / ".venv-torch").exists()


def test_the_default_folder_is_said_when_no_variable_places_it(ro_home, readable_checkout):
    home = ro_home
    (home / ".local").mkdir()
    os.chown(home / ".local", 65534, 65534)
    os.chmod(home / ".local", 0o555)
    result = _install(readable_checkout, home)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[-2:] == [
        f"cannot keep the journal and the logs in {home}/.local/state/torch-setup: permission denied; refused "
        "before anything ran, nothing was changed",
        f"  -> make {home}/.local writable for you (`ls -ld {home}/.local` shows its owner and mode), or set "
        "XDG_STATE_HOME to a folder you can write to"]


def test_a_folder_not_there_under_another_users_folder_is_never_to_be_made_writable(ro_home, readable_checkout):
    """Found in use: XDG_STATE_HOME=/nonexist/x, and the hint said to make / writable."""
    home = ro_home
    result = _install(readable_checkout, home, XDG_STATE_HOME="/nonexist/x")
    assert result.returncode == 2, result.stdout + result.stderr
    hint = result.stderr.splitlines()[-1]
    assert hint.startswith("  -> XDG_STATE_HOME is set to /nonexist/x, which places it: / is not yours to write in, "
                           "or point XDG_STATE_HOME at a folder you can write to"), hint
    assert "make / writable" not in result.stderr
