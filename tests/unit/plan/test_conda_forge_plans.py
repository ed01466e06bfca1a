"""The conda method's CUDA build, told with conda-forge's facts: which build is pinned, what
CONDA_OVERRIDE_CUDA says, and that the plan's notes speak of conda-forge's packages, not PyPI's wheels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.answers import Answers, load_answers
from installer.compat.conda_forge import conda_forge_builds
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes, choose_indexes
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.conda import KIND as CONDA
from installer.plan.kinds.conda import CondaParams
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
CONDA_ENV = REPO / "recipes" / "answers" / "conda-env.yaml"
TOOLS = Tools(uv="/usr/local/bin/uv", python="/usr/bin/python3", host_pip=True)
INSTALL = CondaParams(action="install", prefix="/e", engine="conda", torch=True)


def _plan(machine: str, answers: Answers | None = None):
    answers = answers or load_answers(CONDA_ENV)
    report = HardwareReport.model_validate(json.loads((MACHINES / machine).read_text()))
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/home/u/.cache/torch-setup")
    step = next(s for s in plan.steps if s.id == "conda-torch")
    return plan, pins, step.commands[0]


def _answers(**sections) -> Answers:
    base = {"version": 1, "method": "conda", "target": {"kind": "conda", "path": "/home/u/env"},
            "torch": {"version": "latest", "variant": "auto", "extras": ["torchvision"]}}
    base.update(sections)
    return Answers.model_validate(base)


@pytest.mark.parametrize("machine, packages, override, says", [
    # 2.11.0: conda-forge built it with CUDA 12.9 and 13.0 (anaconda.org's file list); the 570 driver runs 12.x
    # only, through minor-version compatibility, so the 12.9 build, whose sm_120 cubins the RTX 5090 runs
    ("rtx5090x4-570.json", "pytorch=2.11.0=cuda129* cuda-version=12.9 torchvision=0.26.0", "12.8",
     ["RTX 5090 is compute capability 12.0: conda-forge's CUDA 12.9 build of pytorch 2.11.0 carries sm_120 kernels",
      "for CUDA 13.0, 12.9, not as the PyPI cu128 wheel (CUDA 12.8)", "through minor-version compatibility"]),
    # no data on conda-forge's 2.14 / 2.15, written in the answers (`latest` is the newest release the data knows
    # there: test_conda_pins.py): the wheel's CUDA major only, and the plan says why
    ("rtx4090-550.json", "pytorch=2.14.1=cuda* cuda-version=12 torchvision=0.29.1", "12.4",
     ["no data on", "PyPI cu126 wheel", "CUDA 12.6, kernels sm_50 to sm_90"]),
    ("nodriver-rtx3060.json", "pytorch=2.15.0=cuda* cuda-version=13 torchvision=0.29.2", "13.2",
     ["no data on", "PyPI cu132 wheel", "no NVIDIA driver is loaded or planned: CONDA_OVERRIDE_CUDA=13.2",
      "once a driver supporting CUDA 13.2 is installed"]),
    # conda-forge's known 2.4 build (CUDA 12.0) starts at sm_50: the K80 is told so, not "cu118 carries sm_37"
    ("k80-470.json", "pytorch=2.4.1=cuda* cuda-version=11 torchvision=0.19.1", "11.4",
     ["(CUDA 12.0: sm_50 to sm_90 (+PTX 9.0)) have no kernel for Tesla K80 (3.7)", "PyPI cu118 wheel",
      "method: pip installs that wheel"]),
])
def test_conda_env_plans_speak_of_conda_forge_builds(machine, packages, override, says):
    written = packages.split()[0].split("=")[1]  # pytorch=2.14.1=cuda*
    answers = load_answers(CONDA_ENV)
    if not conda_forge_builds(written):
        answers = answers.model_copy(update={"torch": answers.torch.model_copy(update={"version": written})})
    plan, pins, command = _plan(machine, answers)
    assert dict(plan.summary)["packages"] == packages
    assert " ".join(a for a in command.argv if a.startswith(("pytorch=", "cuda-version=", "torchvision="))) == packages
    assert dict(command.env)["CONDA_OVERRIDE_CUDA"] == override
    text = "\n".join(plan.notes)
    for words in says:
        assert words in text, (words, plan.notes)
    # the pins said what the PyPI wheel carries; the conda plan does not repeat it as its own
    wheel_claims = [r for r in pins.reasons if "wheels carry" in r or "wheels have no" in r]
    assert wheel_claims, pins.reasons
    assert not any("wheels carry" in n or "wheels have no" in n or ("CUDA 1" in n and " wheels " in n)
                   for n in plan.notes), plan.notes
    assert not any(r in plan.notes for r in wheel_claims)


def test_a_release_conda_forge_data_covers_pins_that_compilers_build():
    """torch 2.10: conda-forge built it with CUDA 12.9 and 13.0 (feedstock build.sh at 238fe50d); the
    RTX 5090's sm_120 is in both, and the 570 driver runs 12.x only: the cuda129 build by its string."""
    plan, _pins, command = _plan("rtx5090x4-570.json", _answers(torch={"version": "2.10.0", "variant": "auto",
                                                                        "extras": []}))
    assert command.argv[-2:] == ("pytorch=2.10.0=cuda129*", "cuda-version=12.9")
    assert dict(command.env)["CONDA_OVERRIDE_CUDA"] == "12.8"  # the loaded driver's, not the build's
    text = "\n".join(plan.notes)
    assert "conda-forge's CUDA 12.9 build of pytorch 2.10.0 carries sm_120 kernels" in text
    assert "for CUDA 13.0, 12.9, not as the PyPI cu128 wheel (CUDA 12.8)" in text
    assert "driver 570.195.03 runs conda-forge's CUDA 12.9 build through minor-version compatibility" in text


