"""What a user of the installed wheel (no git checkout) was told, found by a tester working as one:

- the empty-answers hint and the offline wheelhouse diagnosis sent them to recipes/answers/, which only a
  checkout has: they now name the examples' folder of this installation (paths.answers_examples);
- `--python ENV/bin` (tab completion stops there) was "a folder without bin/python";
- `install cpu-venv.yaml` (no --answers) got argparse's "required: --answers" and nothing more;
- a relative target.path in a folder they may not write named only the folder (`/ is not writable`),
  not that the path was taken from where they ran torch-setup.
"""

from __future__ import annotations

import os
import venv
from pathlib import Path

import pytest
from helpers import as_nobody

from installer import paths
from installer.answers import folder_problem, parse_answers
from installer.cli import main
from installer.errors import InputError
from installer.executor.diagnose import diagnose

FAILURES = Path(__file__).resolve().parents[2] / "fixtures" / "failures"


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    """The recipes where a wheel puts them (installer/_recipes): the examples are only there."""
    recipes = tmp_path / "site-packages" / "installer" / "_recipes"
    (recipes / "answers").mkdir(parents=True)
    monkeypatch.setattr(paths, "recipes_dir", lambda: recipes)
    return recipes / "answers"


def test_the_examples_folder_is_the_one_this_installation_has():
    examples = paths.answers_examples()
    assert examples.endswith("/") and Path(examples, "cpu-venv.yaml").is_file()


def test_an_empty_answers_file_names_the_installed_examples(installed):
    with pytest.raises(InputError) as err:
        parse_answers("", "empty.yaml")
    assert err.value.hint == ("write at least `version: 1` (every other key has a default, shown by `torch-setup "
                              f"answers schema`), or start from an example in {installed}/ (copy cpu-venv.yaml)")


def test_the_offline_wheelhouse_diagnosis_names_the_installed_example(installed):
    lines = (FAILURES / "uv-not-in-wheelhouse.txt").read_text().splitlines()
    found = diagnose(lines, kind="wheel")
    assert found is not None
    assert f"method: wheelhouse-build ({installed}/wheelhouse-build.yaml)" in found.hint
    assert "(recipes/answers/" not in found.hint


def test_an_environments_bin_folder_gives_its_interpreter(tmp_path):
    env = tmp_path / ".venv-torch"
    venv.EnvBuilder(with_pip=False).create(env)
    assert paths.env_interpreter(env) == str(env / "bin" / "python")
    assert paths.env_interpreter(env / "bin") == str(env / "bin" / "python")
    # a folder named python (a project's package) is no interpreter
    (tmp_path / "proj" / "python").mkdir(parents=True)
    assert paths.env_interpreter(tmp_path / "proj") is None


def test_verify_takes_an_environments_bin_folder(tmp_path):
    from installer.probes.host import resolve_python

    env = tmp_path / ".venv-torch"
    venv.EnvBuilder(with_pip=False).create(env)
    assert resolve_python(env / "bin") == str(env / "bin" / "python")


def _usage_error(capsys, *argv: str) -> list[str]:
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "en", *argv])
    assert exited.value.code == 2
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("argv, meant", [
    (["install", "cpu-venv.yaml"], "torch-setup install --answers cpu-venv.yaml"),
    (["install", "cpu-venv.yaml", "--yes"], "torch-setup install --answers cpu-venv.yaml --yes"),
    (["plan", "--hardware", "hw.json", "other.yml"], "torch-setup plan --hardware hw.json --answers other.yml"),
    (["answers", "check", "--answers", "cpu-venv.yaml"], "torch-setup answers check cpu-venv.yaml"),
    (["answers", "check", "--answers=cpu-venv.yaml"], "torch-setup answers check cpu-venv.yaml"),
])
def test_an_answers_file_without_its_option_is_shown_as_meant(argv, meant, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cpu-venv.yaml").write_text("version: 1\n")
    (tmp_path / "other.yml").write_text("version: 1\n")
    assert _usage_error(capsys, *argv)[-1] == f"  -> did you mean: {meant}?"


@pytest.mark.parametrize("argv", [
    ["install", "cpu"],
    ["install", "nosuch.yaml"],  # not there: the suggestion would only lead to the next error (found in use)
    ["install", "--yes", "cpu-venv.yaml", "other.yml"],  # two files: which one is not ours to guess
])
def test_a_word_that_is_no_answers_file_gets_no_guess(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cpu-venv.yaml").write_text("version: 1\n")
    (tmp_path / "other.yml").write_text("version: 1\n")
    err = _usage_error(capsys, *argv)
    assert err[-1] == "torch-setup install: error: the following arguments are required: --answers"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become the nobody user")
def test_a_relative_path_in_a_folder_the_user_cannot_write_says_where_it_was_taken_from(shared_and_home):
    shared, home = shared_and_home
    message, hint = as_nobody(folder_problem, ".venv-torch", writes=True, cwd=str(shared), home=str(home))
    assert message == (f".venv-torch is relative, so it is taken from the folder you run torch-setup in, {shared}, "
                       "which is not writable by you")
    assert hint == ("cd to a folder of your own (such as ~) and run torch-setup there, or write an absolute path, "
                    "such as ~/.venv-torch")
    # written absolute, or relative to a folder below the one run in: the folder is named as before
    message, _hint = as_nobody(folder_problem, str(shared / ".venv-torch"), writes=True, cwd=str(home))
    assert message == f"{shared} is not writable by you, so {shared}/.venv-torch cannot be made there"
    assert as_nobody(folder_problem, ".venv-torch", writes=True, cwd=str(home)) is None
