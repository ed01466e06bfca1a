"""A package whose metadata is written but not all its files (an install cut off, or out of disk) is not
installed: the pins check says so, the install step's repair makes uv and pip put it in again, and a
fallback's "already satisfied" does not pass for success. Found in use: after Ctrl-C, every rerun said
"unchanged (already in place)" and torch did not import."""

from __future__ import annotations

import subprocess
from pathlib import Path

from installer.executor.events import StepFinished
from installer.plan.kinds.pip import INSTALLED_CHECK, REPAIR
from installer.plan.model import Command, Guard, Plan

from .conftest import PY, finished, py_step, run, statuses


def _dist(site: Path, name: str, version: str, files: dict[str, bool], *, installer: str | None = "uv",
          metadata: bool = True) -> Path:
    """A dist-info as installers write it; `files`: path -> whether it is really there."""
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    if metadata:
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if installer is not None:
        (info / "INSTALLER").write_text(installer + "\n")
    for path, present in files.items():
        if present:
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text("x")
    record = [f"{p},sha256=abc,1" for p in files] + [f"{info.name}/METADATA,,", f"{info.name}/RECORD,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n")
    return info


def _check(py: Path, *pins: str) -> bool:
    return subprocess.run([str(py), "-I", "-c", INSTALLED_CHECK, *pins], capture_output=True).returncode == 0


def test_a_package_counts_as_installed_only_with_every_file_its_record_lists(venv):
    py, site = venv
    _dist(site, "whole", "1.0", {"whole/__init__.py": True, "whole/core.py": True,
                                 "whole/__pycache__/core.cpython-311.pyc": False})  # .pyc come and go
    _dist(site, "half", "1.0", {"half/__init__.py": True, "half/core.py": False})
    _dist(site, "cut", "1.0", {"cut/__init__.py": False}, metadata=False)  # cut off before its METADATA
    # pip writes RECORD last: files and METADATA there, no RECORD yet
    (_dist(site, "piphalf", "1.0", {"piphalf/__init__.py": True}, installer="pip") / "RECORD").unlink()
    # conda writes no RECORD for some packages: another tool's record is taken as it is
    (_dist(site, "condapkg", "1.0", {"condapkg/__init__.py": True}, installer="conda") / "RECORD").unlink()
    assert _check(py, "whole==1.0")
    assert not _check(py, "half==1.0")
    assert not _check(py, "cut==1.0")
    assert not _check(py, "whole==1.0", "half==1.0")
    assert not _check(py, "piphalf==1.0")
    assert _check(py, "condapkg==1.0")


def test_the_repair_removes_only_a_half_installed_pin_of_uv_or_pip(venv):
    py, site = venv
    half = _dist(site, "torch", "2.13.0+cpu", {"torch/__init__.py": True, "torch/_C.so": False})
    # uv writes INSTALLER last: its metadata there, its files not yet, no INSTALLER
    cut = _dist(site, "torchvision", "0.28.0", {"torchvision/__init__.py": False}, installer=None)
    whole = _dist(site, "torchaudio", "2.11.0", {"torchaudio/__init__.py": True})
    conda = _dist(site, "numpy", "2.0.0", {"numpy/gone.py": False}, installer="conda")
    other = _dist(site, "requests", "2.0", {"requests/gone.py": False})  # half, but not a pin: not ours to touch
    out = subprocess.run([str(py), "-I", "-c", REPAIR, "torch==2.13.0+cpu", "torchvision==0.28.0",
                          "torchaudio==2.11.0", "numpy==2.0.0"], capture_output=True, text=True, check=True)
    assert not half.exists() and not cut.exists()
    assert whole.exists() and conda.exists() and other.exists()
    assert "torch-2.13.0+cpu.dist-info: half installed" in out.stdout


def test_a_fallbacks_success_is_checked_by_the_steps_guard(tmp_path, state):
    marker = tmp_path / "complete"
    guard = Guard(unless=(PY, "-I", "-c", f"import os, sys; sys.exit(0 if os.path.exists({str(marker)!r}) else 1)"))
    # uv failed (out of disk), pip "already satisfied": exit 0 while the package is still half there
    step = py_step("s", "raise SystemExit(2)", guard=guard, fallback=Command(argv=(PY, "-c", "pass")))
    events = run(Plan(steps=(step,)), state)
    assert statuses(events) == {"s": "failed"}
    assert not finished(events).ok
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert "the fallback reported success, but the step's check finds its result incomplete" in failed.detail
    # the same fallback, with the result really there: the step is done
    marker.write_text("")
    again = py_step("t", "raise SystemExit(2)", guard=guard, fallback=Command(argv=(PY, "-c", "pass")))
    assert statuses(run(Plan(steps=(again,)), state)) == {"t": "unchanged"}  # its guard holds from the start


def test_a_first_engines_success_is_not_checked_again(tmp_path, state):
    guard = Guard(unless=(PY, "-I", "-c", "raise SystemExit(1)"))  # never holds
    step = py_step("s", "pass", guard=guard, fallback=Command(argv=(PY, "-c", "raise SystemExit(3)")))
    assert statuses(run(Plan(steps=(step,)), state)) == {"s": "changed"}
