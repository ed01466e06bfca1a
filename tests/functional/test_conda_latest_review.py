"""The shipped conda-env.yaml (`version: latest`) in the wizard: Review reached with Welcome's j plans the release
Combination's list leads with for the conda method, and walking back to Combination and on again changes nothing.
Found in use (a recorded RTX 4090 on driver 580.65.06): j showed torch 2.15.0 at Review, with a note that
torch-setup has no record of it on conda-forge, "choose 2.12.0"; b to Combination chose 2.12.0, "known on
conda-forge"; n then showed 2.12.0 at Review, and that was what Save answers wrote."""

from __future__ import annotations

from pathlib import Path

from tui_support import press_until, screen_text, settle

from installer.compat.conda_forge import newest_known

CONDA_ENV = Path(__file__).resolve().parents[2] / "recipes" / "answers" / "conda-env.yaml"


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_jump_and_walk_reach_the_same_release(make_wizard):
    known = newest_known()
    app = make_wizard("rtx4090-580.65.06", dry_run=True, answers_path=str(CONDA_ENV))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        jumped = dict(app.state.plan.summary)
        assert (jumped["torch"], jumped["variant"]) == (known, "cu130")
        text = _flat(screen_text(app))
        assert f"torch.version is latest: torch {known}, the newest release torch-setup knows conda-forge" in text
        assert "has no record of pytorch" not in text
        await press_until(pilot, "b", "combination")
        await settle(pilot, rounds=6)
        chosen = app.screen.current_choice()
        assert (chosen["torch"], chosen["variant"], chosen.get("conda_forge")) == (known, "cu130", True)
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        walked = dict(app.state.plan.summary)
        assert (walked["torch"], walked["variant"], walked["packages"]) == (known, "cu130", jumped["packages"])
