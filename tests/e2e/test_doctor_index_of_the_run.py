"""doctor's fix for a torchvision that does not fit names the PyTorch index the install into that environment
used (the executor's journal keeps it), else the one the mirror choice gives for the region: found in use,
it named download.pytorch.org on a machine in China whose install came from a mirror and which could not
reach download.pytorch.org. A real venv with torch 2.13.0+cpu, a real run of the executor, the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import env_with_cpu_torch, stand_in_torchvision

from installer.executor.events import RunFinished
from installer.executor.runner import run_plan
from installer.plan.model import Command, Plan, Step

WHEELS = Path("/opt/wheels")
pytestmark = pytest.mark.skipif(not any(WHEELS.glob("torch-2.13.0+cpu-*.whl")),
                                reason="needs torch 2.13.0+cpu in /opt/wheels")
MACHINE = str(Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "cpu-only.json")
# NJU's PyTorch wheel mirror, from installer/mirrors/data/catalog.yaml (nju-pytorch)
NJU = "https://mirrors.nju.edu.cn/pytorch/whl/cpu"


def _torch_env(folder: Path) -> Path:
    python = env_with_cpu_torch(folder)
    # a torchvision pinned to another torch, which does not import beside this one (as PyPI's did)
    stand_in_torchvision(python, "0.27.1", "torch (==2.12.1)",
                         "raise RuntimeError('operator torchvision::nms does not exist')\n")
    return python


def _fix(cli, python: Path, **env: str) -> str:
    r = cli("doctor", "--python", str(python), "--hardware", MACHINE, "--json", "--timeout", "300", env=env)
    doc = json.loads(r.stdout)
    return next(f["fix"] for f in doc["findings"] if f["id"] == "companion-torchvision")


def test_the_fix_names_the_index_the_run_used_else_the_regions(cli, xdg_home, tmp_path):
    python = _torch_env(tmp_path / "proj")
    # no run recorded: the mirror choice of the region, without a probe
    assert "--index-url https://download.pytorch.org/whl/cpu" in _fix(cli, python, TORCH_SETUP_REGION="global")
    assert f"--index-url {NJU}" in _fix(cli, python, TORCH_SETUP_REGION="cn")

    # a run into this environment from NJU's mirror, as the planner records it in the plan
    step = Step(id="torch", title="torch", kind="command", commands=(Command(argv=(sys.executable, "-c", "")),),
                timeout=60)
    plan = Plan(steps=(step,), summary=(("target", str(tmp_path / "proj")),), target_python=str(python),
                meta={"pytorch_index": NJU, "pytorch_layout": "pep503"})
    *_, finished = run_plan(plan, state_dir=xdg_home / "state" / "torch-setup")
    assert isinstance(finished, RunFinished) and finished.ok
    fix = _fix(cli, python, TORCH_SETUP_REGION="global")
    assert f"torchvision==0.28.0+cpu --index-url {NJU}" in fix and "download.pytorch.org" not in fix
    # verify writes the same command
    r = cli("verify", "--python", str(python), "--json", "--timeout", "300", env={"TORCH_SETUP_REGION": "global"})
    check = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "companion-torchvision")
    assert NJU in check["fix"] and "download.pytorch.org" not in check["fix"]


def test_the_planner_keeps_the_index_it_chose_for_the_journal(tmp_path):
    from installer.answers import parse_answers
    from installer.hardware import load_or_detect
    from installer.plan.indexes import Indexes
    from installer.plan.planner import make_plan, pins_for

    report = load_or_detect(MACHINE)
    answers = parse_answers(f"version: 1\ntorch: {{version: 2.13.0, variant: cpu}}\n"
                            f"target: {{kind: venv, path: {tmp_path / 'venv'}}}\n")
    pins = pins_for(answers, report, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(pytorch_index=NJU), cwd=str(tmp_path))
    assert plan.meta["pytorch_index"] == NJU and plan.meta["pytorch_layout"] == "pep503"


def test_a_build_the_run_took_from_the_pip_configuration_is_reinstalled_from_it(cli, xdg_home, tmp_path):
    """Found in use: no PyTorch index answered, the install took torch 2.13.0+cpu from find-links (pip's
    configuration), and doctor's reinstall named download.pytorch.org, which that machine cannot reach: the
    fix failed as printed. The journal keeps the variant such a run installed; the fix then names no index,
    and pip takes the build from where the install did."""
    import shlex

    python = _torch_env(tmp_path / "proj")
    step = Step(id="torch", title="torch", kind="command", commands=(Command(argv=(sys.executable, "-c", "")),),
                timeout=60)
    plan = Plan(steps=(step,), summary=(("target", str(tmp_path / "proj")),), target_python=str(python),
                meta={"pytorch_index": "", "pytorch_layout": "pep503", "pytorch_variant": "cpu"})
    *_, finished = run_plan(plan, state_dir=xdg_home / "state" / "torch-setup")
    assert isinstance(finished, RunFinished) and finished.ok
    fix = _fix(cli, python, TORCH_SETUP_REGION="global", PIP_FIND_LINKS=str(WHEELS))
    assert "torchvision==0.28.0+cpu" in fix and "--index-url" not in fix and "download.pytorch.org" not in fix
    # checked later in a shell whose pip configuration has no find-links any more (it had come from PIP_FIND_LINKS):
    # PyPI alone never has +cpu, so the fix names the region's PyTorch index (found in use: "there is no version of
    # torchvision==0.28.0+cpu", the fix run as printed)
    fix = _fix(cli, python, TORCH_SETUP_REGION="cn", PIP_FIND_LINKS="", PIP_CONFIG_FILE="/dev/null")
    assert f"torchvision==0.28.0+cpu --index-url {NJU}" in fix, fix

    # a half-installed torch: its reinstall, run as printed, takes the build from /opt/wheels (pip's find-links)
    site = next((tmp_path / "proj" / "lib").glob("python3*/site-packages"))
    (site / "torch" / "functional.py").unlink()
    # (detected, not --hardware: the fix names the build detection reads from torch's metadata)
    r = cli("doctor", "--python", str(python), "--json", "--timeout", "300",
            env={"TORCH_SETUP_REGION": "global", "PIP_FIND_LINKS": str(WHEELS)})
    found = json.loads(r.stdout)["findings"]
    # torch itself half installed is that, not "a package torchvision needs" (found in review), and its fix is
    # the reinstall of files that are missing, not of files "there but changed"
    assert [f["id"] for f in found] == ["torch-broken"], found
    assert "files are there but changed" not in found[0]["fix"] and "torch-setup install" in found[0]["fix"]
    line = found[0]["fix"].split("`")[1]
    assert "--force-reinstall --no-deps torch==2.13.0+cpu" in line and "--index-url" not in line, line
    done = subprocess.run(shlex.split(line), capture_output=True, text=True, timeout=900,
                          env={**__import__("os").environ, "PIP_FIND_LINKS": str(WHEELS)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "torch" / "functional.py").is_file()


def test_the_planner_keeps_the_variant_it_takes_through_pip_and_none_for_conda(tmp_path):
    from installer.answers import parse_answers
    from installer.hardware import load_or_detect
    from installer.plan.indexes import Indexes
    from installer.plan.planner import make_plan, pins_for

    report = load_or_detect(MACHINE)
    for method, variant in (("pip", "cpu"), ("conda", "")):
        answers = parse_answers(f"version: 1\ntorch: {{version: 2.13.0, variant: cpu}}\nmethod: {method}\n"
                                f"target: {{kind: {'venv' if method == 'pip' else 'conda'}, "
                                f"path: {tmp_path / method}}}\n")
        pins = pins_for(answers, report, cwd=str(tmp_path))
        plan = make_plan(answers, report, pins=pins, indexes=Indexes(), cwd=str(tmp_path))
        assert plan.meta["pytorch_index"] == "" and plan.meta["pytorch_variant"] == variant, method
