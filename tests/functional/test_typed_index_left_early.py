"""The Mirrors screen left (n) while the PyTorch index typed by hand is still being probed: its probe goes with the
screen, and the Combination screen probes the index itself for the build chosen (found in review: no row came, so
no verdict and no probe for the chosen build either; the install would have failed with nothing said). And an index
that answers without the build is not called one that did not answer."""

from __future__ import annotations

import asyncio
import threading
from datetime import date

from textual.widgets import Static
from tui_support import mirror_servers, press_until, settle, type_pytorch_index, widget_text


def _warnings(app) -> str:
    return " ".join(widget_text(app.screen.query_one("#rec-warnings", Static)).split())


def _held(mirror, arrived: threading.Event, release: threading.Event):
    """`mirror` with every answer held until `release` is set; `arrived` is set by the first request."""
    def gate(reply):
        def route(path: str):
            arrived.set()
            release.wait(60)  # a bound only so that a failing test ends: the test releases it
            return reply
        return route

    mirror.routes = {path: gate(reply) for path, reply in mirror.routes.items()}
    mirror.fallback = gate(mirror_servers.Reply(404, b"not found", "text/plain"))  # the folder of a build it lacks
    return mirror


async def test_combination_probes_the_typed_index_when_mirrors_was_left_before_its_probe_ended(
        make_wizard, dead_catalog, in_tmp):
    from installer.tui.engine import Engine

    arrived, release = threading.Event(), threading.Event()
    # CPU wheels only: the rtx4090-550 ranking's first build is 2.14.1+cu126, which it does not serve
    live = _held(mirror_servers.torch_index(mirror_servers.Mirror("cpu-only"), variant="cpu",
                                            versions=("2.14.1", "2.15.0")), arrived, release).start()
    # a probe timeout the held request cannot reach: the Mirrors probe is cut short by leaving, never by timing out
    engine = Engine(catalog=dead_catalog, probe_timeout=60.0, include_current=False, state_dir=in_tmp / "state",
                    today=date(2026, 12, 5))
    app = make_wizard("rtx4090-550", dry_run=True, engine=engine)
    try:
        async with app.run_test(size=(110, 50)) as pilot:
            await press_until(pilot, "n", "mirrors")
            await settle(pilot, rounds=4)
            # left: the typed index's probe starts, and is held by the server
            await type_pytorch_index(pilot, f"{live.base}/whl")
            assert await asyncio.to_thread(arrived.wait, 30)
            await pilot.press("n")
            for _i in range(50):  # no settle: it waits for the workers, and the held probe is one
                if app.current_name == "combination":
                    break
                await pilot.pause()
            assert app.current_name == "combination"
            assert app.state.section("mirror")["pytorch"] == f"{live.base}/whl"
            assert not [r for r in app.state.mirror_rows if r.get("typed")]  # the Mirrors probe gave no row

            release.set()
            await settle(pilot, rounds=8)
            choice = app.screen.current_choice()
            assert (choice["variant"], choice["torch"]) == ("cu126", "2.14.1")
            typed = [r for r in app.state.mirror_rows if r.get("typed")]
            assert [(r["variant"], r["torch_version"], r["ok"], r["answered"]) for r in typed] == [
                ("cu126", "2.14.1", False, True)]
            warnings = _warnings(app)
            assert "typed by hand (Mirrors screen) does not serve torch 2.14.1+cu126" in warnings, warnings
            # it answered (404 for the cu126 folder): "no PyTorch index answered" would be false beside that line
            assert "no PyTorch index answered" not in warnings, warnings
            assert "torch 2.14.1+cu126 is on no PyPI either" in warnings, warnings
    finally:
        release.set()
        live.stop()
