"""The Python field's PEP 668 check (Target environment: an existing Python interpreter) reads the one
examination of the typed interpreter that the builds list is made from, kept per interpreter file: checking the
field again runs nothing, and an interpreter replaced at the same path is examined again.

Found in review: every check of the field ran the typed interpreter again (tens of milliseconds each, more on
a busy machine), on top of detection's own run of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import distro_python
from textual.widgets import Input
from tui_support import press_until, settle, widget_text


def _counting_wrapper(folder: Path, python: Path, runs: Path) -> Path:
    """An interpreter path that notes each start in `runs`, then is `python` (the stand-in keeps its prefix:
    exec with its own path)."""
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "python3"
    wrapper.write_text(f"#!/bin/sh\necho run >> '{runs}'\nexec '{python}' \"$@\"\n")
    wrapper.chmod(0o755)
    return wrapper


def _runs(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


def _problem(app) -> str | None:
    shown = app.screen.query_one("#python-problem")
    return " ".join(widget_text(shown).split()) if shown.display else None


async def test_the_field_check_runs_the_interpreter_once_per_file(make_wizard, in_tmp, monkeypatch):
    system = distro_python(in_tmp / "distro")
    if system is None:
        pytest.skip("needs Debian's /usr/bin/python3.11 to stand in for a distribution's Python")
    monkeypatch.delenv("PIP_BREAK_SYSTEM_PACKAGES", raising=False)
    runs = in_tmp / "runs"
    python = str(_counting_wrapper(in_tmp / "wrapped" / "bin", system, runs))
    app = make_wizard(None, dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-existing").value = True
        await settle(pilot)
        field = app.screen.query_one("#target-python", Input)
        field.focus()
        field.value = ""
        await pilot.press(*python, "tab")
        await settle(pilot, rounds=6)
        problem = _problem(app)
        assert problem is not None and f"{python} belongs to the operating system" in problem, problem
        first = _runs(runs)
        assert first == 1, f"the interpreter ran {first} times for one path"

        for _ in range(3):  # the field checked again: Next refused, the target chosen again
            await pilot.press("n")
            await settle(pilot)
            app.screen.show_python_problem()
            app.screen.query_one("#target-venv").value = True
            await settle(pilot)
            app.screen.query_one("#target-existing").value = True
            await settle(pilot)
        assert app.current_name == "combination"
        assert _problem(app) is not None
        assert _runs(runs) == first

        # another interpreter put at the same path: examined again, once
        stat = os.stat(python)
        os.utime(python, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
        app.screen.show_python_problem()
        await settle(pilot, rounds=6)
        app.screen.show_python_problem()
        await settle(pilot)
        assert _runs(runs) == first + 1
        assert _problem(app) is not None