def test_a_gpu_the_newer_compiler_dropped_gets_the_older_build():
    """conda-forge's CUDA 13.0 list starts at 7.5: a GTX 960 (5.2) on a 580 driver gets the 12.9 build's
    sm_50 cubins, though the driver runs 13.0."""
    _plan_, _pins, command = _plan("gtx960-580.json", _answers(torch={"version": "2.10.0", "variant": "auto",
                                                                       "extras": []}))
    assert command.argv[-2:] == ("pytorch=2.10.0=cuda129*", "cuda-version=12.9")
    assert dict(command.env)["CONDA_OVERRIDE_CUDA"] == "13.0"


# ---------------------------------------------------------------- CONDA_OVERRIDE_CUDA, unit by unit

def ctx(machine: str, **values) -> KindContext:
    report = HardwareReport.model_validate(json.loads((MACHINES / machine).read_text()))
    base = {"cache.dir": "/home/u/.cache/torch-setup", "torch.version": "2.13.0", "torch.variant": "cu126",
            "torch.cuda": "12.6", "target.python_version": "3.11", "hw.nvidia_gpu_count": 1,
            "driver.install": False, "driver.branch": "latest"}
    base.update(values)
    return KindContext(answers=Answers(), report=report, pins=None, indexes=Indexes(), tools=TOOLS, values=base)


def test_override_is_the_loaded_drivers_cuda():
    compiled = CONDA.compile(INSTALL, ctx("rtx4090-550.json"))
    assert dict(compiled.env)["CONDA_OVERRIDE_CUDA"] == "12.4"  # nvidia_driver.cuda of the report
    assert not any("CONDA_OVERRIDE_CUDA" in n for n in compiled.notes)  # what conda would find itself


@pytest.mark.parametrize("machine, branch, override", [
    ("nodriver-rtx3060.json", "580", "13.0"),
    ("rtx4090-550.json", "570", "12.8"),   # the planned branch wins over the loaded 550
    ("rtx4090-550.json", "595.45.04", "13.2"),
])
def test_override_is_the_planned_drivers_cuda(machine, branch, override):
    compiled = CONDA.compile(INSTALL, ctx(machine, **{"driver.install": True, "driver.branch": branch}))
    assert dict(compiled.env)["CONDA_OVERRIDE_CUDA"] == override
    assert any(f"CONDA_OVERRIDE_CUDA={override}: the CUDA of the R{branch.split('.')[0]} driver this plan installs"
               in n for n in compiled.notes), compiled.notes


def test_override_for_latest_is_the_branch_the_driver_step_installs():
    """`branch: latest` installs the oldest recommended branch that runs the wheel's CUDA 13.2 (R580)."""
    compiled = CONDA.compile(INSTALL, ctx("nodriver-rtx3060.json", **{"driver.install": True,
                                                                      "torch.variant": "cu132",
                                                                      "torch.cuda": "13.2"}))
    assert dict(compiled.env)["CONDA_OVERRIDE_CUDA"] == "13.0"


@pytest.mark.parametrize("values", [
    {},                                                             # no driver, none planned
    {"driver.install": True, "hw.container": True},                 # a container build: the host's driver
])
def test_override_without_a_driver_is_the_builds_cuda_and_says_so(values):
    compiled = CONDA.compile(INSTALL, ctx("nodriver-rtx3060.json", **values))
    assert dict(compiled.env)["CONDA_OVERRIDE_CUDA"] == "12.6"
    assert any("runs CUDA only once a driver supporting CUDA 12.6 is installed" in n for n in compiled.notes)


def test_the_cpu_build_has_no_override_and_no_cuda_notes():
    compiled = CONDA.compile(INSTALL, ctx("rtx4090-550.json", **{"torch.variant": "cpu", "torch.cuda": None,
                                                                 "torch.version": "2.12.0"}))
    assert compiled.commands[0].argv[-1] == "pytorch=2.12.0=cpu*"
    assert "CONDA_OVERRIDE_CUDA" not in dict(compiled.env) and not compiled.notes and not compiled.supersedes


def test_a_cpu_build_of_a_release_no_source_shows_on_conda_forge_says_so():
    # found in use: the wizard's conda method offered 2.15.0 (PyPI's latest), and Review said nothing of
    # whether conda-forge has it; the data's sources reach 2.12.0
    compiled = CONDA.compile(INSTALL, ctx("cpu-only.json", **{"torch.variant": "cpu", "torch.cuda": None,
                                                              "torch.version": "2.15.0"}))
    assert compiled.commands[0].argv[-1] == "pytorch=2.15.0=cpu*"
    assert compiled.notes == ("torch-setup has no record of pytorch 2.15.0 on conda-forge (its data reaches 2.12.0): "
                              "the install step asks conda-forge, and stops there if it has no such build yet; choose "
                              "2.12.0, or method: pip for the PyPI wheel",)
