"""A loaded driver that already runs the chosen build, of the branch asked for (latest: any), is kept.

Found in review: `driver.branch: latest` (the examples' default) planned `ubuntu-drivers install
nvidia:535` on machines with R550, R555 and R580 that ran the chosen CUDA 12.6 build already: a downgrade,
and a reboot for every machine of a lab. A named branch is still installed, said when it is older."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
RECIPES = load_recipes(REPO / "recipes")


def _plan(machine: str, variant: str, branch: str = "latest"):
    answers = parse_answers(f"""\
version: 1
target: {{kind: venv, path: .venv-torch}}
torch: {{version: 2.13.0, variant: {variant}, extras: []}}
method: pip
driver: {{install: true, branch: "{branch}"}}
""")
    report = load_report(MACHINES / f"{machine}.json")
    pins = resolve_pins(report, torch="2.13.0", variant=variant, python="3.11", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")


def _driver_argv(plan) -> list[str]:
    return [" ".join(c.argv) for s in plan.steps if s.id.startswith("driver-") for c in s.commands
            if c.argv[0] in ("ubuntu-drivers", "apt-get")]


@pytest.mark.parametrize(("machine", "variant", "branch"), [
    ("rtx4090-550", "cu126", "latest"),
    ("a100x4-555", "cu126", "latest"),
    ("rtx4090-580.65.06", "cu130", "latest"),
    ("mixed-3090-v100-580", "cu126", "580"),  # the branch named is the one loaded
])
def test_a_driver_that_runs_the_build_is_kept(machine, variant, branch):
    plan = _plan(machine, variant, branch)
    assert not [s.id for s in plan.steps if s.id.startswith("driver-") or s.reboot]
    version = load_report(MACHINES / f"{machine}.json").nvidia_driver.version
    assert any(n.startswith(f"driver.install: the loaded NVIDIA driver {version} already runs the chosen build's "
                            f"CUDA {variant[2:4]}.{variant[4:]} on every GPU, so it is kept") for n in plan.notes), \
        plan.notes


def test_a_driver_too_old_for_the_build_is_upgraded_within_its_branch():
    # 580.65.05 is one point release short of what CUDA 13 needs (580.65.06)
    plan = _plan("rtx4090-580.65.05", "cu130")
    assert _driver_argv(plan) == ["ubuntu-drivers install nvidia:580-open"]
    assert not [n for n in plan.notes if "so it is kept" in n]


def test_a_named_branch_is_installed_and_an_older_one_said():
    newer = _plan("rtx4090-550", "cu126", "580")
    assert _driver_argv(newer) == ["ubuntu-drivers install nvidia:580-open"]
    assert not [n for n in newer.notes if "older than the loaded" in n]
    older = _plan("rtx4090-580.65.06", "cu126", "570")
    assert _driver_argv(older) == ["ubuntu-drivers install nvidia:570-open"]
    assert ("driver.branch 570 is older than the loaded NVIDIA driver 580.65.06: the plan replaces it with the "
            "older branch, as asked") in older.notes
