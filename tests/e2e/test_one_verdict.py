"""The verification that ends `install` gives the verdict `torch-setup verify` gives of the same environment, its
warnings and fixes too (installer.probes.advised). Found in use: torch installed into an existing environment
that held a torchvision made for another torch; install's verification said PASS, and `torch-setup verify`, run
next, warned of that torchvision, or failed where it did not import.

A real venv with torch 2.13.0+cpu, a stand-in torchvision (tests/helpers.py), the real CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import env_with_cpu_torch, stand_in_torchvision

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]

ANSWERS = ("version: 1\ntarget:\n  kind: existing\n  python: {python}\ntorch:\n  version: 2.13.0\n  variant: cpu\n"
           "  extras: []\nverify: true\n")
NMS = "raise RuntimeError('operator torchvision::nms does not exist')\n"


def _verdict(stdout: str) -> list[str]:
    """The verification's lines (from its heading on), the measured error left out: it is measured each time."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("torch 2.13.0+cpu (cpu build) in "))
    return [re.sub(r"max error [-+.e0-9]+", "max error E", line) for line in lines[start:]]


@pytest.mark.parametrize(("body", "code", "line"), [
    ("", 0, "[warn] torchvision 0.27.1 does not fit torch 2.13.0+cpu"),
    (NMS, 1, "[FAIL] torchvision 0.27.1 does not fit torch 2.13.0+cpu"),
], ids=["pins-another-torch", "does-not-import"])
def test_install_says_what_verify_says_of_a_torchvision_left_beside_it(cli, xdg_home, tmp_path, body, code, line):
    python = env_with_cpu_torch(tmp_path / "proj")
    stand_in_torchvision(python, "0.27.1", "torch (==2.12.1)", body)
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS.format(python=python))

    installed = cli("install", "--answers", str(answers), "--yes", cwd=tmp_path, timeout=600)
    assert installed.returncode == code, installed.stdout + installed.stderr
    said = _verdict(installed.stdout)
    assert any(text.strip().startswith(line) for text in said), said
    # the fix: the torchvision made for this torch, or remove it
    assert any("torchvision==0.28.0+cpu" in text and "uninstall -y torchvision" in text for text in said), said
    assert said[-1] == ("verify: PASS" if code == 0 else "verify: FAIL")

    checked = cli("verify", "--python", str(python), cwd=tmp_path, timeout=600)
    assert checked.returncode == code
    assert _verdict(checked.stdout) == said
