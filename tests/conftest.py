"""Fixtures shared by every test folder.

- `cli`: runs the real `torch-setup` in a subprocess (the way a person does), returning the result.
- `torch_python`: a real venv with the CPU build of torch==2.13.0 (from the wheel on this machine's disk
  through pip's find-links), made once per test session. Tests never pull an unpinned torch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MACHINES = FIXTURES / "machines"
TORCH_PIN = "torch==2.13.0"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600, input: str | None = None) -> CliResult:
    full_env = dict(os.environ)
    full_env.setdefault("NO_COLOR", "1")
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "installer", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, input=input,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def xdg_home(tmp_path, monkeypatch) -> Path:
    """Point every XDG dir (journal, cache, results) into the test's temp dir."""
    home = tmp_path / "home"
    for var, sub in (("XDG_STATE_HOME", "state"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture(scope="session")
def torch_python(tmp_path_factory) -> Path:
    """The interpreter of a real venv holding torch==2.13.0 (CPU build), shared by the session."""
    root = tmp_path_factory.mktemp("torch-venv")
    venv.EnvBuilder(with_pip=False).create(root)
    py = root / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    # uv reads no pip.conf: hand it the find-links where the CPU wheel lies on this machine
    cmd = [str(uv), "pip", "install", "--python", str(py), "--find-links", "/opt/wheels", f"{TORCH_PIN}+cpu"]
    if not Path("/opt/wheels").is_dir():
        cmd = [str(uv), "pip", "install", "--python", str(py),
               "--index-url", "https://download.pytorch.org/whl/cpu", f"{TORCH_PIN}+cpu"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)
    return py
