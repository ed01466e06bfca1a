"""`torch-setup doctor` names the step the last install stopped at, why, and its log: the run is real (the
executor, a real failing command), and so is doctor (the CLI, this machine's interpreter).

Found in use: after an install that failed at its first step (the CUDA runfile could not be downloaded),
doctor said only "torch is not installed" and never named the step, the reason or the log.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from installer.executor.events import RunFinished
from installer.executor.journal import Journal
from installer.executor.runlock import RunLock, lock_name
from installer.executor.runner import run_plan
from installer.plan.model import Command, Plan, Step
from installer.probes.last_run import last_run_finding, stop_running

MACHINE = str(Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "cpu-only.json")


def _run(state: Path, *steps: Step) -> RunFinished:
    *_, finished = run_plan(Plan(steps=steps), state_dir=state)
    assert isinstance(finished, RunFinished)
    return finished


def _step(step_id: str, code: int = 0, say: str = "") -> Step:
    script = f"import sys; print({say!r}, file=sys.stderr); sys.exit({code})"
    return Step(id=step_id, title=step_id, kind="command", commands=(Command(argv=(sys.executable, "-c", script)),),
                timeout=60)


def _doctor(cli, xdg_home: Path) -> dict:
    r = cli("doctor", "--python", sys.executable, "--hardware", MACHINE, "--json", "--timeout", "120")
    return json.loads(r.stdout)


def test_a_failed_run_is_doctors_first_finding_with_its_reason_and_log(cli, xdg_home):
    state = xdg_home / "state" / "torch-setup"
    finished = _run(state, _step("fetch"), _step("unpack", 3, "No space left on device"), _step("after"))
    assert not finished.ok and finished.failed_step == "unpack"
    first = _doctor(cli, xdg_home)["findings"][0]
    assert first["id"] == "last-run-failed" and first["severity"] == "warning"
    assert first["title"] == "the last install stopped at step unpack"
    # what failed, then the likely cause the executor read in its output, with what to do
    assert first["explanation"].splitlines()[1:3] == ["python failed: exit code 3",
                                                      "likely cause: the disk is full (No space left on device)"]
    assert first["explanation"].splitlines()[3].startswith("-> ")
    assert first["explanation"].splitlines()[0].endswith(", less than a minute ago")
    assert first["evidence"] == [finished.log_path] and Path(finished.log_path).is_file()
    assert f"Its whole output: {finished.log_path}" in first["fix"]
    assert "No space left on device" in Path(finished.log_path).read_text()
    text = cli("doctor", "--python", sys.executable, "--hardware", MACHINE, "--timeout", "120").stdout
    assert "[warning] the last install stopped at step unpack" in text
    # every line of the finding's explanation under its title, none at the left margin
    block = text.split("step unpack\n")[1].split("      fix:")[0].splitlines()
    assert len(block) == len(first["explanation"].splitlines()) >= 2
    assert all(line.startswith("      ") for line in block), block


def test_a_failure_with_no_known_cause_keeps_its_last_lines_of_output(cli, xdg_home):
    state = xdg_home / "state" / "torch-setup"
    assert not _run(state, _step("build", 2, "frobnicator: widget 7 is out of range")).ok
    first = _doctor(cli, xdg_home)["findings"][0]
    lines = first["explanation"].splitlines()
    assert lines[1:3] == ["python failed: exit code 2", "its last lines of output:"]
    assert lines[3].startswith(f"  $ {sys.executable} -c ") and lines[4:] == ["  frobnicator: widget 7 is out of range"]


def test_once_the_run_is_repeated_and_finishes_doctor_no_longer_mentions_it(cli, xdg_home):
    state = xdg_home / "state" / "torch-setup"
    assert not _run(state, _step("fetch"), _step("unpack", 3)).ok
    assert _run(state, _step("fetch"), _step("unpack")).ok
    assert "last-run" not in " ".join(f["id"] for f in _doctor(cli, xdg_home)["findings"])


def test_a_step_that_never_came_back_is_a_run_that_did_not_finish(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_LOCK_DIR", str(tmp_path / "locks"))
    journal = Journal(tmp_path)
    journal.record("a1", "done", "venv")
    journal.record("b2", "started", "torch", log="/var/log/run.log")
    finding = last_run_finding(tmp_path)
    assert finding is not None and finding.id == "last-run-unfinished"
    assert finding.title == "the last install did not finish step torch"
    assert finding.evidence == ("/var/log/run.log",)
    # no run holds a lock: it was killed, and "or it is still running" would send a person to wait for nothing
    assert "it was stopped (killed, or its terminal closed)" in finding.explanation
    assert "still running" not in finding.explanation
    data = json.loads(journal.path("b2").read_text())
    journal.path("b2").write_text(json.dumps({**data, "boot_id": "another-boot"}))
    assert "the machine has restarted since" in last_run_finding(tmp_path).explanation  # type: ignore[union-attr]


def test_no_journal_or_a_finished_run_gives_no_finding(tmp_path):
    assert last_run_finding(tmp_path) is None
    Journal(tmp_path).record("a1", "done", "torch")
    assert last_run_finding(tmp_path) is None


def test_the_time_of_the_stop_says_how_long_ago_while_that_is_short(tmp_path):
    Journal(tmp_path).record("a1", "failed", "torch", detail="uv failed: exit code 2")
    at = json.loads(Journal(tmp_path).path("a1").read_text())["at"]

    def first_line(seconds_later: float) -> str:
        return last_run_finding(tmp_path, now=at + seconds_later).explanation.splitlines()[0]  # type: ignore[union-attr]

    assert first_line(30).endswith(", less than a minute ago")
    assert first_line(5 * 60 + 1).endswith(", 5 min ago")
    assert first_line(3 * 3600).endswith(", 3 h ago")
    assert "ago" not in first_line(3 * 86400) and first_line(3 * 86400)[:2] == "20"


def test_a_stop_is_still_running_only_while_a_run_holds_the_lock_of_its_target(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_LOCK_DIR", str(tmp_path / "locks"))
    env = tmp_path / "env"
    Journal(tmp_path, target=str(env)).record("b2", "started", "torch")
    # a killed run leaves its lock file behind, unheld
    with RunLock([str(env)], fallback_dir=tmp_path):
        held = last_run_finding(tmp_path)
        assert held is not None and f"it is still running (pid {os.getpid()})" in held.explanation
        # not "run it again" beside a run that is still going (found in use), and the wizard's Welcome knows
        assert held.fix.startswith(f"wait for it to finish; if it hangs, stop it (`kill {os.getpid()}`)"), held.fix
        assert stop_running(tmp_path) == os.getpid()
        with RunLock([str(tmp_path / "other")], fallback_dir=tmp_path):
            pass
    (tmp_path / "locks" / lock_name(str(env))).write_text("{}")
    gone = last_run_finding(tmp_path)
    assert gone is not None and "still running" not in gone.explanation
    assert stop_running(tmp_path) is None
    assert "it was stopped (killed, or its terminal closed)" in gone.explanation
    with RunLock([str(tmp_path / "other")], fallback_dir=tmp_path):  # a run into somewhere else
        assert "still running" not in last_run_finding(tmp_path).explanation  # type: ignore[union-attr]
