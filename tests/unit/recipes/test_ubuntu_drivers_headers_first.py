"""Ubuntu's packages (ubuntu-drivers): the running kernel's headers come before the driver's install.

ubuntu-drivers falls back to nvidia-dkms-B where no linux-modules-nvidia-B-<flavour> exists for the running
kernel (canonical/ubuntu-drivers-common, UbuntuDrivers/detect.py, get_linux_modules_metapackage), and DKMS builds
against /lib/modules/<release>/build: the plan had no headers step there, so the module could be missing after
the reboot. The step is skipped where that build tree exists already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]


def _steps(tmp_path: Path, source: str, kernel: str | None = None):
    report = HardwareReport.model_validate_json(
        (REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json").read_text())
    if kernel is not None:
        report.os.kernel = kernel
    answers = parse_answers("version: 1\ntorch: {version: 2.13.0, variant: cu126, extras: []}\n"
                            f"driver: {{install: true, branch: \"580\", source: {source}}}\n")
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")],
                     cache_dir=str(tmp_path / "cache"))
    return plan.steps


def test_the_headers_come_first_guarded_by_the_build_tree(tmp_path):
    steps = _steps(tmp_path, "ubuntu-drivers", kernel="6.8.0-65-generic")
    ids = [s.id for s in steps]
    headers = steps[ids.index("ubuntu-drivers-headers")]
    assert ids.index("ubuntu-drivers-headers") < ids.index("driver-branch")
    (install,) = [c for c in headers.commands if c.argv[:2] == ("apt-get", "install")]
    assert install.argv[-1] == "linux-headers-6.8.0-65-generic"
    assert headers.guard is not None and headers.guard.creates == "/lib/modules/6.8.0-65-generic/build"
    assert headers.root and not headers.reboot


def test_not_on_nvidias_repository_which_has_its_own(tmp_path):
    ids = [s.id for s in _steps(tmp_path, "nvidia-repo", kernel="6.8.0-65-generic")]
    assert "ubuntu-drivers-headers" not in ids and "driver-build-deps" in ids


def _fake_ubuntu_drivers(tmp_path: Path, *, knows_dkms: bool) -> dict[str, str]:
    """ubuntu-drivers needs Ubuntu's apt cache and a GPU, which this machine has not: a stand-in whose --help
    lists --include-dkms or not (the option came with PR #113, early 2025), and that records its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ubuntu-drivers"
    option = "  --include-dkms  Also consider DKMS packages" if knows_dkms else "  --free-only  Only consider free"
    fake.write_text("#!/bin/sh\n"
                    f"case \"$*\" in *--help*) echo 'Options:'; echo '{option}'; exit 0;; esac\n"
                    f"echo \"$@\" > {tmp_path / 'ud-args'}\n")
    fake.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def _driver_step(steps):
    return next(s for s in steps if s.id == "driver-branch")


@pytest.mark.parametrize("knows_dkms, args", [(True, "install --include-dkms nvidia:580-open"),
                                              (False, "install nvidia:580-open")])
def test_a_kernel_ubuntu_did_not_build_gets_include_dkms_where_the_tool_has_it(tmp_path, knows_dkms, args):
    steps = _steps(tmp_path, "ubuntu-drivers", kernel="6.1.85+")
    install = next(c for c in _driver_step(steps).commands if "nvidia:580-open" in c.argv)
    assert install.argv[1:3] == ("-I", "-c") and install.argv[-1] == "nvidia:580-open"
    ran = subprocess.run(list(install.argv), env=_fake_ubuntu_drivers(tmp_path, knows_dkms=knows_dkms),
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "ud-args").read_text().strip() == args


def test_an_ubuntu_kernel_runs_ubuntu_drivers_as_it_is(tmp_path):
    steps = _steps(tmp_path, "ubuntu-drivers", kernel="6.8.0-65-generic")
    assert any(c.argv == ("ubuntu-drivers", "install", "nvidia:580-open") for c in _driver_step(steps).commands)
