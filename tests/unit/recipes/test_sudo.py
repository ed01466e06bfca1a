"""sudo: root steps wrapped only when needed, env handed over by name (--preserve-env), and a clear stop
when a password would be needed in an unattended run. The last two tests run the real sudo as the real user `nobody`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.errors import TorchSetupError
from installer.executor.sudo import preflight, wrap

SUDO = shutil.which("sudo")
SETPRIV = shutil.which("setpriv")
AS_NOBODY = [SETPRIV or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
# the system's Python: nobody can run it, unlike an interpreter under root's home
SYSTEM_PY = shutil.which("python3", path="/usr/bin:/bin") or "/usr/bin/python3"
real_sudo = pytest.mark.skipif(not (SUDO and SETPRIV and os.geteuid() == 0),
                               reason="needs root, sudo and setpriv to act as another user")


def test_non_root_step_is_never_wrapped():
    assert wrap(["pip", "install", "x"], root=False, euid=1000) == ("pip", "install", "x")


def test_root_step_as_root_runs_as_is():
    assert wrap(["apt-get", "install", "-y", "x"], root=True, euid=0, env={"A": "1"}) == (
        "apt-get", "install", "-y", "x")


def test_root_step_as_user_goes_through_sudo_n_with_its_env_by_name():
    argv = wrap(["apt-get", "install", "-y", "x"], root=True, euid=1000, sudo="/usr/bin/sudo",
                env={"LC_ALL": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"})
    assert argv == ("/usr/bin/sudo", "-n", "--preserve-env=DEBIAN_FRONTEND,LC_ALL", "--",
                    "apt-get", "install", "-y", "x")
    assert wrap(["true"], root=True, euid=1000, sudo="/usr/bin/sudo") == ("/usr/bin/sudo", "-n", "--", "true")


def test_no_sudo_at_all_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(TorchSetupError) as err:
        wrap(["apt-get"], root=True, euid=1000)
    assert "sudo is not installed" in err.value.message
    with pytest.raises(TorchSetupError):
        preflight(needs_root=True, interactive=False, steps=["driver"], euid=1000)


def test_preflight_does_nothing_without_root_steps_or_as_root():
    preflight(needs_root=False, interactive=False, euid=1000, sudo="/nonexistent/sudo")
    preflight(needs_root=True, interactive=False, euid=0, sudo="/nonexistent/sudo")


CHILD = """
import sys
from installer.errors import TorchSetupError
from installer.executor.sudo import preflight
try:
    preflight(needs_root=True, interactive=False, steps=["nvidia-driver", "cuda-keyring"])
except TorchSetupError as e:
    print(e.render())
    sys.exit(1)
print("ok")
"""


def _nobody_env(ck) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ck.root}:{ck.site}", "LANG": "C.UTF-8", "HOME": "/tmp"}


@real_sudo
def test_unattended_user_without_passwordless_sudo_stops_before_anything(tmp_path, readable_checkout):
    proc = subprocess.run([*AS_NOBODY, SYSTEM_PY, "-c", CHILD], capture_output=True, text=True,
                          cwd=readable_checkout.root, env=_nobody_env(readable_checkout),
                          stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert "password" in proc.stdout and "nvidia-driver, cuda-keyring" in proc.stdout
    assert "sudo -v" in proc.stdout  # says what to do next


@real_sudo
@pytest.mark.root
def test_wrapped_command_really_runs_as_root_with_the_step_env(tmp_path, readable_checkout):
    """With a NOPASSWD rule (what a lab admin sets up), preflight passes and the wrapped argv runs as root,
    the step's variable passed on (SETENV: sudo refuses --preserve-env without it, see test_sudo_env)."""
    rule = Path("/etc/sudoers.d/zz-torch-setup-test")
    rule.write_text(f"nobody ALL=(root) NOPASSWD:SETENV: {SYSTEM_PY}, /usr/bin/true\n")
    rule.chmod(0o440)
    try:
        check = subprocess.run([*AS_NOBODY, SYSTEM_PY, "-c", CHILD], capture_output=True, text=True,
                               cwd=readable_checkout.root, env=_nobody_env(readable_checkout),
                               stdin=subprocess.DEVNULL, timeout=60)
        assert check.stdout.strip() == "ok", check.stdout + check.stderr
        code = ("import os, subprocess, sys; from installer.executor.sudo import wrap; "
                f"argv = wrap([{SYSTEM_PY!r}, '-c', 'import os; print(os.geteuid(), os.environ[\"MARK\"])'], "
                "root=True, env={'MARK': 'step-env'}); "
                "sys.exit(subprocess.run(argv, env={**os.environ, 'MARK': 'step-env'}).returncode)")
        out = subprocess.run([*AS_NOBODY, SYSTEM_PY, "-c", code], capture_output=True, text=True,
                             cwd=readable_checkout.root, env=_nobody_env(readable_checkout),
                             stdin=subprocess.DEVNULL, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["0", "step-env"]
    finally:
        rule.unlink()


def test_a_preflight_refusal_is_exit_2_as_every_refusal_before_anything_ran(monkeypatch):
    # exit 1 means "a step or a check failed": no step ran here, and nothing was changed
    from installer.errors import InputError

    monkeypatch.setattr("installer.executor.sudo._probe", lambda exe, names=(): (False, "a password is required"))
    with pytest.raises(InputError) as err:
        preflight(needs_root=True, interactive=False, steps=["driver"], euid=1000, sudo="/usr/bin/sudo")
    assert err.value.exit_code == 2
    assert "nothing was changed" in (err.value.hint or "") and "run it as root" not in (err.value.hint or "")
