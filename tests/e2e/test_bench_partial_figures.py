"""`torch-setup bench` whose later test fails still prints the figures of the tests that finished, through
a pipe too (`bench | cat`, `bench > log`): found in use, it printed none of them.

The real torch CPU build and the real probe; only the failure is made: `torch.empty_like`, which the
memory-bandwidth test (the last one on a CPU) alone calls, raises as a broken GPU's copy would.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BREAK = ("import runpy, sys, torch\n"
         "def boom(*a, **k): raise RuntimeError('CUDA error: an illegal memory access was encountered')\n"
         "torch.empty_like = boom\n"
         "sys.argv = sys.argv[1:]\n"
         "runpy.run_path(sys.argv[0], run_name='__main__')\n")


def _breaking(torch_python: Path, folder: Path) -> Path:
    (folder / "break.py").write_text(BREAK)
    wrapper = folder / "python"
    # with no script to run (torch-setup asking what it is), it is the plain interpreter
    wrapper.write_text(f'#!/bin/sh\ncase "$1" in *.py) exec {torch_python} {folder / "break.py"} "$@";; esac\n'
                       f'exec {torch_python} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def test_figures_before_a_failed_test_reach_a_pipe(torch_python, tmp_path, xdg_home):
    wrapper = _breaking(torch_python, tmp_path)
    command = (f"{shlex.quote(sys.executable)} -m installer bench --python {shlex.quote(str(wrapper))} "
               "--quick --no-save | cat")
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + command], capture_output=True, text=True,
                       timeout=600, env={**os.environ, "NO_COLOR": "1"}, cwd=Path(__file__).resolve().parents[2])
    assert r.returncode == 1, r.stderr
    assert "the benchmark failed: RuntimeError: CUDA error: an illegal memory access" in r.stderr
    assert "the tests that finished measured:" in r.stdout
    assert "matmul fp32" in r.stdout and "GFLOP/s" in r.stdout  # the figures that were measured
    assert "memory copy" not in r.stdout  # and not the one that failed
    assert "Traceback" not in r.stderr.split("the benchmark failed")[-1]


def test_json_keeps_the_figures_measured_before_the_failure(cli, torch_python, tmp_path, xdg_home):
    wrapper = _breaking(torch_python, tmp_path)
    r = cli("bench", "--python", str(wrapper), "--quick", "--json", "--no-save")
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and "illegal memory access" in doc["error"]["detail"]
    assert {t["id"] for t in doc["tests"]} == {"matmul-fp32", "matmul-fp16", "matmul-bf16"}
    assert doc["device"]["type"] == "cpu" and doc["torch_version"].startswith("2.13.0")
