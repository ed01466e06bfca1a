"""Under WSL, a build that needs a newer driver says to update the Windows driver first. Found in use: with
the recorded WSL laptop (Windows driver 566.36, CUDA 12.7) and the cu130 build chosen, Review listed the
build's reasons and a plan that only installs torch, and nothing said that the Windows driver must be
updated before the build can use the GPU."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle


def _options_text(app) -> str:
    """The builds the Combination screen lists, each with its reasons and needs, as text."""
    import io

    from rich.console import Console

    options = app.screen.query_one("#choices")
    console = Console(width=300, file=io.StringIO())
    for i in range(options.option_count):
        console.print(options.get_option_at_index(i).prompt)
    return console.file.getvalue()


async def _to_review_with(pilot, app, variant: str) -> None:
    await press_until(pilot, "n", "combination")
    choices = app.state.recommendation["choices"]
    index = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    await pilot.press("c", *["down"] * (index - app.state.choice_index))
    await settle(pilot)
    assert choices[app.state.choice_index]["variant"] == variant
    await press_until(pilot, "n", "review")


async def test_a_cuda_13_build_on_wsl_says_to_update_the_windows_driver(make_wizard):
    app = make_wizard("wsl-rtx4070laptop-566", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        text = " ".join(_options_text(app).split())
        assert ("needs the Windows NVIDIA driver updated to R580 or newer, in Windows (never a Linux driver "
                "inside WSL)") in text
        await _to_review_with(pilot, app, "cu130")
        assert app.state.plan is not None
        warning = app.screen.query_one("#windows-driver")
        text = " ".join(screen_text(app).split())
    assert "warning" in warning.classes
    assert ("Before installing: this build needs the Windows NVIDIA driver R580 or newer. Update the driver in "
            "Windows (nvidia.com/drivers); never install a Linux NVIDIA driver inside WSL") in text


async def test_a_build_the_windows_driver_runs_has_no_such_warning(make_wizard):
    app = make_wizard("wsl-rtx4070laptop-566", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_review_with(pilot, app, "cu126")
        assert app.state.plan is not None
        assert not app.screen.query("#windows-driver")
