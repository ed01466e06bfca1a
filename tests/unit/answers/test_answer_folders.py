"""Target folders checked when the answers are read: a file in the way, a ~user that does not exist."""

from __future__ import annotations

import os
import pwd

import pytest
from helpers import as_nobody

from installer.answers import folder_problem, parse_answers
from installer.errors import InputError


def _refusal(text: str) -> InputError:
    with pytest.raises(InputError) as err:
        parse_answers(text, "a.yaml")
    return err.value


def test_a_file_where_the_environment_goes_names_the_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "env").write_text("")
    e = _refusal("version: 1\ntarget:\n  kind: venv\n  path: env\n")
    assert (e.line, e.key, e.message) == (4, "target.path", f"{tmp_path / 'env'} is a file, not a folder")
    e = _refusal("version: 1\ntarget:\n  path: env/torch\n")
    assert e.message == f"{tmp_path / 'env'} is a file, so the folder {tmp_path / 'env' / 'torch'} cannot be made in it"
    assert e.hint == f"choose another path, or move {tmp_path / 'env'} aside"
    e = _refusal("version: 1\nmethod: wheel\nwheelhouse: env\n")
    assert (e.line, e.key) == (3, "wheelhouse")


def test_folders_that_are_there_or_can_be_made_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "env").write_text("")
    (tmp_path / "made").mkdir()
    for path in ("made", "made/new/deeper", "new", "~/torch-env", "/"):
        assert folder_problem(path) is None, path
    # the existing kind installs into target.python: target.path is not used, so a file there is no matter
    parse_answers("version: 1\ntarget:\n  kind: existing\n  path: env\n  python: /usr/bin/python3\n", "a.yaml")
    parse_answers("version: 1\ntarget:\n  path: env\nmethod: wheelhouse-build\nwheelhouse: made\n", "a.yaml")


