"""`install` refuses a build that cannot use this machine's NVIDIA GPU as the machine is; `plan` shows it.

Found in use (a lab admin replaying one answers file everywhere): cu130 with driver 550 and no driver
step, cu126 on a K80: planned and installed with only a `# note:`, verification failing after the
downloads. The GPU and driver are the detection overrides of the contract (TORCH_SETUP_DRIVER_VERSION,
TORCH_SETUP_GPU_CC), the rest is this machine; the real command line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware import osinfo
from installer.hardware.report import load_report
from installer.plan.driver_request import driver_elsewhere
from installer.plan.gpu_refusal import refusal
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "tests" / "fixtures" / "machines"
ANSWERS = "version: 1\ntarget: {{kind: venv, path: .venv-x}}\ntorch: {{version: 2.13.0, variant: {variant}, extras: []}}\n"


def _work(tmp_path: Path, variant: str) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.yaml").write_text(ANSWERS.format(variant=variant))
    return work


@pytest.mark.parametrize(("variant", "driver", "cc", "why", "hint"), [
    ("cu130", "550.54.14", "8.9", "cu130 wheels need driver >= 580.65.06; this machine has 550.54.14",
     "let this run install the driver (driver.install: true), or pick a build the driver runs now"),
    ("cu126", "470.82.01", "3.7", "GPU 0 is compute capability 3.7: cu126 wheels of torch 2.13.0 carry kernels "
     "for sm_50 to sm_90 only, none that runs on it", "pick a build that runs here (torch.variant: auto"),
])
def test_a_build_the_gpu_cannot_use_is_refused_before_anything_runs(cli, tmp_path, xdg_home, variant, driver, cc,
                                                                    why, hint):
    work = _work(tmp_path, variant)
    env = {"TORCH_SETUP_DRIVER_VERSION": driver, "TORCH_SETUP_GPU_CC": cc}
    here = osinfo.probe()
    elsewhere = driver_elsewhere(here, jetson=False)  # OSFacts has the fields it reads
    if hint.startswith("let this run install the driver") and elsewhere:
        # where torch-setup does not install the driver (this test run in a container), the hint says who does
        hint = ("install or update the NVIDIA driver in Windows" if here.wsl else
                f"{elsewhere}; or pick a build the installed driver runs")
    result = cli("install", "--answers", "a.yaml", "--yes", "--probe-timeout", "0.2", cwd=work, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    first, second = result.stderr.splitlines()
    assert first == f"a.yaml:3: torch.variant: torch 2.13.0 ({variant}) cannot use this machine's GPU as it is: {why}"
    assert second.startswith(f"  -> {hint}"), second
    assert result.stdout == ""
    assert sorted(p.name for p in work.iterdir()) == ["a.yaml"]
    assert not any(xdg_home.rglob("*.json*")), "no journal: nothing ran"
    shown = cli("plan", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=work, env=env)
    assert shown.returncode == 0, shown.stderr  # plan shows it, with why among its notes
    assert any(line.startswith("# note: ") and line.endswith(why) for line in shown.stdout.splitlines())


def test_a_cuda_build_on_a_machine_without_an_nvidia_gpu_is_said_to_run_on_the_cpu(cli, tmp_path):
    work = _work(tmp_path, "cu126")
    shown = cli("plan", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=work)
    assert shown.returncode == 0, shown.stderr
    assert "# note: cu126 was asked for; with no NVIDIA GPU here it runs on the CPU only: " in shown.stdout
    assert "it will not run on this machine" not in shown.stdout


def _plan(machine: str, variant: str, driver_install: bool):
    answers = parse_answers(ANSWERS.format(variant=variant) + f"driver: {{install: {str(driver_install).lower()}}}\n")
    report = load_report(MACHINES / f"{machine}.json")
    tools = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda=None)
    pins = pins_for(answers, report, tools=tools, cwd="/home/u")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    return answers, plan


def test_a_plan_that_installs_the_driver_the_build_needs_is_not_refused():
    answers, plan = _plan("rtx4090-550", "cu130", driver_install=True)
    assert "driver" in [s.id for s in plan.steps] or any(s.id.startswith("driver") for s in plan.steps)
    assert refusal(answers, plan) is None
    answers, plan = _plan("rtx4090-550", "cu130", driver_install=False)
    refused = refusal(answers, plan)
    assert refused is not None and refused.key == "torch.variant"


def test_auto_on_a_machine_without_a_driver_points_at_the_driver_answer():
    answers, plan = _plan("nodriver-rtx3060", "auto", driver_install=False)
    refused = refusal(answers, plan)
    assert refused is not None and refused.key == "driver.install"
    assert refused.hint.startswith("let this run install the driver (driver.install: true), or install the CPU build")
    answers, plan = _plan("nodriver-rtx3060", "auto", driver_install=True)
    assert refusal(answers, plan) is None
    answers, plan = _plan("rtx4090-550", "auto", driver_install=False)
    assert refusal(answers, plan) is None, "auto picks a build the driver runs now"
