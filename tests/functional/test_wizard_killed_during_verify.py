"""A wizard killed during its own verification leaves the trace `install` leaves (installer.probes.last_target):
`torch-setup doctor` names the verification that did not run to its end. Found in use: only `install` recorded
its verification, so a wizard closed while Verify ran left "finished" and nothing else.

The Verify screen's check goes through Engine.verify (the engine side, no textual code), run here in a process
of its own and killed while it checks, as the wizard's would be. The interpreter checked is a real one behind
a wrapper that waits first: the kill lands inside the verification, not before or after it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from helpers import verifying

CHILD = """
import sys
from installer.tui.engine import Engine
Engine().verify(sys.argv[1], target=sys.argv[2])
"""


def test_a_wizard_killed_while_it_verifies_is_named_by_doctor(cli, xdg_home, tmp_path):
    env_dir = tmp_path / "env"
    (env_dir / "bin").mkdir(parents=True)
    python = env_dir / "bin" / "python"
    python.write_text(f"#!/bin/sh\nsleep 30\nexec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(python), str(env_dir)], env=dict(os.environ),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        end = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < end and not verifying(xdg_home / "state"):
            time.sleep(0.01)
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # this test's own child and the wrapper's sleep, by its group
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    r = cli("doctor", "--json", "--timeout", "60")
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"] == "last-run-unverified"]
    assert [f["title"] for f in found] == [f"the install into {env_dir} finished its steps, but its verification "
                                           "did not run to the end"]
    assert found[0]["fix"] == f"run `torch-setup verify --python {python}`"


def test_a_verification_run_to_its_end_leaves_no_trace(xdg_home, tmp_path):
    from installer.probes.last_target import unverified
    from installer.tui.engine import Engine

    Engine().verify(sys.executable, target=str(tmp_path / "env"))  # torch-setup's own: no torch, a verdict
    assert (xdg_home / "state" / "torch-setup" / "last-target.json").exists()  # written, then its entry dropped
    assert unverified(xdg_home / "state" / "torch-setup") == []
    assert not verifying(xdg_home / "state")
