"""doctor after a first install was stopped by SIGTERM in its torch step, as a tester (t10) met it: the install a
script's background job (SIGINT ignored, as such a job starts), `kill PID`, then plain `doctor` with torch-setup's
own venv active. Found in use: torch-setup's own Python was checked, its "not a place for torch" a second PROBLEM
beside the stopped install's, and "that is not the interpreter checked here" followed the reason it stopped. Real
installs of torch 2.13.0 (CPU, from the wheel on this disk), a real SIGTERM, the real CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest
from helpers import folder_with_example, reaped, signal_when, start_install

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels"),
              pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")]
# torch-setup's venv bin/ on PATH, as `source .venv/bin/activate` leaves the shell: the active Python is its own
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}


def _sigterm_during_the_torch_step(folder: Path) -> None:
    proc, log = start_install(folder, sigint=signal.SIG_IGN)  # a background job of a script
    with reaped(proc):
        assert signal_when(proc, log, lambda out: re.search(r"\$ .*/uv pip install", out) is not None,
                           signal.SIGTERM), log.read_text()
        proc.wait(timeout=120)
    assert proc.returncode == 130, (proc.returncode, log.read_text())


def test_doctor_checks_the_stopped_first_install_and_says_one_problem(cli, xdg_home, tmp_path):
    folder = folder_with_example(tmp_path, "lab")
    _sigterm_during_the_torch_step(folder)
    venv = folder / ".venv-torch"
    resume = f"cd {folder} && torch-setup install --answers {folder / 'cpu-venv.yaml'} --yes"

    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1, r.stdout + r.stderr
    # the environment the stopped install made is checked, as README promises of torch-setup's own Python, and
    # said truly: no install has finished
    assert r.stdout.startswith(f"checking {venv}, the environment the install that stopped was installing into; "
                               f"torch-setup's own Python ({sys.executable}) is not a place for torch\n"), r.stdout
    findings = r.stdout.split("findings:\n")[1]
    assert findings.startswith(f"  [PROBLEM] the install into {venv} stopped at step torch\n"), findings
    assert findings.count("[PROBLEM]") == 1, findings  # one cause, one problem: torch missing there is its effect
    # the journal kept which signal stopped it
    assert ": it was stopped by a signal (SIGTERM)\n" in findings and "Ctrl-C" not in findings, findings
    assert "torch-setup's own Python, not a place for torch" not in r.stdout, r.stdout
    assert "not the interpreter checked here" not in r.stdout and "not that environment" not in r.stdout, r.stdout
    assert r.stdout.count(resume) == 1 and "(the wizard)" not in r.stdout, r.stdout
    doc = json.loads(cli("doctor", "--json", "--timeout", "300", env=OWN).stdout)
    assert doc["own_environment"]["checked_instead"] == str(venv / "bin" / "python"), doc["own_environment"]
    assert doc["verify"]["python"]["prefix"] == str(venv), doc["verify"]["python"]


def test_with_its_environment_gone_torch_setups_own_python_is_checked_and_no_second_problem(cli, xdg_home, tmp_path):
    folder = folder_with_example(tmp_path, "lab")
    _sigterm_during_the_torch_step(folder)
    shutil.rmtree(folder / ".venv-torch")  # as before its venv step finished: no environment to check
    resume = f"cd {folder} && torch-setup install --answers {folder / 'cpu-venv.yaml'} --yes"

    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.startswith(f"{sys.executable} is torch-setup's own Python, not a place for torch; doctor checked "
                               "it because the install that stopped has no environment with torch yet\n"), r.stdout
    findings = r.stdout.split("findings:\n")[1]
    assert findings.count("[PROBLEM]") == 1, findings  # one cause, one problem: the stopped install
    assert findings.startswith(f"  [PROBLEM] the install into {folder / '.venv-torch'} stopped at step torch\n")
    # what doctor did, said plainly after the reason it stopped
    assert f"\n      doctor checked {sys.executable} (torch-setup's own Python), not that environment\n" in findings
    assert r.stdout.count(resume) == 1, r.stdout
