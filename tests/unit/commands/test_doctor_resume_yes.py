"""doctor's command that goes on with a half-done install has --yes when that run had it. Found in review: a
run from a script (`install --answers F --yes`) stopped, and the command doctor printed to resume it asked
for a confirmation no one was there to give (with no terminal: refused, exit 2). The run is real from
`install`'s arguments to the journal (its plan's steps swapped for one that fails), and so is doctor."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from installer.commands import install
from installer.executor.journal import Journal
from installer.plan.model import Command, Step
from installer.probes.last_run import last_run_findings

REPO = Path(__file__).resolve().parents[3]
MACHINE = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
FAILS = Step(id="torch", title="torch", kind="command", timeout=60,
             commands=(Command(argv=(sys.executable, "-c", "raise SystemExit(3)")),))


def _install(folder: Path, monkeypatch, *, yes: bool) -> None:
    import installer.executor as executor

    real = executor.run_plan

    def steps_that_fail(plan, **kwargs):  # the plan as install made it (its meta), with a step that fails
        return real(type(plan)(steps=(FAILS,), summary=plan.summary, meta=plan.meta), **kwargs)

    monkeypatch.setattr(executor, "run_plan", steps_that_fail)
    monkeypatch.setattr(install, "_confirm", lambda plan: True)  # a person at a terminal who said yes
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.chdir(folder)
    args = argparse.Namespace(answers="cpu-venv.yaml", hardware=None, yes=yes, quiet=True, probe_timeout=0.5)
    assert install.run(args) == 1


@pytest.mark.parametrize("yes", [True, False])
def test_the_resume_command_has_yes_when_the_run_had_it(cli, xdg_home, tmp_path, monkeypatch, yes):
    folder = tmp_path / "lab dir"
    folder.mkdir()
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", folder)
    _install(folder, monkeypatch, yes=yes)
    r = cli("doctor", "--python", sys.executable, "--hardware", MACHINE, "--json", "--timeout", "120")
    fix = next(f["fix"] for f in json.loads(r.stdout)["findings"] if f["id"] == "last-run-failed")
    resume = f"cd {shlex.quote(str(folder))} && torch-setup install --answers " \
             f"{shlex.quote(str(folder / 'cpu-venv.yaml'))}"
    # (and this run's --quiet and --probe-timeout: test_doctor_resume_same_run.py)
    assert f"run `{resume}{' --yes' if yes else ''} --quiet --probe-timeout 0.5`" in fix, fix


def test_a_record_from_before_says_no_yes(xdg_home, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\n")
    state = xdg_home / "state" / "torch-setup"
    Journal(state, target="/t", answers=str(answers), cwd=str(tmp_path)).record("d", "failed", "torch")
    raw = json.loads((state / "journal" / "d.json").read_text())
    del raw["yes"]  # as session 25 wrote it
    (state / "journal" / "d.json").write_text(json.dumps(raw))
    fix = last_run_findings(state)[0].fix
    assert f"--answers {answers}`" in fix and "--yes" not in fix
