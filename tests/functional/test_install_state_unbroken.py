"""On the Install screen a step's state ("已跳过", "未运行（试运行）") is never broken across two lines,
whatever the length of the step's title. With the state written after the title in one text, Chinese
line breaking (installer/tui/cjk_wrap.py) may break between any two Han characters, and at 80x24 a
title of the wrong length left "已" at the end of one line and "跳过" at the start of the next."""

from __future__ import annotations

import dataclasses

import pytest
from textual.geometry import Region
from textual.widgets import Static
from tui_support import press_until, settle

from installer.executor.events import RunFinished, StepFinished, StepStarted

# titles of every length from well inside a line to its end, so that one of them puts the state
# across the edge whatever the screen's margins are
LENGTHS = range(44, 78)


def _title(n: int) -> str:
    return "安装 " + "x" * (n - 5)  # n cells: a Latin word that moves whole, so only the state can split


def _fake_run(plan, *, dry_run, cancel, simulate=True):
    for i, step in enumerate(plan.steps, 1):
        yield StepStarted(step.id, step.title, i, len(plan.steps))
        yield StepFinished(step.id, "skipped")
    yield RunFinished(ok=True)


def _drawn_lines(app) -> list[str]:
    lines: list[str] = []
    for widget in app.screen.query("#steps-list Static"):
        assert isinstance(widget, Static)
        # the whole widget, its padding included (size is the content's alone)
        lines += [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]
    return lines


@pytest.mark.parametrize("dry_run,state", [(False, "已跳过"), (True, "未运行（试运行）")])
async def test_a_step_state_stays_on_one_line_in_chinese_at_80x24(make_wizard, dry_run, state):
    app = make_wizard("cpu-only", lang="zh", dry_run=dry_run, as_this_machine=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "review")
        plan = app.state.plan
        assert plan is not None and plan.steps
        model = dataclasses.replace(plan.steps[0], root=False)
        steps = tuple(dataclasses.replace(model, id=f"step-{n}", title=_title(n)) for n in LENGTHS)
        app.state.plan = dataclasses.replace(plan, steps=steps)
        app.engine.run_plan = _fake_run
        await pilot.press("n")
        await press_until(pilot, "n", "install", limit=1)
        await settle(pilot)
        assert app.state.run_result is not None and app.state.run_result.ok
        lines = _drawn_lines(app)
        whole = [line for line in lines if state in line]
        assert len(whole) == len(steps), "\n".join(line for line in lines if line)
        # and no piece of it is left at the end or the start of a line
        head, tail = state[0], state[-1]
        assert not [line for line in lines if line.endswith(head) or line.lstrip().startswith(tail)], lines
