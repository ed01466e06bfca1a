"""The wizard's screens name its own ticks, fields and screens, not CLI commands and answers-file keys (found
by a newcomer: the Hardware screen sent a wizard user to `torch-setup recommend` and the printed script, Review
to target.kind and "the same command again"), and say "the recorded machine" of a recorded one."""

from __future__ import annotations

from textual.widgets import Select
from tui_support import press_until, screen_text, settle

from installer.answers import Answers


def _flat(text: str) -> str:
    return " ".join(text.split())


async def test_hardware_names_the_driver_tick_and_the_wizard_screens(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "hardware")
        await settle(pilot)
        shown = _flat(screen_text(app))
    assert ("On the Combination screen a CUDA build ticks the NVIDIA driver under Also install (tick it there if "
            "it is not)") in shown, shown
    assert "a module DKMS builds on the recorded machine is signed with a local key" in shown, shown
    assert "Review's notes name the command, and the Install screen says when to run it" in shown
    assert "torch-setup recommend" not in shown and "torch-setup plan" not in shown
    assert "torch-setup install" not in shown and "builds here" not in shown


async def test_hardware_in_chinese_says_the_recorded_machine(make_wizard, zh):
    app = make_wizard("nodriver-rtx3060", dry_run=True, lang="zh")
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "hardware")
        await settle(pilot)
        shown = "".join(screen_text(app).split())
    assert "记录的机器（来自" in shown, shown
    assert "在记录的机器上用DKMS编译的模块" in shown, shown
    assert "所记录" not in shown and "在本机用" not in shown and "torch-setuprecommend" not in shown


async def test_the_cuda_build_ticks_the_driver_the_hardware_screen_names(make_wizard):
    """What the Hardware screen says is so: on Combination the driver is ticked for the CUDA build."""
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        choice = app.screen.current_choice()
        assert choice["variant"].startswith("cu"), choice
        driver = app.screen.query_one("#driver")
        assert driver.display and driver.value


async def test_review_says_the_command_that_goes_on_after_the_reboot(make_wizard):
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await press_until(pilot, "n", "review", limit=40)
        await settle(pilot, rounds=8)
        assert app.state.plan is not None and app.state.plan.needs_reboot
        shown = _flat(screen_text(app))
    assert ("the Install screen then shows the command to run after the reboot (`torch-setup install --answers` "
            "with the answers file saved when you press Install)") in shown, shown
    assert "run the same command again" not in shown


async def test_the_combination_help_says_what_c_does(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot)
        assert [b.description for _k, b in app.screen._bindings if b.key == "c"] == ["Builds"]  # the footer's
        await pilot.press("f1")
        await settle(pilot)
        shown = _flat(screen_text(app))
    assert "c go to the list of builds" in shown, shown
    assert "and c goes back to the list from the fields below it" in shown


async def test_pypi_auto_of_a_recorded_machine_is_its_pip_configuration(make_wizard):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        labels = [str(label) for label, _value in app.screen.query_one("#pick-pypi", Select)._options]
    assert "auto: the recorded machine's pip configuration, else PyPI" in labels, labels


async def test_pypi_auto_of_a_wheelhouse_build_is_this_machines(make_wizard):
    """A wheelhouse build downloads here, through this machine's pip configuration (installer.plan.ahead)."""
    app = make_wizard("cpu-only", dry_run=True, answers=Answers.model_validate(
        {"version": 1, "method": "wheelhouse-build", "wheelhouse": "/tmp/wh"}))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        labels = [str(label) for label, _value in app.screen.query_one("#pick-pypi", Select)._options]
    assert "auto: this machine's pip configuration, else PyPI" in labels, labels


def test_review_says_a_refused_interpreters_way_out_in_its_fields():
    from installer.plan.existing_python import _venv_instead
    from installer.tui.screens.review import wizard_words

    hint = _venv_instead("system", "install into a virtual environment made from it instead (target.kind: venv)",
                         python="/usr/bin/python3")
    said = wizard_words(hint)
    assert said.startswith('go back (b) and choose "a new virtual environment" under Target environment, with '
                           "/usr/bin/python3 in its Python field; or, on a machine that is only for this"), said
    assert "target.kind" not in said
    read_only = wizard_words(_venv_instead("read-only", "x", python="/opt/py/bin/python", prefix="/opt/py"))
    assert read_only.startswith("make it writable again: `chmod -R u+w /opt/py`; or go back (b) and choose")
