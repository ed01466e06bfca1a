"""Benchmark: runs in the new environment (in a worker), then draws each figure as a bar against what
this GPU should reach, in a block per unit."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from installer.i18n import _
from installer.i18n.linebreak import cells
from installer.tui.screens.base import TargetRunScreen, busy

BAR = 24


# What installer/probes/bench.py names a CPU whose model /proc/cpuinfo does not give: platform.processor()
# or platform.machine(), which are the architecture, not a model
ARCHITECTURES = {"x86_64", "amd64", "i386", "i686", "aarch64", "arm64", "arm", "armv7l", "ppc64le", "s390x",
                 "riscv64"}


def precision(dtype: str) -> str:
    """A matmul's number format in words, its short name kept: fp16 alone said nothing to most people."""
    words = {"fp32": _("single precision (fp32)"), "tf32": _("TensorFloat-32 (tf32)"),
             "fp16": _("half precision (fp16)"), "bf16": _("bfloat16 (bf16)")}
    return words.get(dtype, dtype)


def shown_name(test: dict[str, Any], on_gpu: bool = True) -> str:
    """A test's name on the screen, in the wizard's language: a matmul by its precision in words (the size it
    ran at stays in the saved result and the command line's table; at 80 columns the figures had no room
    left); the copies by what they move between; another test by its label. `on_gpu`: the run was on a GPU
    (on a CPU the probe's "device memory copy" is a copy in the computer's own memory)."""
    test_id = str(test.get("id") or "")
    dtype = str(test.get("dtype") or "") or (test_id.removeprefix("matmul-") if test_id.startswith("matmul-") else "")
    if dtype:
        return _("matmul {precision}", precision=precision(dtype))
    copies = {"memory-bandwidth": _("GPU memory copy") if on_gpu else _("main memory copy (RAM)"),
              "h2d-pinned": _("host to GPU, pinned memory"), "h2d-pageable": _("host to GPU, pageable memory"),
              "d2h-pinned": _("GPU to host, pinned memory"), "d2h-pageable": _("GPU to host, pageable memory")}
    if test_id in copies:
        return copies[test_id]
    return str(test.get("label") or test_id.replace("-", " ") or "?")


def on_gpu(result: dict[str, Any]) -> bool:
    """The run measured a GPU, not the CPU (a result that does not say its device's type is taken for a
    GPU's, as before)."""
    device = result.get("device")
    return not (isinstance(device, dict) and device.get("type") == "cpu")


