"""The Combination screen's Wheelhouse field is checked as it is typed, by what `plan` checks of the folder:
there, made by a wheelhouse build (found in use: /opt/wheels, wheels gathered by hand, passed this screen
and Review refused it), copied whole. A sound one says which pins it was built for, to choose the build
by; Next stays on the screen while the field is wrong or empty."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Checkbox, Input, RadioButton
from tui_support import hidden_rows, press_until, settle, widget_text

from installer.paths import answers_examples


def _shown(app, box: str) -> str | None:
    widget = app.screen.query_one(box)
    return " ".join(widget_text(widget).split()) if widget.display else None


async def _type_wheelhouse(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#wheelhouse", Input)
    field.value = text  # each change is checked: what the keys would type, at once
    await settle(pilot, rounds=1)


async def test_the_wheelhouse_is_checked_as_it_is_typed(make_wizard, in_tmp, monkeypatch):
    gathered = in_tmp / "wheels"
    gathered.mkdir()
    (gathered / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"not a real wheel")
    built = in_tmp / "torch-wheelhouse"
    built.mkdir()
    (built / "manifest.json").write_text(json.dumps({"format": 1, "requirements": ["torch==2.13.0+cpu"],
                                                     "files": []}))
    (built / "requirements.txt").write_text("torch==2.13.0+cpu\n")

    app = make_wizard(None, dry_run=True)  # this machine, detected live: its folders can be looked at
    rang: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rang.append(1))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert _shown(app, "#wheelhouse-problem") is None  # pip: no wheelhouse
        app.screen.query_one("#method-wheel", RadioButton).value = True
        await settle(pilot)
        assert _shown(app, "#wheelhouse-problem") is None  # empty, waiting to be filled

        await pilot.press("n")  # empty at Next: said, and the screen stays
        await settle(pilot)
        assert app.current_name == "combination" and rang == [1]
        assert _shown(app, "#wheelhouse-problem") == ("Give the folder of the wheelhouse to install from, the "
                                                      "one a wheelhouse build made")

        await _type_wheelhouse(pilot, str(in_tmp / "no-such"))
        assert _shown(app, "#wheelhouse-problem") == (f"there is no wheelhouse folder at {in_tmp / 'no-such'} → "
                                                      "build one on a machine with network (method: "
                                                      f"wheelhouse-build, see {answers_examples()}wheelhouse-build"
                                                      ".yaml and the README), copy it here and give its path as "
                                                      "wheelhouse; nothing was changed")

        await _type_wheelhouse(pilot, "wheels")  # relative: from the folder torch-setup runs in
        problem = _shown(app, "#wheelhouse-problem") or ""
        assert problem.startswith(f"{gathered} was not made by a wheelhouse build: it has no manifest.json → "
                                  "build the wheelhouse with method: wheelhouse-build")
        assert _shown(app, "#wheelhouse-holds") is None
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination" and rang == [1, 1]

        await _type_wheelhouse(pilot, "~nosuchuser-ts/wheels")  # the answers file's own rules first
        assert (_shown(app, "#wheelhouse-problem") or "").startswith("no user 'nosuchuser-ts' for ~nosuchuser-ts")

        await _type_wheelhouse(pilot, str(built))
        await settle(pilot, rounds=6)  # its build leads the list (test_wheelhouse_lead.py), made again
        assert _shown(app, "#wheelhouse-holds") == "built for torch==2.13.0+cpu"
        # sound, but the extras ticked are not in it
        assert (_shown(app, "#wheelhouse-problem") or "").startswith(
            f"the wheelhouse {built} was built for torch==2.13.0+cpu, not for torchvision==")
        for extra in ("torchvision", "torchaudio"):
            app.screen.query_one(f"#extra-{extra}", Checkbox).value = False
        await settle(pilot, rounds=6)
        assert _shown(app, "#wheelhouse-problem") is None

        app.screen.query_one("#method-pip", RadioButton).value = True  # another method: nothing to say
        await settle(pilot)
        assert _shown(app, "#wheelhouse-problem") is None and _shown(app, "#wheelhouse-holds") is None


async def test_a_recorded_machines_wheelhouse_is_not_looked_for_here(make_wizard, in_tmp):
    """Its paths are that machine's: only the answers file's rules apply here (Review's dry run then checks)."""
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#method-wheel", RadioButton).value = True
        await settle(pilot)
        await _type_wheelhouse(pilot, "/media/usb/torch-wheelhouse")
        assert _shown(app, "#wheelhouse-problem") is None
        await _type_wheelhouse(pilot, "C:\\wheels")
        assert (_shown(app, "#wheelhouse-problem") or "").startswith("'C:\\wheels' is a Windows path")


async def test_a_wheelhouse_for_another_python_is_said_at_the_field(make_wizard, in_tmp):
    """As Review's plan says it (found in use: a wheelhouse built for 3.12 passed on a 3.11 machine): the
    Python the field names, or else the one detected."""
    import platform
    import sys

    built = in_tmp / "wh312"
    built.mkdir()
    (built / "manifest.json").write_text(json.dumps({"format": 1, "requirements": ["torch==2.13.0+cpu"],
                                                     "python_version": "3.2", "files": [],
                                                     "platforms": [f"manylinux_2_28_{platform.machine()}"]}))
    (built / "requirements.txt").write_text("torch==2.13.0+cpu\n")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    app = make_wizard(None, dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#method-wheel", RadioButton).value = True
        await settle(pilot)
        await _type_wheelhouse(pilot, str(built))
        problem = _shown(app, "#wheelhouse-problem") or ""
        assert problem.startswith(f"the wheelhouse {built} was built for Python 3.2, and the Python it would install "
                                  f"into is {here}"), problem


@pytest.mark.parametrize("rows", [18, 19, 20])
async def test_the_wheelhouse_problem_is_scrolled_into_view_as_it_is_typed(make_wizard, in_tmp, rows):
    """As the Folder field's (test_folder_live): at these heights the Wheelhouse field is on the terminal's last rows
    when Tab reaches it, and the problem typing shows under it was below the screen (2, 2 and 1 rows before)."""
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, rows)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#method-wheel", RadioButton).value = True
        await settle(pilot)
        await pilot.press("tab", "tab")  # from the list of builds: the method, then the wheelhouse's field
        field = app.screen.query_one("#wheelhouse", Input)
        assert app.screen.focused is field
        await pilot.press(*"~nosuchuser-ts/w")
        await settle(pilot)
        assert (_shown(app, "#wheelhouse-problem") or "").startswith("no user 'nosuchuser-ts'")
        assert hidden_rows(app, "#wheelhouse-problem") == 0 and hidden_rows(app, "#wheelhouse") == 0
