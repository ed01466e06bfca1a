"""A recorded machine's (--hardware) target folder is said as the answers keep it, with where the install there
takes it from, on Review and in the plan script's header: not this computer's resolution of it, which its home
may not have. Found by a tester: Combination said ".venv-torch, in the folder the install is run from on the
recorded machine", then Review `target /home/t10/.venv-torch`, and `plan --hardware` `#   target:` the same.
The plan's commands keep this computer's absolute paths (the planner is pure); the header says so."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_support import press_until, settle, widget_text

from installer.answers import Answers

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"
WHERE_RUN = ", in the folder the install is run from on the recorded machine"


async def test_review_says_a_recorded_target_as_typed(make_wizard, in_tmp):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        summary = " ".join(widget_text(app.screen.query_one("#summary")).split())
        resolved = " ".join(widget_text(app.screen.query_one("#resolved-here")).split())
        script = app.state.script or ""
        await press_until(pilot, "b", "combination")
        app.screen.query_one("#target-path", Input).value = "~/envs/torch"
        await settle(pilot)
        await press_until(pilot, "n", "review")
        await settle(pilot)
        home = " ".join(widget_text(app.screen.query_one("#summary")).split())
    assert f"target .venv-torch{WHERE_RUN}" in summary, summary
    assert str(in_tmp) not in summary, summary
    # the steps name this computer's folder: the note above them says so, as the script's header does
    assert resolved.startswith(f"the commands below use {in_tmp / '.venv-torch'}, where that folder is on this "
                               "computer, not on the recorded machine"), resolved
    # the script saved from Review (s) says it as `plan` does
    assert f"#   target: .venv-torch{WHERE_RUN}\n" in script, script
    assert "target ~/envs/torch, in the home folder of whoever runs the install on the recorded machine" in home, home
    assert str(Path.home()) not in home, home


async def test_this_machine_s_review_keeps_the_absolute_target(make_wizard, in_tmp):
    app = make_wizard("rtx4090-550", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        summary = " ".join(widget_text(app.screen.query_one("#summary")).split())
        noted = len(app.screen.query("#resolved-here"))
        script = app.state.script or ""
    assert f"target {in_tmp / '.venv-torch'}" in summary, summary
    assert noted == 0
    assert f"#   target: {in_tmp / '.venv-torch'}\n" in script and "commands below use" not in script, script


def _plan(cli, folder: Path, target: str, *hardware: str) -> str:
    (folder / "a.yaml").write_text(f"version: 1\ntarget:\n  kind: conda\n  path: {target}\nmethod: conda\n"
                                   "mirror:\n  pytorch: none\n")
    out = cli("plan", "--answers", "a.yaml", *hardware, "--probe-timeout", "0.1", cwd=folder,
              env={"LANG": "C.UTF-8"})
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_plan_for_a_recorded_machine_says_its_folder_as_typed(cli, in_tmp):
    script = _plan(cli, in_tmp, '"lab envs/torch"', "--hardware", str(MACHINES / "rtx4090-550.json"))
    header = script.split("set -euo pipefail")[0]
    assert f"#   target: lab envs/torch{WHERE_RUN}\n" in header, header
    resolved = in_tmp / "lab envs" / "torch"
    assert (f"# the commands below use {resolved}, where that folder is on this computer, not on the recorded "
            "machine: plan again there (torch-setup plan --answers, with the same answers file) before running it "
            "there\n") in header, header
    assert str(resolved) in script.split("set -euo pipefail")[1]  # the commands are as they were


def test_plan_for_this_machine_keeps_the_absolute_target(cli, in_tmp):
    script = _plan(cli, in_tmp, '"lab envs/torch"')
    assert f"#   target: {in_tmp / 'lab envs' / 'torch'}\n" in script, script
    assert "recorded machine" not in script.split("set -euo pipefail")[0]


def test_an_absolute_or_wheelhouse_target_is_left_as_planned():
    from installer.plan.model import Plan
    from installer.plan.recorded_folder import recorded_target

    recorded = Plan(steps=(), meta={"recorded": "true"})
    here = Plan(steps=(), meta={"recorded": ""})
    assert recorded_target(Answers.model_validate({"target": {"path": "/opt/envs/torch"}}), recorded) is None
    assert recorded_target(Answers.model_validate({"target": {"path": "env"}}), here) is None
    assert recorded_target(Answers.model_validate({"target": {"path": "$HOME/env"}}), recorded) == "$HOME/env"
    assert recorded_target(Answers.model_validate({"target": {"path": "~root/env"}}), recorded) == (
        "~root/env, on the recorded machine")
    build = Answers.model_validate({"method": "wheelhouse-build", "wheelhouse": "wh", "target": {"path": "env"}})
    assert recorded_target(build, recorded) is None
