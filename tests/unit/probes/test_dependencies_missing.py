"""What torch needs, and not only torch itself: an install killed in uv left mpmath out (and filelock half
installed); the install step's check called the step "already in place" for good, and doctor said "nothing
else to mend" while `import sympy` failed (found in use). The venv here has no `packaging`, so torch's markers
are read by the check's own reader."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.plan.kinds.pip import INSTALLED_CHECK, REPAIR
from installer.probes.doctor import diagnose
from installer.probes.host import missing_dependencies

PIN = "torch==2.13.0+cpu"
UV = str(Path(sys.executable).parent / "uv")


@pytest.fixture
def torch_venv(tmp_path, torch_python) -> tuple[Path, Path]:
    """A venv of its own (its files are deleted here), linked from uv's cache the shared fixture filled."""
    root = tmp_path / "cpu4"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(root)], check=True)
    py = root / "bin" / "python"
    subprocess.run([UV, "pip", "install", "-q", "--python", str(py), "--find-links", "/opt/wheels", PIN],
                   check=True, timeout=600)
    return py, next((root / "lib").glob("python3*/site-packages"))


def _in_place(py: Path) -> bool:
    return subprocess.run([str(py), "-I", "-c", INSTALLED_CHECK, PIN], capture_output=True).returncode == 0


def test_a_missing_dependency_fails_the_guard_doctor_says_it_and_a_rerun_mends_it(torch_venv):
    py, site = torch_venv
    assert _in_place(py) and missing_dependencies(str(py)) == ()
    assert subprocess.run([str(py), "-I", "-c", "import packaging"], capture_output=True).returncode != 0
    for gone in site.glob("mpmath*"):
        shutil.rmtree(gone)
    assert not _in_place(py)
    (gone,) = missing_dependencies(str(py))
    # sympy's own requirement, which the pip fix installs (its marker, if any, left out)
    assert (gone.name, gone.by, gone.root, gone.have) == ("mpmath", "sympy", "torch", "")
    assert gone.wants.startswith("mpmath") and ">=" in gone.wants and ";" not in gone.wants
    verify = {"torch_version": "2.13.0+cpu", "variant": "cpu", "python": {"executable": str(py)}, "checks": []}
    from installer.hardware.report import HardwareReport
    findings = diagnose(HardwareReport(), verify, missing=missing_dependencies(str(py)), rerun="torch-setup install "
                        "--answers cpu4.yaml --yes")
    found = [f for f in findings if f.id == "dependencies-missing"]
    assert found and found[0].severity == "error" and "mpmath" in found[0].title
    assert "--no-deps" not in found[0].fix and "--force-reinstall" not in found[0].fix
    assert found[0].fix.startswith("run `torch-setup install --answers cpu4.yaml --yes`")
    assert not any(f.id == "healthy" for f in findings)
    # the install step again (its repair, then uv) puts it back, and the guard passes
    subprocess.run([str(py), "-I", "-c", REPAIR, PIN], check=True)
    subprocess.run([UV, "pip", "install", "-q", "--python", str(py), "--find-links", "/opt/wheels", PIN], check=True)
    assert _in_place(py) and missing_dependencies(str(py)) == ()


def test_a_half_installed_dependency_is_repaired_and_installed_again(torch_venv):
    py, site = torch_venv
    (site / "filelock" / "asyncio.py").unlink()
    assert not _in_place(py)
    version = next(site.glob("filelock-*.dist-info")).name[len("filelock-"):-len(".dist-info")]
    assert [(m.name, m.by, m.root, m.have) for m in missing_dependencies(str(py))] == [
        ("filelock", "torch", "torch", version)]
    out = subprocess.run([str(py), "-I", "-c", REPAIR, PIN], check=True, capture_output=True, text=True).stdout
    assert "filelock" in out and "torch-2.13.0" not in out  # torch itself is whole: left as it is
    subprocess.run([UV, "pip", "install", "-q", "--python", str(py), "--find-links", "/opt/wheels", PIN], check=True)
    assert (site / "filelock" / "asyncio.py").exists() and _in_place(py)


def test_torch_short_of_a_dependency_is_not_called_damaged_and_its_fix_adds_it(torch_venv, cli, xdg_home):
    """Found in use: `import torch` failed for a missing typing_extensions, and both verify and doctor said
    "reinstall it" with --force-reinstall --no-deps, which put the same torch back and nothing else; then
    verify said "`torch-setup doctor` names the package", one command more before the one that mends it."""
    import json
    import shlex

    py, site = torch_venv
    for gone in site.glob("typing_extensions*"):
        (shutil.rmtree if gone.is_dir() else Path.unlink)(gone)
    checked = json.loads(cli("verify", "--python", str(py), "--json").stdout)
    assert not checked["ok"]
    (line,) = [c for c in checked["checks"] if c["name"] == "torch-import"]
    assert "No module named 'typing_extensions'" in line["detail"]
    assert line["fix"] == "what it needs is named below, with the command that installs it"
    # verify names the package as doctor does, with doctor's command
    (needs,) = [c for c in checked["checks"] if c["name"] == "dependencies-missing"]
    assert not needs["ok"] and needs["level"] == "error"
    assert needs["detail"].startswith("typing-extensions is not installed (torch needs it)")
    doctor = json.loads(cli("doctor", "--python", str(py), "--json").stdout)
    # one problem, named as it is: not also "torch does not import ... damaged or incomplete"
    assert [f["id"] for f in doctor["findings"]] == ["dependencies-missing"], doctor["findings"]
    assert doctor["findings"][0]["title"] == "packages needed by torch are missing: typing-extensions"
    assert needs["fix"] == doctor["findings"][0]["fix"]
    (cmd,) = needs["fix"].split("`")[1::2]
    assert "--force-reinstall" not in cmd and "torch==" not in cmd and "'typing-extensions>=" in cmd
    # run as printed: it adds typing-extensions and leaves torch as it is
    done = subprocess.run(shlex.split(cmd), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert subprocess.run([str(py), "-c", "import torch"], capture_output=True).returncode == 0
    assert _in_place(py) and missing_dependencies(str(py)) == ()
    assert json.loads(cli("verify", "--python", str(py), "--json").stdout)["ok"]
