"""Label / value rows (Review's summary, the Hardware facts) keep a long value under itself when it
wraps. Found at 80 columns: Review's packages went on at the left edge, under the labels."""

from __future__ import annotations

from tui_support import press_until


def _drawn(widget) -> list[str]:
    return [strip.text.rstrip() for strip in widget.render_lines(widget.size.region) if strip.text.strip()]


async def test_a_long_value_wraps_under_itself(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "review")
        lines = _drawn(app.screen.query_one("#summary"))
        first = next(i for i, line in enumerate(lines) if line.startswith("packages"))
        column = len(lines[first]) - len(lines[first][len("packages"):].lstrip())
        assert lines[first + 1][:column].strip() == "", lines  # the packages' second line: under the value
        assert "torchaudio==" in " ".join(lines[first:first + 2]), lines
        assert all(len(line) <= app.screen.query_one("#summary").size.width for line in lines)
