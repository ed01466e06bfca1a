"""NVIDIA's repository: the branch's pinning package is installed by an apt-get of its own before the
driver, and from 590 on the driver packages have no branch in their names.

Why: apt reads /etc/apt/preferences.d when it starts, so a pin that a package drops there during the same
`apt-get install` does not steer that command (NVIDIA Driver Installation Guide, "Version locking packages
for Ubuntu / Debian": "we suggest to install the pinning package prior to installing the driver"). Debian's
cuda-drivers-580 depends on nvidia-driver (>= 580.65.06) with no upper bound, and without the pin in force
apt picked 590 components, which drop Pascal (forums.developer.nvidia.com/t/353805). From 590 on, "the
Ubuntu packages will be renamed by removing the branch designation from the package name" (same guide,
"Ubuntu 590 and later packages").
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.model import Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"


def _report(machine: str, *, unloaded: bool = False, **os_fields: str) -> HardwareReport:
    """The recorded machine; `unloaded`: before its first driver (a loaded one that runs the build is kept)."""
    report = HardwareReport.model_validate_json((MACHINES / machine).read_text())
    if unloaded:
        report.nvidia_driver = None
    for key, value in os_fields.items():
        setattr(report.os, key, value)
    return report


def _driver_step(report: HardwareReport, driver: str, tmp_path: Path, variant: str = "cu126") -> tuple[Step, str]:
    answers = parse_answers(f"version: 1\ntorch: {{version: 2.13.0, variant: {variant}, extras: []}}\n"
                            f"driver: {driver}\n")
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")],
                     cache_dir=str(tmp_path / "cache"))
    return next(s for s in plan.steps if s.id == "driver-nvidia-repo"), render_script(plan)


def _apt(step: Step) -> list[tuple[str, ...]]:
    """The apt-get commands of the step, each as its verb and the packages it names."""
    out = []
    for c in step.commands:
        if c.argv[0] == "apt-get":
            out.append((c.argv[1], *(a for a in c.argv[2:] if not a.startswith("-") and "::" not in a)))
    return out


@pytest.mark.parametrize("machine, os_fields, driver, pin, packages", [
    # Pascal on Debian (source auto: NVIDIA's repository): R580, proprietary modules
    ("gtx1080ti-535.json", {"id": "debian", "version_id": "12"}, "{install: true}",
     "nvidia-driver-pinning-580", ("cuda-drivers-580",)),
    # Ada on Ubuntu 24.04, branch 595 asked for: the pin, then the unsuffixed open flavour
    ("rtx4090-550.json", {"version_id": "24.04"}, '{install: true, branch: "595", source: nvidia-repo}',
     "nvidia-driver-pinning-595", ("nvidia-open",)),
    ("rtx4090-550.json", {}, '{install: true, branch: "590", source: nvidia-repo, kernel_modules: proprietary}',
     "nvidia-driver-pinning-590", ("cuda-drivers",)),
    ("rtx4090-550.json", {}, '{install: true, branch: "580", source: nvidia-repo}',
     "nvidia-driver-pinning-580", ("nvidia-open-580",)),
])
def test_the_pin_is_installed_by_its_own_apt_get_before_the_driver(tmp_path, machine, os_fields, driver, pin,
                                                                   packages):
    step, script = _driver_step(_report(machine, unloaded=True, **os_fields), driver, tmp_path)
    # the package lists first (the repository was just added), then the pin alone, then the driver
    assert _apt(step) == [("update",), ("install", pin), ("install", *packages)]
    assert not any(p.startswith("nvidia-driver-pinning-") for p in _apt(step)[2])
    # and in that order in the printed script
    at = [script.index(f" {pin}\n"), script.index(f" {packages[-1]}\n")]
    assert at == sorted(at)


def test_latest_is_pinned_to_the_branch_the_build_needs(tmp_path):
    """Not the unpinned `nvidia-open`, which installs whatever branch is newest on the day while the plan's
    notes name the branch the build needs (session 24)."""
    step, _ = _driver_step(_report("rtx4090-550.json", unloaded=True), "{install: true, source: nvidia-repo}",
                           tmp_path)
    # cu126 needs driver 525.60.13: R535 is the first recommended branch for it, but it (and R550, R570) is past
    # NVIDIA's support (drivers.yaml eol), so R580, as ubuntu-drivers'
    assert _apt(step) == [("update",), ("install", "nvidia-driver-pinning-580"), ("install", "nvidia-open-580")]
    step, _ = _driver_step(_report("rtx4090-550.json", unloaded=True), "{install: true, source: nvidia-repo}",
                           tmp_path, variant="cu130")
    assert _apt(step) == [("update",), ("install", "nvidia-driver-pinning-580"), ("install", "nvidia-open-580")]


def test_no_branch_from_590_on_has_a_suffixed_package(tmp_path):
    for branch in ("590", "595"):
        step, _ = _driver_step(_report("rtx5090x4-570.json"),
                               f'{{install: true, branch: "{branch}", source: nvidia-repo}}', tmp_path)
        names = [p for verb, *ps in _apt(step) if verb == "install" for p in ps]
        assert names == [f"nvidia-driver-pinning-{branch}", "nvidia-open"]
        assert f"nvidia-open-{branch}" not in names and f"cuda-drivers-{branch}" not in names
