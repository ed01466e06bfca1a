"""The wizard plans for the interpreter the Combination screen names, as `plan --answers` does: that
interpreter is examined (its version picks the wheels; PEP 668 and permissions are known before Install),
not the Python torch-setup itself runs on."""

from __future__ import annotations

import pytest
from helpers import distro_python
from textual.widgets import Input
from tui_support import press_until, screen_text, settle, widget_text

from installer.answers import parse_answers


def _existing(python: str):
    return parse_answers(f"version: 1\ntarget:\n  kind: existing\n  python: {python}\n"
                         "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n")


async def test_a_python_the_system_manages_is_refused_at_review(make_wizard, in_tmp, monkeypatch):
    system = distro_python(in_tmp / "distro")
    if system is None:
        pytest.skip("needs Debian's /usr/bin/python3.11 to stand in for a distribution's Python")
    monkeypatch.delenv("PIP_BREAK_SYSTEM_PACKAGES", raising=False)
    app = make_wizard(None, dry_run=True, answers=_existing(str(system)))  # this machine, detected live
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        assert app.screen.query_one("#target-python", Input).value == str(system)
        await pilot.press("n")
        await settle(pilot, rounds=8)
        # said at the field, with the way out in the wizard's own fields (found in use: only Review said it)
        assert app.current_name == "combination"
        problem = " ".join(widget_text(app.screen.query_one("#python-problem")).split())
        assert f"{system} belongs to the operating system" in problem, problem
        assert f"choose \"a new virtual environment\" under Target environment, with {system} in the Python field" \
            in problem
        # an answers file given to the wizard may name it all the same: Review's plan refuses it, as `plan` does
        app.go("review")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        text = " ".join(screen_text(app).split())
        assert "The plan cannot be made:" in text
        assert f"target.python: {system} belongs to the operating system" in text
        assert "Go back (b) and change the answer named above (Combination screen, Python)." in text
        assert not app.screen.can_go_next()
    assert app.state.report_detected and app.state.report is not None
    assert app.state.report.python.executable != str(system)  # the machine's report is the wizard's own Python's
    assert app.state.target_reports[str(system)][1].python.externally_managed is not None


async def test_consent_lets_the_plan_through(make_wizard, in_tmp, monkeypatch):
    system = distro_python(in_tmp / "distro")
    if system is None:
        pytest.skip("needs Debian's /usr/bin/python3.11 to stand in for a distribution's Python")
    monkeypatch.setenv("PIP_BREAK_SYSTEM_PACKAGES", "1")
    app = make_wizard(None, dry_run=True, answers=_existing(str(system)))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "review", limit=40)
        await settle(pilot, rounds=8)
        plan = app.state.plan
        assert plan is not None, screen_text(app)
        assert "--break-system-packages" in plan.steps[-1].commands[-1].argv
        assert "pip's configuration allows installing into it anyway" in " ".join(screen_text(app).split())


def _another_cpython() -> tuple[str, str] | None:
    """(X.Y, interpreter) of a CPython 3.10+ on this machine other than the one running the tests."""
    import glob
    import os
    import sys

    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    for exe in sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3.*") + glob.glob("/usr/bin/python3.*")
                      + glob.glob("/usr/local/bin/python3.*")):
        version = os.path.basename(exe).removeprefix("python")
        if version.replace(".", "").isdigit() and version != here and int(version.split(".")[1]) >= 10 \
                and os.access(exe, os.X_OK):
            return version, exe
    return None


async def test_the_builds_offered_are_for_the_interpreter_named(make_wizard, in_tmp):
    other = _another_cpython()
    if other is None:
        pytest.skip("needs a second CPython 3.10+ on this machine")
    version, exe = other
    app = make_wizard(None, dry_run=True, answers=_existing(exe))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        choice = app.screen.current_choice()
        assert choice is not None, screen_text(app)
        assert choice["python"] == version  # not the Python torch-setup runs on
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        plan = app.state.plan
        assert plan is not None, screen_text(app)
        assert plan.target_python == exe


