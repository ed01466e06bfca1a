"""The executor as a normal user: non-root steps run as that user (sandboxed), sudo only for root steps."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("driver.py")
SYSTEM_PY = "/usr/bin/python3.11"

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to the nobody user"),
    pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed"),
    pytest.mark.skipif(not os.access(SYSTEM_PY, os.X_OK), reason=f"{SYSTEM_PY} is needed (the test venv's "
                       "interpreter lives under /root, which nobody cannot enter)"),
]


@pytest.fixture
def nobody_dir():
    """A folder the nobody user owns (pytest's tmp_path is under a root-only folder)."""
    d = Path(tempfile.mkdtemp(prefix="torch-setup-nobody-", dir="/tmp"))
    nobody = pwd.getpwnam("nobody")
    os.chown(d, nobody.pw_uid, nobody.pw_gid)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _driver(ck) -> Path:
    return ck.root / DRIVER.relative_to(REPO)


def _as_nobody(d: Path, steps: list[dict], ck) -> subprocess.CompletedProcess[str]:
    # nobody may not be able to read this checkout (a fresh clone in a 0700 folder): use a readable copy
    spec = d / "spec.json"
    spec.write_text(json.dumps({"state": str(d / "state"), "steps": steps, "sys_path": [str(ck.root), str(ck.site)]}))
    os.chmod(spec, 0o644)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(d), "XDG_CACHE_HOME": str(d / "cache"),
           "LANG": "C.UTF-8"}
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", SYSTEM_PY,
                           str(_driver(ck)), str(spec)], capture_output=True, text=True, env=env, timeout=120)


def test_non_root_steps_run_as_the_user(nobody_dir, readable_checkout):
    uv = readable_checkout.uv
    venv = nobody_dir / "venv"
    who = nobody_dir / "out"
    steps = [
        {"id": "venv", "argv": [str(uv), "venv", "--allow-existing", "--python", SYSTEM_PY, str(venv)],
         "writable": [str(venv)]},
        {"id": "whoami", "argv": [str(venv / "bin" / "python"), "-c",
                                  f"import os; open({str(who / 'uid')!r}, 'w').write(str(os.geteuid()))"],
         "writable": [str(who)]},
    ]
    result = _as_nobody(nobody_dir, steps, readable_checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RunFinished   True" in result.stdout
    assert (who / "uid").read_text() == str(pwd.getpwnam("nobody").pw_uid)
    assert venv.stat().st_uid == pwd.getpwnam("nobody").pw_uid
    journal = list((nobody_dir / "state" / "journal").glob("*.json"))
    assert len(journal) == 2


def test_a_root_step_needs_sudo_and_is_checked_before_anything_runs(nobody_dir, readable_checkout):
    marker = nobody_dir / "first"
    steps = [
        {"id": "first", "argv": [SYSTEM_PY, "-c", f"open({str(marker)!r}, 'w')"], "writable": [str(nobody_dir)]},
        {"id": "driver", "argv": ["apt-get", "install", "-y", "nvidia-driver-550"], "root": True},
    ]
    result = _as_nobody(nobody_dir, steps, readable_checkout)
    assert result.returncode == 1
    assert result.stdout.startswith("ERROR") and "driver" in result.stdout
    assert ("sudo" in result.stdout) and "Traceback" not in result.stderr
    assert not marker.exists()


def _venv_for_nobody(d: Path, ck) -> Path:
    """An interpreter nobody can run (and root, through sudo) that imports this checkout of torch-setup:
    a venv of the system's Python whose .pth names a readable copy of the checkout and its dependencies."""
    uv = Path(sys.executable).parent / "uv"
    venv = d / "venv"
    subprocess.run([str(uv), "venv", "-q", "--python", SYSTEM_PY, str(venv)], check=True, capture_output=True)
    (next((venv / "lib").glob("python3*/site-packages")) / "torch_setup_checkout.pth").write_text(
        f"{ck.root}\n{ck.site}\n")
    return venv / "bin" / "python"


@pytest.mark.root
@pytest.mark.skipif(shutil.which("sudo") is None, reason="sudo is not installed")
def test_a_root_steps_file_is_written_through_sudo_when_not_root(nobody_dir, readable_checkout):
    """torch-setup as nobody; a root step's file (a folder only root may write) goes through
    `sudo -n python -I -m installer.executor.fileedit write`, allowed by a NOPASSWD rule for exactly that."""
    py = _venv_for_nobody(nobody_dir, readable_checkout)
    etc = nobody_dir / "etc"
    etc.mkdir()  # root's, 0755: nobody cannot write here
    mine = nobody_dir / "mine"
    conf = etc / "profile.d" / "torch-setup-test.sh"
    state = nobody_dir / "state"
    spec = nobody_dir / "spec.json"

    def run_as_nobody(content: str) -> subprocess.CompletedProcess[str]:
        spec.write_text(json.dumps({"state": str(state), "steps": [
            {"id": "system-conf", "root": True, "files": [{"path": str(conf), "content": content}]},
            {"id": "own-conf", "files": [{"path": str(mine / "conf"), "content": content}]},
        ]}))
        os.chmod(spec, 0o644)
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(nobody_dir),
               "XDG_CACHE_HOME": str(nobody_dir / "cache"), "LANG": "C.UTF-8"}
        return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", str(py),
                               str(_driver(readable_checkout)), str(spec)], capture_output=True, text=True,
                              env=env, timeout=120,
                              stdin=subprocess.DEVNULL)

    without_rule = run_as_nobody("export A=1\n")
    assert without_rule.returncode == 1 and "password" in without_rule.stdout and not conf.exists()

    rule = Path(f"/etc/sudoers.d/zz-torch-setup-test-{os.getpid()}")
    rule.write_text(f"nobody ALL=(root) NOPASSWD: /usr/bin/true, "
                    f"{py} -I -m installer.executor.fileedit write --backup-dir {state}/backups\n")
    rule.chmod(0o440)
    try:
        first = run_as_nobody("export A=1\n")
        second = run_as_nobody("export A=2\n")
    finally:
        rule.unlink()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "StepFinished system-conf changed" in first.stdout and "RunFinished   True" in first.stdout
    assert conf.read_text() == "export A=2\n" and conf.stat().st_uid == 0  # written by root
    assert (conf.stat().st_mode & 0o777) == 0o644
    assert (mine / "conf").stat().st_uid == pwd.getpwnam("nobody").pw_uid  # the user's own file: by the user
    assert second.returncode == 0, second.stdout + second.stderr
    # the backups: "there was none" from the first run, the first content from the second; the folder
    # is the user's (made before sudo), so the user's own later backups can go there too
    backups = sorted((state / "backups").iterdir())
    ours = [b for b in backups if "torch-setup-test.sh" in b.name]
    assert [b.name.endswith(".absent") for b in ours] == [True, False]
    assert ours[1].read_text() == "export A=1\n"
    assert (state / "backups").stat().st_uid == pwd.getpwnam("nobody").pw_uid
