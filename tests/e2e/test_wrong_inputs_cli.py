"""Wrong inputs, round 2: options, environment variables, interpreters, hardware reports and target
folders, as a newcomer gets them wrong, through the real `torch-setup` in a subprocess.

Each refusal: exit 2, the first line of stderr names where (file:line: key, the option, or the variable),
the next line is a hint (`  -> ...`), no traceback, nothing on stdout, nothing created in the working
folder or in the XDG folders. A real Python whose torch is broken is not bad input: it keeps exit 1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from installer.cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
PYTHON2 = Path("/root/.pyenv/versions/2.7.18/bin/python")
ANSWERS = "version: 1\ntarget:\n  kind: venv\n  path: {path}\ntorch:\n  version: {version}\n  variant: cpu\n  extras: []\n"


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


@pytest.fixture
def work(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def _refused(cli, work: Path, xdg_home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run the CLI, check the contract of a refusal, and give back the first line and the hint."""
    before = _tree(work, xdg_home)
    result = cli(*args, cwd=work, env=env, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == "", result.stdout + result.stderr
    assert _tree(work, xdg_home) == before
    lines = [line for line in result.stderr.splitlines() if not line.startswith(("usage:", " " * 10))]
    hints = [line for line in lines if line.startswith("  -> ")]
    return lines[0], (hints[0][5:] if hints else "")


def _answers(work: Path, *, path: str = "env", version: str = "2.13.0") -> Path:
    f = work / "answers.yaml"
    f.write_text(ANSWERS.format(path=path, version=version))
    return f


def _plan_args(command: str, answers: Path) -> list[str]:
    return [command, "--answers", str(answers), "--hardware", CPU_ONLY, "--probe-timeout", "0.2",
            *(["--yes"] if command == "install" else [])]


# -- 1. a torch version that does not exist points at `version:` and says what does ----------------------

@pytest.mark.parametrize("command", ["plan", "install"])
@pytest.mark.parametrize("version, hint", [
    ("2.99.0", "did you mean 2.9.0? Known releases run from 1.13.0 to "),
    ("2.13.5", "did you mean 2.13.0? The 2.13 releases are 2.13.0"),
    ("9.9.9", "known releases run from 1.13.0 to "),
])
def test_an_unknown_torch_version_names_the_version_line_and_the_nearest(cli, work, xdg_home, command, version,
                                                                          hint):
    answers = _answers(work, version=version)
    first, got = _refused(cli, work, xdg_home, *_plan_args(command, answers))
    assert first == f"{answers}:6: torch.version: unknown torch version {version}"
    assert got.startswith(hint), got


# -- 2. TORCH_SETUP_REGION: refused by the commands that use the region, as a bad override is --------------

@pytest.mark.parametrize("args", [
    ["mirrors", "--json", "--timeout", "0.5"],
    "plan",
    "install",
])
def test_a_region_variable_nobody_knows_is_refused_not_ignored(cli, work, xdg_home, args):
    if isinstance(args, str):
        args = _plan_args(args, _answers(work))
    # $SHELL: the hint says bash's `unset` (fish's words: test_unset_advice_in_users_shell.py)
    first, hint = _refused(cli, work, xdg_home, *args, env={"TORCH_SETUP_REGION": "mars", "SHELL": "/bin/bash"})
    assert first == "environment: TORCH_SETUP_REGION: invalid value 'mars': expected cn (mainland China), global or auto"
    assert hint == "use cn or global, or unset it to go by the timezone and locale: unset TORCH_SETUP_REGION"


def test_a_region_variable_gets_did_you_mean_in_the_users_language(cli, work, xdg_home):
    first, hint = _refused(cli, work, xdg_home, "--lang", "zh", "mirrors", "--json",
                           env={"TORCH_SETUP_REGION": "China", "SHELL": "/bin/bash"})
    assert first.startswith("环境变量: TORCH_SETUP_REGION: 无效的值 'China'"), first
    assert hint.startswith("你是不是想写 'cn'？") and "unset TORCH_SETUP_REGION" in hint


# -- 3. every number on the command line has a range ----------------------------------------------------

def _numeric_options() -> list[tuple[list[str], str]]:
    """(command words, option) for every option of every subcommand that converts its value (a path's `~` is
    expanded, not converted: any word is a path)."""
    import argparse

    from installer.commands.arguments import user_path

    found: list[tuple[list[str], str]] = []

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*words, name])
            elif action.option_strings and action.type not in (None, user_path) and not action.choices:
                found.append((words, action.option_strings[0]))

    walk(build_parser(list(COMMANDS)), [])
    return found


NUMERIC = _numeric_options()
NOT_MINE: set[tuple[str, ...]] = set()  # options with no range check yet (none left)


def test_the_numeric_options_are_all_found():
    assert (["plan"], "--probe-timeout") in NUMERIC and (["doctor"], "--timeout") in NUMERIC
    assert (["verify"], "--compile-timeout") in NUMERIC and (["install"], "--probe-timeout") in NUMERIC


