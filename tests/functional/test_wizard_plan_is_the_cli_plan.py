"""The wizard's plan for a recorded machine is the plan `torch-setup plan --answers F --hardware F` prints
for the same answers. Found in review: for a recorded 8x H100, the wizard's saved script installed the
`+cu126` pins through this machine's find-links, which the H100 does not have (its install would fail
there), while `plan --hardware` named the PyTorch index, as the H100 needs."""

from __future__ import annotations

from tui_support import MACHINES, press_until, settle

from installer.answers import dump_answers
from installer.plan.ahead import plan_from_files
from installer.plan.script import render_script


def _installs(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if " pip install " in line and not line.startswith("#")]


async def test_the_saved_script_installs_as_plan_does(make_wizard, in_tmp):
    app = make_wizard("h100x8-565", dry_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        wizard_script = app.state.script or ""
        answers = app.screen.answers
    assert wizard_script and answers is not None
    (in_tmp / "lab.yaml").write_text(dump_answers(answers))
    _answers, _report, plan = plan_from_files(str(in_tmp / "lab.yaml"), str(MACHINES / "h100x8-565.json"),
                                              probe_timeout=1.0)
    cli = _installs(render_script(plan))
    assert cli and _installs(wizard_script) == cli
    assert any("--extra-index-url https://download.pytorch.org/whl/cu" in line for line in cli), cli
