"""A Kepler GPU with no driver: the Combination screen does not tick a driver install the plan would refuse
(R470, which torch-setup does not install), and says what to do instead. Found by a tester on a K80: "install
NVIDIA driver branch 470" was ticked, and Review refused it, blaming driver.branch, never set by the user."""

from __future__ import annotations

from textual.widgets import Checkbox
from tui_support import press_until


async def test_no_driver_tick_for_a_kepler_gpu_and_what_to_do_instead(make_wizard):
    app = make_wizard("k80-nodriver", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        choice = app.state.recommendation["choices"][app.state.choice_index]
        assert choice["variant"].startswith("cu")  # the build needs R470, which the user installs
        driver = app.screen.query_one("#driver", Checkbox)
        assert not driver.display and not driver.value
        said = " ".join(app.screen.driver_not_here(choice))
        assert "nvidia-driver-470-server" in said
        await press_until(pilot, "n", "review")
        assert app.state.draft.get("driver", {}).get("install") is not True
