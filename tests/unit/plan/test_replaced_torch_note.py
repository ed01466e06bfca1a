"""A plan into an environment that already has another torch says that it replaces it. Found in use: a
returning user changed torch.version in the answers, and neither `plan` nor `install` said that the torch
already in the environment would go. Real venvs; the torch in them is its metadata only (what the check
reads), since a whole torch wheel per test is gigabytes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from installer.plan.ahead import replaced_torch_note
from installer.plan.model import Plan


def _venv(where: Path, torch: str | None) -> str:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    if torch is not None:
        site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        info = Path(site) / f"torch-{torch}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torch\nVersion: {torch}\n")
    return str(python)


def _plan(python: str, pin: str) -> Plan:
    return Plan(steps=(), summary=(("packages", f"{pin} pip"),), target_python=python)


def test_another_torch_is_said_and_the_same_one_is_not(tmp_path):
    python = _venv(tmp_path / "env", "2.13.0+cpu")
    assert replaced_torch_note(_plan(python, "torch==2.14.1+cpu")) == (
        f"{python} has torch 2.13.0+cpu: this plan replaces it with torch==2.14.1+cpu")
    assert replaced_torch_note(_plan(python, "torch==2.13.0+cpu")) is None


def test_nothing_to_say_for_a_new_or_empty_environment(tmp_path):
    assert replaced_torch_note(_plan(str(tmp_path / "none" / "bin" / "python"), "torch==2.13.0")) is None
    assert replaced_torch_note(_plan(_venv(tmp_path / "empty", None), "torch==2.13.0")) is None
