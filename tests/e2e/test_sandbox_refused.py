"""bubblewrap installed but refused its namespaces, as on Ubuntu 23.10 and later (AppArmor's restriction
on unprivileged user namespaces: "bwrap: setting up uid map: Permission denied") and on kernels without
user namespaces: the install runs its steps without the sandbox and says why, instead of failing at its
first step ("bwrap: Creating new namespace failed", which it did before).

The refusal is real: tests/e2e/tools/no_namespaces.c runs torch-setup under a seccomp filter with which
the kernel answers EPERM to every request for a new namespace, so the real bwrap fails in its own words.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def no_namespaces(tmp_path_factory) -> Path:
    if shutil.which("bwrap") is None or shutil.which("gcc") is None:
        pytest.skip("needs bubblewrap and gcc")
    exe = tmp_path_factory.mktemp("tools") / "no-namespaces"
    subprocess.run(["gcc", "-O2", "-o", str(exe), str(REPO / "tests" / "e2e" / "tools" / "no_namespaces.c")],
                   check=True)
    refused = subprocess.run([str(exe), "bwrap", "--ro-bind", "/", "/", "--", "true"], capture_output=True, text=True)
    assert refused.returncode != 0 and "namespace" in refused.stderr  # the real bwrap, really refused
    return exe


def test_an_install_runs_without_a_sandbox_that_cannot_start_and_says_why(tmp_path, xdg_home, no_namespaces):
    (tmp_path / "cpu-venv.yaml").write_text(EXAMPLE.read_text().replace("verify: true", "verify: false"))
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("TORCH_SETUP_NO_SANDBOX", None)
    proc = subprocess.run([str(no_namespaces), sys.executable, "-m", "installer", "install", "--answers",
                           "cpu-venv.yaml", "--yes"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("the sandbox cannot start here") == 1  # said once, not per step
    # in bwrap's own words, which depend on who asks: root's "Creating new namespace failed", a normal
    # user's "No permissions to create new namespace, likely because the kernel does not allow ..."
    said = subprocess.run([str(no_namespaces), "bwrap", "--ro-bind", "/", "/", "--", "true"], capture_output=True,
                          text=True).stderr.strip().splitlines()[-1].removeprefix("bwrap: ")
    assert "namespace" in said and said in proc.stdout
    if os.geteuid() == 0:
        assert "Creating new namespace failed" in proc.stdout
    version = subprocess.run([str(tmp_path / ".venv-torch" / "bin" / "python"), "-I", "-c",
                              "import importlib.metadata as m; print(m.version('torch'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == "2.13.0+cpu"


def test_turned_off_on_purpose_it_says_nothing(tmp_path, xdg_home, no_namespaces):
    (tmp_path / "cpu-venv.yaml").write_text(EXAMPLE.read_text().replace("verify: true", "verify: false"))
    env = {**os.environ, "NO_COLOR": "1", "TORCH_SETUP_NO_SANDBOX": "1"}
    proc = subprocess.run([str(no_namespaces), sys.executable, "-m", "installer", "install", "--answers",
                           "cpu-venv.yaml", "--yes"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sandbox" not in proc.stdout
