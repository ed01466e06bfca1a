"""`bench --device cuda:N` where torch cannot use that GPU: exit 1, saying what was asked for and why it is
not usable, never CPU figures with exit 0 (found in use with a CPU build: `--json` said ok, device cpu).
The real CLI and probe, against the stand-in torch of recorded GPU machines (tests/fixtures/probes)."""

from __future__ import annotations

import json
import sys

from probes_support import standin_env


def test_a_gpu_machine_without_a_driver_is_refused_with_torchs_reason(cli, xdg_home):
    r = cli("bench", "--python", sys.executable, "--device", "cuda:0", "--quick",
            env=standin_env("rtx3060-no-driver-cu126"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr
    assert ("cuda:0 was asked for, but torch 2.13.0+cu126 cannot use CUDA here: Found no NVIDIA driver on "
            "your system") in r.stderr
    assert f"`torch-setup doctor --python {sys.executable}` says why torch sees no GPU" in r.stderr
    assert not (xdg_home / "data" / "torch-setup" / "bench").exists()  # nothing measured, nothing kept


def test_a_gpu_number_torch_does_not_have_is_refused_naming_the_ones_it_has(cli, xdg_home):
    r = cli("bench", "--python", sys.executable, "--device", "cuda:5", "--quick", "--json",
            env=standin_env("rtx3090-rtx3060-cu126"))
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["ok"] is False and out["tests"] == []
    assert out["error"]["detail"] == "cuda:5 was asked for, but torch sees no such GPU, only cuda:0, cuda:1"
    assert "CUDA_VISIBLE_DEVICES" in out["error"]["fix"]
