"""A CUDA toolkit answer is judged against the GPUs, the driver and the PyTorch build of the same plan:
the shipped runfile example on recorded machines it cannot serve says why, a Jetson is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.answers import answers_from_located
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.toolkit_checks import targets
from installer.plan.tools import Tools
from installer.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/usr/local/bin/uv", python="/usr/bin/python3", host_pip=True)


def _notes(machine: str, version: str = "12.6", source: str = "runfile", extra: str = "") -> list[str]:
    # planned for a recorded machine (as `--hardware F`): whether this user may write /home/u is no matter
    text = ("version: 1\ntarget: {kind: venv, path: .venv-torch}\nmethod: pip\n"
            f"cuda_toolkit: {{install: true, version: '{version}', source: {source}, prefix: /home/u/cuda}}\n{extra}")
    answers = answers_from_located(parse_yaml(text, "<answers>"), this_machine=False)
    report = HardwareReport.model_validate(json.loads((MACHINES / f"{machine}.json").read_text()))
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/home/u/.cache/torch-setup")
    return list(plan.notes)


def test_a_kepler_gpu_is_told_what_cuda_12_cannot_do():
    notes = " | ".join(_notes("k80-470"))
    assert "CUDA 12.6 cannot compile for Tesla K80 (compute capability 3.7): its oldest target is 5.0" in notes
    assert "CUDA 11.8 is the last that can" in notes
    # the K80's build is cu118: the extension builder refuses CUDA 12 beside it
    assert "another major version than the build's (CUDA 11.8)" in notes
    assert "the driver here (470.82.01) is older than CUDA 12.x needs (525.60.13 or newer)" in notes


def test_a_gpu_newer_than_the_toolkit_names_the_first_that_compiles_for_it():
    notes = " | ".join(_notes("rtx5090x4-570"))
    assert "CUDA 12.6 cannot compile for NVIDIA GeForce RTX 5090 (compute capability 12.0)" in notes
    assert "CUDA 12.8 is the first that can" in notes


def test_a_toolkit_that_fits_says_nothing():
    notes = _notes("rtx4090-550", version="12.4")
    assert not [n for n in notes if "CUDA 12.4" in n or "toolkit" in n.lower()], notes


def test_the_driver_being_installed_in_the_same_plan_is_not_judged_by_the_old_one():
    notes = " | ".join(_notes("titanv-515", extra="driver: {install: true}\n"))
    assert "the driver here" not in notes


def test_no_nvidia_gpu_is_said():
    notes = " | ".join(_notes("amd-rx7900xtx"))
    assert "this machine shows no NVIDIA GPU" in notes


@pytest.mark.parametrize("version", ["12.6", "auto"])
@pytest.mark.parametrize("source", ["runfile", "apt"])
def test_a_jetson_is_refused_with_jetpack_named(source, version):
    """With `version: auto` too, where the build (cpu on a Jetson) has no CUDA: found in use, the shipped
    driver-nvidia-repo.yaml was told first to give cuda_toolkit.version, and only once given that no toolkit can be
    installed there."""
    with pytest.raises(InputError) as caught:
        _notes("jetson-orin-nano", version=version, source=source)
    assert caught.value.key == "cuda_toolkit.install"
    assert "JetPack" in caught.value.message and "nvidia-jetpack" in (caught.value.hint or "")


@pytest.mark.parametrize("minor, oldest, newest", [
    ("11.8", (3, 5), (9, 0)), ("12.0", (5, 0), (9, 0)), ("12.6", (5, 0), (9, 0)),
    ("12.8", (5, 0), (12, 0)), ("13.0", (7, 5), (12, 1)), ("13.2", (7, 5), (12, 1)),
])
def test_targets_follow_research_c4(minor, oldest, newest):
    assert targets(minor) == (oldest, newest)
