"""The Combination screen's system steps on a machine torch-setup installs no driver and no apt toolkit on.

Found in use on a recorded Rocky Linux 9.4 machine (rocky94-2x3060-560): the Mirrors screen offered and
probed Ubuntu's and Debian's apt archives; a build that needs driver R580 ticked "install the NVIDIA
driver", and Review refused the plan ("installs the NVIDIA driver on Ubuntu and Debian only"); ticking the
CUDA toolkit ended at Review with an error in a recipe file of site-packages and a hint to set
`cuda_toolkit.source: runfile`, which no screen could set. And on any machine: the toolkit version was
written out on the way to Review, so a build chosen after it kept the first build's toolkit.
"""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList, RadioSet, Static
from tui_support import press_until, settle, widget_text

ROCKY = "rocky94-2x3060-560"


async def _choose(pilot, variant: str) -> None:
    app = pilot.app
    choices = app.state.recommendation["choices"]
    options = app.screen.query_one("#choices", OptionList)
    options.focus()
    options.highlighted = next(i for i, c in enumerate(choices) if c["variant"] == variant)
    await pilot.press("enter")
    await settle(pilot)


async def _tick_toolkit(pilot) -> None:
    box = pilot.app.screen.query_one("#toolkit", Checkbox)
    box.focus()
    await pilot.press("space")
    await settle(pilot)


def _text(widget: Static) -> str:
    return " ".join(widget_text(widget).split())


async def test_a_system_without_apt_gets_no_apt_mirror_no_driver_tick_and_the_runfile(make_wizard):
    app = make_wizard(ROCKY, dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        assert not app.screen.query("#pick-apt")
        assert app.screen.query("#pick-conda")
        assert not [c for c in app.state.mirror_candidates if c["kind"] == "apt"]

        await press_until(pilot, "n", "combination")
        await _choose(pilot, "cu132")
        driver = app.screen.query_one("#driver", Checkbox)
        assert not driver.display
        warnings = _text(app.screen.query_one("#rec-warnings", Static))
        assert "needs NVIDIA driver branch R580 or newer, which torch-setup does not install here" in warnings
        assert "the recorded machine runs Rocky Linux 9.4 (Blue Onyx):" in warnings

        source = app.screen.query_one("#toolkit-source", RadioSet)
        assert not source.display  # asked only once the toolkit is ticked
        await _tick_toolkit(pilot)
        assert source.display
        assert app.screen.query_one("#toolkit-apt").disabled
        assert source.pressed_button is not None and source.pressed_button.id == "toolkit-runfile"

        await press_until(pilot, "n", "review")
        plan = app.state.plan
        assert plan is not None
        assert app.state.draft["driver"]["install"] is False
        assert app.state.draft["cuda_toolkit"] == {**app.state.draft["cuda_toolkit"], "install": True,
                                                    "source": "runfile", "version": "auto"}
        recipes = dict(plan.summary)["recipes"]
        assert "cuda-runfile" in recipes and "driver-ubuntu" not in recipes
        # no 13.2 runfile is known: auto takes 13.1, the same major, and the runfile goes once installed
        assert any("CUDA 13.1 instead" in note for note in plan.notes)
        shown = " ".join(_text(s) for s in app.screen.query(".cmd"))
        assert "cuda_13.1.1_590.48.01_linux.run" in shown
        assert "remove " in shown and "once this step has succeeded" in shown


async def test_on_ubuntu_the_toolkit_comes_from_apt_or_the_runfile_as_chosen(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        assert app.screen.query("#pick-apt")
        await press_until(pilot, "n", "combination")
        await _tick_toolkit(pilot)
        source = app.screen.query_one("#toolkit-source", RadioSet)
        assert not app.screen.query_one("#toolkit-apt").disabled
        assert source.pressed_button is not None and source.pressed_button.id == "toolkit-apt"
        await press_until(pilot, "n", "review")
        assert "cuda-apt" in dict(app.state.plan.summary)["recipes"]

        await press_until(pilot, "b", "combination")
        source = app.screen.query_one("#toolkit-source", RadioSet)
        source.focus()
        await pilot.press("down", "enter")  # the arrows move, Enter presses: the runfile
        await settle(pilot)
        await press_until(pilot, "n", "review")
        assert app.state.draft["cuda_toolkit"]["source"] == "runfile"
        recipes = dict(app.state.plan.summary)["recipes"]
        assert "cuda-runfile" in recipes and "cuda-apt" not in recipes


async def test_the_toolkit_follows_a_build_chosen_after_review(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await _choose(pilot, "cu126")
        await _tick_toolkit(pilot)
        await press_until(pilot, "n", "review")
        assert any("cuda-toolkit-12-6" in " ".join(c.argv) for s in app.state.plan.steps for c in s.commands)

        await press_until(pilot, "b", "combination")
        await _choose(pilot, "cu130")
        await press_until(pilot, "n", "review")
        argv = [" ".join(c.argv) for s in app.state.plan.steps for c in s.commands]
        assert any("cuda-toolkit-13-0" in a for a in argv), argv
        assert not any("cuda-toolkit-12-6" in a for a in argv)


async def test_answers_for_a_lab_of_ubuntu_machines_on_a_rocky_one(make_wizard):
    """An answers file that asks for the driver, an apt toolkit and `latest` + cu130: the variant is kept
    (it showed the cu126 build chosen, and would have written it back), the driver install is dropped with
    the reason where Review used to refuse the plan, and the toolkit comes from the runfile."""
    from installer.answers import parse_answers

    answers = parse_answers("version: 1\ntorch: {version: latest, variant: cu130}\ndriver: {install: true}\n"
                            "cuda_toolkit: {install: true, source: apt}\n")
    app = make_wizard(ROCKY, dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        chosen = app.screen.current_choice()
        assert (chosen["torch"], chosen["variant"]) == ("2.15.0", "cu130")
        assert not app.screen.query_one("#driver", Checkbox).display
        warnings = _text(app.screen.query_one("#rec-warnings", Static))
        assert "needs NVIDIA driver branch R580 or newer, which torch-setup does not install here" in warnings
        assert app.screen.query_one("#toolkit-source", RadioSet).pressed_button.id == "toolkit-runfile"
        await press_until(pilot, "n", "review")
        assert app.state.plan is not None
        assert dict(app.state.plan.summary)["variant"] == "cu130"
        assert app.state.draft["driver"]["install"] is False


async def test_an_asked_for_driver_the_build_does_not_need_is_still_explained(make_wizard):
    from installer.answers import parse_answers

    answers = parse_answers("version: 1\ntorch: {version: latest, variant: cu126}\ndriver: {install: true}\n")
    app = make_wizard(ROCKY, dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        assert app.screen.current_choice()["variant"] == "cu126"
        assert not app.screen.query_one("#driver", Checkbox).display
        warnings = _text(app.screen.query_one("#rec-warnings", Static))
        assert "the answers ask to install the NVIDIA driver, which torch-setup does not do here" in warnings
        await press_until(pilot, "n", "review")
        assert app.state.plan is not None and app.state.draft["driver"]["install"] is False
