"""A PyTorch index typed by hand on the Mirrors screen is probed as the catalog's are, with the verdict the plan
reaches: a row "typed by hand" in the table, probed again by `p`, and the index pip is given said under the field
(found by a tester: https://nonsense.invalid/whl was in no row, `p` left it alone, Combination warned of nothing, and
/cpu was added to it, said first by Review's command)."""

from __future__ import annotations

from textual.widgets import DataTable, Static
from tui_support import mirror_servers, press_until, settle, type_pytorch_index, widget_text


def _typed_row(app) -> list[str]:
    table = app.screen.query_one("#table", DataTable)
    return [str(c) for c in table.get_row("pytorch/by-hand")]


async def _type_url(pilot, url: str) -> None:
    await type_pytorch_index(pilot, url)  # left: checked, then probed
    await settle(pilot, rounds=4)


async def test_a_typed_index_gets_a_row_a_probe_and_its_final_url(make_wizard):
    live = mirror_servers.torch_index(mirror_servers.Mirror("typed"), versions=("2.13.0", "2.14.1", "2.15.0")).start()
    app = make_wizard("cpu-only", dry_run=True)
    try:
        async with app.run_test(size=(110, 50)) as pilot:
            await press_until(pilot, "n", "mirrors")
            await settle(pilot, rounds=4)
            await _type_url(pilot, f"{live.base}/whl")
            row = _typed_row(app)
            assert row[1] == "typed by hand" and row[4].startswith("✓"), row
            note = widget_text(app.screen.query_one("#url-note-pytorch", Static))
            assert f"pip is given {live.base}/whl/cpu" in " ".join(note.split())
            # the server goes away: p probes the typed index again, and it fails like a catalog row
            live.stop()
            await pilot.press("p")
            await settle(pilot, rounds=6)
            assert _typed_row(app)[4].startswith("✗")
            reasons = " ".join(widget_text(app.screen.query_one("#reasons", Static)).split())
            assert "typed by hand" in reasons
            # and Combination says the install will fail, as it does when auto finds no index
            await press_until(pilot, "n", "combination")
            await settle(pilot, rounds=6)
            warnings = " ".join(widget_text(app.screen.query_one("#rec-warnings", Static)).split())
            assert "no PyTorch index answered" in warnings
    finally:
        live.stop()


async def test_a_dead_typed_index_is_said_at_once(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(110, 50)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await settle(pilot, rounds=4)
        await _type_url(pilot, "http://127.0.0.1:9/whl")
        assert _typed_row(app)[4].startswith("✗")
        reasons = " ".join(widget_text(app.screen.query_one("#reasons", Static)).split())
        assert "typed by hand: connection refused" in reasons.lower() or "typed by hand" in reasons
        app.screen.save()
        assert [r["ok"] for r in app.state.pytorch_rows()] == [False]  # only the typed index counts now
