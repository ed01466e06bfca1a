"""apt steps, for real: the driver recipe's packages resolved by `apt-get -s` (a simulation against this
machine's package lists: real resolution, nothing installed), and, as root, one real install and
removal of a tiny package (`hello`) through the executor.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.answers import Answers, parse_answers
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import KIND as APT
from installer.plan.kinds.apt import AptParams, simulate
from installer.plan.kinds.base import KindContext
from installer.plan.model import Plan, Step
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"

pytestmark = pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt (Debian or Ubuntu)")


@pytest.fixture(scope="module")
def package_lists() -> None:
    lists = Path("/var/lib/apt/lists")
    if not any(p.name.endswith(("_Packages", "_Packages.lz4", "_Packages.gz")) for p in lists.glob("*")):
        if os.geteuid() != 0:
            pytest.skip("no apt package lists, and not root to run apt-get update")
        subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True, timeout=600)


def debian_report() -> HardwareReport:
    """A recorded machine, moved onto this machine's distribution (Debian 12) so apt can resolve."""
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.os.id, report.os.version_id, report.os.arch = "debian", "12", "x86_64"
    return report


def driver_plan(tmp_path: Path) -> Plan:
    answers = parse_answers("""
version: 1
torch: {version: 2.13.0, variant: cu126, extras: []}
driver: {install: true, branch: "580", source: auto}
""")
    report = debian_report()
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")],
                     cache_dir=str(tmp_path / "cache"))


def installed(package: str) -> bool:
    r = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}", package], capture_output=True, text=True)
    return r.returncode == 0 and r.stdout.startswith("ii")


def test_driver_recipe_on_debian_resolves_its_build_deps_by_simulation(tmp_path, package_lists):
    plan = driver_plan(tmp_path)
    ids = [s.id for s in plan.steps]
    assert ids[:1] == ["driver-build-deps-debian"] and "driver-nvidia-repo" in ids
    deps = plan.steps[0]
    sim = simulate(deps)
    assert [c.argv[:3] for c in sim] == [("apt-get", "-s", "install")]
    was = installed("dkms")
    proc = subprocess.run(list(sim[0].argv), capture_output=True, text=True, env={**os.environ, **dict(sim[0].env)})
    assert proc.returncode == 0, proc.stderr
    if not was:
        assert "Inst dkms " in proc.stdout  # apt worked out what it would install ...
    assert installed("dkms") == was  # ... and installed nothing


def test_driver_packages_need_nvidia_repository(tmp_path, package_lists):
    """The simulation is real resolution: NVIDIA's packages are unknown until its repository is added."""
    plan = driver_plan(tmp_path)
    step = next(s for s in plan.steps if s.id == "driver-nvidia-repo")
    installs = [c.argv for c in step.commands if c.argv[:2] == ("apt-get", "install")]
    # the pin by an apt-get of its own, first: apt reads its pins when it starts
    assert [argv[-1] for argv in installs] == ["nvidia-driver-pinning-580", "nvidia-open-580"]
    sims = simulate(step)
    assert [c.argv[-1] for c in sims] == ["nvidia-driver-pinning-580", "nvidia-open-580"]
    for sim in sims:
        proc = subprocess.run(list(sim.argv), capture_output=True, text=True)
        assert proc.returncode != 0
        assert f"Unable to locate package {sim.argv[-1]}" in proc.stderr


def apt_step(params: AptParams, step_id: str) -> Step:
    ctx = KindContext(answers=Answers(), report=debian_report(), pins=None, indexes=Indexes(),
                      tools=Tools(uv=None, python=sys.executable, host_pip=False), values={})
    compiled = APT.compile(params, ctx)
    commands = tuple(c if not compiled.env else type(c)(argv=c.argv, env=compiled.env) for c in compiled.commands)
    return Step(id=step_id, title=step_id, kind="apt", commands=commands, guard=compiled.guard, root=True,
                timeout=600)


