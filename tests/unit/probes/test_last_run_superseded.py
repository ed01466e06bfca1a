"""A stopped install is "the last install" only until a run into the same target finishes; it names its
target; and doctor does not follow its warning with "[ok] nothing to mend". Real runs of the executor (its
journal), real doctor (the CLI, this machine's interpreter).

Found in use (s22): after a failed install, the same install again finished with every step "unchanged"
(which writes no journal record), and doctor and the wizard's first screen still said "the last install
stopped at step torch"; with several environments nobody could tell which one it meant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from installer.executor.events import RunFinished
from installer.executor.runner import run_plan
from installer.plan.model import Command, Plan, Step
from installer.probes.last_run import last_record, last_run_finding, stop_summary, stop_target, stopped_run

MACHINE = str(Path(__file__).resolve().parents[2] / "fixtures" / "machines" / "cpu-only.json")


def _step(step_id: str, code: int = 0) -> Step:
    script = f"import sys; sys.exit({code})"
    return Step(id=step_id, title=step_id, kind="command", commands=(Command(argv=(sys.executable, "-c", script)),),
                timeout=60)


def _run(state: Path, target: str, python: str | None, *steps: Step) -> RunFinished:
    plan = Plan(steps=steps, summary=(("target", target),), target_python=python)
    *_, finished = run_plan(plan, state_dir=state)
    assert isinstance(finished, RunFinished)
    return finished


def test_a_later_run_into_the_same_target_that_finished_unchanged_supersedes_the_stop(tmp_path):
    state = tmp_path / "state"
    target = str(tmp_path / "proj")
    assert _run(state, target, sys.executable, _step("torch")).ok
    # with torchvision asked for too: its step fails
    assert not _run(state, target, sys.executable, _step("torch"), _step("torchvision", 1)).ok
    assert stopped_run(state) is not None and stop_target(state) == target
    # the first answers again: "done in an earlier run", which writes nothing to the journal
    assert _run(state, target, sys.executable, _step("torch")).ok
    assert last_record(state) is not None and last_record(state).status == "failed"  # still the newest record
    assert stopped_run(state) is None and stop_summary(state) is None and last_run_finding(state) is None


def test_a_run_into_another_target_leaves_the_stop_named_by_its_target(tmp_path):
    state = tmp_path / "state"
    stopped, other = str(tmp_path / "a b" / ".venv-torch"), str(tmp_path / "other")
    assert _run(state, other, None, _step("fetch")).ok
    assert not _run(state, stopped, str(tmp_path / "a b" / ".venv-torch" / "bin" / "python"), _step("torch", 1)).ok
    assert _run(state, other, None, _step("fetch")).ok  # done in an earlier run: a finish elsewhere
    finding = last_run_finding(state, checked={"executable": sys.executable, "prefix": sys.prefix})
    assert finding is not None
    assert finding.title == f"the install into {stopped} stopped at step torch"
    # what doctor did, said plainly (found in use, t10: "that is not the interpreter checked here" after the
    # reason it stopped read as a non sequitur)
    assert finding.explanation.splitlines()[1] == (f"doctor checked {sys.executable} (torch-setup's own Python), "
                                                   "not that environment")
    assert stop_target(state) == stopped  # for the wizard's first screen


def test_doctor_names_the_target_and_does_not_say_nothing_to_mend_under_it(cli, xdg_home, torch_python):
    state = xdg_home / "state" / "torch-setup"
    target = str(torch_python.parent.parent)
    assert not _run(state, target, str(torch_python), _step("torchvision", 1)).ok
    r = cli("doctor", "--python", str(torch_python), "--hardware", MACHINE, "--timeout", "300")
    lines = r.stdout.splitlines()
    assert f"  [warning] the install into {target} stopped at step torchvision" in lines
    assert "  [ok] nothing to mend" not in lines
    # this torch has no NumPy beside it (the wheel does not require it): that warning, not "nothing else to mend"
    assert "  [warning] NumPy is not installed beside torch 2.13.0+cpu" in lines
    # the interpreter checked is the one the run went into: no "doctor checked ..., not that environment"
    assert "not that environment" not in r.stdout
    doc = json.loads(cli("doctor", "--python", str(torch_python), "--hardware", MACHINE, "--json",
                         "--timeout", "300").stdout)
    assert [f["id"] for f in doc["findings"]] == ["last-run-failed", "numpy"]
