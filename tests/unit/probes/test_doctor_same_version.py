"""doctor's fix for a CPU build on a GPU machine: the same torch version in a build that runs here when it
has one (switching 2.13.0 for the newest release also broke the torchvision installed beside it); another
version only when it must, said so, with the companions; "install" the driver where none is loaded; and a
GPU named as `recommend` names it, never "?"."""

from __future__ import annotations

import copy
import shlex
import sys

from probes_support import REPO, hardware, recorded_verify

from installer.i18n import set_language
from installer.probes.doctor import diagnose

MACHINES = REPO / "tests" / "fixtures" / "machines"


def _cpu_wheel(report, verify):
    return next(f for f in diagnose(report, verify) if f.id == "cpu-wheel")


def _overridden(monkeypatch):
    """What detection says with TORCH_SETUP_DRIVER_VERSION=550.54.14 TORCH_SETUP_GPU_CC=8.9 on a machine
    without a GPU: one NVIDIA GPU that has no name, a 550 driver (CUDA 12.4)."""
    from installer.hardware import load_or_detect

    monkeypatch.setenv("TORCH_SETUP_DRIVER_VERSION", "550.54.14")
    monkeypatch.setenv("TORCH_SETUP_GPU_CC", "8.9")
    return load_or_detect(str(MACHINES / "cpu-only.json"))


def test_the_installed_version_is_kept_when_a_cuda_build_of_it_runs_here(monkeypatch):
    f = _cpu_wheel(_overridden(monkeypatch), recorded_verify("cpu-2.13.0"))
    # 2.14.1 (cu126) is the newest that runs on driver 550; 2.13.0 has a cu126 build too
    assert f.fix.startswith("install torch 2.13.0 (cu126), which fits this machine as it is: `"), f.fix
    assert "install --force-reinstall torch==2.13.0 --index-url https://download.pytorch.org/whl/cu126`" in f.fix


def test_a_gpu_without_a_name_is_named_by_its_number_and_capability(monkeypatch):
    report = _overridden(monkeypatch)
    f = _cpu_wheel(report, recorded_verify("cpu-2.13.0"))
    assert "is False on GPU 0 (compute capability 8.9) whatever the driver does" in f.explanation
    assert "GPU: GPU 0 (compute capability 8.9)" in f.evidence
    set_language("zh")
    try:
        zh = _cpu_wheel(report, recorded_verify("cpu-2.13.0"))
    finally:
        set_language("en")
    assert "?" not in zh.explanation and "GPU 0（计算能力 8.9）" in zh.explanation, zh.explanation


def test_a_machine_without_a_driver_is_told_to_install_one_not_to_upgrade_it():
    f = _cpu_wheel(hardware("nodriver-rtx3060"), recorded_verify("cpu-2.13.0"))
    assert f.fix.startswith("install the NVIDIA driver, branch 580, then install torch 2.13.0 (cu130)"), f.fix
    assert "upgrade" not in f.fix


def test_another_version_only_when_none_of_this_one_runs_and_then_with_its_companions():
    # an RTX 5090 (sm_120) on driver 570 (CUDA 12.8): 2.13.0's cu126 has no sm_120 kernels and its cu13x
    # builds need driver 580, so the build that runs as it is is 2.11.0 cu128
    verify = copy.deepcopy(recorded_verify("cpu-2.13.0"))
    verify["companions"] = {"torchvision": "0.28.0+cpu"}
    f = _cpu_wheel(hardware("rtx5090-570"), verify)
    python = shlex.quote(verify["python"]["executable"])  # "<torch-venv>/bin/python" in the recording
    assert f.fix.startswith("install torch 2.11.0 (cu128), which fits this machine as it is (no build of torch "
                            "2.13.0 does, so the version changes, and torchvision with it): `"), f.fix
    assert (f"{sys.executable} -m pip --python {python} install --force-reinstall torch==2.11.0 torchvision==0.26.0 "
            "--index-url https://download.pytorch.org/whl/cu128`") in f.fix
    verify["companions"] = {}
    assert "so the version changes): `" in _cpu_wheel(hardware("rtx5090-570"), verify).fix
    # a verify result that does not say (an older probe's): the companions are named, for `torch-setup install`
    older = copy.deepcopy(recorded_verify("cpu-2.13.0"))
    older.pop("companions", None)  # (the recording, made by today's probe, says: none)
    older.pop("companion_checks", None)
    unknown = _cpu_wheel(hardware("rtx5090-570"), older)
    assert "`torch-setup install` changes torchvision and torchaudio with it; for torch alone: `" in unknown.fix
