"""The Mirrors screen tells the mirrors that failed the same way once, not once each. Found in use: where
no mirror could be reached, some thirty near-identical two-line reasons filled the screen under the table."""

from __future__ import annotations

from tui_support import press_until, settle, widget_text


async def test_mirrors_that_failed_the_same_way_are_told_together(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)  # the dead catalog: every mirror refuses the connection
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        for _i in range(40):
            await settle(pilot)
            if app.state.mirrors_probed:
                break
        failed = [r["id"] for r in app.state.mirror_rows if not r.get("ok")]
        assert len(failed) >= 3, app.state.mirror_rows
        lines = [line for line in widget_text(app.screen.query_one("#reasons")).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    ids, _sep, reason = lines[0].removeprefix("✗ ").partition(": ")
    assert sorted(ids.split(", ")) == sorted(failed)  # in the table's order of kinds, each once
    assert reason.startswith("connection refused by 127.0.0.1")
    assert lines[0].count("127.0.0.1") == 1  # the host, named once for all of them
