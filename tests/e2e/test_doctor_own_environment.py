"""doctor and verify without --python, where the active Python is torch-setup's own (its venv activated, or its
bin/ first on PATH), check the environment torch-setup last installed into, and say so. Found in use: right after
a verified install into ~/.venv-torch, `torch-setup doctor` said "[PROBLEM] torch is not installed in
/home/t5/ts-venv/bin/python3". A real install of torch 2.13.0 (CPU, from the wheel on this disk), the real CLI,
run on this test environment's own venv, which holds no torch."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                 reason="needs torch 2.13.0+cpu in /opt/wheels"),
              pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")]

# as `source .venv/bin/activate` of torch-setup's checkout leaves the shell
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}


def test_own_python_is_not_judged_the_last_install_is(cli, xdg_home, tmp_path):
    own = os.path.join(sys.prefix, "bin", "python")
    assert cli("verify", "--python", own).returncode == 1  # torch-setup's own venv holds no torch here
    shutil.copy(EXAMPLE, tmp_path / "cpu-venv.yaml")
    done = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    env_folder = tmp_path / ".venv-torch"
    said = (f"checking {env_folder}, the environment torch-setup last finished installing into; "
            f"torch-setup's own Python ({own}) is not a place for torch")

    doctor = cli("doctor", "--timeout", "300", env=OWN)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert doctor.stdout.splitlines()[0] == said
    assert f"torch: 2.13.0+cpu (cpu) in {env_folder / 'bin' / 'python'}" in doctor.stdout
    assert "[PROBLEM]" not in doctor.stdout

    verify = cli("verify", "--timeout", "300", env=OWN)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.splitlines()[0] == said
    assert verify.stdout.rstrip().endswith("verify: PASS")

    doc = json.loads(cli("doctor", "--json", "--timeout", "300", env=OWN).stdout)
    assert doc["ok"] and doc["python"] == str(env_folder / "bin" / "python")
    assert doc["own_environment"]["python"] == own

    # named with --python, it is checked, and called torch-setup's own, pointing at the last install
    named = cli("verify", "--python", sys.executable, "--timeout", "300")
    assert named.returncode == 1
    assert named.stdout.splitlines()[0] == f"{sys.executable} is torch-setup's own Python, not a place for torch"
    assert f"run `torch-setup verify --python {env_folder / 'bin' / 'python'}`" in named.stdout
    doc = json.loads(cli("doctor", "--python", sys.executable, "--json", "--timeout", "300").stdout)
    missing = next(f for f in doc["findings"] if f["id"] == "torch-missing")
    assert missing["title"] == f"{sys.executable} is torch-setup's own Python, not a place for torch"
    assert missing["fix"] == (f"torch-setup last installed into {env_folder / 'bin' / 'python'}: run "
                              f"`torch-setup doctor --python {env_folder / 'bin' / 'python'}`")


def test_own_python_without_an_install_says_where_torch_goes(cli, xdg_home):
    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1
    assert f"[PROBLEM] {os.path.join(sys.prefix, 'bin', 'python')} is torch-setup's own Python, not a place for " \
           "torch" in r.stdout
    assert "fix: run `torch-setup` (the wizard): it makes an environment for torch and installs it there" in r.stdout
