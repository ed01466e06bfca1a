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
