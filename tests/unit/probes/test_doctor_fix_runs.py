"""doctor on a real venv whose torch 2.13.0+cpu is damaged, half installed, or has a torchvision beside it that
does not fit: the finding is there, and the command it prints really mends the venv on this machine (torch's
wheel from PIP_FIND_LINKS, the PyTorch index not reachable), leaving every other package as it was.

Found in use (s22): the fix `pip ... install --force-reinstall torch==2.13.0+cpu --index-url .../whl/cpu`
failed ("No matching distribution found for filelock": every dependency was fetched again, from the PyTorch
index alone); doctor said "nothing wrong found" of a torch with files missing, and of a torchvision that did
not import.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import stand_in_torchvision

WHEELS = Path("/opt/wheels")
pytestmark = pytest.mark.skipif(not any(WHEELS.glob("torch-2.13.0+cpu-*.whl")),
                                reason="needs torch 2.13.0+cpu in /opt/wheels")
UV = Path(sys.executable).parent / "uv"
MACHINE = str(Path(__file__).resolve().parents[2] / "fixtures" / "machines" / "cpu-only.json")


def _torch_env(folder: Path) -> Path:
    """A venv of its own (these tests break it) with torch 2.13.0+cpu and its dependencies."""
    subprocess.run([str(UV), "venv", "-q", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    subprocess.run([str(UV), "pip", "install", "-q", "--python", str(python), "--find-links", str(WHEELS),
                    "torch==2.13.0+cpu"], check=True, capture_output=True, timeout=900)
    return python


def _site(python: Path) -> Path:
    return next((python.parent.parent / "lib").glob("python3*/site-packages"))


def _freeze(python: Path) -> list[str]:
    out = subprocess.run([str(UV), "pip", "freeze", "--python", str(python)], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    return sorted(out.splitlines())


def _doctor(cli, python: Path, *hardware: str) -> dict:
    r = cli("doctor", "--python", str(python), *(hardware or ("--hardware", MACHINE)), "--json", "--timeout", "300")
    assert r.returncode == 1, r.stderr
    return json.loads(r.stdout)


def _command(fix: str, marker: str) -> list[str]:
    """The backticked command of a fix that holds `marker`, as a shell would split it."""
    found = next(c for c in re.findall(r"`([^`]+)`", fix) if marker in c)
    return shlex.split(found)


def _run_fix(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PIP_FIND_LINKS=str(WHEELS))  # where this machine has torch's wheel
    return subprocess.run(argv, capture_output=True, text=True, timeout=900, env=env)


def test_a_damaged_torch_is_mended_by_the_printed_command_and_nothing_else_moves(cli, xdg_home, tmp_path):
    python = _torch_env(tmp_path / "proj")
    before = _freeze(python)
    (_site(python) / "torch" / "functional.py").unlink()
    # this machine detected, as a person runs it: the version to reinstall is read from torch's metadata
    found = {f["id"]: f for f in _doctor(cli, python, "--timeout", "300")["findings"]}
    assert "torch-broken" in found
    fix = found["torch-broken"]["fix"]
    argv = _command(fix, "--force-reinstall")
    assert "--no-deps" in argv and "torch==2.13.0+cpu" in argv
    # the guard's check agrees: the same repair, said once, with what it found
    assert "half installed" in found["torch-broken"]["explanation"]
    done = _run_fix(argv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert subprocess.run([str(python), "-c", "import torch.functional"], capture_output=True,
                          timeout=300).returncode == 0
    assert _freeze(python) == before  # filelock, sympy, jinja2 ... untouched


def test_a_torch_whose_files_are_there_but_changed_is_not_sent_to_install_again(cli, xdg_home, tmp_path):
    """Found in use: an __init__.py that raises passes the install step's check (its files are all there),
    so "run torch-setup install again" left it as it was, and install's own failure sent the person back to
    doctor. The fix is the reinstall command alone, and it mends it."""
    from installer.plan.kinds.pip import INSTALLED_CHECK

    python = _torch_env(tmp_path / "proj")
    init = _site(python) / "torch" / "__init__.py"
    init.unlink()  # a new file, not the one uv may have linked from its cache
    init.write_text('raise RuntimeError("boom")\n')
    assert subprocess.run([str(python), "-c", INSTALLED_CHECK, "torch==2.13.0+cpu"], timeout=120).returncode == 0
    found = {f["id"]: f for f in _doctor(cli, python, "--timeout", "300")["findings"]}
    fix = found["torch-broken"]["fix"]
    assert "torch-setup install" in fix and "would leave it as it is" in fix and "run `torch-setup install`" not in fix
    done = _run_fix(_command(fix, "--force-reinstall"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert subprocess.run([str(python), "-c", "import torch"], capture_output=True, timeout=300).returncode == 0


def test_files_missing_from_a_torch_that_imports_are_what_the_install_guard_calls_half_installed(cli, xdg_home,
                                                                                               tmp_path):
    from installer.plan.kinds.pip import INSTALLED_CHECK

    python = _torch_env(tmp_path / "proj")
    (_site(python) / "torch" / "utils" / "benchmark" / "utils" / "timer.py").unlink()
    # the install step's guard (installer.plan.kinds.pip) calls it not installed ...
    assert subprocess.run([str(python), "-c", INSTALLED_CHECK, "torch==2.13.0+cpu"], timeout=120).returncode == 1
    doc = _doctor(cli, python)
    half = [f for f in doc["findings"] if f["id"] == "half-installed"]
    assert [f["title"] for f in half] == ["torch 2.13.0+cpu: half installed (files are missing)"]
    assert not doc["ok"] and "healthy" not in [f["id"] for f in doc["findings"]]
    done = _run_fix(_command(half[0]["fix"], "--no-deps"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert subprocess.run([str(python), "-c", INSTALLED_CHECK, "torch==2.13.0+cpu"], timeout=120).returncode == 0
    assert "half-installed" not in [f["id"] for f in _doctor_ok(cli, python)["findings"]]


def _doctor_ok(cli, python: Path) -> dict:
    r = cli("doctor", "--python", str(python), "--hardware", MACHINE, "--json", "--timeout", "300")
    assert r.returncode == 0, r.stdout
    return json.loads(r.stdout)


NMS = "raise RuntimeError('operator torchvision::nms does not exist')\n"


def test_a_torchvision_pinned_to_another_torch_is_a_problem_with_the_matching_pin(cli, xdg_home, tmp_path):
    python = _torch_env(tmp_path / "proj")
    stand_in_torchvision(python, "0.27.1", "torch (==2.12.1)", NMS)
    doc = _doctor(cli, python)
    f = next(f for f in doc["findings"] if f["id"] == "companion-torchvision")
    assert f["severity"] == "error" and f["title"] == "torchvision 0.27.1 does not fit torch 2.13.0+cpu"
    assert "requires torch==2.12.1" in f["explanation"] and "torchvision::nms" in f["explanation"]
    install = _command(f["fix"], "install")
    assert install[-3:] == ["torchvision==0.28.0+cpu", "--index-url", "https://download.pytorch.org/whl/cpu"]
    assert "--no-deps" in install  # torch itself is torchvision's dependency: it stays as it is
    remove = _command(f["fix"], "uninstall")
    assert remove[-3:] == ["uninstall", "-y", "torchvision"] and str(python) in remove
    # taking it out, as printed, mends it
    assert _run_fix(remove).returncode == 0
    assert "companion-torchvision" not in [f["id"] for f in _doctor_ok(cli, python)["findings"]]


def test_a_torchvision_whose_pin_fits_but_that_does_not_import_is_a_problem_in_verify_too(
        cli, xdg_home, tmp_path):
    # PyPI's torchvision 0.28.0 pins torch==2.13.0, which 2.13.0+cpu meets, but it is built for the CUDA torch
    python = _torch_env(tmp_path / "proj")
    stand_in_torchvision(python, "0.28.0", "torch==2.13.0", NMS)
    f = next(f for f in _doctor(cli, python)["findings"] if f["id"] == "companion-torchvision")
    assert "`import torchvision` fails" in f["explanation"] and "requires" not in f["explanation"]
    assert "torchvision==0.28.0+cpu" in f["fix"]
    r = cli("verify", "--python", str(python), "--json", "--timeout", "300")
    result = json.loads(r.stdout)
    # one severity in both: a verify PASS beside doctor's PROBLEM for the same torchvision (found in use)
    assert r.returncode == 1 and result["ok"] is False
    assert result["companions"] == {"torchvision": "0.28.0"}
    assert result["companion_checks"]["torchvision"] == {
        "version": "0.28.0", "requires_torch": ["torch==2.13.0"],
        "import_error": "RuntimeError: operator torchvision::nms does not exist"}
    warn = next(c for c in result["checks"] if c["name"] == "companion-torchvision")
    assert warn["level"] == "error" and not warn["ok"] and "torchvision==0.28.0+cpu" in warn["fix"]


def test_verify_shows_a_torchvision_pinned_elsewhere_that_fails_as_doctor_does_in_its_text_column(
        cli, xdg_home, tmp_path):
    python = _torch_env(tmp_path / "proj")
    stand_in_torchvision(python, "0.27.0", "torch==2.12.0", NMS)
    r = cli("verify", "--python", str(python), "--timeout", "300")
    plain = r.stdout.splitlines()
    at = next(i for i, line in enumerate(plain) if "does not fit" in line)
    # the second line of the detail sits in the text column, as every continuation line does
    assert plain[at].startswith("  [FAIL] torchvision 0.27.0 does not fit torch 2.13.0+cpu: ")
    assert plain[at + 1].startswith("         `import torchvision` fails: RuntimeError")
    assert plain[at + 2].startswith("         -> install the torchvision made for torch 2.13.0+cpu")
    assert r.returncode == 1 and plain[-1] == "verify: FAIL"
    assert _doctor(cli, python)["ok"] is False


def test_a_torchvision_that_fits_and_imports_is_no_finding(cli, xdg_home, tmp_path):
    python = _torch_env(tmp_path / "proj")
    stand_in_torchvision(python, "0.28.0+cpu", "torch==2.13.0", "VERSION = '0.28.0+cpu'\n")
    doc = _doctor_ok(cli, python)
    assert [f["id"] for f in doc["findings"]] == ["numpy"]  # (this venv has no NumPy: a warning of its own)
    assert doc["verify"]["companion_checks"]["torchvision"]["import_error"] is None
