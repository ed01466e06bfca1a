"""A command torch-setup does not have keeps argparse's message (exit 2), with the command it misspells, and
for an offline install's words (`wheelhouse`, `offline`) where an answers file does that instead.

Found in use: `torch-setup wheelhouse --help` said only "invalid choice: 'wheelhouse' (choose from ...)";
a wheelhouse is built by `install` with method: wheelhouse-build.
"""

from __future__ import annotations

import shlex

import pytest

from installer.paths import answers_examples

ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": ""}


@pytest.mark.parametrize("argv", [("wheelhouse", "--help"), ("wheelhouse",), ("offline", "install"),
                                  ("wheelhouse-build",)])
def test_an_offline_install_word_points_at_the_answers_that_do_it(cli, tmp_path, argv):
    result = cli(*argv, cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2
    error, hint = result.stderr.splitlines()[-2:]
    assert error.startswith(f"torch-setup: error: argument COMMAND: invalid choice: '{argv[0]}' (choose from ")
    build = shlex.quote(answers_examples() + "wheelhouse-build.yaml")
    offline = shlex.quote(answers_examples() + "wheelhouse-offline.yaml")
    assert hint == (f"  -> a wheelhouse is built by `torch-setup install --answers F` with method: wheelhouse-build "
                    f"in F (an example: {build}), and installed on the offline machine with method: wheel (an "
                    f"example: {offline})")
    assert (answers_examples() + "wheelhouse-build.yaml").startswith("/")
    assert "Traceback" not in result.stderr


def test_in_chinese(cli, tmp_path):
    result = cli("--lang", "zh", "wheelhouse", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("  -> wheelhouse 由 `torch-setup install --answers F` 构建")


@pytest.mark.parametrize(("typed", "meant"), [("instal", "install"), ("verfy", "verify"), ("recipe", "recipes"),
                                              ("docter", "doctor")])
def test_a_misspelt_command_is_named_with_the_one_it_misspells(cli, tmp_path, typed, meant):
    result = cli(typed, "--help", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2
    assert f"invalid choice: '{typed}'" in result.stderr
    assert result.stderr.splitlines()[-1] == f"  -> did you mean '{meant}'?"


def test_a_command_like_none_gets_argparse_message_alone(cli, tmp_path):
    result = cli("frobnicate", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("torch-setup: error: argument COMMAND: invalid choice: "
                                                     "'frobnicate'")
