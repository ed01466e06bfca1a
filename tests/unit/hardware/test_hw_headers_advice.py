"""The Hardware screen's advice on kernel headers says what the plan does with them, per driver source.

Found in use (nodriver-rtx3060: Ubuntu 24.04, RTX 3060, no driver, Secure Boot on): `detect` told the person to
install linux-headers-6.8.0-45-generic before the driver, while the plan, with Ubuntu's packages (ubuntu-drivers,
whose prebuilt modules need no headers), installed none; a newcomer could not tell which to believe. The headers
are needed where the module is built on the machine (DKMS: NVIDIA's repository, Debian, a kernel Ubuntu did not
ship), and there the plan installs them itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware import advice
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds import apt
from installer.plan.model import Plan
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json"
TOOLS = Tools(uv=None, python=sys.executable, host_pip=False)


def _report(**os_fields: object) -> HardwareReport:
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    for key, value in os_fields.items():
        setattr(report.os, key, value)
    return report


def _plan(report: HardwareReport, tmp_path: Path, driver: str = "{install: true}") -> Plan:
    # the tester's answers: the driver asked for, everything else left to torch-setup
    answers = parse_answers(f"version: 1\ndriver: {driver}\n")
    pins = pins_for(answers, report, tools=TOOLS, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=TOOLS, cwd=str(tmp_path),
                     recipes=load_recipes(REPO / "recipes"), cache_dir=str(tmp_path / "cache"))


def _headers_installed(plan: Plan) -> list[str]:
    return [a for s in plan.steps for c in s.commands if c.argv[:2] == ("apt-get", "install")
            for a in c.argv if a.startswith("linux-headers-")]


def _headers_advice(report: HardwareReport) -> str:
    (said,) = [w for w in advice.warnings(report.to_dict()) if w.startswith("kernel headers")]
    return said


def test_ubuntu_drivers_gets_the_headers_first_and_the_advice_says_so(tmp_path):
    # ubuntu-drivers falls back to DKMS where no prebuilt module fits the kernel (UbuntuDrivers/detect.py), which
    # is known only as it runs: the plan installs the headers before it, and the advice says the plan does
    report = _report()
    plan = _plan(report, tmp_path)
    assert any(c.argv[:2] == ("ubuntu-drivers", "install") for s in plan.steps for c in s.commands)
    assert _headers_installed(plan) == ["linux-headers-6.8.0-45-generic"]
    said = _headers_advice(report)
    assert "torch-setup's driver plan installs them first" in said and "prebuilt" in said
    assert "needs none from you" not in said
    # the command stays for whoever installs a DKMS driver by hand
    assert "sudo apt install linux-headers-6.8.0-45-generic" in said


def test_nvidia_repository_installs_the_headers_the_advice_says_it_does(tmp_path):
    report = _report()
    plan = _plan(report, tmp_path, driver="{install: true, source: nvidia-repo}")
    assert _headers_installed(plan) == ["linux-headers-6.8.0-45-generic"]
    assert "driver plan installs them first" in _headers_advice(report)


def test_debian_builds_with_dkms_and_the_plan_installs_the_headers(tmp_path):
    report = _report(id="debian", version_id="12", kernel="6.1.0-28-amd64")
    plan = _plan(report, tmp_path)
    assert _headers_installed(plan) == ["linux-headers-6.1.0-28-amd64", "linux-headers-amd64"]
    said = _headers_advice(report)
    assert "built on this machine (DKMS)" in said and "torch-setup's driver plan installs them first" in said
    assert "prebuilt" not in said


def test_a_kernel_ubuntu_did_not_ship_needs_its_headers_from_where_it_came(tmp_path):
    report = _report(kernel="6.1.85+")  # a cloud provider's kernel (t4-550)
    plan = _plan(report, tmp_path)
    assert any("6.1.85+ is not one of Ubuntu's kernel packages" in n for n in plan.notes)
    said = _headers_advice(report)
    assert "not one of Ubuntu's" in said and "from where this kernel came from" in said
    assert "needs none from you" not in said


def test_headers_present_say_nothing():
    report = _report()
    data = report.to_dict()
    data["kernel_headers"] = {"kernel": "6.8.0-45-generic", "present": True}
    assert not any(w.startswith("kernel headers") for w in advice.warnings(data))


@pytest.mark.parametrize("kernel", ["6.8.0-45-generic", "6.5.0-41-generic", "5.15.0-1067-nvidia-tegra",
                                    "6.1.85+", "6.1.0-28-amd64", "6.8.0-45-Generic"])
def test_the_advice_reads_ubuntus_kernel_names_as_the_plan_does(kernel):
    assert advice.UBUNTU_KERNEL.pattern == apt.UBUNTU_KERNEL.pattern
    assert bool(advice.UBUNTU_KERNEL.match(kernel)) == bool(apt.UBUNTU_KERNEL.match(kernel))
