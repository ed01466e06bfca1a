"""The run lock between real processes: runs into different folders go ahead at the same time, a run into
a folder another run is writing is refused (naming that run), a SIGKILLed holder leaves no lock behind,
runs with root steps exclude each other machine-wide, and a normal user and root meet on the same lock.

Each run is tests/unit/executor/driver.py (run_plan in a process of its own). The locks go into a folder
of the test's own (TORCH_SETUP_LOCK_DIR), so that runs of other test sessions on this machine never meet
them; the choice of the real folder is tested on its own below.
"""

from __future__ import annotations

import json
import os
import pwd
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from installer.errors import TorchSetupError
from installer.executor.runlock import ROOT_LOCK_NAME, RunLock, RunLocked, lock_name, shared_lock_dir

from .test_runner import _wait_for

DRIVER = Path(__file__).with_name("driver.py")


def _wait_until(path: Path) -> str:
    """Code for a step: say it started (`path`.started), then wait (at most 60 s) until `path` exists."""
    started = f"{path}.started"
    return (f"import os, time\nopen({started!r}, 'w').write('1')\nend = time.time() + 60\n"
            f"while not os.path.exists({str(path)!r}) and time.time() < end:\n    time.sleep(0.05)\n"
            f"raise SystemExit(0 if os.path.exists({str(path)!r}) else 3)")


def _step(step_id: str, code: str, writable: Path | None = None, *, root: bool = False) -> dict:
    return {"id": step_id, "argv": [sys.executable, "-c", code], "root": root,
            "writable": [str(writable)] if writable else []}


def _start(tmp_path: Path, name: str, state: Path, steps: list[dict], env: dict[str, str]) -> subprocess.Popen[str]:
    spec = tmp_path / f"{name}.json"
    spec.write_text(json.dumps({"state": str(state), "steps": steps}))
    return subprocess.Popen([sys.executable, str(DRIVER), str(spec)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **env})


