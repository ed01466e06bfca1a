"""A loaded driver that already runs the chosen build, of the branch asked for (latest: any), is kept.

Found in review: `driver.branch: latest` (the examples' default) planned `ubuntu-drivers install
nvidia:535` on machines with R550, R555 and R580 that ran the chosen CUDA 12.6 build already: a downgrade,
and a reboot for every machine of a lab. A named branch is still installed, said when it is older."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.kinds.apt import WITH_DKMS
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
RECIPES = load_recipes(REPO / "recipes")


def _plan(machine: str, variant: str, branch: str = "latest"):
    answers = parse_answers(f"""\
version: 1
target: {{kind: venv, path: .venv-torch}}
torch: {{version: 2.13.0, variant: {variant}, extras: []}}
method: pip
driver: {{install: true, branch: "{branch}"}}
""")
    report = load_report(MACHINES / f"{machine}.json")
    pins = resolve_pins(report, torch="2.13.0", variant=variant, python="3.11", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")


def _driver_argv(plan) -> list[str]:
    return [" ".join(c.argv) for s in plan.steps if s.id.startswith("driver-") for c in s.commands
            if c.argv[0] in ("ubuntu-drivers", "apt-get")]


@pytest.mark.parametrize(("machine", "variant", "branch"), [
    ("rtx4090-550", "cu126", "latest"),
    ("a100x4-555", "cu126", "latest"),
    ("rtx4090-580.65.06", "cu130", "latest"),
    ("mixed-3090-v100-580", "cu126", "580"),  # the branch named is the one loaded
])
def test_a_driver_that_runs_the_build_is_kept(machine, variant, branch):
    plan = _plan(machine, variant, branch)
    assert not [s.id for s in plan.steps if s.id.startswith("driver-") or s.reboot]
    version = load_report(MACHINES / f"{machine}.json").nvidia_driver.version
    assert any(n.startswith(f"driver.install: the loaded NVIDIA driver {version} already runs the chosen build's "
                            f"CUDA {variant[2:4]}.{variant[4:]} on every GPU, so it is kept") for n in plan.notes), \
        plan.notes


def test_a_driver_too_old_for_the_build_is_upgraded_within_its_branch():
    # 580.65.05 is one point release short of what CUDA 13 needs (580.65.06)
    plan = _plan("rtx4090-580.65.05", "cu130")
    assert _driver_argv(plan) == ["ubuntu-drivers install nvidia:580-open"]
    assert not [n for n in plan.notes if "so it is kept" in n]


def test_a_named_branch_is_installed_and_an_older_one_said():
    newer = _plan("rtx4090-550", "cu126", "580")
    assert _driver_argv(newer) == ["ubuntu-drivers install nvidia:580-open"]
    assert not [n for n in newer.notes if "older than the loaded" in n]
    older = _plan("rtx4090-580.65.06", "cu126", "570")
    assert _driver_argv(older) == ["ubuntu-drivers install nvidia:570-open"]
    assert ("driver.branch 570 is older than the loaded NVIDIA driver 580.65.06: the plan replaces it with the "
            "older branch, as asked") in older.notes


def test_a_named_branch_too_old_for_the_build_is_refused():
    """Found in review: branch 570 with a cu130 build was planned (a downgrade from 580 on most machines),
    while the plan's own notes said CUDA 13 needs 580.65.06; after the reboot torch saw no GPU."""
    from installer.errors import InputError

    with pytest.raises(InputError) as refused:
        _plan("rtx4090-580.65.06", "cu130", "570")
    assert refused.value.key == "driver.branch"
    assert refused.value.message == ("driver 570 cannot run the chosen build's CUDA 13.0: it needs driver 580.65.06 "
                                     "or newer")
    assert "use branch: 580 (or latest)" in (refused.value.hint or "")
    assert _driver_argv(_plan("rtx4090-550", "cu126", "570")) == ["ubuntu-drivers install nvidia:570-open"]


def test_a_kernel_ubuntu_ships_no_modules_for_is_said_on_the_ubuntu_drivers_path():
    """Found in review: t4-550's `6.1.85+` kernel had the headers note on NVIDIA's repository path and
    none with ubuntu-drivers, whose prebuilt modules are for Ubuntu's own kernels only."""
    custom = _plan("t4-550", "cu130")
    # ubuntu-drivers from 2025 installs nothing for such a kernel without --include-dkms, which older ones lack:
    # the step asks `ubuntu-drivers install --help` first (installer.plan.kinds.apt.WITH_DKMS)
    wrapped = [c.argv for s in custom.steps if s.id.startswith("driver-") for c in s.commands if WITH_DKMS in c.argv]
    assert [argv[argv.index(WITH_DKMS) + 1:] for argv in wrapped] == [("nvidia:580-open",)]
    assert any(n.startswith("ubuntu-drivers is run with --include-dkms where it has that option") for n in custom.notes)
    assert any(n.startswith("the running kernel 6.1.85+ is not one of Ubuntu's kernel packages") for n in custom.notes)
    ubuntu = _plan("rtx4090-550", "cu130")
    assert _driver_argv(ubuntu) == ["ubuntu-drivers install nvidia:580-open"]
    assert not [n for n in ubuntu.notes if "is not one of Ubuntu's kernel packages" in n]
