"""Helpers for the probe tests: the stand-in torch and the recorded machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROBE_FIXTURES = REPO / "tests" / "fixtures" / "probes"
VERIFY = REPO / "installer" / "probes" / "verify.py"


def standin_env(machine: str, **extra: str) -> dict[str, str]:
    """The environment that makes a real interpreter import the stand-in torch for `machine`."""
    path = PROBE_FIXTURES / "machines" / f"{machine}.standin.json"
    env = {"PYTHONPATH": str(PROBE_FIXTURES / "standin"), "TORCH_STANDIN_MACHINE": str(path)}
    root = json.loads(path.read_text()).get("root")
    if root:
        env["TORCH_SETUP_ROOT"] = str(PROBE_FIXTURES / root)
    env.update(extra)
    return env


def run_verify_script(env_extra: dict[str, str], *args: str) -> tuple[int, dict]:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    env.update(env_extra)
    proc = subprocess.run([sys.executable, str(VERIFY), "--json", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    return proc.returncode, json.loads(proc.stdout)


def recorded_verify(name: str, *, numpy: bool = False) -> dict:
    """A recorded verify output. The recordings' environments had no NumPy, so each carries verify's NumPy
    warning; `numpy=True` gives what verify.py writes for the same environment with a NumPy that works (no
    numpy check, `numpy` {version, works}: test_verify_numpy.test_numpy_that_works_adds_no_check runs that)."""
    out = json.loads((PROBE_FIXTURES / "verify" / f"{name}.verify.json").read_text())
    if numpy:
        out["checks"] = [c for c in out["checks"] if c["name"] != "numpy"]
        out["numpy"] = {"version": "2.4.6", "works": True, "error": None}
    return out


def hardware(name: str):
    from installer.hardware.report import load_report

    local = PROBE_FIXTURES / "machines" / f"{name}.hardware.json"
    return load_report(local if local.exists() else REPO / "tests" / "fixtures" / "machines" / f"{name}.json")


