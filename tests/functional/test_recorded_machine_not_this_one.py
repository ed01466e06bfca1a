"""A recorded machine (--hardware) is not this one: its answers keep folders as typed, and what is said of it
names the recorded machine.

Found by a tester (zh, `--hardware tests/fixtures/machines/h200-580.json`): the answers saved for the H200 said
`path: /home/t9/.venv-torch` and Done offered `install --answers /home/t9/h200.yaml --yes` for that machine,
both under the home folder of the user who ran the wizard here; and for a recorded Rocky Linux machine the
plan, Combination and its F1 help said "这台机器" (this machine)."""

from __future__ import annotations

from pathlib import Path

from tui_support import press_until, screen_text, settle

from installer.answers import load_answers
from installer.paths import absolute

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"


async def test_a_recorded_machines_answers_keep_the_folder_as_typed(make_wizard, in_tmp, monkeypatch):
    monkeypatch.setenv("HOME", str(in_tmp))  # the tester ran the wizard in the home folder
    app = make_wizard("h200-580", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "review")
        assert app.state.recorded
        await pilot.press("a")
        await settle(pilot)
        assert type(app.screen).__name__ == "SavePathScreen"
        await pilot.press("ctrl+u", *list("~/h200.yaml"), "enter")
        await settle(pilot)
        saved = in_tmp / "h200.yaml"
        text = saved.read_text()
        assert load_answers(str(saved)).target.path == ".venv-torch", text
        # its commands are run on the recorded machine, from its user's home
        assert "torch-setup install --answers ~/h200.yaml" in text, text
        assert str(in_tmp) not in text, text
        await press_until(pilot, "n", "done")
        shown = screen_text(app)
    assert "torch-setup install --answers ~/h200.yaml --yes" in shown, shown
    # the plan is printed here, where the file is: from here, its whole path is the one to name
    assert f"torch-setup install --answers {in_tmp}" not in shown, shown


async def test_this_machines_answers_still_name_the_reviewed_folder(make_wizard, in_tmp, monkeypatch):
    """test_saved_folder_is_the_reviewed_one's rule, on a detected machine: the folder Review showed."""
    monkeypatch.setenv("HOME", str(in_tmp))
    app = make_wizard("h200-580", as_this_machine=True, dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "review")
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+u", *list("~/here.yaml"), "enter")
        await settle(pilot)
    saved = in_tmp / "here.yaml"
    # (in the home folder: written from `~`, test_saved_folder_is_the_reviewed_one)
    assert load_answers(str(saved)).target.path == "~/.venv-torch"
    assert absolute("~/.venv-torch", "/") == str(in_tmp / ".venv-torch")
    assert f"torch-setup install --answers {in_tmp}/here.yaml" in saved.read_text()


def test_plan_says_the_recorded_machine_runs_rocky(cli, tmp_path):
    answers = tmp_path / "rtx4090.yaml"
    answers.write_text("version: 1\ntorch:\n  variant: cu130\ndriver:\n  install: true\n")
    rocky = str(MACHINES / "rocky94-2x3060-560.json")
    zh = cli("plan", "--answers", str(answers), "--hardware", rocky, env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert zh.returncode == 2, zh.stderr
    assert "而记录的机器运行的是 Rocky Linux 9.4" in zh.stderr, zh.stderr
    assert "这台机器" not in zh.stderr, zh.stderr
    answers.write_text("version: 1\ntorch:\n  variant: cu130\n")  # no driver step: the note says who installs it
    en = cli("plan", "--answers", str(answers), "--hardware", rocky, env={"LANG": "C.UTF-8", "LC_ALL": ""})
    assert "and the recorded machine runs Rocky Linux 9.4 (Blue Onyx): install it there" in en.stdout, en.stdout
    assert "and this is Rocky" not in en.stdout + en.stderr


async def test_combination_and_its_help_say_the_recorded_machine(make_wizard):
    app = make_wizard("rocky94-2x3060-560", lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        elsewhere = app.screen.driver_elsewhere()
        assert "而记录的机器运行的是 Rocky Linux 9.4" in elsewhere, elsewhere
        # a build that needs a newer driver: the way out is a build the driver loaded there runs, not "here"
        from installer.tui.screens.combination import find_action

        newer = next(c for c in app.state.recommendation["choices"] if find_action(c, "install-driver"))
        said = " ".join(app.screen.driver_not_here(newer))
        assert "或者选择当前已加载的驱动能运行的构建" in said and "本机" not in said, said
        await pilot.press("f1")
        await pilot.pause()
        helped = screen_text(app)
    assert "适合记录的机器的 PyTorch 构建" in helped, helped
    assert "适合此机器" not in helped, helped


async def test_this_machines_help_still_says_this_machine(make_wizard):
    app = make_wizard("rocky94-2x3060-560", as_this_machine=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        assert "and this is Rocky Linux 9.4" in app.screen.driver_elsewhere()
        await pilot.press("f1")
        await pilot.pause()
        assert "The PyTorch builds that fit this machine" in screen_text(app)
