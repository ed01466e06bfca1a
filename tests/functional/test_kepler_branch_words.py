"""A Kepler GPU's build needs driver branch R470, and only it: the Combination screen says so, not "R470 or newer"
(found by a tester on a K80; R535 and later ignore Kepler GPUs, drivers.yaml's last branch for Kepler)."""

from __future__ import annotations

from tui_support import press_until, screen_text

from installer.tui.screens.combination import action_text


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_combination_names_the_last_branch_not_or_newer(make_wizard):
    app = make_wizard("k80-nodriver", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        choice = app.screen.current_choice()
        said = _flat(screen_text(app))
        assert "this build needs NVIDIA driver branch R470 (newer branches do not run the GPU): Tesla K80" in said
        assert "or newer" not in said
        driver = next(a for a in choice["actions"] if a["kind"] == "install-driver")
        assert action_text(driver).startswith("needs NVIDIA driver branch R470 (newer branches do not run the GPU): ")
