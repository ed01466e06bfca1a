"""The front door's own contract: usage errors exit 2, every subcommand is wired, languages switch."""

from __future__ import annotations

from installer.cli import COMMANDS, build_parser
from installer.i18n import _, language_from_env, set_language


def test_every_subcommand_has_help(cli):
    result = cli("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


def test_usage_error_exits_2(cli):
    result = cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_parser_builds_every_subcommand():
    parser = build_parser()
    for name in COMMANDS:
        args = parser.parse_args([name] + (["validate", "x.yaml"] if name == "recipes" else
                                           ["schema"] if name == "answers" else
                                           ["update"] if name == "matrix" else
                                           ["--answers", "a.yaml"] if name in ("plan", "install") else []))
        assert args.command == name


def test_language_from_environment():
    assert language_from_env({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_env({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_env({}) == "en"


def test_translation_falls_back_to_english():
    try:
        set_language("zh")
        assert _("interrupted") == "已中断"
        assert _("a string nobody translated {x}", x=1) == "a string nobody translated 1"
    finally:
        set_language("en")
