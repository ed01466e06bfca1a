"""verify, doctor and bench on the real torch 2.13.0 CPU build, as the tester ran them: the reinstall
advice names indexes that exist and a pip that works in a venv made by `uv venv`; verify warns where doctor
finds a CPU build on a GPU machine; doctor names the GPU and keeps the torch version; bench refuses a CUDA
device it cannot use. The GPU and driver come from detection's overrides, as a person can set them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"
GPU_550 = {"TORCH_SETUP_DRIVER_VERSION": "550.54.14", "TORCH_SETUP_GPU_CC": "8.9"}


@pytest.fixture(autouse=True)
def _own_state(xdg_home):
    """doctor reads the journal of the last install run and bench keeps results: this test's own."""


def _fix_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(("->", "fix:"))]


def test_verify_expecting_a_cuda_build_names_real_indexes_only(cli, torch_python):
    r = cli("verify", "--python", str(torch_python), "--expect-variant", "cuda")
    assert r.returncode == 1
    assert "whl/cuda" not in r.stdout and "pip install" not in r.stdout
    # no GPU here to choose by: the CUDA indexes torch 2.13.0 has, from the compatibility data
    assert ("torch 2.13.0 has cuda builds on https://download.pytorch.org/whl/cu126, "
            "https://download.pytorch.org/whl/cu130, https://download.pytorch.org/whl/cu132") in r.stdout


def test_verify_expecting_a_cuda_build_on_a_gpu_machine_gives_doctors_command(cli, torch_python):
    r = cli("verify", "--python", str(torch_python), "--expect-variant", "cuda", env=GPU_550)
    assert r.returncode == 1
    fix = next(line for line in _fix_lines(r.stdout) if "install torch" in line)
    assert fix == (f"-> install torch 2.13.0 (cu126), which fits this machine as it is: `{sys.executable} -m pip "
                   f"--python {torch_python} install --force-reinstall torch==2.13.0 --index-url "
                   "https://download.pytorch.org/whl/cu126` (or `torch-setup install` to do it with a plan)")


def test_verify_warns_where_doctor_finds_a_cpu_build_on_a_gpu_machine(cli, torch_python):
    verify = cli("verify", "--python", str(torch_python), env=GPU_550)
    doctor = cli("doctor", "--python", str(torch_python), env=GPU_550)
    assert verify.returncode == 0 and verify.stdout.rstrip().endswith("verify: PASS")  # a CPU build passes
    assert "[warn] torch 2.13.0+cpu is the CPU-only build" in verify.stdout
    assert doctor.returncode == 1 and "[PROBLEM] a CPU-only build of torch" in doctor.stdout
    # the same advice: verify's fix line is doctor's
    assert _fix_lines(verify.stdout)[-1].removeprefix("-> ") == _fix_lines(doctor.stdout)[-1].removeprefix("fix: ")
    asked = cli("verify", "--python", str(torch_python), "--expect-variant", "cpu", "--json", env=GPU_550)
    assert "cpu-build" not in [c["name"] for c in json.loads(asked.stdout)["checks"]]


def test_doctor_names_a_gpu_without_a_name_by_number_and_capability(cli, torch_python):
    r = cli("doctor", "--python", str(torch_python), env=GPU_550)
    assert r.stdout.splitlines()[0] == "GPUs: GPU 0 (compute capability 8.9); NVIDIA driver: 550.54.14"
    assert "is False on GPU 0 (compute capability 8.9) whatever" in r.stdout
    zh = cli("doctor", "--python", str(torch_python), "--lang", "zh", env=GPU_550)
    assert zh.stdout.splitlines()[0].startswith("GPU：GPU 0（计算能力 8.9）"), zh.stdout
    assert "?" not in zh.stdout.splitlines()[0] and "在 ? 上" not in zh.stdout


def test_doctor_says_install_where_no_driver_is_loaded(cli, torch_python):
    r = cli("doctor", "--python", str(torch_python), "--hardware", str(MACHINES / "nodriver-rtx3060.json"))
    assert "fix: install the NVIDIA driver, branch 580, then install torch 2.13.0 (cu130)" in r.stdout
    assert "upgrade the NVIDIA driver" not in r.stdout


def test_doctor_moves_torchvision_with_torch_when_the_version_must_change(cli, torch_python, tmp_path):
    # torchvision's metadata beside torch, as an installed torchvision leaves it (the probe reads only that)
    dist = tmp_path / "extra" / "torchvision-0.28.0+cpu.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: torchvision\nVersion: 0.28.0+cpu\n")
    hw = Path(__file__).resolve().parents[1] / "fixtures" / "probes" / "machines" / "rtx5090-570.hardware.json"
    r = cli("doctor", "--python", str(torch_python), "--hardware", str(hw), env={"PYTHONPATH": str(dist.parent)})
    fix = _fix_lines(r.stdout)[-1]
    assert fix.startswith("fix: install torch 2.11.0 (cu128), which fits this machine as it is (no build of torch "
                          "2.13.0 does, so the version changes, and torchvision with it)"), fix
    assert "torch==2.11.0 torchvision==0.26.0 --index-url https://download.pytorch.org/whl/cu128" in fix


def test_bench_on_a_cuda_device_with_a_cpu_build_fails_and_says_why(cli, torch_python, xdg_home):
    r = cli("bench", "--python", str(torch_python), "--device", "cuda:0", "--quick", "--json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["ok"] is False and out["tests"] == [] and out["device"] is None
    assert out["error"]["detail"] == (f"cuda:0 was asked for, but torch 2.13.0+cpu in {torch_python} is a "
                                      "CPU-only build: it cannot use any GPU")
    assert "--device cpu" in out["error"]["fix"]
    assert not (xdg_home / "data" / "torch-setup" / "bench").exists()
