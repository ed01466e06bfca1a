"""Secure Boot with a driver built by DKMS (NVIDIA's repository, and so Debian): the MOK enrolment is asked
for before the reboot that ends the driver step, not by a step after it.

Why: DKMS signs the module with a local key, and shim's MOK Manager enrols that key only at the boot that
follows `mokutil --import`. The install runs with DEBIAN_FRONTEND=noninteractive, so shim-signed's own
debconf prompt never appears; a step after the driver's reboot came one reboot too late (the module was
refused and nvidia-smi found no device at the first boot). The key exists only once DKMS has built the
module, which the driver's install does, so the import comes right after it, in the same step.
"""

from __future__ import annotations

import subprocess
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
    # `install` gives a step no terminal to ask for the password: the fallback passes only where the key is
    # enrolled or requested (tests/unit/recipes/test_mok_enrolled_or_pending.py runs it)
    assert last.fallback is not None and last.fallback.argv[1:3] == ("-I", "-c")
    assert last.fallback.argv[4:6] == (cert, "") and last.fallback.ok_codes == (0,)
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


def _ubuntu_drivers_step(plan: Plan):
    ids = [s.id for s in plan.steps]
    (driver,) = [s for s in plan.steps if s.id in ("driver-recommended", "driver-branch", "driver-legacy-gpu")]
    return ids, driver


@pytest.mark.parametrize("source", ["ubuntu-drivers", "auto"])
def test_ubuntu_drivers_asks_for_the_enrolment_before_its_reboot_too(tmp_path, source):
    """ubuntu-drivers installs Canonical's signed prebuilt modules, and falls back to DKMS (signed with the
    machine's own key) where this kernel has none. Found in use: the step that said to enrol that key came after
    the driver's reboot, one reboot too late; the driver step now does it, before its reboot."""
    plan = _plan(tmp_path, source)
    ids, driver = _ubuntu_drivers_step(plan)
    assert "secure-boot" not in ids and "driver-nvidia-repo" not in ids
    assert driver.reboot
    # right after `ubuntu-drivers install`, the last command before the reboot: the import, if DKMS built it
    assert driver.commands[-2].argv[:2] == ("ubuntu-drivers", "install")
    last = driver.commands[-1]
    assert last.argv[1:3] == ("-I", "-c") and last.argv[-2:] == ("/var/lib/shim-signed/mok/MOK.der",
                                                                 "/var/lib/dkms/nvidia")
    assert last.fallback is not None and last.fallback.argv[4:6] == ("/var/lib/shim-signed/mok/MOK.der",
                                                                     "/var/lib/dkms/nvidia")
    (note,) = [n for n in plan.notes if "mokutil --import /var/lib/shim-signed/mok/MOK.der" in n]
    assert "dkms status" in note and "Enroll MOK" in note and "before its reboot" in note
    script = render_script(plan)
    section = script[script.index(f": {driver.id} -"):]
    body = section[section.index("else\n"):]
    assert body.index("ubuntu-drivers install") < body.index("/var/lib/shim-signed/mok/MOK.der") \
        < body.index("boot_id >") < body.index("reboot now")


def test_ubuntu_drivers_without_secure_boot_enrols_nothing(tmp_path):
    plan = _plan(tmp_path, "ubuntu-drivers", secure_boot=False)
    _ids, driver = _ubuntu_drivers_step(plan)
    assert driver.commands[-1].argv[:2] == ("ubuntu-drivers", "install")
    assert not any("mokutil" in n for n in plan.notes)


def _fake_mokutil(tmp_path: Path) -> Path:
    """mokutil writes EFI variables, which this machine has not: a stand-in that records its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mokutil"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'mokutil-args'}\n")
    fake.chmod(0o755)
    return bin_dir


def test_the_check_imports_the_key_only_when_dkms_built_the_module(tmp_path):
    plan = _plan(tmp_path, "ubuntu-drivers")
    argv = list(_ubuntu_drivers_step(plan)[1].commands[-1].argv)
    env = {"PATH": f"{_fake_mokutil(tmp_path)}:/usr/bin:/bin"}
    tree = tmp_path / "dkms" / "nvidia"
    argv[-1] = str(tree)
    # Ubuntu's prebuilt modules: nothing asked, the step goes on to its reboot
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "prebuilt" in done.stdout
    assert not (tmp_path / "mokutil-args").exists()
    # DKMS built the nvidia module: mokutil imports the key it signed with
    tree.mkdir(parents=True)
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mokutil-args").read_text().split() == ["--import", "/var/lib/shim-signed/mok/MOK.der"]
