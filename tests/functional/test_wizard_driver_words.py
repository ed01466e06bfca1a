"""What the wizard says of a loaded driver past NVIDIA's support names the wizard's own tick, never the answers'
driver.install and driver.branch (the wizard has no branch field), and the tick does what it says: it moves the
driver to the supported branch named. The notes and warnings carry a code (installer.compat.coded) that the wizard
maps; `plan` and `recommend` keep the answers' words. The day is fixed (conftest: 2026-12-05): R550 ended in
2025-06, R580 is supported until 2028-06 (drivers.yaml)."""

from __future__ import annotations

from textual.widgets import Checkbox
from tui_support import press_until, screen_text, settle


def _flat(text: str) -> str:
    return " ".join(text.split())


TICK = "install NVIDIA driver branch 580 (root, then a reboot)"


async def test_the_kept_driver_is_said_with_the_wizards_tick(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination")
        said = _flat(screen_text(app))
        assert ("the loaded NVIDIA driver 550.54.14 is of branch R550, which NVIDIA stopped supporting in 2025-06: it "
                "gets no more security fixes. R580, supported until 2028-06, drives these GPUs too and runs every "
                f"build R550 runs; to move to it, tick \"{TICK}\" under Also install (below)") in said
        assert "driver.branch" not in said and "driver.install" not in said
        assert app.screen.current_choice()["actions"] == []  # the loaded driver runs the build
        driver = app.screen.query_one("#driver", Checkbox)
        assert driver.display and not driver.value and str(driver.label) == TICK

        await press_until(pilot, "n", "review")
        said = _flat(screen_text(app))
        assert ("the loaded NVIDIA driver 550.54.14 is of branch R550, which NVIDIA stopped supporting in 2025-06 "
                "(no more security fixes); this plan keeps it -> to move to R580, supported until 2028-06, go back "
                f"(b) and tick \"{TICK}\" under Also install (Combination screen)") in said
        assert "driver.branch" not in said and "driver.install" not in said

        # the way the note says: back, the tick, and the plan installs R580
        await press_until(pilot, "b", "combination")
        app.screen.query_one("#driver", Checkbox).value = True
        await settle(pilot)
        await press_until(pilot, "n", "review")
        assert app.state.draft["driver"] == {**app.state.draft["driver"], "install": True, "branch": "580"}
        plan = app.state.plan
        assert any(s.recipe.startswith("driver") for s in plan.steps)
        assert "580" in " ".join(" ".join(c.argv) for s in plan.steps for c in s.commands)
        assert not any("keeps it" in n or "leaves the driver" in n for n in plan.notes)


def test_plan_and_recommend_keep_the_answers_words():
    """The same texts, where the reader has an answers file: the code is beside them, not instead."""
    from datetime import date

    from tui_support import MACHINES

    from installer.answers import Answers
    from installer.compat.coded import code_of
    from installer.compat.offer import offer
    from installer.hardware.report import load_report
    from installer.plan.ahead import plan_for_report

    report = load_report(str(MACHINES / "rtx4090-550.json"))
    day = date(2026, 12, 5)
    rec = offer(report, extras=("torchvision", "torchaudio"), today=day).to_dict()
    loaded = [w for w in rec["warnings"] if code_of(w) == "loaded-driver-ended"]
    assert len(loaded) == 1 and 'driver.install: true and driver.branch: "580" moves to it' in loaded[0]
    _report, plan = plan_for_report(Answers.model_validate({"mirror": {"pytorch": "none"}}), report, recorded=True,
                                    today=day)
    kept = [n for n in plan.notes if code_of(n) == "kept-driver-ended"]
    assert len(kept) == 1 and 'set driver.install: true and driver.branch: "580"' in kept[0]
