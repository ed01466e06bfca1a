"""The spine end to end, for real: answers file -> plan -> sandboxed install of torch 2.13.0 (CPU) -> verify.

Each test works in an empty temp folder with a copy of recipes/answers/cpu-venv.yaml, through the real
`torch-setup` command line: real detection, real pins, real uv, real venv, real verification.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"

pytestmark = pytest.mark.slow


@pytest.fixture
def work(tmp_path: Path, xdg_home: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "cpu-venv.yaml")
    return folder


def _installed(venv: Path, name: str) -> str | None:
    """The installed version of `name`, from its metadata (torch is not imported)."""
    proc = subprocess.run([str(venv / "bin" / "python"), "-I", "-c",
                           f"import importlib.metadata as m; print(m.version({name!r}))"],
                          capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _step_results(stdout: str) -> list[str]:
    return re.findall(r"^    -> (\w+) ", stdout, flags=re.M)


def _start(work: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    # SIGINT at its default, as a terminal's shell starts a program: a test run started in the background
    # (`make test &`) ignores SIGINT, exec passes that on, and the install then rightly ignores a Ctrl-C
    return subprocess.Popen([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes"],
                            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_line(proc: subprocess.Popen[str], pattern: str, timeout: float = 120) -> list[str]:
    seen: list[str] = []
    end = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if re.search(pattern, line):
            return seen
    raise AssertionError(f"never saw {pattern!r}; output so far:\n{''.join(seen)}")


def _uv_install_running(venv: Path) -> bool:
    needle = f"{venv}/bin/python".encode()
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"pip\x00install" in cmd and needle in cmd and b"/uv\x00" in cmd:
            return True
    return False


def _sigkill(proc: subprocess.Popen[str], venv: Path) -> None:
    """SIGKILL the installer, then wait (10 s at most) for its uv child, which dies with it, to be gone."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _uv_install_running(venv) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_install_verify_then_rerun_changes_nothing(cli, work):
    first = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert first.returncode == 0, first.stdout + first.stderr
    venv = work / ".venv-torch"
    assert (venv / "pyvenv.cfg").is_file()
    assert _installed(venv, "torch") == "2.13.0+cpu"
    assert _step_results(first.stdout) == ["changed", "changed"]
    assert "verify: PASS" in first.stdout
    assert "note: runs on the CPU only" in first.stdout  # the plan's notes, before the steps, for the log
    assert "Traceback" not in first.stderr
    # the environment has a pip of its own: once activated, `pip install` goes into it (installer.plan.kinds
    # .pip.with_pip; found in use: the system's pip answered, with PEP 668's refusal)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True)
    assert pip.returncode == 0 and f"from {venv}/lib/" in pip.stdout, pip.stdout + pip.stderr
    assert (venv / "bin" / "pip").is_file()
    # torch's wheel brings no NumPy (the example has no torchvision): the verification warns, with that pip
    assert "[warn] NumPy is not installed here" in first.stdout
    assert f"install it: `{venv}/bin/python -m pip install numpy`" in first.stdout

    marker = next((venv / "lib").glob("python3*/site-packages/torch/__init__.py"))
    record = next((venv / "lib").glob("python3*/site-packages/torch-2.13.0+cpu.dist-info/RECORD"))
    stamps = (marker.stat().st_mtime_ns, record.stat().st_mtime_ns, record.stat().st_ino)

    second = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _step_results(second.stdout) == ["unchanged", "unchanged"]
    assert "uv pip install" not in second.stdout and "Installed" not in second.stdout
    assert (marker.stat().st_mtime_ns, record.stat().st_mtime_ns, record.stat().st_ino) == stamps
    assert "verify: PASS" in second.stdout


def test_sigkill_during_the_torch_step_then_rerun_completes(cli, work):
    venv = work / ".venv-torch"
    proc = _start(work)
    try:
        _wait_for_line(proc, r"\$ .*/uv pip install")
        deadline = time.monotonic() + 10
        while not _uv_install_running(venv) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _uv_install_running(venv), "uv finished before the kill: the test would prove nothing"
    finally:
        _sigkill(proc, venv)
    assert not _uv_install_running(venv)  # the installer's child dies with it: nothing writes on

    again = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert again.returncode == 0, again.stdout + again.stderr
    results = _step_results(again.stdout)
    assert results[0] == "unchanged"  # the environment was done before the kill: not made again
    assert results[1] in ("changed", "unchanged")
    assert _installed(venv, "torch") == "2.13.0+cpu"
    assert "verify: PASS" in again.stdout


def _kill_when_torchs_record_appears(work: Path) -> Path:
    """Start an install, SIGKILL it as soon as uv has written torch's RECORD (its first file, before any
    of torch's own); the site-packages folder."""
    venv = work / ".venv-torch"
    proc = _start(work)
    site = None
    try:
        _wait_for_line(proc, r"\$ .*/uv pip install")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            site = site or next((venv / "lib").glob("python3*/site-packages"), None)
            if site is not None and any(site.glob("torch-2.13.0*.dist-info/RECORD")):
                break
            time.sleep(0.001)
    finally:
        _sigkill(proc, venv)
    assert site is not None
    return site


