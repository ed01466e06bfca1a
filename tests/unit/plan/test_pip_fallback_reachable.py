"""The pip fallback is planned where pip can run: the host's pip installs into any target (`--python`);
without it, only the target's own pip is there to run, and a venv this plan makes with uv has none. Found in
use (torch-setup installed with uv, so no pip beside it): a failed uv install in the new venv was followed
by "No module named pip" from a fallback that could never work. Pure: the plan for a recorded machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"


def _install(target: str, host_pip: bool, method: str = "pip"):
    answers = parse_answers(f"version: 1\nmethod: {method}\nwheelhouse: /media/usb/wh\n{target}\n"
                            "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n")
    report = load_report(MACHINE)
    tools = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=host_pip)
    pins = pins_for(answers, report, tools=tools, cwd="/work")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd="/work", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    return plan.steps[-1].commands[-1]


NEW_VENV = "target:\n  kind: venv\n  path: env"
EXISTING = "target:\n  kind: existing\n  python: /usr/bin/python3"


@pytest.mark.parametrize("method", ["pip", "wheel"])
@pytest.mark.parametrize("target, host_pip, fallback", [
    (NEW_VENV, True, "/opt/ts/bin/python -m pip --python /work/env/bin/python install"),
    (NEW_VENV, False, None),                                     # uv made it: no pip in it, none beside us
    (EXISTING, False, "/usr/bin/python3 -m pip install"),        # its own pip, if it has one
])
def test_the_pip_fallback_is_planned_only_where_a_pip_can_run(method, target, host_pip, fallback):
    install = _install(target, host_pip, method)
    assert install.argv[:3] == ("/opt/uv/bin/uv", "pip", "install")
    if fallback is None:
        assert install.fallback is None
    else:
        assert install.fallback is not None and " ".join(install.fallback.argv).startswith(fallback)
