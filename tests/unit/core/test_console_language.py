"""The Linux text console (TERM=linux) cannot draw Chinese: a zh locale gives English there by default,
and `--lang zh` still gives Chinese (for fbterm and the like, which can)."""

from __future__ import annotations

import pytest

from installer.i18n import (
    chosen_language,
    console_drops_chinese,
    current_language,
    language_from_env,
    set_language,
)


@pytest.mark.parametrize("env,lang", [
    ({"LANG": "zh_CN.UTF-8", "TERM": "linux"}, "en"),
    ({"LANG": "zh_CN.UTF-8", "TERM": "xterm-256color"}, "zh"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),  # no TERM at all (a pipe, cron): nothing says it cannot be shown
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8", "TERM": "linux"}, "en"),
    ({"LANG": "en_US.UTF-8", "TERM": "linux"}, "en"),
])
def test_default_language(env, lang):
    assert language_from_env(env) == lang


def test_only_a_dropped_chinese_is_reported():
    assert console_drops_chinese({"LANG": "zh_CN.UTF-8", "TERM": "linux"})
    assert not console_drops_chinese({"LANG": "C.UTF-8", "TERM": "linux"})
    assert not console_drops_chinese({"LANG": "zh_CN.UTF-8", "TERM": "screen-256color"})


def test_asking_for_chinese_on_the_console_still_gets_it(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    try:
        assert set_language(None) == "en" and chosen_language() is None
        assert set_language("zh") == "zh" and current_language() == "zh"
    finally:
        set_language("en")


def test_the_commands_speak_english_on_the_console(cli, tmp_path):
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "linux"}
    (tmp_path / "a.yaml").write_text("version: 1\ntorhc: 1\n")
    english = cli("plan", "--answers", "a.yaml", cwd=tmp_path, env=env)
    chinese = cli("--lang", "zh", "plan", "--answers", "a.yaml", cwd=tmp_path, env=env)
    assert english.returncode == chinese.returncode == 2
    assert "unknown key" in english.stderr and "未知的键" in chinese.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.stderr)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.stderr)
