"""doctor's command that goes on with a half-done install is the command of that same run: its --hardware,
--quiet and --probe-timeout too, as --yes (test_doctor_resume_yes.py). Found in review: they were dropped, so the
printed command planned for this machine instead of the saved report, talked where the run had been quiet, and
waited on mirrors for the default time. The run is real from `install`'s arguments to the journal (its plan's
steps swapped for one that fails), the hardware report is this machine's own (`detect --json`), and so is doctor."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from pathlib import Path

from installer.cli import build_parser
from installer.commands import install
from installer.executor.journal import Journal
from installer.plan.model import Command, Step
from installer.probes.last_run import last_run_findings

REPO = Path(__file__).resolve().parents[3]
FAILS = Step(id="torch", title="torch", kind="command", timeout=60,
             commands=(Command(argv=(sys.executable, "-c", "raise SystemExit(3)")),))


def _install(folder: Path, monkeypatch, **given: object) -> None:
    import installer.executor as executor

    real = executor.run_plan

    def steps_that_fail(plan, **kwargs):  # the plan as install made it (its meta), with a step that fails
        return real(type(plan)(steps=(FAILS,), summary=plan.summary, meta=plan.meta), **kwargs)

    monkeypatch.setattr(executor, "run_plan", steps_that_fail)
    monkeypatch.chdir(folder)
    args = argparse.Namespace(**{"answers": "cpu-venv.yaml", "hardware": None, "yes": True, "quiet": False,
                                 "probe_timeout": install.PROBE_TIMEOUT, **given})
    assert install.run(args) == 1


def _resume_fix(cli, machine: Path) -> str:
    r = cli("doctor", "--python", sys.executable, "--hardware", str(machine), "--json", "--timeout", "120")
    return next(f["fix"] for f in json.loads(r.stdout)["findings"] if f["id"] == "last-run-failed")


def _folder(tmp_path: Path, cli) -> tuple[Path, Path]:
    folder = tmp_path / "lab dir"
    folder.mkdir()
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", folder)
    machine = folder / "this machine.json"  # install refuses another machine's report: this one's
    detected = cli("detect", "--json")
    assert detected.returncode == 0, detected.stderr
    machine.write_text(detected.stdout)
    return folder, machine


def test_the_resume_command_keeps_hardware_quiet_and_probe_timeout(cli, xdg_home, tmp_path, monkeypatch):
    folder, machine = _folder(tmp_path, cli)
    _install(folder, monkeypatch, hardware=str(machine), quiet=True, probe_timeout=0.5)
    resume = (f"cd {shlex.quote(str(folder))} && torch-setup install --answers "
              f"{shlex.quote(str(folder / 'cpu-venv.yaml'))} --hardware {shlex.quote(str(machine))} "
              f"--yes --quiet --probe-timeout 0.5")
    fix = _resume_fix(cli, machine)
    assert f"run `{resume}`" in fix, fix
    # and it is a command install takes, with the same values
    words = shlex.split(resume.split(" && ", 1)[1])[1:]
    args = build_parser().parse_args(words)
    assert (args.hardware, args.quiet, args.probe_timeout, args.yes) == (str(machine), True, 0.5, True)


def test_defaults_add_nothing(cli, xdg_home, tmp_path, monkeypatch):
    folder, machine = _folder(tmp_path, cli)
    _install(folder, monkeypatch)
    fix = _resume_fix(cli, machine)
    assert f"--answers {shlex.quote(str(folder / 'cpu-venv.yaml'))} --yes`" in fix, fix
    assert "--hardware" not in fix and "--quiet" not in fix and "--probe-timeout" not in fix


def test_a_record_from_before_session_27_resumes_as_it_did(xdg_home, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\n")
    state = xdg_home / "state" / "torch-setup"
    Journal(state, target="/t", answers=str(answers), cwd=str(tmp_path), yes=True).record("d", "failed", "torch")
    raw = json.loads((state / "journal" / "d.json").read_text())
    for key in ("hardware", "quiet", "probe_timeout"):
        del raw[key]  # as session 26 wrote it
    (state / "journal" / "d.json").write_text(json.dumps(raw))
    fix = last_run_findings(state)[0].fix
    assert f"run `cd {tmp_path} && torch-setup install --answers {answers} --yes`" in fix, fix
