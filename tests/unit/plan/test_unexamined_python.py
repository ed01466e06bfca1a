"""A target interpreter named by a path that the hardware report did not examine: a plan made here from a
recorded machine's report cannot read its version, so the plan says which Python its wheels are for.

On this machine the path is examined by detection before planning (plan_from_files), so the note is for
recorded reports: found in use, planning a lab machine with `target.python: /usr/bin/python9`.
"""

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
REPORT = load_report(REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json")  # /usr/bin/python3, 3.11.7
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)


def _notes(kind: str, python: str) -> list[str]:
    answers = parse_answers(f"version: 1\ntarget:\n  kind: {kind}\n  python: {python}\n"
                            "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n")
    pins = pins_for(answers, REPORT, tools=TOOLS, cwd="/work")
    plan = make_plan(answers, REPORT, pins=pins, indexes=choose_indexes(answers, REPORT, pins, None), tools=TOOLS,
                     cwd="/work", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    return [n for n in plan.notes if "interpreter the hardware report examined" in n]


@pytest.mark.parametrize("kind", ["venv", "existing"])
def test_an_interpreter_the_report_did_not_examine_gets_a_note_naming_the_python_assumed(kind):
    [note] = _notes(kind, "/opt/py312/bin/python3")
    assert note.startswith("/opt/py312/bin/python3 is not the interpreter the hardware report examined")
    assert "the packages are for Python 3.11" in note
    assert 'give that version as target.python ("3.12")' in note
    assert "`torch-setup detect --json --python /opt/py312/bin/python3`" in note


@pytest.mark.parametrize("python", ["/usr/bin/python3", '"3.12"'])
def test_the_examined_interpreter_or_a_version_needs_no_note(python):
    assert _notes("venv", python) == []
