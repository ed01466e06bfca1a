"""A plan for a build that needs a driver, with no driver step, says the driver is not installed by it.

Found by a tester: `variant: cu126` with driver.install false on a machine with no driver loaded printed a
script whose header said "CUDA 12.6 build, after installing driver branch R535" above only the venv and
torch steps; a reader believed it installed the driver. `install` refuses such answers (installer.plan.
gpu_refusal); `plan` still prints them (exit 0), and says so atop the script and on stderr.
"""

from __future__ import annotations

from pathlib import Path

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
RECIPES = load_recipes(REPO / "recipes")
NOT_INSTALLED = "and this plan does NOT install a driver (it has no driver step)"


def _plan(machine: str, variant: str, *, driver: bool):
    answers = parse_answers(f"""\
version: 1
target: {{kind: venv, path: .venv-torch}}
torch: {{version: 2.13.0, variant: {variant}, extras: []}}
method: pip
driver: {{install: {str(driver).lower()}}}
""")
    report = load_report(MACHINES / f"{machine}.json")
    pins = resolve_pins(report, torch="2.13.0", variant=variant, python="3.12", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")


def _header(script: str) -> list[str]:
    return script.split("set -euo pipefail", 1)[0].splitlines()


def test_no_driver_step_means_the_note_says_the_driver_is_not_installed():
    plan = _plan("nodriver-rtx3060", "cu126", driver=False)
    assert [s.id for s in plan.steps] == ["venv", "torch"]
    assert not [n for n in plan.notes if "after installing driver branch" in n], plan.notes
    said = [n for n in plan.notes if NOT_INSTALLED in n]
    assert said == ["CUDA 12.6 build: it needs an NVIDIA driver (the branch torch-setup would install: R580), "
                    + NOT_INSTALLED + " -> install "
                    "it yourself (then reboot) before running this, or set driver.install: true in the answers and "
                    "plan again"], plan.notes
    header = _header(render_script(plan))
    assert header[2].startswith("# WARNING: `torch-setup install` refuses these answers on this machine: torch "
                                "2.13.0 (cu126) cannot use this machine's GPU as it is: cu126 wheels need driver >= "
                                "525.60.13; no NVIDIA driver is loaded."), header
    assert f"# note: {said[0]}" in header


def test_with_the_driver_step_the_build_is_still_after_installing_it():
    plan = _plan("nodriver-rtx3060", "cu126", driver=True)
    assert any(s.id.startswith("driver") for s in plan.steps)
    # R580, not R535: R535 is past NVIDIA's support (June 2026, drivers.yaml eol) on the day of the data
    assert "CUDA 12.6 build, after installing driver branch R580" in plan.notes
    assert not [n for n in plan.notes if "does NOT" in n]
    assert not [line for line in _header(render_script(plan)) if "WARNING" in line]


def test_an_update_within_the_branch_is_said_as_not_made():
    plan = _plan("rtx4090-580.65.05", "cu130", driver=False)
    assert not [s for s in plan.steps if s.id.startswith("driver")]
    assert ("CUDA 13.0 build: it needs the R580 driver updated to 580.65.06 or newer, and this plan does NOT update "
            "the driver (it has no driver step) -> install it yourself") in " ".join(plan.notes), plan.notes
    assert not [n for n in plan.notes if "after updating the R580 driver" in n]


def test_where_torch_setup_installs_no_driver_the_note_says_where_it_is_done():
    plan = _plan("rocky94-2x3060-560", "cu130", driver=False)
    said = [n for n in plan.notes if NOT_INSTALLED in n]
    assert len(said) == 1 and "install it with your distribution's packages" in said[0], plan.notes
    assert "driver.install: true" not in said[0]  # refused on Rocky Linux: not what to do


def test_plan_prints_the_script_and_warns_on_stderr(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text((REPO / "recipes" / "answers" / "cpu-venv.yaml").read_text()
                       .replace("version: 2.13.0", "version: latest").replace("variant: cpu", "variant: cu126"))
    shown = cli("plan", "--answers", "a.yaml", "--hardware", str(MACHINES / "nodriver-rtx3060.json"),
                "--probe-timeout", "0.2", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr  # what install would do is shown, as gpu_refusal says
    assert "# WARNING: `torch-setup install` refuses these answers" in shown.stdout
    assert "after installing driver branch" not in shown.stdout
    assert NOT_INSTALLED in shown.stdout
    lines = shown.stderr.splitlines()
    at = lines.index("warning: `torch-setup install` refuses these answers on the recorded machine; the script shows "
                     "what they would install:")
    assert lines[at + 1].startswith("a.yaml:11: torch.variant: torch ")  # the newest release, whichever it is
    assert "(cu126) cannot use the recorded machine's GPU as it is: cu126 wheels need driver >= " in lines[at + 1]
    assert lines[at + 2].startswith("  -> let this run install the driver (driver.install: true)")