@pytest.mark.parametrize("words, option", [
    pytest.param(w, o, marks=pytest.mark.xfail(strict=True, reason="no range check there yet (the lead's file)"))
    if (*w, o) in NOT_MINE else (w, o) for w, o in NUMERIC if o != "--expect-variant"
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_a_negative_number_is_a_usage_error_naming_the_option(cli, work, xdg_home, words, option):
    value = "-1"
    result = cli(*words, option, value, cwd=work, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"argument {option}: " in result.stderr and repr(value) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_unit_or_a_decimal_comma_is_told_apart_from_a_bad_number(cli, work, xdg_home):
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "nan", cwd=work)
    assert result.returncode == 2 and "give between 0.1 and 120 seconds, not 'nan'" in result.stderr
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "30s", cwd=work)
    assert result.returncode == 2
    assert "give the number of seconds alone, without a unit: 30 (between 0.1 and 120), not '30s'" in result.stderr
    result = cli("doctor", "--timeout", "1,5", cwd=work)
    assert result.returncode == 2 and "write the decimal point as '.': 1.5, not '1,5'" in result.stderr


# -- 4. --python that is not a Python 3 interpreter is the user's mistake; a broken torch is not --------

def _not_pythons(work: Path) -> dict[str, tuple[str, str]]:
    """name -> (the --python given, the words in the refusal)."""
    script = work.parent / "notes.py"
    script.write_text("print('hello')\n")
    script.chmod(0o755)  # executable, but no #! line: the kernel will not run it
    cases = {
        "true": ("/bin/true", "/bin/true is not a Python interpreter (it printed nothing and exited 0)"),
        "echo": ("/bin/echo", "/bin/echo is not a Python interpreter (it printed something else and exited 0)"),
        "text-file": (str(script), f"{script} is not a Python interpreter (it cannot be started: Exec format error)"),
    }
    if os.access(PYTHON2, os.X_OK):  # root's pyenv: a normal user may not even look for it (/root is 0700)
        cases["python2"] = (str(PYTHON2), f"{PYTHON2} is Python 2.7: torch needs Python 3")
    return cases


@pytest.mark.parametrize("command", ["verify", "bench", "doctor"])
def test_a_python_that_is_not_python_3_is_bad_input(cli, work, xdg_home, command):
    extra = {"bench": ["--no-save", "--quick"], "doctor": ["--hardware", CPU_ONLY], "verify": ["--json"]}[command]
    for name, (given, words) in _not_pythons(work).items():
        first, hint = _refused(cli, work, xdg_home, command, "--python", given, *extra)
        assert first == f"--python: {words}", (name, first)
        assert hint == "give the python of the environment to check, e.g. .venv-torch/bin/python"


def test_a_home_of_a_user_that_does_not_exist_is_no_traceback(cli, work, xdg_home):
    first, hint = _refused(cli, work, xdg_home, "verify", "--python", "~nosuchuser/bin/python")
    # refused where every path option is read (installer.commands.arguments.user_path), as argparse says it
    assert first == ("torch-setup verify: error: argument --python: no user 'nosuchuser' for ~nosuchuser; write the "
                     "full path (/home/nosuchuser/bin/python), or ~/bin/python for a path in your own home"), first


def test_a_real_python_whose_start_crashes_keeps_exit_1(cli, work, xdg_home):
    import venv

    env = work.parent / "broken-env"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env)
    site = next((env / "lib").glob("python3.*/site-packages"))
    # a real segmentation fault at start: a .pth line runs in every Python's site, where a sitecustomize.py in
    # the venv is shadowed by a distribution's own (Debian's python3 has /usr/lib/python3.11/sitecustomize.py)
    (site / "crash.pth").write_text("import ctypes; ctypes.string_at(0)\n")
    result = cli("verify", "--python", str(env / "bin" / "python"), "--json", cwd=work)
    assert result.returncode == 1, result.stderr
    assert '"ok": false' in result.stdout and "exit -11" in result.stdout


# -- 5. --hardware given something other than a report says what it is and what to give ------------------

HARDWARE = {
    "no-schema": ('{\n  "os": {},\n  "gpus": []\n}\n', ":1: schema: this key is missing, so this file is not a "
                  "hardware report", "torch-setup detect --json > machine.json"),
    "schema-text": ('{\n  "schema": "1"\n}\n', ":2: schema: the schema is the number 1, not the text '1'",
                    'write "schema": 1, without quotes'),
    "schema-newer": ('{\n  "schema": 2\n}\n', ":2: schema: hardware report schema 2 comes from a newer torch-setup",
                     "upgrade torch-setup"),
    "a-list": ("[]\n", ":1: a hardware report is a JSON object, and this file holds a list", "detect --json"),
    "empty": ("", ":1: the file is empty", "detect --json"),
    "answers": (ANSWERS.format(path="env", version="2.13.0"), ":1: this is an answers file, not a hardware report",
                "give it with --answers"),
    "recommend": ('{"choices": [], "rejected": [], "warnings": []}\n',
                  ":1: this is the output of `torch-setup recommend --json`, not a hardware report", "detect --json"),
    "detect-text": ("System:   Ubuntu 22.04\nGPUs:     none found\n",
                    ":1: this is what `torch-setup detect` prints for people, not the report",
                    "save the report with --json"),
}


