"""The driver's build step names real Debian packages: for a kernel this machine's package lists carry, the
plan's `apt-get -s install` (apt's own simulation: real resolution, nothing installed) resolves the kernel's
own headers and its flavour's metapackage; for a kernel the archive no longer carries, apt's failure is said
with what to do (update the kernel, reboot, run again)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.executor.diagnose import diagnose
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import simulate
from installer.plan.model import Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
DEBIAN = Path("/etc/debian_version").exists() and not Path("/etc/lsb-release").exists()

pytestmark = pytest.mark.skipif(shutil.which("apt-get") is None or not DEBIAN, reason="needs Debian's apt")


def _carried_kernel(flavour: str) -> str:
    """A Debian kernel release of this flavour whose headers this machine's package lists carry
    (6.1.0-50-amd64, 6.1.0-50-cloud-amd64)."""
    names = subprocess.run(["apt-cache", "pkgnames", "linux-headers-"], capture_output=True, text=True).stdout
    found = sorted(n.removeprefix("linux-headers-") for n in names.split()
                   if re.fullmatch(rf"linux-headers-[0-9][0-9.]*(-[0-9][0-9a-z.]*)?(\+[0-9a-z.]+)?-{flavour}", n))
    if not found:
        pytest.skip(f"the package lists carry no Debian {flavour} kernel headers (run apt-get update)")
    return found[-1]


def _build_deps(kernel: str, tmp_path: Path) -> Step:
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.os.id, report.os.version_id, report.os.arch, report.os.kernel = "debian", "12", "x86_64", kernel
    answers = parse_answers('version: 1\ntorch: {version: 2.13.0, variant: cu126, extras: []}\n'
                            'driver: {install: true, branch: "580", source: auto}\n')
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")], cache_dir=str(tmp_path / "c"))
    return next(s for s in plan.steps if s.id == "driver-build-deps-debian")


def _simulate(step: Step) -> subprocess.CompletedProcess[str]:
    (sim,) = simulate(step)
    return subprocess.run(list(sim.argv), capture_output=True, text=True, env={**os.environ, **dict(sim.env)})


@pytest.mark.parametrize("flavour", ["amd64", "cloud-amd64", "rt-amd64"])
def test_a_carried_kernels_headers_and_metapackage_resolve(flavour, tmp_path):
    kernel = _carried_kernel(flavour)
    step = _build_deps(kernel, tmp_path)
    proc = _simulate(step)
    assert proc.returncode == 0, proc.stderr
    for package in (f"linux-headers-{kernel}", f"linux-headers-{flavour}"):
        assert package in simulate(step)[0].argv
        # apt worked out what it would install, or it is there already
        assert re.search(rf"^(Inst {re.escape(package)} |{re.escape(package)} is already the newest)", proc.stdout,
                         re.M), proc.stdout


def test_a_kernel_the_archive_dropped_is_said_with_what_to_do(tmp_path):
    step = _build_deps("6.1.0-1-amd64", tmp_path)  # bookworm's first point release: long superseded
    proc = _simulate(step)
    assert proc.returncode != 0
    said = diagnose((proc.stdout + proc.stderr).splitlines(), kind="apt")
    assert said is not None
    assert said.cause.startswith("apt does not know the package linux-headers-6.1.0-1-amd64: the running kernel "
                                 "is older")
    assert "full-upgrade" in said.hint and "reboot" in said.hint
