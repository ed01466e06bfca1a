"""Benchmark: runs in the new environment (in a worker), then draws each figure as a bar against what
this GPU should reach."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from installer.i18n import _
from installer.i18n.linebreak import cells, pad
from installer.tui.screens.base import TargetRunScreen, busy

BAR = 24


def figures_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark's tests as rows: name, median, unit, and the card's peak (None when no reference
    figure is known for it, as on a CPU)."""
    rows = []
    for t in result.get("tests", []):
        if t.get("median") is None:
            continue
        rows.append({"name": t.get("label") or t.get("id") or "?", "value": float(t["median"]),
                     "unit": t.get("unit", ""), "expected": t.get("peak")})
    return rows


def device_name(result: dict[str, Any]) -> str:
    device = result.get("device")
    if isinstance(device, dict):
        return str(device.get("name") or device.get("type") or "")
    return str(device or "")


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
        def progress(event: dict[str, Any]) -> None:
            if event.get("type") != "progress":
                return
            what = str(event.get("label") or event.get("test") or "")
            if event.get("total"):
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
        # one scale per unit (GFLOP/s and GB/s do not share an axis), one column for all the bars
        width = max((cells(str(r["name"])) for r in rows), default=0) + 1
        for unit, group in by_unit.items():
            scale = max(max(r["value"], r["expected"] or 0) for r in group)
            lines = []
            for r in group:
                line = f"{escape(pad(str(r['name']), width))} {bar(r['value'], r['expected'], scale)} " \
                       f"{r['value']:.1f} {escape(unit)}"
                if r["expected"]:
                    share = 100 * r["value"] / r["expected"]
                    line += " " + escape(_("({share:.0f}% of {expected:.0f})", share=share,
                                           expected=float(r["expected"])))
                lines.append(line)
            widgets.append(Static("\n".join(lines), classes="bars"))
        if any(r["expected"] for r in rows):
            widgets.append(Static(_("│ marks what this GPU should reach."), classes="muted"))
        for skipped in result.get("skipped", []):
            # in words, as the measured rows are labelled ("matmul tf32"), not the JSON id (matmul-tf32)
            test = skipped.get("label") or str(skipped.get("id", "?")).replace("-", " ")
            widgets.append(Static(escape(_("{test} not measured: {reason}", test=test,
                                           reason=_(skipped.get("reason", "")))), classes="muted"))
        for note in result.get("notes", []):
            widgets.append(Static(escape(str(note)), classes="warning"))
        if not rows:
            widgets.append(Static(_("The benchmark returned no figures."), classes="warning"))
        box.mount_all(widgets)
        self.refresh_nav(_("measured"))


SCREEN = BenchScreen
