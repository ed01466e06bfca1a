"""conda_cuda_choice: which conda-forge CUDA build a recorded machine gets, and CONDA_OVERRIDE_CUDA, as a pure
function of the machine, the data, the pins and the driver branch a plan installs (no plan, no KindContext)."""

from __future__ import annotations

import pytest
from compat_machines import machine

from installer.compat.conda_choice import TorchPins, conda_cuda_choice
from installer.compat.conda_forge import CondaForgeBuild
from installer.compat.data import load
from installer.compat.machine import read_machine

DATA = load()
PINS = TorchPins(version="2.10.0", variant="cu128", cuda="12.8", extras=("torchvision",))


def _build(cuda: str, sm: list[str], ptx: list[str] | None = None) -> CondaForgeBuild:
    return CondaForgeBuild(torch="==2.10.0", cuda=cuda, sm=sm, ptx=ptx or [], source="test")


def _machine(name: str, **changes: object):
    return read_machine(machine(name, **changes), DATA, "3.12")


def test_precompiled_code_beats_a_newer_compiler_with_only_ptx():
    """The RTX 3060 (8.6) runs the 13.0 build only through 7.5 PTX: the 12.6 build's sm_80 cubins win."""
    choice = conda_cuda_choice(PINS, _machine("nodriver-rtx3060"), DATA,
                               builds=[_build("13.0", ["7.5"], ["7.5"]), _build("12.6", ["8.0"])])
    assert (choice.build, choice.cuda_version, choice.override) == ("cuda126", "12.6", "12.6")
    assert any("CUDA 12.6 build of pytorch 2.10.0 carries sm_80 kernels, which run on it" in n for n in choice.notes)
    assert any("no NVIDIA driver is loaded or planned: CONDA_OVERRIDE_CUDA=12.6" in n for n in choice.notes)


def test_the_planned_branch_decides_which_cuda_the_driver_runs():
    builds = [_build("13.0", ["7.5", "8.0", "8.6", "9.0"]), _build("12.9", ["8.0", "8.6", "8.9", "9.0"])]
    loaded = conda_cuda_choice(PINS, _machine("rtx4090-550"), DATA, builds=builds)
    # the loaded 550 runs 12.x through minor-version compatibility only: 13.0 is out
    assert (loaded.build, loaded.cuda_version, loaded.override) == ("cuda129", "12.9", "12.4")
    assert any("driver 550.54.14 runs conda-forge's CUDA 12.9 build through minor-version compatibility" in n
               for n in loaded.notes), loaded.notes

    planned = conda_cuda_choice(PINS, _machine("rtx4090-550"), DATA, planned_branch="580", builds=builds)
    assert (planned.build, planned.cuda_version, planned.override) == ("cuda130", "13.0", "13.0")
    assert any("CONDA_OVERRIDE_CUDA=13.0: the CUDA of the R580 driver this plan installs" in n
               for n in planned.notes), planned.notes
    assert not any("driver 550" in n for n in planned.notes)  # the loaded driver is not the one it will run on


def test_a_gpu_no_build_has_a_kernel_for_gets_the_wheels_cuda_major():
    choice = conda_cuda_choice(PINS, _machine("gtx960-580"), DATA, builds=[_build("13.0", ["7.5", "8.0"], ["8.0"])])
    assert (choice.build, choice.cuda_version) == ("cuda", "12")
    assert choice.override == "13.0"  # the loaded 580's CUDA
    text = "\n".join(choice.notes)
    assert "(CUDA 13.0: sm_75 to sm_80 (+PTX 8.0)) have no kernel for" in text and "(5.2)" in text
    assert "method: pip installs that wheel" in text


def test_conda_forge_builds_count_on_linux_x86_64_only():
    """The Jetson (8.7) is linux aarch64: a linux-64 build with sm_87 is not offered to it."""
    choice = conda_cuda_choice(PINS, _machine("jetson-orin-nano"), DATA, builds=[_build("12.9", ["8.7"])])
    assert choice.build == "cuda"
    assert any("that torch-setup has no data on" in n for n in choice.notes), choice.notes


def test_a_loaded_driver_of_unknown_cuda_gets_the_builds_and_says_so():
    m = _machine("rtx4090-550", nvidia_driver={"version": "550.54.14", "cuda": None})
    choice = conda_cuda_choice(PINS, m, DATA, builds=[_build("12.9", ["8.9"])])
    assert (choice.build, choice.override) == ("cuda129", "12.9")
    assert any("the loaded driver's CUDA version is unknown: CONDA_OVERRIDE_CUDA=12.9" in n for n in choice.notes)


@pytest.mark.parametrize("version, cudas", [("2.10.0", ["13.0", "12.9"]), ("9.9.0", [])])
def test_without_builds_given_the_data_files_are_read(version, cudas):
    pins = TorchPins(version=version, variant="cu128", cuda="12.8")
    choice = conda_cuda_choice(pins, _machine("rtx4090-550"), DATA)
    if cudas:
        assert choice.build == "cuda129"  # the 550 driver runs 12.x only
        assert any(f"for CUDA {', '.join(cudas)}, not as the PyPI cu128 wheel" in n for n in choice.notes)
    else:
        assert choice.build == "cuda" and any("no data on" in n for n in choice.notes)


def test_the_pypi_wheels_kernel_notes_are_superseded():
    """What the cu128 wheel says beyond its CPU wheel (kernels, driver) is replaced by conda-forge's notes."""
    choice = conda_cuda_choice(PINS, _machine("rtx4090-550"), DATA)
    assert choice.supersedes
    assert not set(choice.supersedes) & set(choice.notes)
