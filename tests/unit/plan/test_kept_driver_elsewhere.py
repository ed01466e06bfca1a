"""Session 27's driver items. On Rocky Linux (R560 loaded, past NVIDIA's support) a plan keeps the driver, as
torch-setup installs none there, and said nothing of its support end, which `recommend` warned of: the note the
Ubuntu path gives is said there too, with the way to move that fits a system torch-setup installs no driver on.
And `recommend --json` says beside `facts.driver_support_ended` whether that month is only an upper bound
(drivers.yaml `eol_upper_bound`), as the texts say "by 2025-08" for it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import recommend
from installer.compat.coded import code_of
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
ROCKY = MACHINES / "rocky94-2x3060-560.json"
RECIPES = load_recipes(REPO / "recipes")
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda=None)
TODAY = date(2026, 12, 5)  # R560 past its end (by 2025-08), R550 too (in 2025-06); R580 supported to 2028-06
BEFORE = date(2025, 3, 1)  # R560 and R550 still supported
ROCKY_NOTE = ("the loaded NVIDIA driver 560.35.03 is of branch R560, which NVIDIA stopped supporting by 2025-08 (no "
              "more security fixes); the plan keeps it, as it runs the chosen build -> to move to R580, supported "
              "until 2028-06, update the driver the way it was installed (the system's packages or NVIDIA's "
              "installer)")
ANSWERS = "version: 1\ntarget: {kind: venv, path: ~/venvs/torch}\ntorch: {version: latest, variant: cu126}\n" \
          "method: pip\n"


def _notes(driver: str, today: date = TODAY) -> tuple[str, ...]:
    answers = parse_answers(ANSWERS + driver)
    report = load_report(ROCKY)
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True, today=today)
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True, today=today).notes


@pytest.mark.parametrize("driver", ["driver: {install: true}\n", "driver: {install: false}\n", ""])
def test_a_kept_driver_past_support_is_said_on_rocky_linux(driver):
    notes = _notes(driver)
    said = [n for n in notes if "stopped supporting" in n]
    assert said == [ROCKY_NOTE], notes
    # it names no answers key (driver.branch installs nothing here): the wizard says it as it is
    assert code_of(said[0]) == ""


def test_before_its_end_the_kept_driver_on_rocky_linux_is_not_said_past_support():
    assert not any("stopped supporting" in n for n in _notes("driver: {install: true}\n", BEFORE))


def test_plan_says_it_in_the_scripts_notes(cli, tmp_path):
    answers = tmp_path / "rocky.yaml"
    answers.write_text(ANSWERS + "driver: {install: true}\n")
    r = cli("plan", "--answers", str(answers), "--hardware", str(ROCKY))
    assert r.returncode == 0, r.stderr
    assert "# note: driver.install: the loaded NVIDIA driver 560.35.03 already runs" in r.stdout  # kept, as before
    assert f"# note: {ROCKY_NOTE}\n" in r.stdout
    r = cli("plan", "--lang", "zh", "--answers", str(answers), "--hardware", str(ROCKY))
    assert r.returncode == 0, r.stderr
    assert ("NVIDIA 最迟于 2025 年 8 月已停止支持该分支（不再提供安全修复）；它能运行所选构建，所以计划保留它；如要换到支持"
            "持续到 2028 年 6 月的 R580，请用当初安装它的方式更新驱动（系统的软件包或 NVIDIA 的安装程序）") in r.stdout


@pytest.mark.parametrize("machine, month, upper_bound", [
    ("rocky94-2x3060-560", "2025-08", True), ("a100x4-555", "2025-08", True), ("rtx4090-550", "2025-06", False),
    ("gtx1080ti-535", "2026-06", False)])
def test_the_json_says_whether_the_support_end_is_an_upper_bound(machine, month, upper_bound):
    facts = recommend(load_report(MACHINES / f"{machine}.json"), today=TODAY, recorded=True).to_dict()["facts"]
    assert facts["driver_support_ended"] == month  # as before
    assert facts["driver_support_ended_upper_bound"] is upper_bound
    before = recommend(load_report(MACHINES / f"{machine}.json"), today=BEFORE, recorded=True).to_dict()["facts"]
    assert before["driver_support_ended"] is None and before["driver_support_ended_upper_bound"] is None


def test_recommend_json_carries_the_flag(cli):
    r = cli("recommend", "--json", "--hardware", str(ROCKY))
    assert r.returncode == 0, r.stderr
    facts = json.loads(r.stdout)["facts"]
    assert facts["driver_support_ended"] == "2025-08" and facts["driver_support_ended_upper_bound"] is True


def test_a_build_the_kept_driver_is_too_old_for_says_a_newer_driver():
    """Rocky's R560 is loaded: the cu132 build's note said "it needs an NVIDIA driver (branch R580)", as if the
    machine had none (found in a trial, session 28)."""
    answers = parse_answers(ANSWERS.replace("latest, variant: cu126", "2.15.0, variant: cu132"))
    report = load_report(ROCKY)
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True, today=TODAY)
    notes = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                      cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True, today=TODAY).notes
    said = [n for n in notes if n.startswith("CUDA 13.2 build:")]
    assert len(said) == 1 and said[0].startswith(
        "CUDA 13.2 build: it needs a newer NVIDIA driver (branch R580), and this plan does NOT install a driver"), notes
