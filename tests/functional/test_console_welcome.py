"""On the Linux text console a Chinese locale gets an English wizard, and the Welcome screen says why and
how to get Chinese where it can be drawn; choosing 简体中文 there is still honoured."""

from __future__ import annotations

import pytest
from tui_support import screen_text, settle


@pytest.fixture
def console(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("TERM", "linux")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)


async def test_the_console_gets_english_and_is_told_why(make_wizard, console):
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, lang=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Install PyTorch on this machine" in text
        assert "Linux text console" in text and "--lang zh" in text


async def test_chinese_asked_for_on_the_console_is_given_without_the_note(make_wizard, console):
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "在这台机器上安装 PyTorch" in text
        assert not app.screen.query("#console-english")


async def test_a_graphical_terminal_needs_no_note(make_wizard, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, lang=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "在这台机器上安装 PyTorch" in screen_text(app)
        assert not app.screen.query("#console-english")
