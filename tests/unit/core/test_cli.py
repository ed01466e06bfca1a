"""The front door's own contract: usage errors exit 2, every subcommand is wired, languages switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.cli import COMMANDS, build_parser
from installer.i18n import _, language_from_env, set_language

REPO = Path(__file__).resolve().parents[3]


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


def test_the_global_options_that_take_a_value_are_read_from_the_parser():
    from installer.cli import value_options

    # every global option but the flags: a new one added to the parser is known without a second list
    assert value_options(build_parser(())) == {"--lang", "--answers", "--hardware"}


def test_only_the_named_subcommand_is_set_up_and_it_parses_its_own_options(cli):
    parser = build_parser(["install"])
    args = parser.parse_args(["install", "--answers", "a.yaml", "--yes", "--probe-timeout", "1"])
    assert (args.answers, args.yes, args.probe_timeout) == ("a.yaml", True, 1.0)
    # another command's options are refused with a usage error (exit 2), as on the full parser
    result = cli("--lang", "en", "detect", "--yes")
    assert result.returncode == 2 and "unrecognized arguments: --yes" in result.stderr
    result = cli("install", "--help")
    assert result.returncode == 0 and "--probe-timeout" in result.stdout


def test_a_misspelt_subcommand_or_action_gets_did_you_mean(cli):
    result = cli("instal", "--answers", "a.yaml")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.rstrip().endswith("-> did you mean 'install'?")
    result = cli("answers", "chek", "a.yaml")
    assert result.returncode == 2 and "did you mean 'check'?" in result.stderr
    result = cli("--lang", "fr", "detect")  # nothing close: no guess, the choices are listed
    assert result.returncode == 2 and "did you mean" not in result.stderr and "'en', 'zh'" in result.stderr


def test_did_you_mean_reads_both_spellings_of_argparse():
    from installer.cli import did_you_mean

    assert did_you_mean("argument COMMAND: invalid choice: 'verfiy' (choose from 'detect', 'verify')") == \
        "did you mean 'verify'?"
    assert did_you_mean("argument COMMAND: invalid choice: 'verfiy' (choose from detect, verify)") == \
        "did you mean 'verify'?"
    assert did_you_mean("the following arguments are required: --answers") is None


def test_time_limits_must_be_a_number_of_seconds_in_range():
    import argparse

    from installer.commands.arguments import seconds

    parse = seconds(0.5, 120)
    assert parse("3") == 3.0 and parse("0.5") == 0.5
    for bad in ("-1", "0", "121", "soon", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match="between 0.5 and 120 seconds"):
            parse(bad)


@pytest.mark.parametrize("args, words", [
    (["verify", "--timeout", "-1"], "argument --timeout: give between 1 and 3600 seconds, not '-1'"),
    (["verify", "--compile-timeout", "0"], "argument --compile-timeout: give between 1 and 3600 seconds"),
    (["verify", "--expect-variant", "cuda12"], "'cuda12' is not a build"),
    (["install", "--answers", "a.yaml", "--yes", "--probe-timeout", "-1"], "give between 0.1 and 120 seconds"),
])
def test_bad_option_values_are_usage_errors_before_anything_runs(cli, tmp_path, args, words):
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["detect", "--json"], ["recommend", "--json"], ["plan", "--answers", "A"],
                                     ["install", "--answers", "A", "--yes"], ["doctor", "--json"]])
def test_a_saved_report_is_used_before_or_after_the_command(cli, tmp_path, command):
    """`torch-setup --hardware F plan` planned for this machine: the command's own default overwrote it."""
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntarget: {kind: venv, path: env}\ntorch: {version: 2.13.0, variant: auto}\n"
                       "method: pip\ndriver: {install: true}\n")
    amd = str(REPO / "tests" / "fixtures" / "machines" / "amd-rx7900xtx.json")
    argv = [a if a != "A" else str(answers) for a in command]
    for line in (["--hardware", amd, *argv], [*argv, "--hardware", amd]):
        r = cli(*line, cwd=tmp_path)
        out = r.stdout + r.stderr
        # the AMD machine's report, wherever the option stands: its GPU, or the driver refused for it, or
        # (install, which runs here) the report refused as another machine's, by its own file name
        refused = command[0] == "install" and out.startswith(f"{amd}:") and "a report of another machine" in out
        assert "RX 7900 XTX" in out or "GPUs found: amd" in out or refused, (line, out)
    assert not (tmp_path / "env").exists()
