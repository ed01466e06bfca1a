"""The Benchmark screen while it measures, and its note: a test the probe skips is never announced as
being measured (found on a CPU: "Measuring matmul-tf32…", then "not measured: TF32 is a GPU mode"); the
row being measured is named in the wizard's language; the note about bars says what the rows show."""

from __future__ import annotations

import threading
from typing import Any

from test_bench_units import CPU, _bench_blocks
from tui_support import settle, widget_text

from installer.plan.model import Plan
from installer.tui.engine import Engine


class _PausedBench(Engine):
    """The real Engine, whose benchmark sends what the probe sends on a CPU for its last tests, then waits
    until the test has read the screen."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.sent, self.go_on = threading.Event(), threading.Event()

    def bench(self, python: str, *, quick: bool, on_progress: Any = None) -> dict[str, Any]:
        assert on_progress is not None
        on_progress({"type": "progress", "test": "memory-bandwidth", "label": "main memory copy 64 MiB",
                     "done": 5, "total": 5, "bytes": 64 << 20, "memory": "main"})
        on_progress({"type": "progress", "test": "matmul-tf32", "label": "matmul-tf32", "done": 0, "total": 0,
                     "skipped": "TF32 is a GPU mode"})
        self.sent.set()
        self.go_on.wait(30)
        return CPU


async def _progress_line(make_wizard, in_tmp, dead_catalog, lang: str) -> str:
    engine = _PausedBench(catalog=dead_catalog, probe_timeout=2.0, include_current=False, state_dir=in_tmp / "state")
    app = make_wizard("cpu-only", as_this_machine=True, engine=engine, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.ensure_draft()
        app.state.draft["bench"] = "quick"
        app.state.plan = Plan(steps=(), summary=(), notes=(), target_python="/nonexistent/bin/python")
        app.go("bench")
        for _i in range(100):
            if engine.sent.is_set():
                break
            await pilot.pause(0.05)
        await pilot.pause(0.1)
        shown = widget_text(app.screen.query_one("#bench-progress"))
        engine.go_on.set()
        await settle(pilot)
        return shown


async def test_a_skipped_test_is_not_announced_and_the_last_row_stays(make_wizard, in_tmp, dead_catalog):
    assert await _progress_line(make_wizard, in_tmp, dead_catalog, "en") == "Measuring main memory copy 64 MiB (5/5)…"


async def test_the_row_being_measured_is_named_in_chinese(make_wizard, in_tmp, dead_catalog):
    assert await _progress_line(make_wizard, in_tmp, dead_catalog, "zh") == "正在测量 主内存复制 64 MiB (5/5)…"


async def test_the_note_says_a_figure_alone_in_its_unit_has_no_bar(make_wizard):
    shown: list[str] = []
    blocks = await _bench_blocks(make_wizard, CPU, shown)
    memory = blocks[1]
    assert "".join(c for c in memory[1] if c in "█░│") == ""  # the RAM copy, alone in GB/s
    assert ("Without a reference figure, a bar is drawn against the largest figure of its unit; a figure alone "
            "in its unit has none.") in shown
