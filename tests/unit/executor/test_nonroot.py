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


def _as_nobody(d: Path, steps: list[dict]) -> subprocess.CompletedProcess[str]:
    # the site-packages of the environment running the tests (make test's .venv, or any other)
    site = next(p for p in map(Path, sys.path) if p.name == "site-packages" and str(p).startswith(sys.prefix))
    spec = d / "spec.json"
    spec.write_text(json.dumps({"state": str(d / "state"), "steps": steps, "sys_path": [str(REPO), str(site)]}))
    os.chmod(spec, 0o644)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(d), "XDG_CACHE_HOME": str(d / "cache"),
           "LANG": "C.UTF-8"}
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", SYSTEM_PY,
                           str(DRIVER), str(spec)], capture_output=True, text=True, env=env, timeout=120)


def test_non_root_steps_run_as_the_user(nobody_dir):
    uv = Path(sys.executable).parent / "uv"
    venv = nobody_dir / "venv"
    who = nobody_dir / "out"
    steps = [
        {"id": "venv", "argv": [str(uv), "venv", "--allow-existing", "--python", SYSTEM_PY, str(venv)],
         "writable": [str(venv)]},
        {"id": "whoami", "argv": [str(venv / "bin" / "python"), "-c",
                                  f"import os; open({str(who / 'uid')!r}, 'w').write(str(os.geteuid()))"],
         "writable": [str(who)]},
    ]
    result = _as_nobody(nobody_dir, steps)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "RunFinished   True" in result.stdout
    assert (who / "uid").read_text() == str(pwd.getpwnam("nobody").pw_uid)
    assert venv.stat().st_uid == pwd.getpwnam("nobody").pw_uid
    journal = list((nobody_dir / "state" / "journal").glob("*.json"))
    assert len(journal) == 2


def test_a_root_step_needs_sudo_and_is_checked_before_anything_runs(nobody_dir):
    marker = nobody_dir / "first"
    steps = [
        {"id": "first", "argv": [SYSTEM_PY, "-c", f"open({str(marker)!r}, 'w')"], "writable": [str(nobody_dir)]},
        {"id": "driver", "argv": ["apt-get", "install", "-y", "nvidia-driver-550"], "root": True},
    ]
    result = _as_nobody(nobody_dir, steps)
    assert result.returncode == 1
    assert result.stdout.startswith("ERROR") and "driver" in result.stdout
    assert ("sudo" in result.stdout) and "Traceback" not in result.stderr
    assert not marker.exists()
