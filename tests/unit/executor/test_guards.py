"""Guards cost little and still only look: the kinds' `python -I` metadata checks run as they are (no
sandbox to set up, still allowlisted, in the scrubbed environment); any other check runs in the sandbox
with nothing but its temp dir writable. And the pins check itself reads folder names first."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.plan.kinds.pip import INSTALLED_CHECK
from installer.plan.model import Guard, Plan

from .conftest import PY, py_step, run, statuses

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed")


def _pid_namespace_probe(out: Path) -> str:
    return f"import os; open({str(out)!r}, 'w').write(os.readlink('/proc/self/ns/pid')); print(os.environ.get('SECRET'))"


@needs_bwrap
def test_an_isolated_python_guard_runs_without_the_sandbox_in_the_scrubbed_environment(tmp_path, state, monkeypatch):
    out = tmp_path / "ns"
    monkeypatch.setenv("SECRET", "not for steps")
    code = _pid_namespace_probe(out) + "; import sys; sys.exit(0 if os.environ.get('SECRET') is None else 5)"
    step = py_step("s", "raise SystemExit(9)", guard=Guard(unless=(PY, "-I", "-c", code)))
    assert statuses(run(Plan(steps=(step,)), state)) == {"s": "unchanged"}  # the guard held: exit 0
    assert out.read_text() == os.readlink("/proc/self/ns/pid")  # our own pid namespace: no bwrap around it


@needs_bwrap
def test_any_other_guard_still_runs_in_the_sandbox(tmp_path, state):
    out = tmp_path / "ns"
    step = py_step("s", "pass", guard=Guard(unless=(PY, "-c", _pid_namespace_probe(out))))  # no -I
    assert statuses(run(Plan(steps=(step,)), state)) == {"s": "changed"}  # the guard could not write: failed
    assert not out.exists()


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A real venv (uv), with packages recorded the way installers record them."""
    root = tmp_path_factory.mktemp("guard-venv") / "venv"
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(root)], check=True)
    site = next((root / "lib").glob("python3*/site-packages"))
    info = site / "demo_pkg-1.2.3+cpu.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.2.3+cpu\n")
    (info / "INSTALLER").write_text("uv\n")
    (site / "demo_pkg.py").write_text("")
    (info / "RECORD").write_text(f"demo_pkg.py,,\n{info.name}/METADATA,,\n{info.name}/INSTALLER,,\n{info.name}/RECORD,,\n")
    egg = site / "legacy.egg-info"  # an old `setup.py develop`-style record: no version in its name
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: legacy\nVersion: 2.0\n")
    return root / "bin" / "python"


@pytest.mark.parametrize("pins, installed", [
    (["demo-pkg==1.2.3+cpu"], True),
    (["Demo_Pkg==1.2.3+CPU"], True),  # names and versions compare normalised, as pip does
    (["demo-pkg==1.2.3"], False),  # the CPU build is not the default build
    (["demo-pkg==1.2.3+cpu", "legacy==2.0"], True),  # found through the metadata (egg-info)
    (["legacy==2.1"], False),
    (["absent==1.0"], False),
])
def test_the_pins_check_against_a_real_environment(venv, pins, installed):
    proc = subprocess.run([str(venv), "-I", "-c", INSTALLED_CHECK, *pins], capture_output=True, text=True)
    assert proc.returncode == (0 if installed else 1), proc.stderr
