"""Where torch cannot go, said at the field: the venv torch-setup runs from (Combination's Folder, or its Python
for an existing interpreter) and an operating system's Python (PEP 668) as an existing interpreter; and a Review
whose plan cannot be made offers no Install, no saving.

Found by a newcomer: Folder ~/ts-venv, torch-setup's own venv, was called "an environment already: torch goes
into it", and nothing refused it until `verify` called it "not a place for torch"; /usr/bin/python3, with its
EXTERNALLY-MANAGED file, was taken as an existing interpreter, and Review then said "The plan cannot be made"
with "n Install", "a Save answers", "s Save script" and "Install ▶" still offered, each doing nothing.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import distro_python
from textual.widgets import Button, Input
from tui_support import press_until, screen_text, settle, widget_text

from installer.tui.engine import Engine


def _own_venv(tmp: Path) -> Path:
    """A real venv standing for the one torch-setup runs from (the tests' interpreter may run from none)."""
    env = tmp / "ts-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    return env


def _engine(tmp: Path, own: Path) -> Engine:
    return Engine(catalog=None, probe_timeout=2.0, include_current=False, state_dir=tmp / "state",
                  today=date(2026, 12, 5), own_env=(str(own),))


def _problem(app, box: str) -> str | None:
    shown = app.screen.query_one(box)
    return " ".join(widget_text(shown).split()) if shown.display else None


def _footer_keys(app) -> dict[str, bool]:
    """The keys the footer shows, each with whether it works now."""
    return {b.key: enabled for (_node, b, enabled, _tip) in app.screen.active_bindings.values() if b.show}


async def _type(pilot, field_id: str, text: str) -> None:
    field = pilot.app.screen.query_one(field_id, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text, "tab")
    await settle(pilot)


async def test_the_folder_torch_setup_runs_from_is_refused_at_the_field(make_wizard, in_tmp, dead_catalog):
    own = _own_venv(in_tmp)
    engine = _engine(in_tmp, own)
    engine.catalog = dead_catalog
    app = make_wizard(None, dry_run=True, engine=engine)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        await _type(pilot, "#target-path", str(own))
        problem = _problem(app, "#path-problem")
        assert problem == (f"{own} is the environment torch-setup runs from: installing torch there would change "
                           "torch-setup's own packages → choose another folder, e.g. ~/.venv-torch"), problem
        assert not app.screen.query_one("#path-where").display  # not "an environment already: torch goes into it"
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"

        await _type(pilot, "#target-path", str(in_tmp / "other-env"))
        assert _problem(app, "#path-problem") is None


async def test_its_python_is_refused_as_an_existing_interpreter(make_wizard, in_tmp, dead_catalog):
    own = _own_venv(in_tmp)
    engine = _engine(in_tmp, own)
    engine.catalog = dead_catalog
    app = make_wizard(None, dry_run=True, engine=engine)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-existing").value = True
        await settle(pilot)
        python = str(own / "bin" / "python")
        await _type(pilot, "#target-python", python)
        problem = _problem(app, "#python-problem")
        assert problem is not None and problem.startswith(f"{python} is torch-setup's own Python: {own} is the "
                                                          "environment torch-setup runs from"), problem
        assert "choose another interpreter, or choose \"a new virtual environment\" under Target environment" in problem
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"


async def test_an_operating_system_python_is_refused_as_an_existing_interpreter(make_wizard, in_tmp, monkeypatch):
    # a stand-in for a distribution's Python: its stdlib folder has PEP 668's marker, which the planner reads
    # (installer.hardware.target_python.install_facts)
    system = distro_python(in_tmp / "distro")
    if system is None:
        pytest.skip("needs Debian's /usr/bin/python3.11 to stand in for a distribution's Python")
    python = str(system)
    monkeypatch.delenv("PIP_BREAK_SYSTEM_PACKAGES", raising=False)
    app = make_wizard(None, dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-existing").value = True
        await settle(pilot)
        await _type(pilot, "#target-python", python)
        problem = _problem(app, "#python-problem")
        assert problem is not None and "belongs to the operating system" in problem, problem
        assert f"choose \"a new virtual environment\" under Target environment, with {python} in the Python field" in problem
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"

        # the way out the field names: a new environment made from it
        app.screen.query_one("#target-venv").value = True
        await settle(pilot)
        assert _problem(app, "#python-problem") is None


async def test_review_offers_nothing_when_the_plan_cannot_be_made(make_wizard, in_tmp, dead_catalog):
    own = _own_venv(in_tmp)
    engine = _engine(in_tmp, own)
    engine.catalog = dead_catalog
    app = make_wizard(None, dry_run=False, engine=engine)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        # past the field's check (an answers file may name it): Review's plan refuses it
        app.state.draft["target"].update(kind="venv", path=str(own))
        app.go("review")
        await settle(pilot, rounds=4)
        assert app.current_name == "review"
        assert app.state.plan is None
        text = " ".join(screen_text(app).split())
        assert "The plan cannot be made:" in text and f"{own} is the environment torch-setup runs from" in text, text
        assert "(Combination screen, Folder)" in text, text
        # hidden, not greyed as while the plan is being made: none of them can do anything now
        keys = _footer_keys(app)
        assert "n" not in keys and "a" not in keys and "s" not in keys and keys.get("b"), keys
        assert not app.screen.query_one("#nav-next", Button).display
        await pilot.press("n", "s", "a")
        await settle(pilot)
        assert app.current_name == "review" and len(app.screen_stack) == 2  # no run, no dialog
