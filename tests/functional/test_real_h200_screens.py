"""The wizard on what a real GPU machine gave: the lent H200's `detect --json` (machines/h200-580.json)
and its `verify --json` (probes/real/). Found there: the Hardware screen said "ubuntu 24.04" where the
command line says "Ubuntu 24.04.3 LTS", and Verify said "torch works in the new environment." of an
environment that was there before (a `target: existing` install)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tui_support import press_until, screen_text, settle, verify_screen_text

from installer.answers import Answers

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "probes" / "real"


async def test_hardware_names_the_system_as_it_names_itself(make_wizard):
    app = make_wizard("h200-580")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.go("hardware")
        await settle(pilot)
        text = screen_text(app)
    assert "Ubuntu 24.04.3 LTS · kernel 6.18.44-fc-v1252-gpu · x86_64 · container (docker)" in text, text
    assert "NVIDIA H200 · compute capability 9.0 · 140 GiB" in text, text
    assert "NVIDIA 580.159.04" in text and "ubuntu 24.04" not in text


async def test_verify_names_the_environment_it_checked(make_wizard):
    real = json.loads((REAL / "h200-cu130.verify.json").read_text())
    text = await verify_screen_text(make_wizard, "h200-580", real)
    assert "torch works in /opt/torch/.venv." in text, text
    assert "new environment" not in text
    assert "✓ the driver offers CUDA 13.0; this build uses CUDA 13.0" in text, text


async def test_review_counts_one_step_as_one_step(make_wizard):
    # found on the H200's Review: a `target: existing` plan has the one install step, "The plan: 1 steps"
    answers = Answers.model_validate({"target": {"kind": "existing", "python": sys.executable},
                                      "mirror": {"pytorch": "none"},
                                      "torch": {"version": "2.13.0", "variant": "cpu", "extras": []}})
    app = make_wizard("cpu-only", dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press_until(pilot, "n", "review")
        assert app.state.plan is not None and len(app.state.plan.steps) == 1
        lines = screen_text(app).splitlines()
    assert "The plan: 1 step" in lines, lines
