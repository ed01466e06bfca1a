"""The command line's help and usage errors speak the chosen language, and fit the terminal."""

from __future__ import annotations

import re
import textwrap

import pytest

from installer.cli import COMMANDS
from installer.i18n.linebreak import cells, wrap

WIDE = re.compile(r"[\u4e00-\u9fff]")
EN = {"LANG": "C.UTF-8", "LC_ALL": "", "COLUMNS": "80", "TERM": "xterm"}
ZH = {**EN, "LANG": "zh_CN.UTF-8"}


@pytest.mark.parametrize("command", [[], *[[name] for name in COMMANDS]])
def test_help_in_chinese_fits_80_columns_and_lines_up(cli, command):
    result = cli(*command, "--help", "--lang", "zh", env=EN)  # --lang after --help: still heard
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("用法：torch-setup") and "\n选项：\n" in out and "显示本帮助并退出" in out
    assert not re.search(r"^\S*[\u4e00-\u9fff]:$", out, re.M), out  # "位置参数:" under "用法：" (found in use)
    too_wide = [line for line in out.splitlines() if cells(line) > 80]
    assert not too_wide, too_wide
    # the usage's continuation lines start under the first option, counted in cells, not characters
    usage = out.split("\n\n")[0].splitlines()
    head = " ".join(["用法：torch-setup", *command]) + " "
    assert usage[0].startswith(head)
    for line in usage[1:]:
        assert len(line) - len(line.lstrip()) == cells(head), usage


def test_help_follows_the_locale_and_english_stays_english(cli):
    zh = cli("plan", "--help", env=ZH)
    assert "应答文件（YAML）" in zh.stdout
    en = cli("plan", "--help", env=EN)
    assert en.stdout.startswith("usage: torch-setup plan") and "the answers file (YAML)" in en.stdout
    assert not WIDE.search(en.stdout)


@pytest.mark.parametrize("args, zh, en", [
    (["install"], "torch-setup install: 错误：缺少必需的参数：--answers",
     "torch-setup install: error: the following arguments are required: --answers"),
    (["detec"], "参数 COMMAND：无效的选择：'detec'（可选：'detect',", "argument COMMAND: invalid choice: 'detec'"),
    (["detect", "--bogus"], "无法识别的参数：--bogus", "unrecognized arguments: --bogus"),
    (["plan", "--answers"], "参数 --answers：需要一个值", "argument --answers: expected one argument"),
    (["verify", "--timeout", "-1"], "参数 --timeout：", "argument --timeout: give between 1 and 3600 seconds"),
])
def test_usage_errors_in_the_chosen_language(cli, tmp_path, args, zh, en):
    result = cli("--lang", "zh", *args, cwd=tmp_path, env=EN)
    assert result.returncode == 2 and zh in result.stderr, result.stderr
    assert result.stderr.startswith("用法：")
    result = cli("--lang", "en", *args, cwd=tmp_path, env=ZH)
    assert result.returncode == 2 and en in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_did_you_mean_hint_survives_the_translation(cli):
    result = cli("--lang=zh", "detec", env=EN)
    assert result.stderr.rstrip().endswith("-> 你是不是想写 'detect'？")


def test_wrap_breaks_chinese_between_characters_and_english_at_blanks():
    text = "除非你的 pip 配置中的索引提供它，否则安装会失败。"
    lines = wrap(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "nothing lost but the blanks at the breaks"
    assert all(cells(line) <= 20 for line in lines)
    assert all(cells(line) >= 17 for line in lines[:-1]), lines  # each full but for what would not fit
    assert not any(line.startswith(("，", "。")) for line in lines)
    english = "the interpreter (or env folder) to check; default: the active environment's python"
    for width in range(20, 60):  # as argparse's textwrap has it
        assert wrap(english, width) == textwrap.wrap(english, width)