def _existing_unpinned(python: str):
    return parse_answers(f"version: 1\ntarget:\n  kind: existing\n  python: {python}\n")


async def test_builds_that_need_another_python_are_refused_for_an_existing_interpreter(make_wizard):
    """titanv-515 (recorded) runs Python 3.8. Into that interpreter, 2.7.1 cu118 ('needs Python 3.9') cannot
    be installed: it is among the refused, with why, and the screen says what would bring it back."""
    app = make_wizard("titanv-515", dry_run=True, answers=_existing_unpinned("/usr/bin/python3"))
    async with app.run_test(size=(110, 50)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        rec = app.state.recommendation
        assert rec["choices"], screen_text(app)
        assert all(c["python"] == "3.8" and not any(a["kind"] == "install-python" for a in c["actions"])
                   for c in rec["choices"])
        text = " ".join(screen_text(app).split())
        assert "newer builds need another Python than 3.8, the one this install goes into" in text
        await pilot.press("r")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "torch 2.7.1 has no wheel for Python 3.8 on Linux x86_64 (it has 3.9-3.13)" in text
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        assert app.state.plan is not None, screen_text(app)  # the choice made is one that interpreter can take


async def test_the_builds_for_an_interpreter_named_by_path_survive_the_mirrors_screen(make_wizard):
    """With the build left to the machine (variant auto), the Mirrors screen works out the build its probe
    looks for, and keeps that list for the Combination screen: it must be the list for the interpreter
    named (Python 3.9 here), not one for 'no Python' that offers a build needing Python 3.12."""
    exe = "/root/.pyenv/versions/3.9.18/bin/python3.9"
    import os

    if not os.access(exe, os.X_OK):
        pytest.skip("needs pyenv's CPython 3.9 on this machine")
    app = make_wizard(None, dry_run=True, answers=_existing_unpinned(exe))
    async with app.run_test(size=(110, 50)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=8)
        rec = app.state.recommendation
        assert rec["facts"]["python"] == "3.9", rec["facts"]
        assert rec["choices"] and all(c["python"] == "3.9" for c in rec["choices"]), rec["choices"]
        assert not any(a["kind"] == "install-python" for c in rec["choices"] for a in c["actions"])


async def test_a_recorded_machine_says_nothing_of_another_interpreter_so_nothing_is_refused_for_it(make_wizard):
    """titanv-515's report describes /usr/bin/python3 (3.8). An interpreter elsewhere, named by path, is
    of a version the report does not know (it is not on this disk to examine): builds are not refused
    for a Python it may not have, the ranking stays as it is."""
    app = make_wizard("titanv-515", dry_run=True, answers=_existing_unpinned("/opt/other/bin/python3"))
    async with app.run_test(size=(110, 50)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        rec = app.state.recommendation
        assert any(a["kind"] == "install-python" for c in rec["choices"] for a in c["actions"]), rec["choices"]
        assert "newer builds need another Python" not in " ".join(screen_text(app).split())


async def test_a_path_with_no_interpreter_sends_the_person_back_to_the_python_field(make_wizard, in_tmp):
    """Typed wrong in the wizard, the path was refused as `--python: no Python interpreter there`: an option
    the wizard does not have, and no word of where to fix it."""
    missing = str(in_tmp / "no-such" / "bin" / "python3")
    app = make_wizard(None, dry_run=True, answers=_existing(missing))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=4)
        problem = " ".join(widget_text(app.screen.query_one("#python-problem")).split())
        assert problem.startswith(f"{missing}: no Python interpreter there")  # said at the field first
        assert not app.screen.can_go_next()
        app.go("review")  # where the Welcome screen's jump takes an answers file: Review names it too
        await settle(pilot, rounds=8)
        text = " ".join(screen_text(app).split())
        assert f"target.python: {missing}: no Python interpreter there" in text, text
        assert "--python" not in text
        assert "Go back (b) and change the answer named above (Combination screen, Python)." in text
        assert not app.screen.can_go_next()
