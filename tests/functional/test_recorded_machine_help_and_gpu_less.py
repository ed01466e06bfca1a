"""A recorded machine (--hardware) on the Mirrors screen: its help and its k say whose pip configuration is kept,
the recorded machine's, where the plan downloads (installer.plan.ahead.plan_for_report), not this computer's
(found in review: the help said "keep the configuration already on this machine"). And a CUDA build for a
recorded machine with no NVIDIA GPU, which `answers check`, `plan` and `install` warn of (installer.plan.
gpu_refusal.cpu_only_warning): the wizard never gets as far as planning it, as Combination offers no such build."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle

from installer.answers import Answers


async def test_the_mirrors_help_and_k_keep_the_recorded_machine_s_configuration(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await pilot.press("f1")
        await pilot.pause()
        helped = " ".join(screen_text(app).split())
        assert ("keep the configuration the recorded machine already has: the answers then name no mirror, and the "
                "install there uses that machine's own pip configuration") in helped, helped
        assert "already on this machine" not in helped
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        told = [str(n.message) for n in app._notifications]
        assert "Keeping the recorded machine's configuration; nothing will be written." in told, told
        app.screen.save()
        mirror = app.state.section("mirror")
        assert (mirror["pypi"], mirror["pytorch"], mirror["scope"]) == ("auto", "none", "none")


async def test_the_mirrors_help_in_chinese_says_the_recorded_machine(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await pilot.press("f1")
        await pilot.pause()
        helped = "".join(screen_text(app).split())
    assert "保留记录的机器上已有的配置" in helped, helped
    assert "保留本机已有的配置" not in helped


async def test_this_machine_s_mirrors_help_still_says_this_machine(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await pilot.press("f1")
        await pilot.pause()
        assert "keep the configuration already on this machine" in " ".join(screen_text(app).split())


async def test_a_gpu_less_recorded_machine_gets_the_cpu_build_on_review(make_wizard):
    """Were a CUDA build ever offered here, Review would have to show cpu_only_warning's words."""
    app = make_wizard("cpu-only", dry_run=True, answers=Answers.model_validate(
        {"version": 1, "torch": {"variant": "cu126"}}))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot)
        assert {c["variant"] for c in app.state.recommendation["choices"]} == {"cpu"}
        await press_until(pilot, "n", "review")
        await settle(pilot)
        plan = app.state.plan
    assert plan is not None and plan.meta.get("variant") == "cpu" and not plan.meta.get("cpu_only")
