"""doctor after a Ctrl-C (SIGINT to the install's process group, exit 130), as a tester (t9) met it with
torch-setup's venv active: a first install stopped in its torch step, and an install stopped during its own
verification. Real installs of torch 2.13.0 (CPU, from the wheel on this disk), real signals, the real CLI."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from helpers import ctrl_c_install, folder_with_example, verifying

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels"),
              pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")]
# as `source .venv/bin/activate` of torch-setup's checkout leaves the shell
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}


def test_a_first_install_stopped_in_its_torch_step_is_the_one_fix(cli, xdg_home, tmp_path):
    folder = folder_with_example(tmp_path, "cpu")
    ctrl_c_install(folder, lambda out: re.search(r"\$ .*/uv pip install", out) is not None)
    resume = f"cd {folder} && torch-setup install --answers {folder / 'cpu-venv.yaml'} --yes"

    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1, r.stdout
    # the resume is said once, and nothing sends the reader to the wizard instead (found in use: the check and
    # the torch-setup's-own-Python finding both said "run `torch-setup` (the wizard)")
    assert "(the wizard)" not in r.stdout and "Combination screen" not in r.stdout, r.stdout
    assert r.stdout.count(resume) == 1, r.stdout
    findings = r.stdout.split("findings:\n")[1]
    assert findings.startswith(f"  [PROBLEM] the install into {folder / '.venv-torch'} stopped at step torch\n")
    # the stopped install's own environment is the one checked (README: not torch-setup's own Python), and torch
    # missing there is no second problem (found in use, t10)
    assert r.stdout.startswith(f"checking {folder / '.venv-torch'}, the environment the install that stopped was "
                               "installing into;"), r.stdout
    assert findings.count("[PROBLEM]") == 1, findings
    # and it does go on from there
    assert cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=folder).returncode == 0


def test_an_install_ctrl_c_d_during_its_verification_is_named(cli, xdg_home, tmp_path):
    folder = folder_with_example(tmp_path, "cpu")
    # the probe imports torch for a second or more: 0.2 s after the record appears is inside the verification
    ctrl_c_install(folder, lambda out: verifying(xdg_home / "state"), delay=0.2)
    assert verifying(xdg_home / "state"), "the record of the verification cut off was not left"

    # plain doctor checks that environment (torch-setup's own venv is active): its checks are the verification
    # the install missed, and it says so (found in use: "[ok] nothing to mend", and nothing of the stop)
    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 0, r.stdout
    findings = r.stdout.split("findings:\n")[1]
    assert findings.startswith(f"  [ok] the install into {folder / '.venv-torch'} was stopped during its own "
                               "verification: the checks above are the verification it missed\n"), r.stdout
    assert "the checks passed, so nothing is left of that install to do" in findings
    # install recorded the Ctrl-C it saw: said so, not the guess of a run that left no record ("killed, or its
    # terminal closed", found in use)
    assert ": it was stopped with Ctrl-C\n" in findings and "killed" not in findings, findings
    # said once: that verdict is kept
    r = cli("doctor", "--timeout", "300", env=OWN)
    assert "was stopped during its own verification" not in r.stdout, r.stdout
