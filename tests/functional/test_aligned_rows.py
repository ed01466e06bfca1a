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


async def test_an_error_on_review_wraps_its_hint_under_the_hint(make_wizard):
    # noticed for several sessions at 100 columns: the second line of a refusal's hint started at the left edge
    from installer.errors import InputError

    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "review")
        hint = "choose a folder of your own (such as ~/torch-env), or ask the owner of /srv/lab/shared to let you in"
        app.screen.show_error(InputError("/srv/lab/shared is not writable by you", file="<wizard>",
                                         key="target.path", hint=hint))
        await pilot.pause()
        error = app.screen.query_one("#plan .error")
        lines = [line.removeprefix("█") for line in _drawn(error)]  # the error's left border
        assert lines[0].strip() == "The plan cannot be made:"
        assert lines[1].strip() == "✗ /srv/lab/shared is not writable by you"
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("→ choose a folder"))
        column = lines[start].index("→") + 2
        assert lines[start + 1][:column].strip() == "" and lines[start + 1][column:].strip(), lines
        assert "let you in" in " ".join(lines[start:start + 3])
        assert any(line.strip().startswith("Go back (b)") for line in lines)
