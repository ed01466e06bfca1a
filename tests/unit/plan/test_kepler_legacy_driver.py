"""Kepler (R470 is its last branch) and the driver branches older than R470: what recommend, the plan and the
wizard say agree, and say what to do. Found by testers on a K80: the driver install was offered and ticked,
then refused with "distributions no longer ship" it (Ubuntu and Debian do ship packages of that name); each
refusal's hint led to another refusal, the GPU's missing kernels coming fourth; real old branches (460, 418)
were called unknown, with a path inside the package."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from installer.answers import Answers
from installer.compat import resolve_pins
from installer.compat.machine import is_jetson
from installer.errors import InputError
from installer.hardware.report import HardwareReport, load_report
from installer.plan.driver_request import driver_elsewhere
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import NvidiaDriver, _branch_too_old_for_build, driver_packages_for
from installer.plan.kinds.base import KindContext
from installer.plan.tools import Tools

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"


def _report(machine: str, **os_update: str) -> HardwareReport:
    data = json.loads((MACHINES / machine).read_text())
    data["os"].update(os_update)
    return HardwareReport.model_validate(data)


def _ctx(report: HardwareReport, *, pins=None, cuda: str | None = None) -> KindContext:
    return KindContext(answers=Answers(), report=report, pins=pins, indexes=Indexes(), recorded=True,
                       tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3", host_pip=True),
                       values={"cache.dir": "/cache", "torch.cuda": cuda})


# ---------------------------------------------------------------- 1. offered, ticked, then refused

def test_recommend_says_torch_setup_does_not_install_r470_and_what_to_do(cli):
    out = cli("recommend", "--hardware", str(MACHINES / "k80-nodriver.json")).stdout
    # the "needs:" line says who installs it (not torch-setup), as the last line does
    assert "needs: NVIDIA driver branch R470 (" in out and "installed by hand: torch-setup does not install R470" in out
    said = next(line for line in out.splitlines() if line.startswith("The driver: "))
    assert "Tesla K80 (Kepler) runs on driver branch R470 at the newest, which torch-setup does not install" in said
    assert "nvidia-driver-470-server" in said and "driver archive" in said


@pytest.mark.parametrize("os_id, package", [("ubuntu", "Ubuntu's nvidia-driver-470-server packages"),
                                            ("debian", "Debian's nvidia-tesla-470-driver package (non-free)")])
def test_the_plan_refuses_r470_with_true_words_and_the_distribution_s_packages(os_id, package):
    report = _report("k80-nodriver.json", id=os_id)
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="latest"), _ctx(report))
    assert err.value.key == "driver.install"  # what the user set; the branch was never asked for
    assert "no longer ship" not in err.value.message and "torch-setup does not install" in err.value.message
    assert package in (err.value.hint or "") and "driver.install: false" in (err.value.hint or "")
    # the wizard hides the driver tick where driver_elsewhere says something: it does for Kepler
    assert package in (driver_elsewhere(report.os, jetson=is_jetson(report), report=report) or "")
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="470"), _ctx(report))
    assert err.value.key == "driver.branch" and "no longer ship" not in err.value.message


def test_driver_elsewhere_says_nothing_of_gpus_torch_setup_drives():
    for machine in ("nodriver-rtx3060.json", "gtx960-580.json", "gtx1080ti-535.json"):
        report = load_report(MACHINES / machine)
        assert driver_elsewhere(report.os, jetson=False, report=report) is None, machine


# ---------------------------------------------------------------- 2. the GPU's kernels come first

def test_no_kernels_for_the_gpu_comes_before_the_python():
    report = load_report(MACHINES / "k80-470.json")
    with pytest.raises(InputError) as err:
        resolve_pins(report, variant="cu126", python="3.8", recorded=True)
    assert err.value.key == "torch.variant"
    assert "Tesla K80 is compute capability 3.7" in err.value.message and "Python 3.8" in err.value.message
    # a build that runs on the GPU, only not on that Python, still blames the Python
    with pytest.raises(InputError) as err:
        resolve_pins(report, torch="2.7.1", variant="cu118", python="3.8", recorded=True)
    assert err.value.key == "target.python"


@pytest.mark.parametrize("branch", ["470", "525", "latest"])
def test_no_kernels_for_the_gpu_comes_before_the_driver_branch(branch):
    report = load_report(MACHINES / "k80-470.json")
    pins = resolve_pins(report, variant="cu126", python="3.10", recorded=True)
    assert pins.blocked and not pins.blocked_by_driver
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch=branch), _ctx(report, pins=pins, cuda=pins.cuda))
    assert err.value.key == "torch.variant", err.value.render()
    assert "sm_50" in err.value.message and "use branch" not in (err.value.hint or "")


def test_a_branch_too_old_for_the_build_names_no_branch_the_gpu_cannot_run():
    ctx = _ctx(load_report(MACHINES / "k80-470.json"), cuda="12.6.3")
    message, hint = _branch_too_old_for_build(470, ctx, 470) or ("", "")
    assert "cannot run the chosen build's CUDA 12.6" in message
    assert "use branch" not in hint and "R470 is their last branch" in hint
    # a recorded machine's builds are listed by `recommend --hardware` with its file (found in review: this
    # hint alone said plain `torch-setup recommend`, which lists the builds of the computer it runs on)
    assert hint.endswith("(torch.variant: auto; `torch-setup recommend --hardware REPORT` lists them)"), hint
    _, named = _branch_too_old_for_build(470, replace(ctx, hardware="k80.json"), 470) or ("", "")
    assert "`torch-setup recommend --hardware k80.json` lists them" in named, named
    _, here = _branch_too_old_for_build(470, replace(ctx, recorded=False), 470) or ("", "")
    assert here.endswith("(torch.variant: auto; `torch-setup recommend` lists them)"), here
    _, hint = _branch_too_old_for_build(470, ctx) or ("", "")
    assert "use branch: 580 (or latest)" in hint  # no last branch: a newer branch, one NVIDIA still supports


# ---------------------------------------------------------------- 3. real old branches are old, not unknown

@pytest.mark.parametrize("branch", ["460", "450", "418", "390"])
def test_a_real_old_branch_is_called_old(branch):
    for machine in ("k80-470.json", "rtx4090-550.json"):
        with pytest.raises(InputError) as err:
            driver_packages_for(NvidiaDriver(branch=branch), _ctx(load_report(MACHINES / machine)))
        said = err.value.message
        assert err.value.key == "driver.branch"
        assert f"driver {branch} is older than any branch torch-setup installs" in said, said
        assert "R470, the last branch for Kepler" in said and "drivers.yaml" not in said


@pytest.mark.parametrize("branch", ["999", "123"])
def test_a_branch_that_never_existed_is_still_unknown(branch):
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch=branch), _ctx(load_report(MACHINES / "k80-470.json")))
    assert f"{branch} is not an NVIDIA driver branch torch-setup knows" in err.value.message
