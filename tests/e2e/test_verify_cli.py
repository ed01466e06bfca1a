"""`torch-setup verify` on a real venv with torch 2.13.0 (CPU build), and the host/torch boundary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_cpu_build_on_this_machine_passes_and_says_so(cli, torch_python):
    r = cli("verify", "--python", str(torch_python), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # exactly one JSON document on stdout
    assert out["ok"] is True
    assert out["torch_version"] == "2.13.0+cpu" and out["variant"] == "cpu" and out["cuda_build"] is None
    assert out["cuda"]["is_available"] is False and out["devices"] == [] and out["arch_list"] == []
    checks = {c["name"]: c for c in out["checks"]}
    assert checks["gpu-available"]["ok"] and "CPU build" in checks["gpu-available"]["detail"]
    assert checks["matmul-cpu"]["ok"] and out["cpu"]["matmul"]["max_abs_error"] < 1e-3
    assert out["cudnn"] == {"available": False, "version": None, "enabled": False}


def test_cpu_build_when_a_cuda_build_was_expected_fails_with_the_reason(cli, torch_python):
    r = cli("verify", "--python", str(torch_python), "--expect-variant", "cu126")
    assert r.returncode == 1
    assert "a cu126 build was expected" in r.stdout and "FAIL" in r.stdout
    assert "--index-url https://download.pytorch.org/whl/cu126" in r.stdout


def test_plain_text_output(cli, torch_python):
    r = cli("verify", "--python", str(torch_python))
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("torch 2.13.0+cpu (cpu build)")
    assert r.stdout.rstrip().endswith("verify: PASS")


def test_an_interpreter_without_torch_is_named_as_such_not_as_torch_dash(cli):
    r = cli("verify", "--python", sys.executable)  # torch-setup's own venv: torch is never installed there
    assert r.returncode == 1
    # (after the line that says whose interpreter it is)
    own, first = r.stdout.splitlines()[:2]
    assert own == f"{sys.executable} is torch-setup's own Python, not a place for torch", own
    assert first == f"torch does not import in {sys.executable}", first
    assert "No module named 'torch'" in r.stdout and r.stdout.rstrip().endswith("verify: FAIL")


def test_torch_compile_smoke_test_with_a_time_limit(cli, torch_python):
    r = cli("verify", "--python", str(torch_python), "--compile", "--compile-timeout", "240", "--json")
    out = json.loads(r.stdout)
    check = {c["name"]: c for c in out["checks"]}["compile"]
    # this machine has gcc: inductor compiles for the CPU; the figure is the real compile time
    assert check["ok"], check
    assert out["compile"]["seconds"] > 0


def test_a_missing_interpreter_is_bad_input_with_one_line(cli, tmp_path):
    r = cli("verify", "--python", str(tmp_path / "nope" / "bin" / "python"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "--python" in r.stderr and r.stdout == ""


def test_the_host_process_never_imports_torch_even_where_it_could(torch_python):
    site = next(Path(torch_python).parent.parent.glob("lib/python3*/site-packages"))
    code = (
        "import importlib.util, sys\n"
        "assert importlib.util.find_spec('torch') is not None, 'torch must be importable for this test to mean anything'\n"
        "from installer.cli import main\n"
        f"py = {str(torch_python)!r}\n"
        "for argv in (['verify', '--python', py, '--json'], ['doctor', '--python', py, '--json',\n"
        "             '--hardware', sys.argv[1]], ['bench', '--python', py, '--quick', '--json', '--no-save']):\n"
        "    main(argv)\n"
        "print('TORCH-IN-HOST', 'torch' in sys.modules, file=sys.stderr)\n"
    )
    hw = Path(__file__).resolve().parents[1] / "fixtures" / "probes" / "machines" / "rtx5090-570.hardware.json"
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code, str(hw)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert "TORCH-IN-HOST False" in proc.stderr, proc.stderr[-2000:]
