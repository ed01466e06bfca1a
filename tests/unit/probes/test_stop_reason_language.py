"""The reason a run stopped is said in the language of whoever reads it, not of the run that stopped.

Found in use: a run stopped under LANG=zh_CN.UTF-8; `torch-setup doctor` in English a day later said its
reason in Chinese, because the journal kept the text as the run said it. Real runs of the executor (a real
failing command, its journal); the reader is doctor's finding and the wizard's first-screen summary.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from installer.executor.events import RunFinished
from installer.executor.runner import run_plan
from installer.i18n import set_language
from installer.plan.model import Command, Plan, Step
from installer.probes.last_run import last_run_finding, stop_summary


def _fail(state: Path, script: str) -> None:
    step = Step(id="torch", title="torch", kind="command", timeout=60,
                commands=(Command(argv=(sys.executable, "-c", script)),))
    *_, finished = run_plan(Plan(steps=(step,), summary=(("target", "/x/env"),)), state_dir=state)
    assert isinstance(finished, RunFinished) and not finished.ok


def test_a_run_stopped_in_chinese_is_explained_in_english(tmp_path):
    state = tmp_path / "state"
    set_language("zh")
    try:
        _fail(state, "import sys; print('OSError: [Errno 28] No space left on device'); sys.exit(3)")
        said_then = last_run_finding(state).explanation
    finally:
        set_language("en")
    assert "失败" in said_then and "磁盘已满" in said_then  # the run's own language, as it was
    finding = last_run_finding(state)
    lines = finding.explanation.splitlines()
    program = Path(sys.executable).name
    assert lines[1] == f"{program} failed: exit code 3"
    assert lines[2] == "likely cause: the disk is full (No space left on device)"
    assert lines[3].startswith("-> free some space")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in finding.explanation)
    assert stop_summary(state)[2] == f"{program} failed: exit code 3"


def test_the_last_lines_of_output_stay_as_the_program_said_them(tmp_path):
    state = tmp_path / "state"
    set_language("zh")
    try:
        _fail(state, "import sys; print('错误：某个输出'); sys.exit(1)")
    finally:
        set_language("en")
    lines = last_run_finding(state).explanation.splitlines()
    assert lines[2] == "its last lines of output:" and lines[-1] == "  错误：某个输出"


def test_a_record_of_an_older_run_shows_its_kept_text(tmp_path):
    state = tmp_path / "state"
    _fail(state, "import sys; sys.exit(1)")
    (record,) = (state / "journal").glob("*.json")
    data = json.loads(record.read_text())
    del data["detail_msg"]  # as runs before session 26 wrote it
    data["detail"] = "python3 失败：退出码 1"
    record.write_text(json.dumps(data))
    assert last_run_finding(state).explanation.splitlines()[1] == "python3 失败：退出码 1"


def test_a_kept_message_that_cannot_be_said_falls_back_to_the_kept_text(tmp_path):
    state = tmp_path / "state"
    _fail(state, "import sys; sys.exit(1)")
    (record,) = (state / "journal").glob("*.json")
    data = json.loads(record.read_text())
    data["detail_msg"] = [{"text": "{program} failed: {why}", "args": {"prog": "x"}}]  # placeholders unmatched
    data["detail"] = "kept text"
    record.write_text(json.dumps(data))
    assert last_run_finding(state).explanation.splitlines()[1] == "kept text"
