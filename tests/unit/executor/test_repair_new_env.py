"""The install step's repair in a new environment, the first install's path: a pin with no record has nothing
under it to mend, so the repair does not walk it and does not import importlib.metadata (which cost some
40 ms of every first install, session 27's bench). A pin recorded only by an .egg-info is still walked, as
importlib.metadata finds it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from installer.plan.kinds.pip import REPAIR

from .test_half_installed import _dist


def _repair(py: Path, *pins: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(py), "-I", "-X", "importtime", "-c", REPAIR, *pins], capture_output=True, text=True,
                          check=True)


def test_a_new_environments_repair_reads_no_metadata_and_touches_nothing(venv):
    py, site = venv
    # half installed, but no pin needs it here (torch is not there at all): left as it was before
    stray = _dist(site, "filelock", "3.0", {"filelock/__init__.py": False})
    out = _repair(py, "torch==2.13.0+cpu")
    assert out.stdout == ""
    assert stray.exists()
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "importlib.metadata" not in imported


def test_a_pin_recorded_by_an_egg_info_still_has_its_half_installed_requirements_mended(venv):
    py, site = venv
    egg = site / "torch-2.13.0+cpu.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: torch\nVersion: 2.13.0+cpu\n")
    (egg / "requires.txt").write_text("filelock\n")
    half = _dist(site, "filelock", "3.0", {"filelock/__init__.py": False})
    out = _repair(py, "torch==2.13.0+cpu")
    assert not half.exists()
    assert "filelock-3.0.dist-info: half installed" in out.stdout
