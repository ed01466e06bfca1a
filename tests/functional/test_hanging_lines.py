"""A line that starts with a mark (✗, ⚠, a step's number) goes on, when too long, under its text, not at the
left edge under the mark. Found in use at 100 columns: the Refused list, Review's step titles, the
mirrors' failures each had their second line start at column 1."""

from __future__ import annotations

from tui_support import press_until, settle


def _drawn(widget) -> list[str]:
    return [strip.text.rstrip() for strip in widget.render_lines(widget.size.region) if strip.text.strip()]


def _hangs(lines: list[str], mark: str) -> None:
    """Each line that does not start a new item (`mark`) is a continuation: it starts under the text."""
    indent = len(mark)
    continued = [line for line in lines if not line.startswith(mark)]
    assert continued, lines  # the width chosen makes some wrap: otherwise the test proves nothing
    for line in continued:
        assert line[:indent].strip() == "" and line[indent:indent + 1].strip(), lines


async def test_the_refused_builds_wrap_under_their_text(make_wizard):
    app = make_wizard("gtx960-580", dry_run=True)
    async with app.run_test(size=(70, 60)) as pilot:
        await press_until(pilot, "n", "combination")
        await pilot.press("r")
        await settle(pilot)
        lines = _drawn(app.screen.query_one("#refused"))
    assert lines[0].strip() == "Refused"
    _hangs(lines[1:], "  ✗ ")


async def test_the_mirrors_failures_wrap_under_their_text(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)  # the dead catalog: every mirror refuses the connection
    async with app.run_test(size=(60, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        for _i in range(40):
            await settle(pilot)
            if app.state.mirrors_probed:
                break
        lines = _drawn(app.screen.query_one("#reasons"))
    _hangs(lines, "✗ ")


async def test_a_long_step_title_wraps_under_itself(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(60, 40)) as pilot:
        await press_until(pilot, "n", "review")
        title = app.screen.query(".step-title").first()
        lines = _drawn(title)
        commands = _drawn(app.screen.query(".cmd").last())  # uv pip install and its pins
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "install"
        running = _drawn(app.screen.query_one("#run-step-1"))
    # "1. Create the virtual environment /tmp/…/.venv-torch (pip)": the path is longer than the line
    assert lines[0].startswith("1. Create the virtual environment")
    _hangs(lines, "1. ")
    _hangs(commands, "     $ ")  # the .cmd padding, then the mark
    _hangs(running, running[0][:5])  # "✓ 1. " or "= 1. ", as the dry run left it
