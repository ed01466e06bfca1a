"""After an install that stopped before its end, "torch-setup last installed into" an earlier environment
is not said: the run to finish is the stopped one (doctor and the Welcome screen name it, with its log).

Found in use (a lab admin): kill -9 of an install in one folder, then `doctor` there pointed at another
folder's finished install as the fix. The real journal and the real last-target file, in a temp state dir.
"""

from __future__ import annotations

import sys
import time

from installer.executor.journal import Journal
from installer.probes.last_target import last_target, record_last_target


def test_a_newer_stopped_run_hides_the_earlier_target(tmp_path):
    record_last_target(sys.executable, tmp_path)
    assert last_target(tmp_path) == sys.executable
    time.sleep(0.01)
    Journal(tmp_path).record("d1", "started", "torch", log=str(tmp_path / "run.log"))
    assert last_target(tmp_path) is None


def test_an_older_stopped_run_does_not(tmp_path):
    Journal(tmp_path).record("d1", "failed", "torch", detail="uv failed")
    time.sleep(0.01)
    record_last_target(sys.executable, tmp_path)
    assert last_target(tmp_path) == sys.executable


def test_a_finished_run_after_it_keeps_the_target(tmp_path):
    record_last_target(sys.executable, tmp_path)
    time.sleep(0.01)
    Journal(tmp_path).record("d1", "done", "torch")
    assert last_target(tmp_path) == sys.executable
