"""An install killed during its own verification, after every step finished, is known not to have reached its
end: doctor says so and gives the verification it missed; once that has run, doctor says nothing of it. Found in
use: `kill -9` during verify left nothing, and last-target.json called the run finished. A real install of torch
2.13.0 (CPU, from the wheel on this disk), a real kill, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import verifying

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]


def test_a_run_killed_while_it_verifies_is_named_by_doctor(cli, xdg_home, tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "cpu-venv.yaml")
    proc = subprocess.Popen([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes"],
                            cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < end and not verifying(xdg_home / "state"):
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)  # this test's own installer, by its pid: the probe takes seconds
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the install ended before its verification was seen"

    python = tmp_path / ".venv-torch" / "bin" / "python"
    # doctor of another interpreter (torch-setup's own) names the verification that did not run to its end
    r = cli("doctor", "--python", sys.executable, "--json", "--timeout", "300")
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"] == "last-run-unverified"]
    assert [f["title"] for f in found] == [f"the install into {tmp_path / '.venv-torch'} finished its steps, but "
                                           "its verification did not run to the end"]
    assert found[0]["fix"] == f"run `torch-setup verify --python {python}`"
    assert found[0]["severity"] == "warning"
    # a kill -9 leaves no record of how it stopped: the guess stays (a Ctrl-C install saw is named: test_doctor_after_ctrl_c_first_install.py)
    assert "it was stopped (killed, or its terminal closed)" in found[0]["explanation"], found[0]["explanation"]

    # doctor of that interpreter runs verify's checks there: they are the verdict, not "run verify" beside them
    # (found in use: [ok] import, CPU and matmul, then "has not been checked since")
    r = cli("doctor", "--python", str(python), "--json", "--timeout", "300")
    assert r.returncode == 0
    assert not [f for f in json.loads(r.stdout)["findings"] if f["id"].startswith("last-run")]
    # and that verdict is kept: doctor of another interpreter says nothing of it any more
    r = cli("doctor", "--python", sys.executable, "--json", "--timeout", "300")
    assert not [f for f in json.loads(r.stdout)["findings"] if f["id"].startswith("last-run")]