@pytest.mark.parametrize("case", sorted(HARDWARE))
def test_a_hardware_file_that_is_not_a_report_says_what_it_should_be(cli, work, xdg_home, case):
    text, where, hint = HARDWARE[case]
    report = work / "machine.json"
    report.write_text(text)
    first, got = _refused(cli, work, xdg_home, "plan", "--answers", str(_answers(work)), "--hardware", str(report))
    assert first.startswith(f"{report}{where}"), first
    assert hint in got, got


# -- 6, 7. target folders: a file in the way, a ~user that does not exist ---------------------------------

@pytest.mark.parametrize("command", ["plan", "install"])
def test_a_target_path_that_is_a_file_is_refused_when_planning(cli, work, xdg_home, command):
    (work / "env").write_text("not a folder\n")
    answers = _answers(work, path="env")
    first, hint = _refused(cli, work, xdg_home, *_plan_args(command, answers))
    assert first == f"{answers}:4: target.path: {work / 'env'} is a file, not a folder"
    assert hint == "choose another path, or move the file aside"
    answers = _answers(work, path="env/torch")
    first, hint = _refused(cli, work, xdg_home, *_plan_args(command, answers))
    assert first == (f"{answers}:4: target.path: {work / 'env'} is a file, so the folder {work / 'env' / 'torch'} "
                     "cannot be made in it")


@pytest.mark.parametrize("command", ["plan", "install"])
def test_a_home_of_a_user_that_does_not_exist_is_refused(cli, work, xdg_home, command):
    answers = _answers(work, path="~nosuchuser/x")
    first, hint = _refused(cli, work, xdg_home, *_plan_args(command, answers))
    assert first == f"{answers}:4: target.path: no user 'nosuchuser' for ~nosuchuser"
    assert hint == "write the full path (/home/nosuchuser/x), or ~/x for a path in your own home"


@pytest.mark.parametrize("command", ["plan", "install"])
def test_a_target_python_that_is_no_python_is_refused_when_planning(cli, work, xdg_home, command):
    answers = work / "answers.yaml"
    answers.write_text("version: 1\ntarget:\n  kind: existing\n  python: /bin/true\n"
                       "torch: {version: 2.13.0, variant: cpu, extras: []}\n")
    args = ["--answers", str(answers), "--probe-timeout", "0.2", *(["--yes"] if command == "install" else [])]
    first, hint = _refused(cli, work, xdg_home, command, *args)  # detected here: the interpreter is on this disk
    assert first == f"{answers}:4: target.python: /bin/true is not a Python interpreter (it printed nothing and exited 0)"
    assert hint == "give the path of a Python 3 interpreter (/usr/bin/python3), or a version such as 3.12"


@pytest.mark.parametrize(("argv", "usage", "hint"), [
    (["bench", "--quik"], "usage: torch-setup bench ", "did you mean '--quick'?"),
    (["detect", "--jsn"], "usage: torch-setup detect ", "did you mean '--json'?"),
    (["mirrors", "--timout=5"], "usage: torch-setup mirrors ", "did you mean '--timeout'?"),
    (["--lang", "zh", "verify", "--pyton", "x"], "用法：torch-setup verify ", "你是不是想写 '--python'？"),
])
def test_a_mistyped_option_gets_its_commands_usage_and_the_option_it_misspells(cli, work, xdg_home, argv, usage,
                                                                                hint):
    """Found in use: `bench --quik` printed the top-level usage with no suggestion."""
    result = cli(*argv, cwd=work)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(usage), result.stderr
    assert f"  -> {hint}" in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_word_gets_no_made_up_suggestion(cli, work, xdg_home):
    result = cli("detect", "extra", cwd=work)
    assert result.returncode == 2 and "unrecognized arguments: extra" in result.stderr
    assert "->" not in result.stderr


def test_an_environments_folder_given_as_its_interpreter_names_the_interpreter(cli, work, xdg_home):
    """Found in use: `target.python: ~/proj` (the venv's folder) got "no Python interpreter there"."""
    import venv

    env = work / "proj"
    venv.EnvBuilder(with_pip=False).create(env)
    (work / "a.yaml").write_text(f"version: 1\ntarget:\n  kind: existing\n  python: {env}\n"
                                 "torch:\n  version: 2.13.0\n  variant: cpu\n")
    result = cli("answers", "check", "a.yaml", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first == f"a.yaml:4: target.python: {env}: this is an environment's folder, not its interpreter"
    assert hint == f"  -> give its interpreter: {env}/bin/python"
