"""Review says, before anything runs, that the environment torch goes into holds a torchvision made for another
torch, which the plan leaves there (installer.plan.target_holds). Found in a trial: torch 2.13.0 went into an
environment with a torchvision made for 2.12.1, Review said nothing of it, and only the verification after the
install did. A real venv holding the packages' metadata (tests/helpers.py), the real planner, a dry run."""

from __future__ import annotations

from pathlib import Path

from helpers import env_with_metadata_only
from tui_support import press_until, screen_text


def _into(make_wizard, python: str, extras: list[str]):
    from installer.answers import Answers

    answers = Answers.model_validate({
        "target": {"kind": "existing", "python": python},
        "torch": {"version": "2.13.0", "variant": "cpu", "extras": extras},
        "mirror": {"pytorch": "none"}, "verify": True, "bench": "none"})
    return make_wizard("cpu-only", as_this_machine=True, answers=answers, answers_path="given", dry_run=True)


async def test_review_says_a_torchvision_left_beside_torch_does_not_fit(make_wizard, in_tmp):
    python = env_with_metadata_only(Path(in_tmp) / "proj", "2.12.1+cpu", torchvision=("0.27.1", "torch (==2.12.1)"))
    app = _into(make_wizard, python, [])
    async with app.run_test(size=(100, 60)) as pilot:
        await press_until(pilot, "n", "review")
        flat = " ".join(screen_text(app).split())
        drawn = [(" ".join(str(w.render()).split()), set(w.classes) & {"note", "warning"})
                 for w in app.screen.query("#plan Static")]
    assert f"{python} has torch 2.12.1+cpu: this plan replaces it with torch==2.13.0+cpu" in flat, flat
    # what verify will warn of (or fail on) is drawn as a warning; the torch replaced is a remark
    assert [c for text, c in drawn if text.startswith(f"{python} has torchvision 0.27.1")] == [{"warning"}], drawn
    assert [c for text, c in drawn if text.startswith(f"{python} has torch 2.12.1+cpu")] == [{"note"}], drawn
    assert (f"{python} has torchvision 0.27.1, which requires torch==2.12.1: it does not fit torch==2.13.0+cpu, and "
            "this plan leaves it there. Tick torchvision under Also install") in flat, flat


async def test_review_says_nothing_of_it_when_the_plan_installs_the_one_made_for_torch(make_wizard, in_tmp):
    python = env_with_metadata_only(Path(in_tmp) / "proj", "2.12.1+cpu", torchvision=("0.27.1", "torch (==2.12.1)"))
    app = _into(make_wizard, python, ["torchvision"])
    async with app.run_test(size=(100, 60)) as pilot:
        await press_until(pilot, "n", "review")
        flat = " ".join(screen_text(app).split())
    assert "torchvision==0.28.0+cpu" in flat, flat
    assert "this plan replaces it" in flat, flat
    assert "has torchvision 0.27.1" not in flat