def test_killed_between_torchs_metadata_and_its_files_the_rerun_puts_them_in(cli, work):
    """uv writes torch's dist-info first, then some 12,000 files: killed in between, the environment
    holds the metadata of a torch that is not there. Found in use: every rerun then said "unchanged
    (already in place)" and torch did not import."""
    from installer.plan.kinds.pip import INSTALLED_CHECK

    venv = work / ".venv-torch"
    for _attempt in range(5):  # uv may win the race to the last file: then start again, from nothing
        site = _kill_when_torchs_record_appears(work)
        check = subprocess.run([str(venv / "bin" / "python"), "-I", "-c", INSTALLED_CHECK, "torch==2.13.0+cpu"])
        if any(site.glob("torch-2.13.0*.dist-info")) and check.returncode != 0:
            break
        shutil.rmtree(venv)
    else:
        pytest.fail("uv finished torch before every kill: the test proves nothing")

    again = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _step_results(again.stdout)[1] == "changed"
    assert "half installed (files are missing), so it is installed again" in again.stdout
    assert "verify: PASS" in again.stdout
    imported = subprocess.run([str(venv / "bin" / "python"), "-c", "import torch; print(torch.ones(2).sum().item())"],
                              capture_output=True, text=True, timeout=120)
    assert imported.stdout.strip() == "2.0", imported.stderr


def test_ctrl_c_stops_cleanly_with_130_and_the_rerun_completes(cli, work):
    venv = work / ".venv-torch"
    proc = _start(work)
    try:
        _wait_for_line(proc, r"\$ .*/uv pip install")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err
    assert "interrupted" in out
    assert not _uv_install_running(venv)
    again = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _installed(venv, "torch") == "2.13.0+cpu"


def test_no_terminal_and_no_yes_refuses_and_changes_nothing(cli, work, xdg_home):
    before = sorted(xdg_home.rglob("*"))
    result = cli("install", "--answers", "cpu-venv.yaml", cwd=work)
    assert result.returncode == 2
    assert "--yes" in result.stderr and "Traceback" not in result.stderr
    assert os.listdir(work) == ["cpu-venv.yaml"]
    assert sorted(xdg_home.rglob("*")) == before


@pytest.mark.parametrize("text, line", [
    ("version: 1\ntorch:\n  version: 2.13.0\n  variant: cpu\n extras: []\n", 5),
    ("version: 1\ntorch:\n  version: 2.13.0\n  varient: cpu\n", 4),
    ("version: 1\ntorch:\n  version: \"2.13.0; touch {marker}\"\n", 3),
])
def test_bad_answers_exit_2_and_nothing_runs(work, xdg_home, text, line):
    marker = work / "pwned"
    (work / "cpu-venv.yaml").write_text(text.format(marker=marker))
    before = sorted(xdg_home.rglob("*"))
    trace = work.parent / "execve.txt"
    argv = [sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes"]
    strace = shutil.which("strace")
    if strace:
        # count every program started: the interpreter itself, and nothing else
        argv = [strace, "-f", "-qq", "-e", "trace=execve", "-o", str(trace), *argv]
    result = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert lines[0].startswith(f"cpu-venv.yaml:{line}: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert sorted(os.listdir(work)) == ["cpu-venv.yaml"]
    assert sorted(xdg_home.rglob("*")) == before
    if strace:
        execs = [x for x in trace.read_text().splitlines() if "execve(" in x and "= 0" in x]
        assert len(execs) == 1, execs


def _on_a_terminal(work: Path, reply: bytes, timeout: float = 120) -> tuple[int, str]:
    """Run `install --answers` (no --yes) with a pseudo-terminal as stdin/stdout, typing `reply`."""
    import pty
    import select

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml"],
                            cwd=work, stdin=follower, stdout=follower, stderr=follower,
                            env={**os.environ, "NO_COLOR": "1"}, close_fds=True)
    os.close(follower)
    seen = b""
    sent = False
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not sent and b"[y/N]" in seen:
            os.write(leader, reply)
            sent = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=30)
    os.close(leader)
    return proc.returncode, seen.decode(errors="replace")


def test_on_a_terminal_the_plan_is_shown_and_no_means_nothing_changes(work, xdg_home):
    before = sorted(xdg_home.rglob("*"))
    code, out = _on_a_terminal(work, b"n\n")
    assert "torch==2.13.0+cpu" in out and "Install now? [y/N]" in out
    assert code == 1 and "nothing was changed" in out
    assert os.listdir(work) == ["cpu-venv.yaml"]
    assert sorted(xdg_home.rglob("*")) == before


def test_without_yes_a_mistake_in_the_answers_is_said_first(cli, work, xdg_home):
    # a broken answers file is what to fix first: not "add --yes", and then the mistake after that
    (work / "cpu-venv.yaml").write_text("version: 1\ntorch:\n  version: 2.13.0\n  varient: cpu\n")
    result = cli("install", "--answers", "cpu-venv.yaml", cwd=work)
    assert result.returncode == 2
    assert result.stderr.startswith("cpu-venv.yaml:4: "), result.stderr
    assert "--yes was not given" not in result.stderr
    assert os.listdir(work) == ["cpu-venv.yaml"]