@pytest.mark.root
@pytest.mark.skipif(os.geteuid() != 0, reason="installs a package: needs root")
def test_real_install_and_removal_of_a_tiny_package(tmp_path, package_lists, xdg_home):
    if installed("hello"):
        pytest.skip("`hello` is already installed here; this test would remove it")
    install = apt_step(AptParams(packages=("hello",)), "hello")
    remove = apt_step(AptParams(remove=("hello",), purge=True), "no-hello")
    try:
        events = list(run_plan(Plan(steps=(install,)), state_dir=tmp_path / "state"))
        assert isinstance(events[-1], RunFinished) and events[-1].ok, events
        assert installed("hello")
        assert subprocess.run(["hello"], capture_output=True, text=True).stdout.strip() == "Hello, world!"
        # a fresh journal, so only the guard (dpkg's status) can tell it is done
        again = list(run_plan(Plan(steps=(install,)), state_dir=tmp_path / "state2"))
        assert [e.status for e in again if isinstance(e, StepFinished)] == ["unchanged"]

        events = list(run_plan(Plan(steps=(remove,)), state_dir=tmp_path / "state"))
        assert isinstance(events[-1], RunFinished) and events[-1].ok, events
        assert not installed("hello")
    finally:
        if installed("hello"):
            subprocess.run(["apt-get", "purge", "-y", "-q", "hello"], capture_output=True)


def test_dry_run_resolves_apt_packages_for_real_and_changes_nothing(tmp_path, package_lists):
    """A dry run of the driver recipe runs each apt step's `apt-get -s` (no root needed): dkms resolves
    against this machine's package lists; NVIDIA's packages cannot until the repository that an earlier
    step adds is there, which the dry run says instead of calling it a failure."""
    from installer.executor.events import OutputLine, StepStarted

    plan = driver_plan(tmp_path)
    was = installed("dkms")
    events = list(run_plan(plan, dry_run=True, state_dir=tmp_path / "state"))
    done = {e.step_id: e for e in events if isinstance(e, StepFinished)}
    deps = done["driver-build-deps-debian"]
    assert deps.status == "skipped" and "simulated: apt-get -s install" in deps.detail
    said = [e.line for e in events if isinstance(e, OutputLine) and e.step_id == "driver-build-deps-debian"]
    assert any(line.startswith("Inst dkms ") or "dkms is already the newest version" in line for line in said), said
    driver = done["driver-nvidia-repo"]
    assert driver.status == "skipped"
    assert "the simulation failed" in driver.detail and "repository that step cuda-repo adds" in driver.detail
    assert any("Unable to locate package nvidia-driver-pinning-580" in line for line in driver.tail)
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.ok and finished.reboot_required
    assert [e.step_id for e in events if isinstance(e, StepStarted)] == [s.id for s in plan.steps]
    assert installed("dkms") == was and not (tmp_path / "state").exists() and not (tmp_path / "cache").exists()


def test_dry_run_reports_a_package_that_cannot_resolve(tmp_path, package_lists):
    """No repository explains it: the real run would fail the same way, so the dry run says failed, and
    still shows the steps after it."""
    missing = apt_step(AptParams(packages=("torch-setup-no-such-package",)), "missing")
    after = apt_step(AptParams(packages=("hello",)), "hello")
    had_hello = installed("hello")
    events = list(run_plan(Plan(steps=(missing, after)), dry_run=True, state_dir=tmp_path / "state"))
    done = {e.step_id: e for e in events if isinstance(e, StepFinished)}
    assert done["missing"].status == "failed"
    assert any("Unable to locate package torch-setup-no-such-package" in line for line in done["missing"].tail)
    assert done["hello"].status == "skipped" and "simulated" in done["hello"].detail
    finished = events[-1]
    assert isinstance(finished, RunFinished) and not finished.ok and finished.failed_step == "missing"
    assert installed("hello") == had_hello  # the simulation installed nothing
    assert not (tmp_path / "state").exists()
