"""verify's fixes that only the host can write (installer.probes.doctor.advise_verify), on the probe's real
output for recorded machines (the stand-in torch): the reinstall command in doctor's form, through
torch-setup's own pip (a venv made by `uv venv` has none, and /usr/bin/pip refuses with PEP 668), with an
index the compatibility data says has the build; never a made-up one such as whl/cuda."""

from __future__ import annotations

import copy
import sys

from probes_support import REPO, hardware, recorded_verify, run_verify_script, standin_env

from installer.probes.doctor import advise_verify, diagnose
from installer.probes.text import render_verify

MACHINES = REPO / "tests" / "fixtures" / "machines"


def _pip(python: str) -> str:
    return f"{sys.executable} -m pip --python {python} install --force-reinstall"


def test_a_named_build_gets_a_command_that_works_without_pip_in_the_target(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx5090-cu130-old-driver"), "--expect-variant", "cu128")
    probe_fix = checks_by_name(out)["build"]["fix"]
    assert rc == 1 and "pip install" not in probe_fix, probe_fix  # the probe alone names no bare pip
    advise_verify(out, hardware("rtx5090-570"))
    build = checks_by_name(out)["build"]
    python = out["python"]["executable"]
    assert build["fix"] == (f"reinstall torch as a cu128 build: `{_pip(python)} torch==2.11.0 --index-url "
                            "https://download.pytorch.org/whl/cu128` (or `torch-setup install`)")
    assert build["fix_msg"] is None  # the host's words stand: the probe's template would bring its own back
    assert build["fix"] in render_verify(out) and out["ok"] is False


def test_a_build_the_release_does_not_have_is_said_with_the_ones_it_has(checks_by_name):
    _rc, out = run_verify_script(standin_env("rtx5090-cu130-old-driver"), "--expect-variant", "rocm6.2")
    advise_verify(out, hardware("rtx5090-570"))
    fix = checks_by_name(out)["build"]["fix"]
    assert "whl/rocm6.2" not in fix
    assert fix.startswith("torch 2.11.0 has no rocm6.2 build for Linux x86_64, only cpu, cu126, cu128, cu130, "
                          "rocm7.1, rocm7.2"), fix


def test_the_smaller_cpu_build_and_the_cudnn_reinstall_use_the_same_form(checks_by_name, tmp_path):
    env = standin_env("rtx3060-no-driver-cu126", TORCH_SETUP_ROOT=str(tmp_path))  # a machine without a GPU
    rc, out = run_verify_script(env)
    assert rc == 0 and "pip install" not in checks_by_name(out)["gpu-available"]["fix"]
    advise_verify(out, hardware("cpu-only"))
    python = out["python"]["executable"]
    assert checks_by_name(out)["gpu-available"]["fix"] == (
        f"a CPU build is much smaller: `{_pip(python)} torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu`")
    assert out["ok"] is True  # still only a warning


def test_a_cpu_build_that_passes_on_a_gpu_machine_gets_doctors_warning_and_fix(monkeypatch):
    # what detection reports with TORCH_SETUP_DRIVER_VERSION=550.54.14 TORCH_SETUP_GPU_CC=8.9 on a machine
    # without a GPU: one NVIDIA GPU with no name, a driver; doctor called it a PROBLEM while verify said PASS
    from installer.hardware import load_or_detect

    monkeypatch.setenv("TORCH_SETUP_DRIVER_VERSION", "550.54.14")
    monkeypatch.setenv("TORCH_SETUP_GPU_CC", "8.9")
    report = load_or_detect(str(MACHINES / "cpu-only.json"))
    verify = copy.deepcopy(recorded_verify("cpu-2.13.0"))
    advise_verify(verify, report)
    warning = next(c for c in verify["checks"] if c["name"] == "cpu-build")
    doctor = next(f for f in diagnose(report, recorded_verify("cpu-2.13.0")) if f.id == "cpu-wheel")
    assert warning["level"] == "warning" and not warning["ok"] and verify["ok"] is True  # a pass, with a warning
    assert warning["fix"] == doctor.fix and warning["detail"] == doctor.explanation
    assert "install torch 2.13.0 (cu126)" in warning["fix"] and "whl/cu126" in warning["fix"]
    text = render_verify(verify)
    assert "[warn] torch 2.13.0+cpu is the CPU-only build" in text and text.endswith("verify: PASS")


def test_no_warning_where_a_cpu_build_was_asked_for_or_there_is_no_gpu(monkeypatch):
    from installer.hardware import load_or_detect

    asked = copy.deepcopy(recorded_verify("cpu-2.13.0"))
    asked["expected_variant"] = "cpu"
    monkeypatch.setenv("TORCH_SETUP_DRIVER_VERSION", "550.54.14")
    monkeypatch.setenv("TORCH_SETUP_GPU_CC", "8.9")
    advise_verify(asked, load_or_detect(str(MACHINES / "cpu-only.json")))
    monkeypatch.delenv("TORCH_SETUP_DRIVER_VERSION")
    monkeypatch.delenv("TORCH_SETUP_GPU_CC")
    plain = copy.deepcopy(recorded_verify("cpu-2.13.0"))
    advise_verify(plain, load_or_detect(str(MACHINES / "cpu-only.json")))
    for result in (asked, plain):
        # (the recording's venv has no NumPy: verify's warning of it is the recording's own)
        assert [c["name"] for c in result["checks"]] == ["torch-import", "gpu-available", "matmul-cpu", "numpy"]
