"""A Python asked for by version that the machine lacks: the venv step's note speaks of the machine the plan
is for. Found in use (a lab admin with the recordings): `plan --hardware titanv-515.json` with
`target.python: "3.10"` said "Python 3.10 was not found on this machine", of the machine the plan was only
made on; the recording lists its own Python (3.8.10, /usr/bin/python3). The recorded machines are real ones.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.pip import KIND as PIP
from installer.plan.kinds.pip import PipParams
from installer.plan.tools import Tools

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
UV_PYTHONS = "/home/u/.local/share/uv/python"


def _notes(*, recorded: bool, python: dict | None | str = "as recorded") -> tuple[str, ...]:
    data = json.loads((MACHINES / "titanv-515.json").read_text())
    if python != "as recorded":
        data["python"] = python
    context = KindContext(answers=Answers(), report=HardwareReport.model_validate(data), pins=None,
                          indexes=Indexes(), tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3",
                                                         host_pip=True, uv_python_dir=UV_PYTHONS),
                          values={"target.python_version": "3.10"})
    context = replace(context, recorded=recorded)
    return PIP.compile(PipParams(venv="/home/u/v", python="python3.10"), context).notes


def test_a_recorded_machine_is_told_by_the_python_its_report_names():
    (note,) = _notes(recorded=True)
    assert note.startswith("the recorded machine's Python is 3.8.10 (/usr/bin/python3), not 3.10: unless Python "
                           "3.10 is on its PATH when the plan runs there, uv downloads a standalone CPython 3.10 "
                           f"(python-build-standalone, a GitHub release) into {UV_PYTHONS} "), note
    assert "this machine" not in note


def test_a_recording_with_no_python_says_so():
    (note,) = _notes(recorded=True, python=None)
    assert note.startswith("the recorded machine's report names no Python: unless Python 3.10 is on its PATH "), note
    assert "this machine" not in note


def test_this_machine_keeps_its_words():
    (note,) = _notes(recorded=False)
    assert note.startswith("Python 3.10 was not found on this machine: "), note


def test_the_plan_for_the_recorded_titan_v_says_it(cli, tmp_path):
    """The command the tester ran: the planner passes `recorded` down to the venv step."""
    answers = tmp_path / "a.yaml"
    answers.write_text('version: 1\ntarget: {kind: venv, path: ~/v, python: "3.10"}\ntorch: {variant: cu126}\n'
                       "method: pip\n")
    r = cli("plan", "--answers", str(answers), "--hardware", str(MACHINES / "titanv-515.json"),
            "--probe-timeout", "0.2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "# note: the recorded machine's Python is 3.8.10 (/usr/bin/python3), not 3.10: " in r.stdout
    assert "was not found on this machine" not in r.stdout
