"""`torch-setup install` into a folder another run is writing: refused before the first step with exit 2
(nothing was changed), naming the run that holds it (its pid) and the folder, and saying what to do.

The other run is the executor itself (tests/unit/executor/driver.py: run_plan in a process of its own)
with a step that writes the same environment folder and waits; the refused one is the real command line,
planning cpu-venv.yaml for real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DRIVER = REPO / "tests" / "unit" / "executor" / "driver.py"
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"

pytestmark = pytest.mark.skipif(not list(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                reason="plans cpu-venv.yaml offline: needs the CPU wheel in /opt/wheels")


def test_install_into_a_folder_another_run_is_writing_exits_2_and_names_it(cli, tmp_path, xdg_home, monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_LOCK_DIR", str(tmp_path / "locks"))
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLE, work / "cpu-venv.yaml")
    venv, release = work / ".venv-torch", tmp_path / "release"
    wait = (f"import os, time\nopen({str(release)!r} + '.started', 'w').write('1')\nend = time.time() + 120\n"
            f"while not os.path.exists({str(release)!r}) and time.time() < end:\n    time.sleep(0.05)")
    spec = tmp_path / "holder.json"
    spec.write_text(json.dumps({"state": str(tmp_path / "holder-state"), "steps": [
        {"id": "slow", "argv": [sys.executable, "-c", wait], "writable": [str(venv)]}]}))
    holder = subprocess.Popen([sys.executable, str(DRIVER), str(spec)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "TORCH_SETUP_NO_SANDBOX": "1"})
    try:
        started, deadline = Path(f"{release}.started"), time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the first run never started its step"
        result = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    finally:
        release.write_text("go")
        holder.communicate(timeout=60)
    print(result.stderr)  # what a person sees (pytest -s)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"another torch-setup run (pid {holder.pid}) is installing into {venv}" in result.stderr
    assert f"kill {holder.pid}" in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr and "[1/" not in result.stdout
    assert not (xdg_home / "state" / "torch-setup" / "journal").exists()
    assert sorted(os.listdir(work)) == ["cpu-venv.yaml"]
