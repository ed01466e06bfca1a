"""A half-done install whose folder has been deleted is no longer listed by doctor (found in use: old failures
repeated in every output, with no way to be rid of them but finishing them); the newest run's stays, as an
install that failed before it made its folder still needs its reason said."""

from __future__ import annotations

import time

from installer.executor.journal import Journal
from installer.probes.last_run import half_done, stopped_runs


def test_a_deleted_folder_drops_its_half_done_install(tmp_path):
    state = tmp_path / "state"
    kept, gone, newest = tmp_path / "kept", tmp_path / "gone", tmp_path / "never-made"
    kept.mkdir()
    for name, target in (("k", kept), ("g", gone), ("n", newest)):
        Journal(state, target=str(target), python=f"{target}/bin/python").record(name, "failed", "torch")
        time.sleep(0.01)
    assert [r.target for r in stopped_runs(state)] == [str(newest), str(kept)]
    # the newest stop is a problem said in full; the other environment's, one line
    said = half_done({"executable": "/elsewhere/bin/python", "prefix": "/elsewhere"}, named=False, state_dir=state)
    assert [(f.severity, line is None) for f, line in said] == [("error", True), ("warning", False)]
