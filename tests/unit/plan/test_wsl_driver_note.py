"""driver.install: true under WSL: the plan's note tells to update the Windows driver only when the build
needs a newer one. Found in use (a lab admin, wsl-rtx4070laptop-566): torch latest, variant auto, and the
note ended "-> install or update the driver in Windows" while the note above it said the Windows driver
566.36 runs the cu126 build. The recorded WSL machine is a real one.
"""

from __future__ import annotations

from pathlib import Path

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
WSL = REPO / "tests" / "fixtures" / "machines" / "wsl-rtx4070laptop-566.json"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
RECIPES = load_recipes(REPO / "recipes")


def _wsl_note(variant: str) -> str:
    answers = parse_answers(f"version: 1\ntarget: {{kind: venv, path: .venv-torch}}\n"
                            f"torch: {{version: 2.13.0, variant: {variant}, extras: []}}\nmethod: pip\n"
                            "driver: {install: true, branch: latest}\n")
    report = load_report(WSL)
    pins = resolve_pins(report, torch="2.13.0", variant=variant, python="3.10", extras=())
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/work/proj", recipes=RECIPES, cache_dir="/cache", recorded=True)
    (note,) = [n for n in plan.notes if n.startswith("driver.install is ignored under WSL")]
    return note


def test_a_windows_driver_that_runs_the_build_is_kept():
    note = _wsl_note("auto")
    assert note.endswith("a Linux driver inside WSL would break it; the Windows driver 566.36 already runs this "
                         "build (CUDA 12.6), so it is kept as it is"), note
    assert "install or update" not in note


def test_a_build_that_needs_a_newer_windows_driver_says_to_update_it():
    note = _wsl_note("cu130")  # CUDA 13 wheels: the Windows driver 566.36 runs CUDA 12.7 at most
    assert note.endswith("-> install or update the driver in Windows"), note


def test_the_cpu_build_leaves_the_windows_driver_alone():
    note = _wsl_note("cpu")
    assert note.endswith("this build (cpu) does not use the GPU's driver, so the Windows driver is kept as it is")
