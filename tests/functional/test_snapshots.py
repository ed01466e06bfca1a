"""Snapshot tests: every screen at a fixed terminal size, the way a person sees it.

The snapshots live in __snapshots__/ beside this file; after a deliberate change, look at the new ones
(`pytest --snapshot-update tests/functional/test_snapshots.py`, then open the SVGs) before committing.
Everything on screen is deterministic: a recorded machine, a mirror catalog whose mirrors all refuse
the connection, mirror.pytorch: none (no network probe at plan time), a fixed working directory.
"""

from __future__ import annotations

import fcntl
import os
import shutil

import pytest
from tui_support import MACHINES, SNAPSHOT_CWD, press_until, settle

from installer.answers import Answers

SCREENS = ["welcome", "hardware", "mirrors", "combination", "review", "install", "verify", "bench", "done"]


@pytest.fixture
def snapshot_wizard(make_wizard, monkeypatch):
    # One fixed folder (its path shows on screen), so test runs in parallel processes take turns
    with open(f"{SNAPSHOT_CWD}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield from _in_snapshot_folder(make_wizard, monkeypatch)


def _in_snapshot_folder(make_wizard, monkeypatch):
    if SNAPSHOT_CWD.exists():
        shutil.rmtree(SNAPSHOT_CWD)
    SNAPSHOT_CWD.mkdir(parents=True)
    monkeypatch.chdir(SNAPSHOT_CWD)
    # the Mirrors screen says what region `auto` stands for, from the timezone and locale: the same ones
    # wherever the tests run
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "TORCH_SETUP_REGION"):
        monkeypatch.delenv(var, raising=False)

    def make(machine: str = "rtx4090-550", lang: str = "en"):
        # the recorded machine is copied beside the wizard: its path shows on screen, and must not
        # be where this checkout happens to lie
        shutil.copy(MACHINES / f"{machine}.json", SNAPSHOT_CWD / f"{machine}.json")
        answers = Answers.model_validate({"mirror": {"pytorch": "none"}, "bench": "quick"})
        return make_wizard(machine, machine_file=f"{machine}.json", answers=answers, dry_run=True, lang=lang)

    yield make
    os.chdir("/")
    shutil.rmtree(SNAPSHOT_CWD, ignore_errors=True)


def at(screen: str, *then: str):
    async def run_before(pilot) -> None:
        await press_until(pilot, "n", screen)
        if then:
            await pilot.press(*then)
        await settle(pilot)

    return run_before


# The Install screen's log repeats each command with the full path of torch-setup's own uv, which is
# where the checkout lies: it is hidden (its key, l) so the snapshot holds wherever the tests run.
KEYS = {"install": ("l",)}


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_80x24(snap_compare, snapshot_wizard, screen):
    assert snap_compare(snapshot_wizard(), terminal_size=(80, 24), run_before=at(screen, *KEYS.get(screen, ())))


@pytest.mark.parametrize("screen", ["combination", "review", "install"])
def test_screen_120x36(snap_compare, snapshot_wizard, screen):
    assert snap_compare(snapshot_wizard(), terminal_size=(120, 36),
                        run_before=at(screen, *KEYS.get(screen, ())))


@pytest.mark.parametrize("screen", ["welcome", "hardware", "combination", "review"])
def test_screen_in_chinese(snap_compare, snapshot_wizard, screen):
    assert snap_compare(snapshot_wizard(lang="zh"), terminal_size=(80, 24), run_before=at(screen))


def test_hardware_with_traps(snap_compare, snapshot_wizard):
    """No driver, Secure Boot, nouveau: each warning with what it means."""
    assert snap_compare(snapshot_wizard("nodriver-rtx3060"), terminal_size=(80, 24), run_before=at("hardware"))


def test_refused_on_demand(snap_compare, snapshot_wizard):
    assert snap_compare(snapshot_wizard("gtx960-580"), terminal_size=(120, 36),
                        run_before=at("combination", "r"))


def test_help_screen(snap_compare, snapshot_wizard):
    assert snap_compare(snapshot_wizard(), terminal_size=(80, 24), run_before=at("combination", "f1"))
