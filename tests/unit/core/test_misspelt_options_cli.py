"""A misspelt option is named as no option, with the one it misspells, whatever (sub)command it is given to.

Found in use: `plan --answerz x.yaml` said only "required: --answers" (argparse checks what is missing
before what it does not know), with a hint that kept the misspelt option; and an action's option
(`recipes validate --quite F`) was told the usage of `recipes`, with no hint at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from installer.cli import build_parser, main


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (sub)command that takes options of its own, with the words that name it."""
    children = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if words and not children:
        yield words, parser
    for action in children:
        for name, child in action.choices.items():
            yield from _commands(child, (*words, name))


def _misspelt() -> list[tuple[list[str], str, str]]:
    """(command line, the misspelt option, the option it misspells): each long option of each command with
    its last letter changed, given with a value when it takes one, beside what the command requires."""
    cases = []
    for words, parser in _commands(build_parser()):
        for action in parser._actions:
            for option in action.option_strings:
                if not option.startswith("--") or option in ("--help", "--lang"):
                    continue
                wrong = option[:-1] + ("z" if option[-1] != "z" else "x")
                argv = [*words, wrong, *(["5"] if action.nargs != 0 else [])]
                for other in parser._actions:
                    if other is action or not other.required:
                        continue
                    # the required option itself may be the misspelt one: then it is missing as well
                    argv += [other.option_strings[0], "a.yaml"] if other.option_strings else ["a.yaml"]
                cases.append((argv, wrong, option))
    return cases


CASES = _misspelt()


def test_every_command_with_options_is_tried():
    tried = {tuple(argv[:argv.index(wrong)]) for argv, wrong, _meant in CASES}
    assert {("plan",), ("install",), ("recipes", "validate"), ("answers", "check"), ("matrix", "update"),
            ("detect",), ("bench",)} <= tried
    assert any(argv[:2] == ["plan", "--answerz"] for argv, _wrong, _meant in CASES)  # the required one


@pytest.mark.parametrize(("argv", "wrong", "meant"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_misspelt_option_is_named_with_the_one_it_misspells(argv, wrong, meant, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no a.yaml here: nothing may be read, let alone run
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", *argv])
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert f"usage: torch-setup {' '.join(argv[:argv.index(wrong)])} " in err, err  # its own command's usage
    assert f"error: unrecognized arguments: {wrong}" in err, err
    assert err.endswith(f"  -> did you mean '{meant}'?\n"), err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["plan", "--answerz", "x.yaml"], ["install", "--answerz=x.yaml", "--yes"],
                                  ["plan", "--hardware", "hw.json", "--answerz", "x.yaml"]])
def test_a_misspelt_required_option_is_not_said_to_be_missing(argv, tmp_path, monkeypatch, capsys):
    """The answers file is there: the old hint put --answers before it and kept --answerz too."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.yaml").write_text("version: 1\n")
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", *argv])
    lines = capsys.readouterr().err.splitlines()
    assert exited.value.code == 2
    assert lines[-2:] == [f"torch-setup {argv[0]}: error: unrecognized arguments: --answerz",
                          "  -> did you mean '--answers'?"], lines
    assert not any("required" in line for line in lines)


@pytest.mark.parametrize(("argv", "last"), [
    # a prefix of one option is that option (argparse's abbreviations): what is missing is still said
    (["plan", "--hard", "hw.json"], "torch-setup plan: error: the following arguments are required: --answers"),
    # an action not named yet: the option may be one of its own
    (["recipes", "--quiet"], "torch-setup recipes: error: the following arguments are required: ACTION"),
])
def test_only_words_that_are_no_option_are_called_so(argv, last, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", *argv])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.splitlines()[-1] == last, err