def test_a_folder_of_other_files_is_not_made_into_an_environment(tmp_path, monkeypatch):
    """Found as a normal user: `path: proj` made a venv in a project folder, replacing its bin/python
    and adding uv's `.gitignore` of `*`, which hid the project's files from git."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "proj" / "bin").mkdir(parents=True)
    (tmp_path / "proj" / "notes.txt").write_text("mine\n")
    (tmp_path / "proj" / "bin" / "python").write_text("#!/bin/sh\n")
    for kind, suggestion in (("venv", ".venv-torch"), ("conda", "torch-env")):
        e = _refusal(f"version: 1\ntarget:\n  kind: {kind}\n  path: proj\n" +
                     ("method: conda\n" if kind == "conda" else ""))
        assert (e.line, e.key) == (4, "target.path")
        assert e.message == (f"{tmp_path / 'proj'} already holds other files (notes.txt) and is not a Python "
                             "environment: an environment made there would be mixed in with them")
        assert e.hint == f"choose a new or empty folder, such as {tmp_path / 'proj' / suggestion}"
    assert (tmp_path / "proj" / "bin" / "python").read_text() == "#!/bin/sh\n"  # nothing was touched
    # more than three are cut short, in a stable order
    for name in ("a", "b", "c", "d"):
        (tmp_path / "proj" / name).write_text("")
    message, _hint = folder_problem("proj", env="venv") or ("", "")
    assert "(a, b, c, …)" in message
    # the home folder itself is somebody's files too
    monkeypatch.setenv("HOME", str(tmp_path / "proj"))
    assert _refusal("version: 1\ntarget:\n  path: '~'\n").key == "target.path"


def test_an_environment_or_what_a_killed_run_left_of_one_is_taken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "venv" / "my-notes.txt").write_text("")  # a venv with the user's own file in it is theirs to fill
    (tmp_path / "conda" / "conda-meta").mkdir(parents=True)
    (tmp_path / "conda" / "anything").write_text("")
    # uv venv killed before it wrote pyvenv.cfg: the next run must be able to finish it
    (tmp_path / "half" / "bin").mkdir(parents=True)
    for name in (".gitignore", "CACHEDIR.TAG"):
        (tmp_path / "half" / name).write_text("*\n")
    (tmp_path / "empty").mkdir()
    for path in ("venv", "conda", "half", "empty", "missing/deeper"):
        assert folder_problem(path, env="venv") is None, path
        assert folder_problem(path, env="conda") is None, path
    # not an environment's folder (a wheelhouse, a toolkit prefix): other files are expected there
    (tmp_path / "empty" / "a.whl").write_text("")
    assert folder_problem("empty") is None
    assert folder_problem("empty", env="venv") is not None


def test_a_name_longer_than_the_file_system_allows_is_an_input_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    e = _refusal(f"version: 1\ntarget:\n  path: {'x' * 300}/env\n")
    assert (e.line, e.key, e.hint) == (3, "target.path", "choose a shorter or simpler path")
    assert e.message.startswith(f"{tmp_path / ('x' * 300)}/env cannot be a folder here: ")


def test_a_dangling_link_is_named(tmp_path):
    (tmp_path / "env").symlink_to(tmp_path / "gone")
    message, hint = folder_problem(str(tmp_path / "env")) or ("", "")
    assert message == f"{tmp_path / 'env'} is a link to {tmp_path / 'gone'}, which does not exist"


@pytest.mark.parametrize("key, text, line", [
    ("target.path", "target:\n  path: ~nosuchuser/x\n", 3),
    ("target.python", "target:\n  python: ~nosuchuser/bin/python\n", 3),
    ("cuda_toolkit.prefix", "cuda_toolkit:\n  prefix: ~nosuchuser\n", 3),
])
def test_the_home_of_a_user_that_does_not_exist_is_refused(key, text, line):
    e = _refusal("version: 1\n" + text)
    user_path = text.split(": ", 2)[-1].strip()
    assert (e.line, e.key) == (line, key)
    assert e.message == "no user 'nosuchuser' for ~nosuchuser"
    rest = user_path.removeprefix("~nosuchuser").lstrip("/") or "..."
    assert e.hint == f"write the full path (/home/nosuchuser/{rest}), or ~/{rest} for a path in your own home"


def test_a_user_that_exists_is_fine():
    # this user (root in CI): another's home may be closed to a normal user, which is refused for that reason
    me = pwd.getpwuid(os.geteuid()).pw_name
    path = f"~{me}/torch-env"
    assert parse_answers(f"version: 1\ntarget:\n  path: {path}\n", "a.yaml").target.path == path




@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_a_folder_the_user_cannot_write_is_refused_where_a_step_writes_it(shared_and_home):
    shared, mine = shared_and_home  # a lab's folder (root's), and the user's own
    (shared / "old-env").mkdir(mode=0o755)
    message, hint = as_nobody(folder_problem, str(shared / "torch" / "env"), writes=True)
    assert message == f"{shared} is not writable by you, so {shared / 'torch' / 'env'} cannot be made there"
    assert hint == f"choose a folder of your own (such as ~/torch-env), or ask the owner of {shared} to let you write there"
    message, _hint = as_nobody(folder_problem, str(shared / "old-env"), writes=True)
    assert message == f"{shared / 'old-env'} is not writable by you"
    # only read (an offline install's wheelhouse), or written by a root step: no verdict on permissions
    assert as_nobody(folder_problem, str(shared / "torch"), writes=False) is None
    assert as_nobody(folder_problem, str(mine / "env"), writes=True) is None
    assert folder_problem(str(shared / "torch"), writes=True) is None  # root may write anywhere


def test_a_folder_inside_a_kernel_file_system_is_refused_even_for_root():
    # as root os.access says /proc is writable; the install's first step then failed on it
    for kernel in ("/proc", "/sys"):
        message, hint = folder_problem(f"{kernel}/x/env", writes=True) or ("", "")
        if os.access(kernel, os.W_OK):  # root: only the kernel file system can say no
            assert message == f"{kernel}/x/env cannot be made: {kernel} is filled by the kernel itself, and no folder can be made in it"
        else:  # a normal user may not write there, which is said first
            assert message == f"{kernel} is not writable by you, so {kernel}/x/env cannot be made there"
        assert "~/torch-env" in hint
    assert folder_problem("/proc/x", writes=False) is None  # a recorded machine's plan: not judged by this one


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_the_owner_of_a_folder_they_cannot_write_is_told_chmod_not_to_ask_the_owner(shared_and_home):
    _shared, mine = shared_and_home
    locked = mine / "ro"
    locked.mkdir()
    os.chown(locked, os.stat(mine).st_uid, os.stat(mine).st_gid)
    locked.chmod(0o555)
    message, hint = as_nobody(folder_problem, str(locked / "env"), writes=True)
    assert message == f"{locked} is not writable by you, so {locked / 'env'} cannot be made there"
    assert hint == f"it is yours but not writable: `chmod u+w {locked}`, or choose another folder"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_a_folder_the_user_may_not_enter_is_named_with_what_to_do(shared_and_home):
    # found in use, as a normal user: /root/torch-env was refused with "permission denied → choose a shorter
    # or simpler path"; the stat fails on the path, so the folder that shuts it is looked for
    shared, mine = shared_and_home
    closed = shared / "private"
    closed.mkdir(mode=0o700)
    for writes in (True, False):  # an environment made there, or a wheelhouse only read
        message, hint = as_nobody(folder_problem, str(closed / "torch" / "env"), writes=writes)
        assert message == f"{closed} is closed to you (you may not look inside it), so {closed}/torch/env cannot be used"
        assert hint == f"choose a folder of your own (such as ~/torch-env), or ask the owner of {closed} to let you in"
    own = mine / "shut"
    own.mkdir()
    os.chown(own, os.stat(mine).st_uid, os.stat(mine).st_gid)
    own.chmod(0o600)
    message, hint = as_nobody(folder_problem, str(own / "env"), writes=True)
    assert message.startswith(f"{own} is closed to you")
    assert hint == f"it is yours but closed: `chmod u+x {own}`, or choose another folder"
    assert folder_problem(str(closed / "torch" / "env"), writes=True) is None  # root enters anything


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a read-only file system needs root")
def test_a_read_only_file_system_is_named_as_such(tmp_path):
    import subprocess

    mnt = tmp_path / "ro"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mnt)]).returncode != 0:
        pytest.skip("this machine does not let root mount a tmpfs")
    try:
        message, hint = folder_problem(str(mnt / "env"), writes=True) or ("", "")
    finally:
        subprocess.run(["umount", str(mnt)], check=True)
    assert message == f"{mnt / 'env'} cannot be made: {mnt} is on a read-only file system"
    assert "~/torch-env" in hint
