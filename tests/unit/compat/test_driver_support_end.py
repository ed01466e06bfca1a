"""Driver branches past NVIDIA's support end (drivers.yaml `eol`): a plan made on a day after a branch's end
never installs it where a supported branch fits; a GPU that only an ended branch runs (Kepler, R470) is
still offered it, with the end said. Dates: NVIDIA "Supported Drivers and CUDA Toolkit Versions" (R535 June
2026, R580 June 2028), and NVIDIA/gpu-operator PR #927 for R470 (July 2024), as drivers.yaml cites them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from compat_machines import machine
from pydantic import ValidationError

from installer.answers import Answers
from installer.compat import recommend
from installer.compat.data import load
from installer.compat.data_model import Branch
from installer.compat.machine import NvidiaGpu
from installer.compat.rules import choose_branch, driver_need
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import NvidiaDriver, driver_packages_for, ubuntu_drivers_argv
from installer.plan.kinds.base import KindContext
from installer.plan.tools import Tools

TODAY = date(2026, 12, 5)  # R535, R550 and R570 are past their end; R580 runs to 2028-06
BEFORE = date(2025, 3, 1)  # all of R535, R550, R570 still supported
MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"


def _driver_of(rec, variant="cu126"):
    choice = next(c for c in rec.choices if c.variant == variant)
    return choice, choice.action("install-driver")


@pytest.mark.parametrize("day, branch", [(TODAY, "580"), (BEFORE, "535")])
def test_a_pinned_cu126_build_without_a_driver_gets_a_supported_branch(day, branch):
    rec = recommend(machine("nodriver-rtx3060"), torch="2.13.0", variant="cu126", today=day)
    choice, driver = _driver_of(rec)
    assert driver is not None and driver.branch == branch
    assert driver.support_ended is None
    assert f"after installing driver branch R{branch}" in " | ".join(choice.reasons)
    assert "no longer" not in " | ".join(choice.reasons) and "has not supported" not in " | ".join(choice.reasons)


def test_the_end_month_itself_is_past_support():
    data = load()
    need = driver_need("12.6.3", False, data, windows=False)
    assert choose_branch(need, (), data, False, date(2026, 5, 31)).branch == "535"
    picked = choose_branch(need, (), data, False, date(2026, 6, 1))
    assert (picked.branch, picked.skipped, picked.ended) == ("580", ("535", "550", "570"), None)


def test_kepler_is_still_offered_r470_and_told_it_is_unsupported():
    rec = recommend(machine("k80-470", nvidia_driver=None), variant="cu118", python="3.9", today=TODAY)
    choice, driver = _driver_of(rec, "cu118")
    assert driver is not None and (driver.branch, driver.support_ended) == ("470", "2024-07")
    why = " | ".join(choice.reasons)
    assert "after installing driver branch R470 (NVIDIA has not supported R470 since 2024-07" in why
    assert "no more security fixes" in why
    assert rec.to_dict()["choices"][0]["actions"][0]["support_ended"] == "2024-07"


def test_without_a_day_the_data_s_own_date_is_the_day():
    data = load()
    need = driver_need("12.6.3", False, data, windows=False)
    assert choose_branch(need, (), data, False).branch == "580"  # drivers.yaml updated after June 2026


def _ctx(name: str, cuda: str, day: date, **changes: object) -> KindContext:
    data = json.loads((MACHINES / name).read_text())
    data.update(changes)
    report = HardwareReport.model_validate(data)
    values = {"cache.dir": "/home/u/.cache/torch-setup", "torch.version": "2.13.0", "torch.variant": "cu126",
              "torch.cuda": cuda, "target.python_version": "3.11"}
    return KindContext(answers=Answers(), report=report, pins=None, indexes=Indexes(), today=day,
                       tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3", host_pip=True), values=values)


def test_the_driver_step_s_note_names_the_branches_passed_over():
    ctx = _ctx("rtx4090-550.json", "12.6", TODAY, nvidia_driver=None)
    packages, why = driver_packages_for(NvidiaDriver(branch="latest"), ctx)
    assert packages == ["nvidia-driver-pinning-580", "nvidia-open-580"]
    assert "(older ones, R535, R550, R570, are past their support end)" in why
    argv, why = ubuntu_drivers_argv(NvidiaDriver(branch="latest", tool="ubuntu-drivers"), ctx)
    assert argv == ("ubuntu-drivers", "install", "nvidia:580-open")
    assert "R535, R550, R570" in why
    packages, why = driver_packages_for(NvidiaDriver(branch="latest"), replace(ctx, today=BEFORE))
    assert packages == ["nvidia-open-535"] and "past their support end" not in why


def test_the_driver_step_s_note_says_a_branch_is_unsupported_when_only_it_runs_the_gpu():
    # Pascal's last branch is R580: after its end (June 2028) it is still the one that runs the GPU
    ctx = _ctx("gtx1080ti-535.json", "12.6", date(2028, 7, 1), nvidia_driver=None)
    packages, why = driver_packages_for(NvidiaDriver(branch="latest"), ctx)
    assert packages == ["nvidia-driver-pinning-580", "cuda-drivers-580"]
    assert "NVIDIA has not supported R580 since 2028-06" in why
    _, why = driver_packages_for(NvidiaDriver(branch="latest"), replace(ctx, today=TODAY))
    assert "has not supported" not in why


def test_kepler_s_r470_is_still_refused_by_the_plan():
    # the plan installs no R470 (distributions no longer ship it), whatever recommend offers
    with pytest.raises(InputError, match="NVIDIA ended its support"):
        driver_packages_for(NvidiaDriver(branch="latest"), _ctx("k80-470.json", "11.8", TODAY, nvidia_driver=None))


@pytest.mark.parametrize("eol", ["2026-13", "June 2026", "2026-6"])
def test_an_eol_that_is_not_a_year_and_month_is_refused(eol):
    with pytest.raises(ValidationError):
        Branch.model_validate({"branch": "535", "first": "535.54.03", "cuda": "12.2", "eol": eol, "source": "x"})


def test_every_recommended_branch_has_its_support_end_or_says_why_not():
    for b in load().drivers.branches:
        assert b.eol is not None or not b.recommended, b.branch
        assert b.eol is None or "eol" in b.source, b.branch


def test_gpu_limits_still_come_before_support():
    # Pascal stops at R580: a CUDA 13.2 PTX need (R595) has no branch, whatever the day
    data = load()
    pascal = NvidiaGpu(name="x", cc=(6, 1), cc_from_table=False, arch=None, last_branch="580", min_branch=None)
    assert choose_branch(driver_need("13.2.1", True, data, windows=False), (pascal,), data, False, TODAY) is None
