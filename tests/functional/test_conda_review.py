"""The shipped conda-env.yaml (`version: latest`, `variant: auto`) in the wizard: Review reached with Welcome's j plans the release
Combination's list leads with for the conda method, and walking back to Combination and on again changes nothing.
Found in use (a recorded RTX 4090 on driver 580.65.06): j showed torch 2.15.0 at Review, with a note that
torch-setup has no record of it on conda-forge, "choose 2.12.0"; b to Combination chose 2.12.0, "known on
conda-forge"; n then showed 2.12.0 at Review, and that was what Save answers wrote. On an AMD GPU, the conda method's
list is the CPU builds, and Review draws the plan's note that the GPU goes unused as a warning (found in use: the list
led with torch 2.12.0 rocm7.1 "known on conda-forge", which Review then refused: "conda-forge has no rocm7.1
builds")."""

from __future__ import annotations

from pathlib import Path

from tui_support import press_until, screen_text, settle

from installer.compat.conda_forge import newest_known

CONDA_ENV = Path(__file__).resolve().parents[2] / "recipes" / "answers" / "conda-env.yaml"


def _flat(text: str) -> str:
    return " ".join(text.split())


async def _jump_to_review(pilot) -> dict[str, str]:
    """Welcome's j: Review for the answers as they are; the plan's summary."""
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot, rounds=8)
    assert pilot.app.current_name == "review"
    return dict(pilot.app.state.plan.summary)


async def test_jump_and_walk_reach_the_same_release(make_wizard):
    known = newest_known()
    app = make_wizard("rtx4090-580.65.06", dry_run=True, answers_path=str(CONDA_ENV))
    async with app.run_test(size=(100, 40)) as pilot:
        jumped = await _jump_to_review(pilot)
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


async def test_an_amd_gpu_is_offered_the_cpu_builds_and_told_why(make_wizard):
    app = make_wizard("amd-rx7900xtx", dry_run=True, answers_path=str(CONDA_ENV))
    async with app.run_test(size=(100, 40)) as pilot:
        summary = await _jump_to_review(pilot)
        assert (summary["torch"], summary["variant"]) == (newest_known(), "cpu")
        warned = [" ".join(str(w.render()).split()) for w in app.screen.query("#plan Static")
                  if "warning" in w.classes]
        assert any(w.startswith("conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not rocm")
                   for w in warned), warned
        await press_until(pilot, "b", "combination")
        await settle(pilot, rounds=6)
        rec = app.state.recommendation
        assert {c["variant"] for c in rec["choices"]} == {"cpu"}
        assert rec["rejected"][0]["variant"].startswith("rocm")
        chosen = app.screen.current_choice()
        assert (chosen["torch"], chosen["variant"]) == (newest_known(), "cpu")
        text = _flat(screen_text(app))
        assert "conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not rocm" in text
        assert "ROCm wheels need the amdgpu kernel driver" not in text
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        assert dict(app.state.plan.summary)["packages"] == summary["packages"]
