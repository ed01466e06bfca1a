"""A Python typed in the Combination screen's field and then cleared gives back the builds for the Python
detected, led by the recommended one. Found in use (Rocky, no answers file): 3.9 typed, then cleared, left
"torch 2.11.0 · cu128 … as in the answers" chosen (the build the ranking had chosen for 3.9, taken for the
answers' pin), and Review went on with it. A build the person chose stays chosen while the list has it."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import press_until, settle


async def _type_python(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#target-python", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text, "tab")
    await settle(pilot, rounds=6)


def _chosen(app) -> dict:
    return app.state.recommendation["choices"][app.state.choice_index]


async def test_clearing_the_field_brings_the_recommendation_back(make_wizard):
    app = make_wizard("rocky94-2x3060-560", dry_run=True)
    async with app.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=6)
        first = (_chosen(app)["torch"], _chosen(app)["variant"])
        count = len(app.state.recommendation["choices"])

        await _type_python(pilot, "3.9")
        for_39 = (_chosen(app)["torch"], _chosen(app)["variant"])
        assert for_39 != first and _chosen(app)["python"] == "3.9"

        await _type_python(pilot, "")
        choices = app.state.recommendation["choices"]
        assert (_chosen(app)["torch"], _chosen(app)["variant"]) == first
        assert not any(c.get("pinned") for c in choices), "a build no answers file named is shown as its pin"
        assert len(choices) == count


async def test_a_build_chosen_by_hand_stays_chosen(make_wizard):
    app = make_wizard("rocky94-2x3060-560", dry_run=True)
    async with app.run_test(size=(100, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=6)
        app.screen.query_one("#choices").focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        picked = (_chosen(app)["torch"], _chosen(app)["variant"])
        assert app.state.choice_index == 1

        app.screen.query_one("#extra-torchaudio").value = False  # another list, for other extras
        await settle(pilot, rounds=6)
        assert (_chosen(app)["torch"], _chosen(app)["variant"]) == picked
