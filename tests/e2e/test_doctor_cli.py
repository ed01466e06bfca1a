"""`torch-setup doctor` end to end: the real CLI, real interpreters, recorded machines, the stand-in torch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "probes"
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _own_state(xdg_home):
    """doctor reads the journal of the last install run: this test's own, never the developer's."""


def _standin(machine: str) -> dict[str, str]:
    path = FIX / "machines" / f"{machine}.standin.json"
    env = {"PYTHONPATH": str(FIX / "standin"), "TORCH_STANDIN_MACHINE": str(path)}
    root = json.loads(path.read_text()).get("root")
    if root:
        env["TORCH_SETUP_ROOT"] = str(FIX / root)
    return env


def _hw(name: str) -> str:
    return str(FIX / "machines" / f"{name}.hardware.json")


def test_cpu_wheel_on_a_gpu_machine(cli, torch_python):
    r = cli("doctor", "--python", str(torch_python), "--hardware", _hw("rtx5090-570"))
    assert r.returncode == 1
    assert "a CPU-only build of torch on a machine with an NVIDIA GPU" in r.stdout
    assert "fix: install torch 2.11.0 (cu128)" in r.stdout


def test_cpu_wheel_on_an_amd_gpu_machine(cli, torch_python):
    """A Radeon owner with the CPU wheel (or PyPI's default) was told "nothing to mend"."""
    machine = str(FIX.parent / "machines" / "amd-rx7900xtx.json")
    r = cli("doctor", "--python", str(torch_python), "--hardware", machine)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "a CPU-only build of torch on a machine with an AMD GPU" in r.stdout
    assert "nothing to mend" not in r.stdout
    assert "AMD Radeon RX 7900 XTX is gfx1100: rocm" in r.stdout
    assert "fix: install torch " in r.stdout and "--index-url https://download.pytorch.org/whl/rocm" in r.stdout
    out = json.loads(cli("doctor", "--python", str(torch_python), "--hardware", machine, "--json").stdout)
    assert [f["id"] for f in out["findings"]] == ["cpu-wheel"] and out["ok"] is False


def test_driver_older_than_the_build(cli):
    r = cli("doctor", "--python", sys.executable, "--hardware", _hw("rtx5090-570"), "--json",
            env=_standin("rtx5090-cu130-old-driver"))
    out = json.loads(r.stdout)
    assert r.returncode == 1 and out["ok"] is False
    assert [f["id"] for f in out["findings"]] == ["driver-too-old"]
    assert ">= 580.65.06" in out["findings"][0]["fix"]
    assert out["verify"]["torch_version"] == "2.11.0+cu130"


def test_build_without_the_gpu_arch(cli):
    r = cli("doctor", "--python", sys.executable, "--hardware", _hw("rtx5090-570"),
            env=_standin("rtx5090-cu124-no-sm120"))
    assert r.returncode == 1
    assert "this torch build has no kernels for the GPU" in r.stdout
    assert "no kernels for sm_120 in this build" in r.stdout


def test_an_interpreter_without_torch_is_said_in_words(cli):
    r = cli("doctor", "--python", sys.executable, "--hardware", str(FIX.parent / "machines" / "cpu-only.json"))
    assert r.returncode == 1
    assert f"torch: does not import in {sys.executable}" in r.stdout.splitlines()
    assert "torch is not installed in" in r.stdout


def test_healthy_cpu_machine_exits_zero(cli, torch_python):
    r = cli("doctor", "--python", str(torch_python), "--hardware", str(FIX.parent / "machines" / "cpu-only.json"))
    assert r.returncode == 0, r.stdout + r.stderr
    # the torch wheel does not require NumPy: a warning, no problem ("nothing to mend" once it is installed:
    # tests/e2e/test_verify_numpy_real.py)
    assert "  [warning] NumPy is not installed beside torch 2.13.0+cpu" in r.stdout.splitlines()
    assert "PROBLEM" not in r.stdout and "nothing to mend" not in r.stdout


def test_a_bad_hardware_file_is_bad_input(cli, tmp_path, torch_python):
    bad = tmp_path / "hw.json"
    bad.write_text('{"schema": 1,\n "gpus": "many"}\n')
    r = cli("doctor", "--python", str(torch_python), "--hardware", str(bad))
    assert r.returncode == 2 and str(bad) in r.stderr and "Traceback" not in r.stderr
