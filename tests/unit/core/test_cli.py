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


def test_the_subcommand_is_found_past_global_options_and_their_values():
    from installer.cli import command_in

    assert command_in(["--lang", "zh", "plan", "--answers", "a.yaml"]) == "plan"
    assert command_in(["--lang=zh", "install", "--yes"]) == "install"
    # a global option's value is never the subcommand, even when it is spelled like one
    assert command_in(["--hardware", "plan", "--dry-run"]) is None
    assert command_in(["--answers", "a.yaml", "--hardware", "detect", "verify"]) == "verify"
    assert command_in(["--dry-run"]) is None
    assert command_in(["--", "plan"]) is None


def test_only_the_named_subcommand_is_set_up_and_it_parses_its_own_options(cli):
    parser = build_parser(["install"])
    args = parser.parse_args(["install", "--answers", "a.yaml", "--yes", "--probe-timeout", "1"])
    assert (args.answers, args.yes, args.probe_timeout) == ("a.yaml", True, 1.0)
    # another command's options are refused with a usage error (exit 2), as on the full parser
    result = cli("--lang", "en", "detect", "--yes")
    assert result.returncode == 2 and "unrecognized arguments: --yes" in result.stderr
    result = cli("install", "--help")
    assert result.returncode == 0 and "--probe-timeout" in result.stdout
