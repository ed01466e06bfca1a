"""The printed script of a conda plan stops before its first step when the conda engine the plan found is
not there where the script runs, as it does for torch-setup's own uv and python.

Found in review: the script checked torch-setup's uv and python, but not the conda found on PATH when the
plan was made; run on a machine (or with a PATH) without it, it failed at the environment step. Real plans
of the conda recipe, real bash, with a PATH that has no conda.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from installer.answers import load_answers
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.model import Command, Plan, Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.script import conda_engines, render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
CONDA_ENV = REPO / "recipes" / "answers" / "conda-env.yaml"
NO_CONDA_PATH = "/usr/bin:/bin"


def _plan(conda: str | None, cwd: Path) -> Plan:
    tools = Tools(uv=None, python=sys.executable, host_pip=True, conda=conda)
    answers = load_answers(CONDA_ENV)
    report = load_report(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
    pins = pins_for(answers, report, tools=tools, cwd=str(cwd))
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd=str(cwd), recipes=load_recipes(REPO / "recipes"), cache_dir=str(cwd / "cache"))


def _check_part(script: str) -> str:
    """The script's start-up part: from its first line to the conda check's last call."""
    lines = script.splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("need_conda "))
    return "\n".join(lines[:last + 1]) + "\necho checked\n"


def _bash(text: str, path: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/bash", "-c", text], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={"PATH": path, "HOME": str(cwd), "LANG": "C.UTF-8"})


def test_a_conda_found_when_planned_is_checked_before_the_first_step(tmp_path):
    gone = tmp_path / "miniconda3" / "bin" / "conda"  # found on PATH when planned, removed since
    work = tmp_path / "work"
    work.mkdir()
    script = render_script(_plan(str(gone), work))
    assert f"need_conda {gone}" in script
    assert subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True).returncode == 0
    run = _bash(script, NO_CONDA_PATH, work)
    assert run.returncode == 1
    assert run.stderr.startswith(f"the conda engine {gone} is not there (or cannot be run): this script's conda "
                                 "steps run it, as it was found when the plan was made; nothing was changed."), run.stderr
    assert "==" not in run.stdout, run.stdout  # no step began
    assert os.listdir(work) == []


def test_the_check_passes_where_the_engine_is(tmp_path):
    engine = tmp_path / "bin" / "conda"
    engine.parent.mkdir()
    engine.write_text("#!/bin/sh\nexit 0\n")
    engine.chmod(0o755)
    script = render_script(_plan(str(engine), tmp_path))
    run = _bash(_check_part(script), NO_CONDA_PATH, tmp_path)
    assert run.returncode == 0 and run.stdout == "checked\n", run.stderr


def test_an_engine_named_without_a_path_is_looked_up_on_path(tmp_path):
    step = Step(id="env", title="env", kind="conda",
                commands=(Command(argv=("micromamba", "create", "-y", "-p", str(tmp_path / "env"))),))
    script = render_script(Plan(steps=(step,)))
    missing = _bash(_check_part(script), NO_CONDA_PATH, tmp_path)
    assert missing.returncode == 1 and "the conda engine micromamba is not there" in missing.stderr
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "micromamba").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "micromamba").chmod(0o755)
    found = _bash(_check_part(script), f"{tmp_path / 'bin'}:{NO_CONDA_PATH}", tmp_path)
    assert found.returncode == 0 and found.stdout == "checked\n", found.stderr


def test_the_miniforge_the_plan_installs_is_not_checked_before_it_is_there(tmp_path):
    plan = _plan(None, tmp_path)
    assert any(step.id == "miniforge" for step in plan.steps)
    assert conda_engines(plan) == ()
    assert "need_conda" not in render_script(plan)
