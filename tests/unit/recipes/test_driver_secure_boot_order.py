"""Secure Boot with a driver built by DKMS (NVIDIA's repository, and so Debian): the MOK enrolment is asked
for before the reboot that ends the driver step, not by a step after it.

Why: DKMS signs the module with a local key, and shim's MOK Manager enrols that key only at the boot that
follows `mokutil --import`. The install runs with DEBIAN_FRONTEND=noninteractive, so shim-signed's own
debconf prompt never appears; a step after the driver's reboot came one reboot too late (the module was
refused and nvidia-smi found no device at the first boot). The key exists only once DKMS has built the
module, which the driver's install does, so the import comes right after it, in the same step.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.model import Plan
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"


def _plan(tmp_path: Path, source: str, *, os_id: str = "ubuntu", secure_boot: bool = True) -> Plan:
    # nodriver-rtx3060: Ubuntu 24.04, Secure Boot on, nouveau loaded, no NVIDIA driver
    report = HardwareReport.model_validate_json((MACHINES / "nodriver-rtx3060.json").read_text())
    report.secure_boot = secure_boot
    if os_id == "debian":
        report.os.id, report.os.version_id, report.os.kernel = "debian", "12", "6.1.0-28-amd64"
    answers = parse_answers("version: 1\ntorch: {version: 2.13.0, variant: cu126, extras: []}\n"
                            f"driver: {{install: true, branch: \"580\", source: {source}}}\n")
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")],
                     cache_dir=str(tmp_path / "cache"))


@pytest.mark.parametrize("os_id, source, cert", [
    ("ubuntu", "nvidia-repo", "/var/lib/shim-signed/mok/MOK.der"),  # Ubuntu's dkms signs with shim-signed's MOK
    ("debian", "auto", "/var/lib/dkms/mok.pub"),                    # Debian's dkms with its own key
])
def test_the_mok_import_comes_after_the_install_and_before_the_reboot(tmp_path, os_id, source, cert):
    plan = _plan(tmp_path, source, os_id=os_id)
    ids = [s.id for s in plan.steps]
    driver = plan.steps[ids.index("driver-nvidia-repo")]
    assert driver.reboot  # the step that installs the driver still ends the run with the reboot ...
    last = driver.commands[-1]  # ... and asks for the enrolment just before it, after the install
    assert last.argv == ("mokutil", "--import", cert)
    installs = [i for i, c in enumerate(driver.commands) if c.argv[:2] == ("apt-get", "install")]
    assert installs and max(installs) < len(driver.commands) - 1
    # `install` gives a step no terminal to ask for the password: the fallback only shows the state
    assert last.fallback is not None and last.fallback.argv == ("mokutil", "--sb-state")
    assert last.fallback.ok_codes == (0, 1)
    # no step after the reboot asks for it any more
    assert "secure-boot" not in ids
    assert any(f"mokutil --import {cert}" in n and "Enroll MOK" in n for n in plan.notes), plan.notes
    # in the printed script: the import, then the reboot marker and the message that stops the script
    script = render_script(plan)
    section = script[script.index(": driver-nvidia-repo -"):]
    section = section[:section.index("\n# --- step")] if "\n# --- step" in section else section
    body = section[section.index("else\n"):]
    assert body.index(f"mokutil --import {cert}") < body.index("boot_id >") < body.index("reboot now")


def test_no_enrolment_without_secure_boot(tmp_path):
    plan = _plan(tmp_path, "nvidia-repo", secure_boot=False)
    assert not any(c.argv[0] == "mokutil" for s in plan.steps for c in s.commands)
    assert not any("mokutil" in n for n in plan.notes)


def test_ubuntus_signed_modules_keep_the_informational_step(tmp_path):
    """ubuntu-drivers installs Canonical's prebuilt, signed modules: nothing to enrol before the reboot, and
    the step that explains Secure Boot stays for the case where this kernel has no prebuilt module."""
    plan = _plan(tmp_path, "ubuntu-drivers")
    ids = [s.id for s in plan.steps]
    assert "secure-boot" in ids and "driver-nvidia-repo" not in ids
    assert not any(c.argv[:2] == ("mokutil", "--import") for s in plan.steps for c in s.commands)
