"""The documented online end of an offline install, `install --answers wheelhouse-build.yaml --hardware
target.json --yes`, with a report that is really of another machine (found in use: refused as "a report
of another machine", the check that keeps a recorded machine's plan from running here, which is the very
point of this method), and with that machine's own LAN index in its report (found in use: asked for torch
on the online machine). The real command line; the wheels come from this machine's pip configuration
(/opt/wheels and PyPI, where reachable)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAN_INDEX = "http://10.9.9.9/simple"

pytestmark = pytest.mark.skipif(not Path("/opt/wheels").is_dir(), reason="needs the torch wheel on this disk")


@pytest.fixture
def lab_report(cli, tmp_path) -> Path:
    """This machine's report, made another's: an older kernel, and a pip index only its LAN reaches."""
    detected = cli("detect", "--json")
    assert detected.returncode == 0, detected.stderr
    report = json.loads(detected.stdout)
    report["os"]["kernel"] = "6.1.0-18-amd64"
    report["mirror_config"]["pip"]["index_url"] = LAN_INDEX
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(report))
    return path


@pytest.fixture
def work(tmp_path) -> Path:
    folder = tmp_path / "online"
    folder.mkdir()
    answers = (REPO / "recipes" / "answers" / "wheelhouse-build.yaml").read_text()
    # the upstream PyTorch index cannot be reached from here: the +cpu wheel comes from /opt/wheels
    (folder / "build.yaml").write_text(answers + "mirror:\n  pytorch: none\n")
    return folder


def test_the_plan_downloads_through_this_machines_sources(cli, work, lab_report):
    result = cli("plan", "--answers", "build.yaml", "--hardware", str(lab_report), cwd=work)
    assert result.returncode == 0, result.stderr
    assert LAN_INDEX not in result.stdout
    assert "pip download" in result.stdout and "--python-version 3.11" in result.stdout


def test_the_build_runs_for_another_machines_report(cli, work, lab_report, xdg_home):
    result = cli("install", "--answers", "build.yaml", "--hardware", str(lab_report), "--yes", cwd=work,
                 timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "report of another machine" not in result.stderr
    wheels = sorted(p.name for p in (work / "torch-wheelhouse").glob("*.whl"))
    assert any(name.startswith("torch-2.13.0+cpu-cp311") for name in wheels), wheels
    assert (work / "torch-wheelhouse" / "manifest.json").is_file()


def test_an_install_for_another_machine_is_still_refused(cli, tmp_path, lab_report, xdg_home):
    """Only the wheelhouse build is let through: the pip method would install that machine's plan here."""
    work = tmp_path / "w"
    work.mkdir()
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", work)
    result = cli("install", "--answers", "cpu-venv.yaml", "--hardware", str(lab_report), "--yes", cwd=work)
    assert result.returncode == 2 and "os.kernel: this is a report of another machine" in result.stderr
    assert os.listdir(work) == ["cpu-venv.yaml"]


def test_a_build_that_also_asks_for_that_machines_driver_is_refused(cli, tmp_path, xdg_home):
    """Found in use: `method: wheelhouse-build` with `driver.install: true` and `cuda_toolkit.install: true`,
    for the recorded Ubuntu machine with no driver: its 7 root steps (nouveau blacklist, NVIDIA's Ubuntu
    repository...) were about to run on this computer. Only a plan that builds a wheelhouse alone may."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "evil.yaml").write_text(
        "version: 1\ntarget:\n  python: '3.12'\ntorch:\n  version: 2.13.0\n  variant: cu126\n  extras: []\n"
        "method: wheelhouse-build\nwheelhouse: torch-wheelhouse\ndriver:\n  install: true\n  branch: '580'\n"
        "cuda_toolkit:\n  install: true\n  source: runfile\nverify: false\n")
    machine = REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json"
    plan = cli("plan", "--answers", "evil.yaml", "--hardware", str(machine), cwd=work)
    assert plan.returncode == 0 and "[root]" in plan.stdout, plan.stderr  # that machine's plan, shown
    result = cli("install", "--answers", "evil.yaml", "--hardware", str(machine), "--yes", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "this is a report of another machine" in result.stderr and "[1/" not in result.stdout
    assert os.listdir(work) == ["evil.yaml"]
    assert not (xdg_home / "state" / "torch-setup" / "journal").exists()
