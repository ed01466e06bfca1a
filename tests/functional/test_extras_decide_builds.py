"""The Combination screen offers the builds that fit the extras ticked, as `plan` pins them (recorded
cpu-only machine, Python field 3.15: torchaudio 2.11.0 has no 3.15 wheel, torch 2.15.0 and torchvision
do). Before, the list was made for both extras whatever was ticked, so unticking torchaudio still left
"No build fits"."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input
from tui_support import press_until, screen_text, settle


def offered(app) -> list[tuple[str, str, str]]:
    return [(c["torch"], c["variant"], c["python"]) for c in app.state.recommendation["choices"]]


# Enter finishes the field and moves on; Esc leaves it (test_escape_leaves_field): either way the builds
# are worked out again for Python 3.15
@pytest.mark.parametrize("leave", ["enter", "escape"])
async def test_unticking_torchaudio_offers_the_builds_it_alone_refused(make_wizard, leave):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-python", Input).focus()
        await pilot.press(*"3.15", leave)
        await settle(pilot, rounds=6)
        assert app.state.recommendation_key[1] == "3.15"
        assert offered(app) == []
        shown = " ".join(screen_text(app).split())
        assert "No build fits the recorded machine as it is. Press r to see what was refused and why." in shown
        # with what would let the newer builds fit, under it
        assert "need another Python than 3.15" in shown and "install with Python 3.14 to have it" in shown

        audio = app.screen.query_one("#extra-torchaudio", Checkbox)
        audio.focus()
        await pilot.press("space")  # unticked
        await settle(pilot, rounds=6)
        assert not audio.value
        assert offered(app)[0] == ("2.15.0", "cpu", "3.15")
        assert "No build fits" not in screen_text(app)

        await press_until(pilot, "n", "review")
        plan = app.state.plan
        assert plan is not None, screen_text(app)
        packages = dict(plan.summary)["packages"]
        assert "torch==2.15.0+cpu" in packages and "torchvision==" in packages and "torchaudio" not in packages

        # ticked again, on the way back: refused again, as plan would need another Python for it
        await press_until(pilot, "b", "combination")
        audio = app.screen.query_one("#extra-torchaudio", Checkbox)
        audio.focus()
        await pilot.press("space")
        await settle(pilot, rounds=6)
        assert audio.value and offered(app) == []
