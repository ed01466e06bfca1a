"""A path given on the command line with a leading `~` or `~user` left by the shell (quoted) is that home
folder, for every path option of every command, as answers files read their paths.

Found in use: `torch-setup plan --answers "~/lab/cpu.yaml"` was "file not found: the folder ~/lab does not
exist either", while verify and bench expanded `--python "~/..."` and answers files expanded their own paths.
The CLI runs as a subprocess with HOME set to the test's folder.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from installer.cli import build_parser
from installer.commands.arguments import user_path

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
CPU_VENV = REPO / "recipes" / "answers" / "cpu-venv.yaml"
RECIPE = REPO / "recipes" / "pip.yaml"


@pytest.fixture
def home(tmp_path, xdg_home) -> Path:
    """A home folder holding ~/lab with an answers file, a hardware report and a recipe; the commands run
    from another folder, so that a `~` taken as a folder's name is not found by chance."""
    lab = tmp_path / "home" / "lab"
    lab.mkdir(parents=True)
    shutil.copy(CPU_VENV, lab / "cpu.yaml")
    shutil.copy(MACHINE, lab / "machine.json")
    shutil.copy(RECIPE, lab / "pip.yaml")
    (tmp_path / "elsewhere").mkdir()
    return tmp_path / "home"


def _run(cli, home: Path, *args: str):
    return cli(*args, cwd=home.parent / "elsewhere", env={"HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": ""})


def test_plan_reads_a_quoted_tilde_answers_file_and_report(cli, home):
    result = _run(cli, home, "plan", "--answers", "~/lab/cpu.yaml", "--hardware", "~/lab/machine.json",
                  "--probe-timeout", "0.2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#!/usr/bin/env bash")


def test_the_global_hardware_before_the_command_too(cli, home):
    result = _run(cli, home, "--hardware", "~/lab/machine.json", "answers", "check", "~/lab/cpu.yaml",
                  "--probe-timeout", "0.2")
    assert result.returncode == 0, result.stderr


def test_detect_shows_a_tilde_report(cli, home):
    result = _run(cli, home, "detect", "--json", "--hardware", "~/lab/machine.json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["gpus"][0]["name"] == json.loads(MACHINE.read_text())["gpus"][0]["name"]


def test_recipes_validate_a_tilde_file(cli, home):
    result = _run(cli, home, "recipes", "validate", "--quiet", "~/lab/pip.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_file_is_named_as_the_home_folder_it_is_in(cli, home):
    """Not found, it is said with the folder it was looked for in, not as `~`."""
    result = _run(cli, home, "plan", "--answers", "~/lab/gpu.yaml", "--hardware", "~/lab/machine.json")
    assert result.returncode == 2
    assert result.stderr.startswith(f"{home}/lab/gpu.yaml: file not found"), result.stderr
    assert "Traceback" not in result.stderr


def test_tilde_user_is_that_users_home(cli, home):
    """`~name/...`: the home the password database gives `name`, as the shell expands it, not $HOME."""
    user = getpass.getuser()
    their_home = os.path.expanduser(f"~{user}")
    result = _run(cli, home, "plan", "--answers", f"~{user}/no-such-torch-setup-answers.yaml")
    assert result.returncode == 2
    assert result.stderr.startswith(os.path.join(their_home, "no-such-torch-setup-answers.yaml")), result.stderr


def test_verify_names_the_interpreter_it_looked_for(cli, home):
    result = _run(cli, home, "verify", "--python", "~/envs/cpu1/bin/python")
    assert result.returncode == 2
    assert f"{home}/envs/cpu1/bin/python" in result.stderr and "~" not in result.stderr.splitlines()[0]


def test_the_wizards_answers_and_report(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    args = build_parser([]).parse_args(["--answers", "~/a.yaml", "--hardware", "~/m.json"])
    assert (args.answers, args.hardware) == (f"{tmp_path}/a.yaml", f"{tmp_path}/m.json")


def _options(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.Action]]:
    """Every argument of every (sub)command, with the words that name the command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _options(child, (*words, name))
        else:
            yield words, action


def test_every_path_option_expands_the_home_folder():
    """A file, folder or interpreter (metavar F, DIR, PATH) of any command: a new one is checked too."""
    paths = {(words, a.option_strings[0] if a.option_strings else a.dest): a.type
             for words, a in _options(build_parser()) if a.metavar in ("F", "DIR", "PATH")}
    assert {((), "--answers"), ((), "--hardware"), (("plan",), "--answers"), (("install",), "--hardware"),
            (("bench",), "--python"), (("mirrors",), "--catalog"), (("matrix", "update"), "--output"),
            (("answers", "check"), "files"), (("recipes", "validate"), "files")} <= set(paths)
    assert {key: kind for key, kind in paths.items() if kind is not user_path} == {}
