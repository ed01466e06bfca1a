"""A driver branch past NVIDIA's support end, installed because the answers name it or kept because it runs
the build, is said in the plan's notes and in `recommend`'s warnings (found by a tester, 2026-12: R535, R525,
R550, R570 planned, and R550 / R535 kept, without a word). Said, never refused: the choice is the user's.

And the build's reason names the branch the plan installs (found by the same tester: "after installing driver
branch R580" over `ubuntu-drivers install nvidia:595-open`, and "driver 550.54.14 runs CUDA 12.6 wheels" over a
plan that replaces that driver with R580).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import recommend
from installer.hardware.report import load_report
from installer.i18n import set_language
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
RECIPES = load_recipes(REPO / "recipes")
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda=None)
TODAY = date(2026, 12, 5)  # R525, R535, R550, R570 past their end (drivers.yaml); R580 to 2028-06, R595 to 2027-03
BEFORE = date(2025, 3, 1)  # R535, R550, R570 still supported


def _notes(machine: str, branch: str, variant: str = "cu126", today: date = TODAY) -> tuple[str, ...]:
    answers = parse_answers("version: 1\ntarget: {kind: venv, path: ~/venvs/torch}\n"
                            f"torch: {{version: latest, variant: {variant}}}\nmethod: pip\n"
                            f"driver: {{install: true, branch: \"{branch}\"}}\n")
    report = load_report(MACHINES / f"{machine}.json")
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True, today=today)
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True, today=today)
    return plan.notes


# R525's month is only an upper bound (drivers.yaml eol_upper_bound): "by", not "in"
@pytest.mark.parametrize("branch, when", [("535", "in 2026-06"), ("525", "by 2024-08"), ("550", "in 2025-06"),
                                          ("570", "in 2026-02")])
def test_a_named_branch_past_support_is_installed_and_said(branch, when):
    notes = _notes("nodriver-rtx3060", branch)
    assert any(f"ubuntu-drivers install nvidia:{branch}-open" in n for n in notes)  # as asked
    assert (f"NVIDIA ended support for R{branch} {when} (no more security fixes); R580 is supported until "
            "2028-06: driver.branch: latest installs it") in notes


def test_before_its_end_a_named_branch_is_not_said_to_be_past_it():
    assert not any("ended support" in n for n in _notes("nodriver-rtx3060", "535", today=BEFORE))


def test_a_downgrade_to_an_ended_branch_names_the_branch_to_use_by_number():
    """On a100x4-555 `latest` keeps the loaded R555 (it runs the build): only a number moves to R580."""
    notes = _notes("a100x4-555", "535")
    assert ('NVIDIA ended support for R535 in 2026-06 (no more security fixes); R580 is supported until 2028-06: '
            'driver.branch: "580" installs it') in notes


@pytest.mark.parametrize("machine, version, branch, month", [
    ("rtx4090-550", "550.54.14", "550", "2025-06"), ("gtx1080ti-535", "535.183.01", "535", "2026-06"),
    ("v100-535", "535.129.03", "535", "2026-06")])
def test_a_kept_driver_past_support_is_kept_and_said(machine, version, branch, month):
    notes = _notes(machine, "latest")
    assert any("so it is kept: no driver step" in n for n in notes)
    assert (f"the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting in {month} "
            "(no more security fixes); the plan keeps it, as it runs the chosen build -> to move to R580, "
            'supported until 2028-06, set driver.branch: "580"') in notes
    assert not any("stopped supporting" in n for n in _notes(machine, "latest", today=BEFORE))


def test_recommend_warns_of_a_loaded_driver_past_support():
    report = load_report(MACHINES / "rtx4090-550.json")
    rec = recommend(report, today=TODAY, recorded=True)
    said = [w for w in rec.warnings if "stopped supporting" in w]
    assert said and "R550" in said[0] and "2025-06" in said[0] and 'driver.branch: "580"' in said[0]
    assert rec.to_dict()["facts"]["driver_support_ended"] == "2025-06"
    before = recommend(report, today=BEFORE, recorded=True)
    assert not any("stopped supporting" in w for w in before.warnings)
    assert before.to_dict()["facts"]["driver_support_ended"] is None


def test_the_month_reads_as_chinese_writes_it():
    try:
        set_language("zh")
        report = load_report(MACHINES / "rtx4090-550.json")
        said = [w for w in recommend(report, today=TODAY, recorded=True).warnings if "R550" in w]
        assert said and "于 2025 年 6 月停止支持" in said[0]
    finally:
        set_language("en")


@pytest.mark.parametrize("machine, branch, variant, wrong", [
    ("nodriver-rtx3060", "595", "auto", "R580"), ("nodriver-rtx3060", "535", "cu126", "R580"),
    ("a100x4-555", "595", "cu130", "R580"), ("rtx4090-550", "595", "cu130", "R580")])
def test_the_build_reason_names_the_branch_the_plan_installs(machine, branch, variant, wrong):
    notes = _notes(machine, branch, variant)
    assert any(f"nvidia:{branch}-open" in n for n in notes)
    builds = [n for n in notes if n.startswith("CUDA ") and " build, after " in n]
    assert builds and all(f"after installing driver branch R{branch}" in n for n in builds), builds
    assert not any(f"driver branch {wrong}" in n for n in notes)


@pytest.mark.parametrize("machine, loaded", [("rtx4090-550", "550.54.14"), ("a100x4-555", "555.42.02")])
def test_a_replaced_driver_does_not_vouch_for_the_build(machine, loaded):
    notes = _notes(machine, "580")
    assert any("nvidia:580-open" in n for n in notes)
    assert not any(n.startswith(f"driver {loaded} runs CUDA") for n in notes), notes
    assert "CUDA 12.6 build, after installing driver branch R580" in notes


def test_a_kept_driver_still_vouches_for_the_build():
    notes = _notes("rtx4090-550", "latest")
    assert any(n.startswith("driver 550.54.14 runs CUDA 12.6 wheels") for n in notes)
