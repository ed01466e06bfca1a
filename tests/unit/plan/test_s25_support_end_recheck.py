"""What a re-check of the driver support-end work found (2026-12): a kept driver past support said only with
driver.install: true; R515/R555/R565 unknown to drivers.yaml; a hint naming an ended branch; a K80's warning
said twice; a Kepler plan's "the branch torch-setup would install" beside "torch-setup does not install it";
the Hardware advice offering torch-setup's driver install for a K80."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import recommend
from installer.errors import InputError
from installer.hardware.advice import warnings as advice
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
TODAY = date(2026, 12, 5)


def _plan(machine: str, driver: str = "", variant: str = "auto"):
    answers = parse_answers("version: 1\ntarget: {kind: venv, path: ~/venvs/torch}\n"
                            f"torch: {{version: latest, variant: {variant}}}\n{driver}")
    report = load_report(MACHINES / f"{machine}.json")
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True, today=TODAY)
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True, today=TODAY)


@pytest.mark.parametrize("driver", ["", "driver: {install: false}\n"])
@pytest.mark.parametrize("machine, branch", [("rtx4090-550", "550"), ("gtx1080ti-535", "535"), ("v100-535", "535")])
def test_a_driver_kept_without_a_driver_step_is_said_past_support(machine, branch, driver):
    said = [n for n in _plan(machine, driver).notes if "stopped supporting" in n]
    assert len(said) == 1 and f"R{branch}" in said[0]
    assert 'set driver.install: true and driver.branch: "580"' in said[0]


@pytest.mark.parametrize("machine, branch", [("titanv-515", "515"), ("a100x4-555", "555"), ("h100x8-565", "565")])
def test_r515_r555_r565_are_known_as_ended(machine, branch):
    rec = recommend(load_report(MACHINES / f"{machine}.json"), today=TODAY, recorded=True)
    assert any(f"branch R{branch}, which NVIDIA stopped supporting" in w for w in rec.warnings)
    assert rec.to_dict()["facts"]["driver_support_ended"] == "2025-08"


def test_a_named_r565_is_said_ended_not_unknown():
    notes = _plan("nodriver-rtx3060", 'driver: {install: true, branch: "565"}\n', "cu126").notes
    # NVIDIA's page of Aug 2025 calls R565 ended and gives no month: by then, not in it
    assert any(n.startswith("NVIDIA ended support for R565 by 2025-08") for n in notes)


def test_the_too_old_branch_hint_names_a_supported_branch():
    with pytest.raises(InputError) as e:
        _plan("nodriver-rtx3060", 'driver: {install: true, branch: "515"}\n', "cu126")
    assert e.value.hint is not None and "use branch: 580 (or latest)" in e.value.hint and "525" not in e.value.hint


def test_a_warning_for_two_identical_gpus_is_said_once():
    rec = recommend(load_report(MACHINES / "k80-nodriver.json"), today=TODAY, recorded=True)
    table = [w for w in rec.warnings if "comes from NVIDIA's table" in w]
    assert len(table) == 1
    assert len(rec.warnings) == len(set(rec.warnings))


def test_kepler_plan_does_not_say_torch_setup_would_install_its_branch():
    notes = _plan("k80-nodriver", variant="cu118").notes
    said = [n for n in notes if "needs an NVIDIA driver" in n]
    assert said and "(branch R470)" in said[0] and "would install" not in said[0]


def test_kepler_hardware_advice_says_r470_is_installed_by_hand():
    data = json.loads((MACHINES / "k80-nodriver.json").read_text())
    said = advice(data)
    assert not any("torch-setup can plan it" in w or "needs none from you" in w for w in said)
    assert any("install R470 yourself" in w for w in said)
    assert any(w.startswith("kernel headers for") and "R470" in w for w in said)


def test_the_new_chinese_reads_without_double_colon_or_ambiguous_it():
    zh = (REPO / "installer" / "i18n" / "zh.yaml").read_text(encoding="utf-8")
    assert "但它仍在支持的分支" not in zh and "且它仍在支持的分支" not in zh
    assert "请自行安装 R470：" not in zh
    try:
        set_language("zh")
        notes = _plan("rtx4090-550").notes
        assert any("driver.install: true 和 driver.branch" in n for n in notes)
    finally:
        set_language("en")
