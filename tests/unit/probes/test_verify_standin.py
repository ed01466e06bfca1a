"""verify.py run for real, against the stand-in torch of recorded GPU machines (no GPU here)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

import pytest
from probes_support import PROBE_FIXTURES, VERIFY, recorded_verify, run_verify_script, standin_env


def _verify_module():
    # loaded by path for its pure helpers: it imports no torch at module level
    spec = importlib.util.spec_from_file_location("verify_probe", VERIFY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_working_two_gpu_machine_passes_every_check(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx3090-rtx3060-cu126"))
    checks = checks_by_name(out)
    assert rc == 0 and out["ok"] is True
    assert out["variant"] == "cu126" and out["cuda_build"] == "12.6"
    assert [d["name"] for d in out["devices"]] == ["NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3060"]
    assert out["devices"][0]["capability"] == "8.6" and out["devices"][0]["memory_mib"] == 24259
    assert out["devices"][0]["kernels"] == {"needed": "sm_86", "match": "sm_86", "how": "cubin"}
    for name in ("kernels-0", "kernels-1", "matmul-0", "matmul-1", "cudnn", "nccl", "driver-runtime"):
        assert checks[name]["ok"], name
    assert out["devices"][0]["matmul"]["max_abs_error"] < 1e-3
    assert out["cudnn"]["conv_ok"] is True and out["cudnn"]["version"] == 91002
    assert out["nccl"]["version"] == "2.29.3"


def test_driver_too_old_fails_with_the_reason_and_a_driver_or_build_fix(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx5090-cu130-old-driver"))
    checks = checks_by_name(out)
    assert rc == 1 and out["ok"] is False
    assert out["cuda"]["is_available"] is False
    assert out["cuda"]["error"] == "The NVIDIA driver on your system is too old (found version 12080)."
    assert out["cuda"]["driver_cuda"] == "12.8"
    gpu = checks["gpu-available"]
    assert not gpu["ok"] and gpu["level"] == "error"
    assert "580.65.06" in gpu["fix"] and "torch-setup recommend" in gpu["fix"]
    assert not checks["driver-runtime"]["ok"]
    assert out["arch_list"][-1] == "sm_120"  # read without a working GPU (the PyPI wheel has no +PTX)


def test_build_without_the_gpus_arch_names_the_sm_and_the_build_to_install(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx5090-cu124-no-sm120"))
    checks = checks_by_name(out)
    assert rc == 1
    kernels = checks["kernels-0"]
    assert not kernels["ok"] and "sm_120" in kernels["detail"] and "sm_90" in kernels["detail"]
    # the driver offers CUDA 12.8: the fix points at cu128, not at a cu13 build it cannot run
    assert kernels["fix"] == "no kernels for sm_120 in this build: install a cu128 build, see `torch-setup recommend`"
    assert "no kernel image is available" in checks["matmul-0"]["detail"]
    assert any("sm_120 is not compatible" in w for w in out["cuda"]["warnings"])


def test_cuda_build_on_a_gpu_without_driver_fails(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx3060-no-driver-cu126"))
    gpu = checks_by_name(out)["gpu-available"]
    assert rc == 1 and not gpu["ok"] and gpu["level"] == "error"
    assert out["cuda"]["hardware_seen"] == ["pci 0000:01:00.0"]
    assert "no NVIDIA driver is loaded" in gpu["fix"]


def test_cuda_build_on_a_machine_without_nvidia_gpu_is_only_a_warning(checks_by_name, tmp_path):
    env = standin_env("rtx3060-no-driver-cu126", TORCH_SETUP_ROOT=str(tmp_path))  # an empty machine
    rc, out = run_verify_script(env)
    gpu = checks_by_name(out)["gpu-available"]
    assert rc == 0 and out["ok"] is True
    assert gpu["level"] == "warning" and "whl/cpu" in gpu["fix"]


def test_expected_cuda_variant_turns_that_warning_into_a_failure(checks_by_name, tmp_path):
    env = standin_env("rtx3060-no-driver-cu126", TORCH_SETUP_ROOT=str(tmp_path))
    rc, out = run_verify_script(env, "--expect-variant", "cu126")
    assert rc == 1 and checks_by_name(out)["gpu-available"]["level"] == "error"


def test_cuda_visible_devices_hiding_the_gpus_is_named(checks_by_name):
    rc, out = run_verify_script(standin_env("rtx3060-no-driver-cu126", CUDA_VISIBLE_DEVICES="-1"))
    assert "CUDA_VISIBLE_DEVICES='-1'" in checks_by_name(out)["gpu-available"]["fix"]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a shared library")
def test_a_cuda_runtime_from_ld_library_path_is_reported(tmp_path, checks_by_name):
    libdir = tmp_path / "usr-local-cuda" / "lib64"
    libdir.mkdir(parents=True)
    src = tmp_path / "empty.c"
    src.write_text("int cudart_shadow_marker(void) { return 12; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(libdir / "libcudart.so.12"), str(src)], check=True)
    machine = tmp_path / "machine.json"
    data = (PROBE_FIXTURES / "machines" / "rtx3090-rtx3060-cu126.standin.json").read_text()
    machine.write_text(data.replace('"available": true,', '"available": true, "dlopen": ["libcudart.so.12"],'))
    env = standin_env("rtx3090-rtx3060-cu126", TORCH_STANDIN_MACHINE=str(machine), LD_LIBRARY_PATH=str(libdir))
    rc, out = run_verify_script(env)
    libs = checks_by_name(out)["libraries"]
    assert out["libraries_outside_env"] == [str(libdir / "libcudart.so.12")]
    assert not libs["ok"] and libs["level"] == "warning" and str(libdir) in libs["fix"]
    assert rc == 0  # the GPU still works: a warning, not a failure


@pytest.mark.parametrize("machine", ["rtx3090-rtx3060-cu126", "rtx5090-cu130-old-driver",
                                     "rtx5090-cu124-no-sm120", "rtx3060-no-driver-cu126"])
def test_recorded_outputs_are_what_verify_prints_today(machine):
    _rc, live = run_verify_script(standin_env(machine))
    recorded = recorded_verify(machine)

    def strip(r: dict) -> list[tuple]:
        # a fix may name the interpreter (NumPy's `python -m pip install`): recorded as <repo>/.venv/bin/python
        exe = r["python"]["executable"]
        return [(c["name"], c["ok"], c["level"], c["fix"] and c["fix"].replace(exe, "<python>"))
                for c in r["checks"]]

    assert strip(live) == strip(recorded)
    assert live["ok"] == recorded["ok"]


@pytest.mark.parametrize(("cap", "archs", "expected"), [
    ((8, 9), ["sm_80", "sm_86", "sm_90"], ("sm_86", "cubin")),  # Ada runs the sm_86 cubin
    ((8, 6), ["sm_86"], ("sm_86", "cubin")),
    ((6, 1), ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"], (None, None)),
    ((12, 1), ["sm_100", "sm_120", "compute_120"], ("sm_120", "cubin")),
    ((9, 0), ["sm_80", "sm_86", "compute_86"], ("compute_86", "ptx")),  # no sm_90: JIT from PTX
    ((9, 0), ["sm_90a"], ("sm_90a", "cubin")),  # an arch-specific build runs on its own capability...
    ((10, 0), ["sm_90a"], (None, None)),  # ...and nowhere else
    ((8, 7), ["sm_80", "sm_86"], (None, None)),  # Orin (SoC) runs only its own cubins
])
def test_kernel_match_follows_nvidia_binary_compatibility(cap, archs, expected):
    assert _verify_module().kernel_match(cap, archs) == expected
