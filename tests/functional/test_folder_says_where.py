"""The Folder field says where the environment goes, in full, and that the folder is the environment itself;
started from torch-setup's own checkout (`make run`), the defaults go to the home folder. Found in use: a
newcomer typed their project folder, ~/thesis, which became the venv (bin/, lib/ in it), and after `make run`
the default .venv-torch and the answers file went into the git checkout unseen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from tui_support import press_until, settle, widget_text

from installer.paths import in_own_checkout
from installer.tui.answers_file import answers_folder
from installer.tui.engine import Engine

REPO = Path(__file__).resolve().parents[2]


async def test_the_folder_typed_is_said_in_full_as_the_environment(make_wizard, in_tmp):
    app = make_wizard("rtx4090-550", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot)
        where = app.screen.query_one("#path-where")
        assert widget_text(where) == f"The new environment is this folder itself: {in_tmp / '.venv-torch'}"
        app.screen.query_one("#target-path", Input).value = "~/thesis"
        await settle(pilot)
        said = " ".join(widget_text(where).split())
        assert said == (f"The new environment is this folder itself: {Path.home() / 'thesis'} (for a project "
                        "folder, name a folder inside it, e.g. ~/thesis/.venv)")
        (in_tmp / "old-env").mkdir()
        (in_tmp / "old-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        app.screen.query_one("#target-path", Input).value = "old-env"  # found in use: called new, a venv inside
        await settle(pilot)
        assert widget_text(where) == f"{in_tmp / 'old-env'} is an environment already: torch goes into it"
        app.screen.query_one("#target-path", Input).value = "~nosuchuser/x"  # a problem is said instead
        await settle(pilot)
        assert not where.display


async def test_a_recorded_machine_s_folder_is_said_as_typed(make_wizard, in_tmp):
    """For a recorded machine (--hardware) the answers keep the folder as typed, taken there from where the
    install is run or from that user's home: the line says that, not this computer's path (found in review:
    "this folder itself: /home/<user>/.venv-torch" for a recorded H200)."""
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot)
        where = app.screen.query_one("#path-where")
        assert widget_text(where) == ("The new environment is this folder itself: .venv-torch, in the folder the "
                                      "install is run from on the recorded machine")
        (in_tmp / "old-env").mkdir()  # this disk's folders say nothing of the recorded machine's
        (in_tmp / "old-env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
        app.screen.query_one("#target-path", Input).value = "old-env"
        await settle(pilot)
        assert "environment already" not in widget_text(where)
        app.screen.query_one("#target-path", Input).value = "~/thesis"
        await settle(pilot)
        said = " ".join(widget_text(where).split())
        assert said == ("The new environment is this folder itself: ~/thesis, in the home folder of whoever runs "
                        "the install on the recorded machine (for a project folder, name a folder inside it, e.g. "
                        "~/thesis/.venv)")
        app.screen.query_one("#target-path", Input).value = "/opt/envs/.torch"
        await settle(pilot)
        assert widget_text(where) == "The new environment is this folder itself: /opt/envs/.torch"
        assert str(Path.home()) not in said and str(in_tmp) not in said


def test_torch_setup_s_own_checkout_is_known(tmp_path, monkeypatch):
    if not (REPO / ".git").exists():  # an unpacked source archive is no checkout
        assert not in_own_checkout(REPO)
        return
    assert in_own_checkout(REPO) and in_own_checkout(REPO / "tests")
    assert not in_own_checkout(tmp_path) and not in_own_checkout(REPO.parent)


def test_from_the_checkout_the_defaults_go_home(monkeypatch):
    if not (REPO / ".git").exists():
        pytest.skip("an unpacked source archive is no checkout")
    monkeypatch.chdir(REPO)
    assert Engine().default_answers()["target"]["path"] == "~/.venv-torch"
    assert answers_folder() == Path.home()


def test_elsewhere_the_defaults_stay_in_the_working_folder(in_tmp):
    assert Engine().default_answers()["target"]["path"] == ".venv-torch"
    assert answers_folder() == in_tmp


async def test_a_relative_folder_inside_the_checkout_is_said(make_wizard, monkeypatch):
    """Found in use: after `make run`, Folder `myenv` became <checkout>/myenv."""
    if not (REPO / ".git").exists():
        pytest.skip("an unpacked source archive is no checkout")
    app = make_wizard("rtx4090-550", dry_run=True, as_this_machine=True)
    monkeypatch.chdir(REPO)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot)
        app.screen.query_one("#target-path", Input).value = "myenv-not-there"
        await settle(pilot)
        said = widget_text(app.screen.query_one("#path-where"))
    assert f"{REPO / 'myenv-not-there'}" in said
    assert "That is inside torch-setup's own folder: start it with ~/ for your home folder." in said


def test_a_checkout_the_user_may_not_look_into_is_not_theirs(shared_and_home):
    """Found in a fresh clone made under a mode-700 folder: `nobody`, started in their home, got PermissionError
    from the look at the checkout, and the wizard could not say where its answers file goes."""
    import importlib.util
    import os

    from helpers import as_nobody

    if os.geteuid() != 0:
        pytest.skip("needs root to become the nobody user")
    shared, home = shared_and_home
    closed = shared / "closed"  # root's, mode 700: a checkout nobody may not enter
    closed.mkdir(mode=0o700)
    (closed / "pyproject.toml").write_text("[project]\nname = 'torch-setup'\n")
    (closed / ".git").mkdir()
    fake = closed / "installer" / "paths.py"
    fake.parent.mkdir()
    fake.write_text((REPO / "installer" / "paths.py").read_text())
    spec = importlib.util.spec_from_file_location("paths_copy", fake)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # loaded as root, as the wizard has its code loaded before it looks
    assert module.in_own_checkout(closed)  # root may look: it is that checkout
    assert as_nobody(module.in_own_checkout, str(home), cwd=str(home)) is False  # no PermissionError
