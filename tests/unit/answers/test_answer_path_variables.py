"""`~`, $NAME and ${NAME} in the path-valued answers are expanded where the paths are used
(installer.paths.absolute); an unset variable is refused naming file, line and key. The answers keep
the text as written, so an answers file the wizard writes still replays on another machine."""

from __future__ import annotations

import pytest

from installer.answers import dump_answers, folder_problem, parse_answers
from installer.errors import InputError
from installer.paths import absolute, expand, unset_variables

PATH_KEYS = [
    ("target:\n  path: {p}/env\n", 3, "target.path"),
    ("target:\n  python: {p}/bin/python3\n", 3, "target.python"),
    ("method: wheel\nwheelhouse: {p}/wh\n", 3, "wheelhouse"),
    ("cuda_toolkit:\n  prefix: {p}/cuda\n", 3, "cuda_toolkit.prefix"),
]


@pytest.fixture(autouse=True)
def _environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PROJ", str(tmp_path / "proj"))
    monkeypatch.setenv("TILDE", "~/x")
    monkeypatch.delenv("NOPE", raising=False)


def test_expand_reads_the_environment_as_a_shell_does(tmp_path):
    home = str(tmp_path / "home")
    assert expand("$HOME/venv") == expand("${HOME}/venv") == expand("~/venv") == home + "/venv"
    assert expand("$PROJ/a${PROJ}b") == f"{tmp_path}/proj/a{tmp_path}/projb"
    assert expand("$TILDE/y") == "~/x/y"  # a `~` inside a variable's value stays, as in a shell
    for literal in ("$NOPE/x", "${NOPE}/x", "a$", "$5/x", "${NOPE", "costs $/x"):
        assert expand(literal) == literal
    assert unset_variables("$NOPE/${NOPE}/$HOME/${ALSO_NOPE_X}") == ["NOPE", "ALSO_NOPE_X"]


def test_absolute_makes_the_expanded_path_absolute(tmp_path):
    assert absolute("$PROJ/../env", "/work") == f"{tmp_path}/env"
    assert absolute("${HOME}", "/work") == f"{tmp_path}/home"
    assert absolute("env", "/work") == "/work/env"


@pytest.mark.parametrize("text, line, key", PATH_KEYS, ids=[k for _t, _l, k in PATH_KEYS])
@pytest.mark.parametrize("written", ["$NOPE", "${NOPE}"])
def test_an_unset_variable_names_file_line_and_key(text, line, key, written):
    with pytest.raises(InputError) as info:
        parse_answers("version: 1\n" + text.format(p=written), "a.yaml")
    err = info.value
    assert (err.file, err.line, err.key, err.exit_code) == ("a.yaml", line, key, 2)
    assert err.message == "$NOPE is not set in the environment"
    assert err.hint == ("set it (export NOPE=...) before running torch-setup, or write $$ for a $ that is part of "
                        f"the name: {text.format(p='$' + written).splitlines()[-1].split(': ', 1)[1]}")


@pytest.mark.parametrize("text, line, key", PATH_KEYS, ids=[k for _t, _l, k in PATH_KEYS])
def test_a_set_variable_is_taken_and_kept_as_written(text, line, key):
    answers = parse_answers("version: 1\n" + text.format(p="$PROJ"), "a.yaml")
    assert "$PROJ/" in dump_answers(answers)
    assert parse_answers(dump_answers(answers)) == answers


def test_the_folder_checks_see_the_expanded_path(tmp_path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "env").write_text("a file\n")
    with pytest.raises(InputError) as info:
        parse_answers("version: 1\ntarget:\n  path: $PROJ/env\n", "a.yaml")
    assert (info.value.line, info.value.key) == (3, "target.path")
    assert info.value.message == f"{tmp_path}/proj/env is a file, not a folder"


def test_a_variable_holding_a_newline_is_refused(monkeypatch):
    monkeypatch.setenv("ODD", "a\nb")
    with pytest.raises(InputError) as info:
        parse_answers("version: 1\ntarget:\n  path: $ODD/env\n", "a.yaml")
    assert info.value.key == "target.path" and "control characters" in info.value.message


def test_the_wizard_folder_field_says_the_same():
    assert folder_problem("$NOPE/env") == ("$NOPE is not set in the environment", "set it (export NOPE=...) before "
                                           "running torch-setup, or write $$ for a $ that is part of the name: "
                                           "$$NOPE/env")
    assert folder_problem("$PROJ/env") is None


def test_the_wizard_writes_what_was_typed():
    from installer.tui.engine import Engine

    engine = Engine()
    data = engine.default_answers()
    data["target"]["path"] = "$HOME/torch-env"
    data["torch"].update(version="2.13.0", variant="cpu", extras=[])
    written = engine.dump_answers(engine.answers_from_data(data))
    assert "path: $HOME/torch-env\n" in written


def test_the_message_speaks_chinese():
    from installer.i18n import set_language

    try:
        set_language("zh")
        with pytest.raises(InputError) as info:
            parse_answers("version: 1\ntarget:\n  path: $NOPE/env\n", "a.yaml")
        assert info.value.message == "环境变量中没有设置 $NOPE"
        assert "export NOPE=..." in (info.value.hint or "")
    finally:
        set_language("en")


# `$$` is a `$` that is part of a name, as in Makefiles and docker-compose (found in use: a folder named
# `it's $x` could not be given: `$x` was refused as unset, and so was `$$x`)
def test_a_doubled_dollar_is_one_dollar_of_the_name(tmp_path):
    assert expand("$$NOPE/x") == "$NOPE/x"  # unset: no longer refused
    assert expand("$$PROJ/x") == "$PROJ/x"  # set: not read either
    assert expand("a$$/x") == "a$/x" and expand("$$$PROJ") == f"${tmp_path}/proj"
    assert expand("it's $$x") == "it's $x"
    assert unset_variables("$$NOPE/$${NOPE}/$NOPE2_X") == ["NOPE2_X"]
    assert absolute("$$PROJ/env", "/work") == "/work/$PROJ/env"


@pytest.mark.parametrize("text, line, key", PATH_KEYS, ids=[k for _t, _l, k in PATH_KEYS])
def test_every_path_answer_takes_a_doubled_dollar(text, line, key):
    answers = parse_answers("version: 1\n" + text.format(p="/data/it's $$NOPE"), "a.yaml")
    assert "it's $$NOPE/" in dump_answers(answers)  # kept as written, so that a replay reads it the same


def test_the_wizard_folder_field_takes_a_doubled_dollar():
    assert folder_problem("it's $$NOPE/env") is None
    message, hint = folder_problem("it's $NOPE/env")
    assert hint.endswith("write $$ for a $ that is part of the name: it's $$NOPE/env")


def test_the_wizard_anchors_a_relative_folder_in_a_folder_with_a_dollar(tmp_path):
    """The wizard makes a relative folder absolute from where it runs: a `$` in that folder's name is written
    `$$`, or the plan would read it as a variable."""
    from installer.answers import Answers
    from installer.tui.engine import anchored

    here = tmp_path / "it's $PROJ"
    answers = anchored(Answers.model_validate({"target": {"path": ".venv-torch"}}), cwd=str(here))
    assert answers.target.path == f"{tmp_path}/it's $$PROJ/.venv-torch"
    assert absolute(answers.target.path, "/elsewhere") == f"{here}/.venv-torch"
