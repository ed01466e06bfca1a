"""The stand-in torch against a real GPU: verify.py's output on the stand-in of the H200 equals what it
printed on the real H200 (tests/fixtures/probes/real/, recorded on the lent machine), check by check.

So the stand-in that all the other probe tests use is held to a real recording, not only to the
sources it was written from."""

from __future__ import annotations

import json
import shutil

import pytest
from probes_support import PROBE_FIXTURES, run_verify_script, standin_env

REAL = PROBE_FIXTURES / "real"

# the driver's CUDA version comes from a stand-in libcuda that the stand-in torch builds with gcc
pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build the stand-in libcuda")


def _comparable(out: dict, numpy: bool = True) -> dict:
    """What a machine decides in verify's output: not where torch lies, not float rounding, not timings.
    `numpy` False leaves out verify's NumPy check: the real recordings (2026-12-04) came before it, and the
    NumPy the stand-in sees is the test interpreter's, not the H200's."""

    def check(c: dict) -> tuple:
        detail, fix = c.get("detail_msg") or {}, c.get("fix_msg") or {}
        args = {k: v for k, v in (detail.get("args") or {}).items() if k not in ("path", "err")}
        return c["name"], c["ok"], c["level"], detail.get("text"), args, fix.get("text"), fix.get("args")

    cuda = {k: out["cuda"].get(k) for k in ("is_available", "device_count", "driver_version", "driver_cuda",
                                            "runtime", "error", "visible_devices")}
    devices = [{k: d.get(k) for k in ("index", "type", "name", "capability", "memory_mib", "multiprocessors",
                                      "kernels")} for d in out["devices"]]
    return {"ok": out["ok"], "torch": out["torch_version"], "variant": out["variant"],
            "cuda_build": out["cuda_build"], "arch_list": out["arch_list"], "cuda": cuda, "devices": devices,
            "cudnn": out["cudnn"] and out["cudnn"]["version"],
            "checks": [check(c) for c in out["checks"] if numpy or c["name"] != "numpy"]}


def _real(name: str) -> dict:
    return json.loads((REAL / f"{name}.verify.json").read_text())


def test_the_standin_h200_says_what_the_real_one_said():
    rc, out = run_verify_script(standin_env("h200-cu130"))
    real = _real("h200-cu130")
    assert rc == 0
    assert _comparable(out, numpy="numpy" in real) == _comparable(real)
    # the check that real torch 2.x gave no value for until verify asked the driver's library itself
    assert [c for c in out["checks"] if c["name"] == "driver-runtime"][0]["ok"] is True


def test_hidden_gpus_as_on_the_real_h200():
    rc, out = run_verify_script(standin_env("h200-cu130", CUDA_VISIBLE_DEVICES="-1"))
    real = _real("h200-cu130-hidden")
    assert rc == 1
    assert _comparable(out, numpy="numpy" in real) == _comparable(real)
    gpu = [c for c in out["checks"] if c["name"] == "gpu-available"][0]
    assert gpu["fix"] == "CUDA_VISIBLE_DEVICES='-1' hides every GPU: unset it or list the GPUs to use"
