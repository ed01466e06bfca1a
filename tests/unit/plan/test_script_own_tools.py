"""The printed script names torch-setup's own programs it runs by absolute path, and stops before its first
step when one is gone.

Found by a tester: a script saved for next week ran `/home/t1/torch-setup/.venv/bin/uv` and that venv's
python, and failed once the checkout was deleted (or on another machine), its header saying only that it
does what `torch-setup install` would do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.answers import load_answers
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.model import Command, Plan, Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
CPU_VENV = REPO / "recipes" / "answers" / "cpu-venv.yaml"


def _plan(tools: Tools, cwd: Path) -> Plan:
    answers = load_answers(CPU_VENV)
    report = load_report(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
    pins = pins_for(answers, report, tools=tools, cwd=str(cwd))
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd=str(cwd), recipes=load_recipes(REPO / "recipes"), cache_dir=str(cwd / "cache"))


def test_the_tools_are_found_in_the_plans_commands(tmp_path):
    gone = tmp_path / "deleted-checkout" / ".venv" / "bin"
    plan = _plan(Tools(uv=str(gone / "uv"), python=str(gone / "python"), host_pip=True), tmp_path)
    assert plan.tools == (str(gone / "uv"), str(gone / "python"))
    # without uv, the plan runs pip from torch-setup's interpreter: only that one is named
    plan = _plan(Tools(uv=None, python=str(gone / "python"), host_pip=True), tmp_path)
    assert plan.tools == (str(gone / "python"),)
    header = render_script(plan).split("set -euo pipefail", 1)[0]
    assert (f"# it runs torch-setup's own {gone / 'python'}, which must still be there when it runs (it stops "
            "before its first step if one is not)") in header


def test_a_script_whose_tool_is_gone_stops_before_its_first_step(tmp_path):
    gone = tmp_path / "deleted-checkout" / ".venv" / "bin"
    work = tmp_path / "work"
    work.mkdir()
    script = tmp_path / "plan.sh"
    script.write_text(render_script(_plan(Tools(uv=str(gone / "uv"), python=str(gone / "python"), host_pip=True),
                                          work)))
    run = subprocess.run(["bash", str(script)], cwd=work, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert run.stderr.startswith(f"{gone / 'uv'} is not there (or cannot be run): this script runs it, as "
                                 "torch-setup's own program where it was planned; nothing was changed."), run.stderr
    assert "==" not in run.stdout, run.stdout  # no step began
    assert os.listdir(work) == []  # the venv step's fallback (python3 -m venv) would have made .venv-torch


def test_a_script_whose_tools_are_there_runs_its_steps(tmp_path):
    marker = tmp_path / "ran"
    tool = shutil.which("true")
    assert tool is not None
    plan = Plan(steps=(Step(id="s", title="s", kind="command",
                            commands=(Command(argv=(tool,)), Command(argv=("touch", str(marker))))),),
                tools=(tool,))
    run = subprocess.run(["bash", "-c", render_script(plan)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert marker.exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed (make sysdeps)")
def test_the_tools_check_passes_shellcheck(tmp_path):
    path = tmp_path / "plan.sh"
    path.write_text(render_script(_plan(Tools(uv="/a b/$(id)/uv", python="/a b/'q'/python", host_pip=True),
                                        tmp_path)))
    check = subprocess.run(["shellcheck", "--severity=info", "--exclude=SC2016", "--format=gcc", str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
