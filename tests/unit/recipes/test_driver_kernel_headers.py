"""The driver's build step installs the headers of the kernel in the hardware report, not a metapackage.

Why: NVIDIA's repository builds the driver's module with DKMS against the running kernel's headers, and the
NVIDIA Driver Installation Guide asks for "the kernel headers and development packages for the running
version of the kernel" (`linux-headers-$(uname -r)`). `linux-headers-generic` is the GA kernel's: on the
recorded Ubuntu machines, which run HWE kernels (22.04 with 6.5 and 6.8), DKMS had nothing to build against.
On Debian the flavour's headers metapackage comes too, as Debian's kernel metapackage does not pull headers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.model import Plan, Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv=None, python=sys.executable, host_pip=False)
BUILD_DEPS = ("driver-build-deps", "driver-build-deps-debian", "driver-build-deps-debian-arm")


def _recorded_ubuntu_driver_machines() -> list[str]:
    """Every recorded machine the driver recipe serves: Ubuntu, an NVIDIA GPU, not WSL, a container or a
    Jetson, and a GPU a driver still offered drives (the K80's last branch, 470, is refused)."""
    out = []
    for path in sorted(MACHINES.glob("*.json")):
        data = json.loads(path.read_text())
        os_ = data["os"]
        if (os_.get("id") == "ubuntu" and not os_.get("wsl") and not os_.get("container")
                and any(g.get("vendor") == "nvidia" for g in data.get("gpus", []))
                and "tegra" not in (os_.get("kernel") or "") and not path.name.startswith("k80")):
            out.append(path.name)
    return out


UBUNTU_MACHINES = _recorded_ubuntu_driver_machines()


def _report(machine: str, **os_fields: object) -> HardwareReport:
    report = HardwareReport.model_validate_json((MACHINES / machine).read_text())
    for key, value in os_fields.items():
        setattr(report.os, key, value)
    return report


def _plan(report: HardwareReport, tmp_path: Path, source: str = "nvidia-repo") -> Plan:
    # a branch other than the loaded driver's, so the recipe installs one (a fitting loaded driver is kept)
    loaded = report.nvidia_driver.version if report.nvidia_driver else ""
    branch = "570" if (loaded or "").startswith("580") else "580"
    answers = parse_answers(f"version: 1\ntorch: {{version: 2.13.0, variant: cu126, extras: []}}\n"
                            f'driver: {{install: true, branch: "{branch}", source: {source}}}\n')
    # the kernel is what counts here, not the machine's Python (titanv-515's 3.8 has no torch 2.13 wheel)
    pins = pins_for(answers, report.model_copy(update={"python": None}), tools=TOOLS, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=TOOLS, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")],
                     cache_dir=str(tmp_path / "cache"))


def _headers_step(plan: Plan) -> Step:
    (step,) = [s for s in plan.steps if s.id in BUILD_DEPS]
    return step


def _installed(step: Step) -> list[str]:
    (install,) = [c.argv for c in step.commands if c.argv[:2] == ("apt-get", "install")]
    return [a for a in install[2:] if not a.startswith("-") and "::" not in a]


def test_the_recorded_machines_cover_hwe_and_ga_kernels():
    kernels = {_report(m).os.kernel for m in UBUNTU_MACHINES}
    assert {"6.5.0-41-generic", "6.8.0-65-generic", "5.15.0-113-generic"} <= kernels


@pytest.mark.parametrize("machine", [m for m in UBUNTU_MACHINES if m != "t4-550.json"])
def test_ubuntu_gets_the_running_kernels_own_headers(machine, tmp_path):
    report = _report(machine)
    plan = _plan(report, tmp_path)
    step = _headers_step(plan)
    assert step.id == "driver-build-deps"
    assert _installed(step) == ["dkms", f"linux-headers-{report.os.kernel}"]
    # the GA kernel's headers are not what an HWE kernel builds against
    assert "linux-headers-generic" not in _installed(step)
    # done only once these very headers are installed (the guard names them)
    assert step.guard is not None and f"linux-headers-{report.os.kernel}" in (step.guard.unless or ())
    assert not any("headers of Ubuntu's standard kernel" in n for n in plan.notes)
    assert f" dkms linux-headers-{report.os.kernel}\n" in render_script(plan)


def test_a_kernel_that_is_not_ubuntus_keeps_the_metapackage_and_says_why(tmp_path):
    """t4-550 runs 6.1.85+ (a cloud provider's kernel): no Ubuntu package is named after it."""
    report = _report("t4-550.json")
    plan = _plan(report, tmp_path)
    assert _installed(_headers_step(plan)) == ["dkms", "linux-headers-generic"]
    (note,) = [n for n in plan.notes if "linux-headers-generic" in n]
    assert "6.1.85+ is not one of Ubuntu's kernel packages" in note


def test_a_report_without_a_kernel_keeps_the_metapackage_and_says_so(tmp_path):
    plan = _plan(_report("rtx4090-550.json", kernel=None), tmp_path)
    assert _installed(_headers_step(plan)) == ["dkms", "linux-headers-generic"]
    (note,) = [n for n in plan.notes if "linux-headers-generic" in n]
    assert note.startswith("the hardware report does not say which kernel runs")
    assert "linux-headers-$(uname -r)" in note


@pytest.mark.parametrize("kernel", ["6.8.0-65-generic; rm -rf /", "6.8.0-65-generic $(id)", "6.8.0-65-generic\n-y",
                                    "-y", "6.8.0-65-Generic"])
def test_a_kernel_release_cannot_put_anything_else_into_apt_get(kernel, tmp_path):
    plan = _plan(_report("rtx4090-550.json", kernel=kernel), tmp_path)
    assert _installed(_headers_step(plan)) == ["dkms", "linux-headers-generic"]
    assert any("not one of Ubuntu's kernel packages" in n for n in plan.notes)


@pytest.mark.parametrize("kernel, arch, version, packages", [
    # bookworm's kernel: its headers, and its flavour's metapackage for the kernels after it
    ("6.1.0-18-amd64", "x86_64", "12", ["linux-headers-6.1.0-18-amd64", "linux-headers-amd64"]),
    ("6.1.0-47-cloud-amd64", "x86_64", "12", ["linux-headers-6.1.0-47-cloud-amd64", "linux-headers-cloud-amd64"]),
    ("6.1.0-50-rt-amd64", "x86_64", "12", ["linux-headers-6.1.0-50-rt-amd64", "linux-headers-rt-amd64"]),
    # backports and trixie name the ABI differently (packages.debian.org/linux-headers-amd64)
    ("6.12.12+bpo-amd64", "x86_64", "12", ["linux-headers-6.12.12+bpo-amd64", "linux-headers-amd64"]),
    ("6.12.43+deb13-arm64", "aarch64", "13", ["linux-headers-6.12.43+deb13-arm64", "linux-headers-arm64"]),
])
def test_debian_gets_the_running_kernels_headers_and_its_flavours_metapackage(kernel, arch, version, packages,
                                                                              tmp_path):
    report = _report("rtx4090-550.json", id="debian", version_id=version, arch=arch, kernel=kernel)
    plan = _plan(report, tmp_path, source="auto")
    assert _installed(_headers_step(plan)) == ["dkms", *packages]
    assert not any("standard kernel" in n for n in plan.notes)


def test_debian_with_a_kernel_not_its_own_keeps_the_metapackage_and_says_why(tmp_path):
    report = _report("rtx4090-550.json", id="debian", version_id="12")  # 6.5.0-41-generic: Ubuntu's naming
    plan = _plan(report, tmp_path, source="auto")
    assert _installed(_headers_step(plan)) == ["dkms", "linux-headers-amd64"]
    assert any("6.5.0-41-generic is not one of Debian's kernel packages" in n for n in plan.notes)
