"""The same work from two recipes is planned once: the driver and the toolkit from NVIDIA's repository each
add cuda-keyring, and the second step could only ever say "already done" (found in session 23's plan review).
"""

from __future__ import annotations

from pathlib import Path

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)


def _plan(source: str):
    text = (REPO / "recipes" / "answers" / "driver-toolkit-apt.yaml").read_text()
    answers = parse_answers(text.replace("source: auto ", f"source: {source} ", 1))
    assert answers.driver.source == source
    report = load_report(REPO / "tests" / "fixtures" / "machines" / "nodriver-rtx3060.json")
    pins = resolve_pins(report, torch=answers.torch.version, variant=answers.torch.variant, python="3.11",
                        extras=tuple(answers.torch.extras))
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def _keyring_steps(plan) -> list[str]:
    return [s.id for s in plan.steps if any(d.dest.endswith("cuda-keyring_1.1-1_all.deb") for d in s.downloads)]


def test_driver_and_toolkit_from_nvidias_repository_add_its_keyring_once():
    plan = _plan("nvidia-repo")
    assert _keyring_steps(plan) == ["cuda-repo"]
    ids = [s.id for s in plan.steps]
    # before the driver that needs it, and so before the toolkit too
    assert ids.index("cuda-repo") < ids.index("driver-nvidia-repo") < ids.index("cuda-toolkit")
    assert render_script(plan).count("dpkg -i") == 1


def test_a_step_of_the_same_id_that_does_other_work_is_kept():
    """ubuntu-drivers needs no keyring: the toolkit's own is then the only one, under its own id."""
    plan = _plan("ubuntu-drivers")
    assert _keyring_steps(plan) == ["cuda-repo"]
    assert "driver-recommended" in [s.id for s in plan.steps]