def _finish(proc: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out + err


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    # without the sandbox, a step can see the other run's folder (the rendezvous below needs that)
    return {"TORCH_SETUP_LOCK_DIR": str(tmp_path / "locks"), "TORCH_SETUP_NO_SANDBOX": "1"}


def test_runs_into_different_folders_go_ahead_at_the_same_time(tmp_path, state, env):
    a, b = tmp_path / "env-a", tmp_path / "env-b"
    a.mkdir()
    b.mkdir()
    # each step waits for the other's mark: both succeed only if both ran at the same time (and the
    # same user's journal, one state folder, holds neither back)
    first = _start(tmp_path, "a", state, [_step("meet-a", _meet(a, b), a)], env)
    second = _start(tmp_path, "b", state, [_step("meet-b", _meet(b, a), b)], env)
    code_a, out_a = _finish(first)
    code_b, out_b = _finish(second)
    assert code_a == 0 and "StepFinished meet-a changed" in out_a, out_a
    assert code_b == 0 and "StepFinished meet-b changed" in out_b, out_b
    assert "RunFinished   True" in out_a and "RunFinished   True" in out_b
    assert os.listdir(tmp_path / "locks") == []  # each lock file went with its run


def _meet(mine: Path, other: Path) -> str:
    """Code for a step: mark `mine`, then wait (at most 60 s) for `other`'s mark; exit 3 if it never came."""
    return (f"import os, time\nopen({str(mine / 'here')!r}, 'w').write('1')\nend = time.time() + 60\n"
            f"while not os.path.exists({str(other / 'here')!r}) and time.time() < end:\n    time.sleep(0.05)\n"
            f"raise SystemExit(0 if os.path.exists({str(other / 'here')!r}) else 3)")


def test_a_run_into_the_folder_another_run_is_writing_is_refused_and_says_which(tmp_path, state, env):
    target = tmp_path / "env"
    target.mkdir()
    release, second_ran = target / "release", tmp_path / "second-ran"
    holder = _start(tmp_path, "holder", state, [_step("slow", _wait_until(release), target)], env)
    try:
        assert _wait_for(Path(f"{release}.started").exists), "the first run never started its step"
        refused = subprocess.run([sys.executable, str(DRIVER), str(_spec(tmp_path, state, target, second_ran))],
                                 capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
        assert f"another torch-setup run (pid {holder.pid}) is installing into {target}" in refused.stdout, \
            refused.stdout + refused.stderr
        assert "wait for that run to finish" in refused.stdout and f"kill {holder.pid}" in refused.stdout
        assert "StepStarted" not in refused.stdout and not second_ran.exists()
    finally:
        release.write_text("go")
    code, out = _finish(holder)
    assert code == 0 and "RunFinished   True" in out, out
    after = subprocess.run([sys.executable, str(DRIVER), str(_spec(tmp_path, state, target, second_ran))],
                           capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert "RunFinished   True" in after.stdout and second_ran.exists(), after.stdout + after.stderr


def _spec(tmp_path: Path, state: Path, target: Path, marker: Path) -> Path:
    spec = tmp_path / "second.json"
    code = f"open({str(marker)!r}, 'w').write('1')"
    spec.write_text(json.dumps({"state": str(state), "steps": [_step("quick", code, target)]}))
    return spec


def test_a_sigkilled_run_leaves_no_lock_behind(tmp_path, state, env):
    target = tmp_path / "env"
    target.mkdir()
    never = target / "never"
    holder = _start(tmp_path, "holder", state, [_step("slow", _wait_until(never), target)], env)
    assert _wait_for(Path(f"{never}.started").exists), "the first run never started its step"
    lock = tmp_path / "locks" / lock_name(str(target))
    assert lock.exists()
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert lock.exists()  # killed, it could not remove its file; the kernel dropped the flock all the same
    marker = tmp_path / "second-ran"
    after = subprocess.run([sys.executable, str(DRIVER), str(_spec(tmp_path, state, target, marker))],
                           capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
    assert "RunFinished   True" in after.stdout and marker.exists(), after.stdout + after.stderr
    assert not lock.exists()  # the run that took it over removed it when it finished


@pytest.mark.skipif(os.geteuid() != 0, reason="a root step runs without sudo only as root")
def test_runs_with_root_steps_exclude_each_other_wherever_they_install(tmp_path, state, env):
    release = tmp_path / "release"
    a, b, c = tmp_path / "env-a", tmp_path / "env-b", tmp_path / "env-c"
    holder = _start(tmp_path, "holder", state, [_step("driver", _wait_until(release), root=True),
                                                _step("into-a", "pass", a)], env)
    try:
        assert _wait_for(Path(f"{release}.started").exists), "the first run never started its root step"
        spec = tmp_path / "apt.json"
        spec.write_text(json.dumps({"state": str(state), "steps": [_step("apt", "pass", root=True),
                                                                   _step("into-b", "pass", b)]}))
        refused = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True,
                                 env={**os.environ, **env}, timeout=60)
        assert (f"another torch-setup run (pid {holder.pid}) is running steps as root (driver) and installing "
                f"into {a}") in refused.stdout, refused.stdout + refused.stderr
        assert "this plan has steps that run as root too (apt)" in refused.stdout
        assert "StepStarted" not in refused.stdout
        # a plan without root steps, into a folder of its own, is not held up by it
        marker = tmp_path / "user-run"
        user_run = subprocess.run([sys.executable, str(DRIVER), str(_spec(tmp_path, state, c, marker))],
                                  capture_output=True, text=True, env={**os.environ, **env}, timeout=60)
        assert "RunFinished   True" in user_run.stdout and marker.exists(), user_run.stdout + user_run.stderr
    finally:
        release.write_text("go")
    code, out = _finish(holder)
    assert code == 0 and "RunFinished   True" in out, out


# --- a normal user and root on the same machine-wide lock ------------------------------------------------

@pytest.fixture
def sticky_dir():
    """A folder like /run/lock on Debian and Ubuntu (1777), where nobody can reach it (not under tmp_path)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="torch-setup-locks-", dir="/tmp"))
    os.chmod(folder, 0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _as_nobody_holding(folder: Path, root_steps: list[str]) -> tuple[int, int]:
    """A child process, as nobody, that takes the root-steps lock in `folder` and keeps it until killed.
    (pid, fd of a pipe that says 'ok' or why not, once it holds the lock)."""
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            lock = RunLock([], root_steps=root_steps, fallback_dir=folder, lock_dir=folder)
            try:
                lock.__enter__()
                os.write(write, b"ok")
            except Exception as exc:  # noqa: BLE001 - handed to the test, which fails with it
                os.write(write, repr(exc).encode())
            time.sleep(120)  # until the test kills it: the lock is never let go of in the usual way
        finally:
            os._exit(0)
    os.close(write)
    return pid, read


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as the nobody user")
def test_a_user_and_root_meet_on_the_root_steps_lock(sticky_dir):
    lock = sticky_dir / ROOT_LOCK_NAME
    pid, said = _as_nobody_holding(sticky_dir, ["driver"])
    try:
        assert os.read(said, 200) == b"ok"
        assert lock.stat().st_uid == pwd.getpwnam("nobody").pw_uid
        assert stat.S_IMODE(lock.stat().st_mode) == 0o666  # past nobody's umask: the next run may be root's
        with pytest.raises(RunLocked) as refused:
            RunLock([], root_steps=["apt"], fallback_dir=sticky_dir, lock_dir=sticky_dir).__enter__()
        assert f"(pid {pid}) is running steps as root (driver)" in refused.value.message
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(said)
    # nobody's file stays (killed, it could not remove it) and root takes the lock in it
    assert lock.exists()
    with RunLock([], root_steps=["apt"], fallback_dir=sticky_dir, lock_dir=sticky_dir):
        assert json.loads(lock.read_text())["root_steps"] == ["apt"]
        # and the other way round: nobody is refused while root holds it
        pid, said = _as_nobody_holding(sticky_dir, ["driver"])
        try:
            answer = os.read(said, 2000).decode()
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(said)
        assert "RunLocked" in answer and f"(pid {os.getpid()}) is running steps as root (apt)" in answer, answer
    assert not lock.exists()  # root may remove any file in a sticky folder, and did as it let go


def test_the_shared_folder_is_the_first_sticky_world_writable_one(tmp_path):
    plain, private, sticky = tmp_path / "plain", tmp_path / "private", tmp_path / "sticky"
    for folder, mode in ((plain, 0o777), (private, 0o1755), (sticky, 0o1777)):
        folder.mkdir()
        os.chmod(folder, mode)
    candidates = (str(tmp_path / "missing"), str(plain), str(private), str(sticky))
    # a world-writable folder without the sticky bit would let any user remove another run's lock file
    assert shared_lock_dir({}, candidates) == sticky
    assert shared_lock_dir({}, candidates[:3]) is None
    assert shared_lock_dir({"TORCH_SETUP_LOCK_DIR": str(plain)}, candidates) == plain


def test_a_link_planted_as_the_lock_file_is_never_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    locks = tmp_path / "locks"
    locks.mkdir()
    (locks / ROOT_LOCK_NAME).symlink_to(victim)
    with pytest.raises(TorchSetupError, match="is not a lock file torch-setup made"):
        RunLock([], root_steps=["apt"], fallback_dir=locks, lock_dir=locks).__enter__()
    assert victim.read_text() == "precious"
    (locks / ROOT_LOCK_NAME).unlink()
    os.link(victim, locks / ROOT_LOCK_NAME)  # a hard link: the same file under two names
    with pytest.raises(TorchSetupError, match="is not a lock file torch-setup made"):
        RunLock([], root_steps=["apt"], fallback_dir=locks, lock_dir=locks).__enter__()
    assert victim.read_text() == "precious"
