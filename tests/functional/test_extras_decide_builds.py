"""The Combination screen offers the builds that fit the extras ticked, as `plan` pins them (recorded
cpu-only machine, Python field 3.15: torchaudio 2.11.0 has no 3.15 wheel, torch 2.15.0 and torchvision
do). Before, the list was made for both extras whatever was ticked, so unticking torchaudio still left
"No build fits"."""

from __future__ import annotations

from textual.widgets import Checkbox, Input
from tui_support import press_until, screen_text, settle


def offered(app) -> list[tuple[str, str, str]]:
    return [(c["torch"], c["variant"], c["python"]) for c in app.state.recommendation["choices"]]


async def test_unticking_torchaudio_offers_the_builds_it_alone_refused(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "combination")
        field = app.screen.query_one("#target-python", Input)
        field.focus()
        field.value = "3.15"
        await pilot.press("enter")  # finishes the field: the builds are worked out for Python 3.15
        await settle(pilot, rounds=6)
        assert offered(app) == []
        assert "No build fits this machine as it is." in screen_text(app)

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
