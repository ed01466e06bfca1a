"""The Combination screen's Python field is checked when it is left, by the rules `plan --answers` applies
to target.python: text that is neither a version nor a path (3.x), a version no release has (2.7), a path
with no interpreter on this machine. The problem shows under the field, no builds are listed while it
stands (found in use: the list still offered the builds for the Python detected, as "3 choices"), and
they come back when the field is put right."""

from __future__ import annotations

import sys

from textual.widgets import Input, OptionList
from tui_support import press_until, settle, widget_text


async def _type_python(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#target-python", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text, "tab")  # Tab leaves the field: that finishes it
    await settle(pilot)


def _problem(app) -> str | None:
    box = app.screen.query_one("#python-problem")
    return " ".join(widget_text(box).split()) if box.display else None


def _builds(app) -> int:
    return app.screen.query_one("#choices", OptionList).option_count


def _headline(app) -> str:
    return " ".join(widget_text(app.screen.query_one("#rec-warnings")).split())


async def test_text_that_is_no_python_lists_no_builds_until_it_is_put_right(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        offered = _builds(app)
        assert offered >= 2 and _problem(app) is None

        await _type_python(pilot, "3.x")
        assert _problem(app) == ("'3.x': give a Python version like 3.11, or the path of an interpreter like "
                                 "/usr/bin/python3.11")
        assert _builds(app) == 0
        assert _headline(app) == "No builds are listed while the Python field (below) is wrong."
        assert widget_text(app.screen.query_one("#nav-hint")) == "the Python field is wrong"
        assert app.screen.query_one("#nav-next").disabled
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "combination"

        await _type_python(pilot, "3.12")
        assert _problem(app) is None
        assert _builds(app) == offered
        assert "No builds are listed" not in _headline(app)
        assert all(c["python"] == "3.12" for c in app.state.recommendation["choices"])


async def test_a_version_no_release_has_says_which_do_and_lists_no_builds(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:  # the body scrolls at this height
        await press_until(pilot, "n", "combination")
        await _type_python(pilot, "2.7")
        problem = _problem(app) or ""
        assert problem.startswith("No PyTorch release has wheels for Python 2.7: the releases support Python 3.")
        assert problem.endswith("→ type one of those versions, or empty the field for the Python detected")
        assert _builds(app) == 0

        await pilot.press("b")  # the screen is made again from what the field holds
        await press_until(pilot, "n", "combination")
        assert _builds(app) == 0 and (_problem(app) or "").startswith("No PyTorch release has wheels for Python 2.7")
        assert app.screen.query_one("#body").scroll_y == 0  # its top, not the empty list's place

        await _type_python(pilot, "")
        assert _problem(app) is None and _builds(app) >= 2


async def test_a_path_with_no_interpreter_is_named_on_this_machine_only(make_wizard, in_tmp):
    missing = str(in_tmp / "no-env" / "bin" / "python")
    here = make_wizard(None, dry_run=True)  # this machine, detected live
    async with here.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        await _type_python(pilot, missing)
        assert _problem(here) == (f"{missing}: no Python interpreter there → give the path of an existing python "
                                  "executable, e.g. /path/to/venv/bin/python")
        assert _builds(here) == 0

        await _type_python(pilot, sys.executable)  # a real one: its own version picks the builds
        assert _problem(here) is None and _builds(here) >= 1

    # a recorded machine's paths are that machine's: nothing here can say it has no interpreter there
    recorded = make_wizard("cpu-only", dry_run=True)
    async with recorded.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        await _type_python(pilot, missing)
        assert _problem(recorded) is None


async def test_a_ranking_made_before_the_field_went_wrong_is_not_shown_after(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        old_key, old = app.state.recommendation_key, app.state.recommendation
        await _type_python(pilot, "3.x")
        app.screen.recommended(old_key, old)  # as a worker started before Tab would post it back
        await settle(pilot)
        assert _builds(app) == 0 and app.state.recommendation is None
