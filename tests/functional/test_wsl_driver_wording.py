"""Under WSL, a build that needs a newer driver says to update the Windows driver first. Found in use: with
the recorded WSL laptop (Windows driver 566.36, CUDA 12.7) and the cu130 build chosen, Review listed the
build's reasons and a plan that only installs torch, and nothing said that the Windows driver must be
updated before the build can use the GPU. Later, the build's entry said the update twice: the engine's
reason and the wizard's own warning, in the same words; and Review said it three ways (two reasons and
the warning)."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle


def _option_text(app, variant: str) -> str:
    """One build's entry in the list, as text."""
    import io

    from rich.console import Console

    choices = app.state.recommendation["choices"]
    index = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    console = Console(width=300, file=io.StringIO())
    console.print(app.screen.query_one("#choices").get_option_at_index(index).prompt)
    return console.file.getvalue()


async def _to_review_with(pilot, app, variant: str) -> None:
    await press_until(pilot, "n", "combination")
    choices = app.state.recommendation["choices"]
    index = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    await pilot.press("c", *["down"] * (index - app.state.choice_index), "enter")
    await settle(pilot)
    assert choices[app.state.choice_index]["variant"] == variant
    await press_until(pilot, "n", "review")


async def test_a_cuda_13_build_on_wsl_says_to_update_the_windows_driver(make_wizard):
    app = make_wizard("wsl-rtx4070laptop-566", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        cu130 = " ".join(_option_text(app, "cu130").split())
        # said once, in the engine's words (plan and recommend say them too), and why, with the driver it has
        assert cu130.count("R580") == 1, cu130
        assert ("CUDA 13.0 build, after updating the Windows driver to branch R580 or newer (in Windows, not "
                "inside WSL)") in cu130
        assert "⚠ cu130 wheels need a driver that runs CUDA 13.0; the Windows driver is 566.36" in cu130
        assert "needs the Windows NVIDIA driver" not in cu130
        await _to_review_with(pilot, app, "cu130")
        assert app.state.plan is not None
        warning = app.screen.query_one("#windows-driver")
        text = " ".join(screen_text(app).split())
    assert "warning" in warning.classes
    assert ("Before installing: this build needs the Windows NVIDIA driver R580 or newer. Update the driver in "
            "Windows (nvidia.com/drivers); never install a Linux NVIDIA driver inside WSL") in text
    # and once: the build's reason that says the same update is left to the warning; why stays
    assert text.count("R580") == 1, text
    assert "cu130 wheels need a driver that runs CUDA 13.0; the Windows driver is 566.36" in text


async def test_a_build_the_windows_driver_runs_has_no_such_warning(make_wizard):
    app = make_wizard("wsl-rtx4070laptop-566", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_review_with(pilot, app, "cu126")
        assert app.state.plan is not None
        assert not app.screen.query("#windows-driver")


async def test_off_wsl_a_driver_a_build_needs_is_said_once_too(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        cu130 = " ".join(_option_text(app, "cu130").split())
    assert "CUDA 13.0 build, after installing driver branch R580" in cu130
    assert "needs NVIDIA driver branch" not in cu130
    assert "⚠ cu130 wheels need driver >= 580.65.06; the recorded machine has 550.54.14" in cu130
