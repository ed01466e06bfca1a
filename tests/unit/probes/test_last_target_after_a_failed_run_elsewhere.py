"""One failed install into another folder does not make verify, bench and doctor forget the environment
torch-setup last installed into (found in use: a failing install in a second folder, then `torch-setup
verify` only said "torch is not installed" of the active interpreter). The real journal and last-target file."""

from __future__ import annotations

import time

from helpers import env_without_torch

from installer.executor.journal import Journal
from installer.probes.host import run_verify
from installer.probes.last_target import last_target, point_at_last_install, record_last_target


def test_a_failed_run_into_another_folder_keeps_the_last_install_and_says_it_stopped(tmp_path):
    state = tmp_path / "state"
    installed = env_without_torch(tmp_path / "good" / ".venv-torch")
    record_last_target(str(installed), state, target=str(installed.parent.parent))
    time.sleep(0.01)
    other = tmp_path / "bad" / ".venv-torch"
    Journal(state, target=str(other), python=str(other / "bin" / "python")).record("d1", "failed", "torch")
    assert last_target(state) == str(installed)
    active = env_without_torch(tmp_path / "active")
    result = run_verify(str(active))
    assert point_at_last_install(result, "verify", state) == str(installed)
    fix = next(c for c in result["checks"] if c["name"] == "torch-import")["fix"]
    assert fix == (f"the last run, into {other}, stopped at step torch (`torch-setup doctor` says why); "
                   f"torch-setup last installed into {installed}: run `torch-setup verify --python {installed}`")


def test_a_failed_run_into_the_same_environment_still_hides_it(tmp_path):
    state = tmp_path / "state"
    installed = env_without_torch(tmp_path / "good" / ".venv-torch")
    record_last_target(str(installed), state, target=str(installed.parent.parent))
    time.sleep(0.01)
    # both venvs' pythons link to the same base interpreter: the folders tell them apart, not the links
    Journal(state, target=str(installed.parent.parent), python=str(installed)).record("d1", "started", "torch")
    assert last_target(state) is None