def figures_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark's tests as rows: name, median, unit, and the card's peak (None when no reference
    figure is known for it, as on a CPU)."""
    rows = []
    gpu = on_gpu(result)
    for t in result.get("tests", []):
        if t.get("median") is None:
            continue
        rows.append({"name": shown_name(t, gpu), "value": float(t["median"]), "unit": t.get("unit", ""),
                     "expected": t.get("peak")})
    return rows


def device_name(result: dict[str, Any]) -> str:
    """What the benchmark ran on, in words: a CPU is said to be one (found in use: "Device: AMD EPYC" on a
    machine without a GPU left open whether a GPU was measured), named by its model when that is known."""
    device = result.get("device")
    if not isinstance(device, dict):
        return str(device or "")
    name = str(device.get("name") or "")
    if not on_gpu(result):
        if not name or name.lower() in ARCHITECTURES:
            return _("CPU (no GPU used)")
        return _("CPU, {name} (no GPU used)", name=name)
    return name or str(device.get("type") or "")


def bar(value: float, expected: float | None, scale: float) -> str:
    """A bar of the value, on the scale of the largest figure; the expected value marked with │."""
    width = BAR
    filled = int(round(width * min(value / scale, 1.0))) if scale > 0 else 0
    cells = ["█"] * filled + ["░"] * (width - filled)
    if expected and scale > 0:
        mark = min(width - 1, int(round(width * min(expected / scale, 1.0))) - 1)
        if mark >= 0:
            cells[mark] = "│"
    return "".join(cells)


class BenchScreen(TargetRunScreen):
    NAME = "bench"
    RESULT = "bench_result"
    BOX = "figures"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("r", "rerun", "Run again"),
    ]

    def body(self) -> ComposeResult:
        yield busy(_("Measuring…"), text_id="bench-progress")
        yield Vertical(id="figures")

    def quick(self) -> bool:
        return self.state.draft.get("bench", "quick") != "full"

    def dry_run_note(self) -> str:
        return _("Dry run: nothing was installed, so nothing is measured. After a real install this screen "
                 "measures matrix multiply speed per precision and memory bandwidth, against what this GPU "
                 "should reach.")

    def start(self, python: str) -> None:
        self.measure(python)

    def show_saved(self, result: dict[str, Any]) -> None:
        self.show(result)

    @work(thread=True, exclusive=True, group="bench")
    def measure(self, python: str) -> None:
        from installer.probes.results import label

        def progress(event: dict[str, Any]) -> None:
            # a test the probe skips is announced with no figures to come: "Measuring matmul-tf32…" on a
            # CPU, then "not measured"; the result says it once
            if event.get("type") != "progress" or event.get("skipped") or not event.get("total"):
                return
            what = label(event)
            what += f" ({event.get('done', 0)}/{event['total']})"
            self.app.call_from_thread(self.query_one("#bench-progress", Static).update,
                                      escape(_("Measuring {what}…", what=what)))

        try:
            result = self.engine.bench(python, quick=self.quick(), on_progress=progress)
        except Exception as exc:  # shown on the screen
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show, result)

    def show_error(self, exc: BaseException) -> None:
        self.mount_error(_("The benchmark could not run:"), exc, _("benchmark failed"))

    def show(self, result: dict[str, Any]) -> None:
        self.state.bench_result = result
        self.query_one("#busy").display = False
        box = self.box()
        box.remove_children()
        rows = figures_of(result)
        device = device_name(result)
        widgets = []
        if device:
            widgets.append(Static(_("Device: {name}", name=escape(str(device))), classes="section"))
        by_unit: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_unit.setdefault(r["unit"], []).append(r)
        # Each unit a block of its own, headed by it: GFLOP/s and GB/s never share a scale (found in use on
        # a CPU: memory GB/s and matmul GFLOP/s both drawn as full bars, one under the other). A figure
        # with a reference is drawn against it (│); one without, against the largest of its unit, and
        # alone in its unit, with no bar at all (a full bar would compare it with nothing).
        width = max((cells(str(r["name"])) for r in rows), default=0)
        compared = alone = False
        for unit, group in by_unit.items():
            loose = [r for r in group if not r["expected"]]
            # name, bar, figure: a figure too long for the line goes on under itself
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=width, no_wrap=True)
            grid.add_column(width=BAR, no_wrap=True)
            grid.add_column(overflow="fold")
            for r in group:
                if r["expected"]:
                    drawn = bar(r["value"], r["expected"], max(r["value"], r["expected"]))
                elif len(loose) > 1:
                    drawn = bar(r["value"], None, max(x["value"] for x in loose))
                    compared = True
                else:
                    drawn = ""
                    alone = True
                figure = f"{r['value']:.1f} {unit}"
                if r["expected"]:
                    figure += " " + _("({share:.0f}% of {expected:.0f})", share=100 * r["value"] / r["expected"],
                                      expected=float(r["expected"]))
                grid.add_row(Text(str(r["name"])), drawn, Text(figure))
            widgets.append(Static(Group(Text(unit, style="bold"), grid), classes="bars"))
        if any(r["expected"] for r in rows):
            widgets.append(Static(_("│ marks what this GPU should reach."), classes="muted"))
        if compared:
            # the note says what the rows show: a figure alone in its unit has no bar (found in use: the note
            # promised one to every figure, and the RAM copy, alone in GB/s, had none)
            widgets.append(Static(_("Without a reference figure, a bar is drawn against the largest figure of its "
                                    "unit; a figure alone in its unit has none.") if alone else
                                  _("Without a reference figure, a bar is drawn against the largest figure of its unit."),
                                  classes="muted"))
        for skipped in result.get("skipped", []):
            # in words, as the measured rows are named, not by the JSON id (matmul-tf32)
            test = shown_name(skipped, on_gpu(result))
            widgets.append(Static(escape(_("{test} not measured: {reason}", test=test,
                                           reason=_(skipped.get("reason", "")))), classes="muted"))
        for note in result.get("notes", []):
            widgets.append(Static(escape(str(note)), classes="warning"))
        if not rows:
            widgets.append(Static(_("The benchmark returned no figures."), classes="warning"))
        box.mount_all(widgets)
        self.refresh_nav(_("measured"))


SCREEN = BenchScreen
