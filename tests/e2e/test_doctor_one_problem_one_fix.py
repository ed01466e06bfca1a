"""doctor says one problem and one fix (found in use, session 28): a CPU build where the last install planned cu126
was two problems, the second "none of the usual causes explains it"; the long reinstall command was said on the
check line and again under findings; an install's verification stopped by a signal was "killed, or its terminal
closed". A real venv with torch 2.13.0 (CPU build), the real CLI, a real SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from helpers import verifying

from installer.probes.last_target import record_last_target

pytestmark = pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")
# as `source .venv/bin/activate` of torch-setup's checkout leaves the shell: plain doctor checks the last install
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}


def test_a_cpu_build_where_cu126_was_planned_is_one_problem_with_one_fix(cli, xdg_home, torch_python):
    record_last_target(str(torch_python), xdg_home / "state" / "torch-setup", target=str(torch_python.parent.parent),
                       variant="cu126")

    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1, r.stdout + r.stderr
    checks, findings = r.stdout.split("checks:\n")[1].split("findings:\n")
    assert findings.count("[PROBLEM]") == 1 and "none of the usual causes" not in findings, findings
    assert findings.startswith("  [PROBLEM] this is a cpu build of torch 2.13.0+cpu; a cu126 build was expected\n")
    # the reinstall command once, under findings; the check lines point there
    command = "--force-reinstall torch==2.13.0 --index-url https://download.pytorch.org/whl/cu126"
    assert r.stdout.count(command) == 1 and command in findings, r.stdout
    assert ("  [FAIL] this is a cpu build of torch 2.13.0+cpu; a cu126 build was expected\n"
            "         -> the fix is under findings\n") in checks, checks
    assert ("  [FAIL] a cu126 build was expected, but this cpu build cannot use a GPU\n"
            "         -> this follows from the wrong build above: its fix is under findings\n") in checks, checks

    # --json: the same one finding; each check keeps its own fix (only the text says it once)
    doc = json.loads(cli("doctor", "--json", "--timeout", "300", env=OWN).stdout)
    assert [f["id"] for f in doc["findings"] if f["severity"] == "error"] == ["check-build"], doc["findings"]
    build = next(c for c in doc["verify"]["checks"] if c["name"] == "build")
    assert command in build["fix"], build


def test_a_verification_stopped_by_sigterm_is_named(cli, xdg_home, torch_python, tmp_path):
    """install's own verification (verify_install), stopped by SIGTERM: its record says so, and doctor does."""
    state = xdg_home / "state" / "torch-setup"
    target = str(torch_python.parent.parent)
    code = ("import sys; from installer.probes.last_target import verify_install; "
            "verify_install(sys.argv[1], sys.argv[2])")
    proc = subprocess.Popen([sys.executable, "-c", code, target, str(torch_python)], env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < end and not verifying(xdg_home / "state"):
            time.sleep(0.005)
        time.sleep(0.2)  # inside the probe, which imports torch for a second or more
        proc.send_signal(signal.SIGTERM)  # this test's own process, by its pid
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert "KeyboardInterrupt" in err, err  # it stopped in the verification, as Ctrl-C stops it
    entry = json.loads((state / "last-target.json").read_text())["verifying"][target]
    assert entry["stopped_by"] == "SIGTERM", entry

    r = cli("doctor", "--python", sys.executable, "--json", "--timeout", "300")
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"] == "last-run-unverified"]
    assert len(found) == 1 and ": it was stopped by a signal (SIGTERM)\n" in found[0]["explanation"], found
    assert "killed" not in found[0]["explanation"]
