"""The Install screen while it runs, and its log: found by a tester, keyboard only, at 80 columns."""

from __future__ import annotations

import asyncio

from textual.widgets import RichLog
from tui_support import press_until, settle

LINE = ("Installed 12 packages: filelock==3.20.0 fsspec==2025.10.0 jinja2==3.1.6 typing-extensions==4.16.0 "
        "sympy==1.14.0")


async def test_back_and_next_are_not_offered_while_the_steps_run(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(80, 30)) as pilot:
        await press_until(pilot, "n", "install", limit=20)
        screen = app.screen
        app.run_active = True  # as while a step runs (a dry run is over before a key could be pressed)
        assert screen.check_action("back", ()) is False and screen.check_action("next", ()) is False
        app.run_active = False
        for _i in range(40):
            if app.state.run_result is not None:
                break
            await asyncio.sleep(0.2)
        await settle(pilot)
        assert screen.check_action("next", ()) is True


async def test_a_line_written_while_the_log_is_hidden_wraps_at_spaces(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(80, 30)) as pilot:
        await press_until(pilot, "n", "install", limit=20)
        await pilot.press("l")  # the log hidden
        await settle(pilot)
        app.screen.log_line(LINE)
        await pilot.press("l")
        await settle(pilot)
        lines = [strip.text.rstrip() for strip in app.screen.query_one("#log", RichLog).lines]
        assert any(line.endswith("typing-extensions==4.16.0") or "typing-extensions==4.16.0 " in line + " "
                   for line in lines), lines
        assert not any(line.endswith("typing-extensions==4") for line in lines)
