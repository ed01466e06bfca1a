"""`target.path: $HOME/venv` through the real CLI: `plan` shows the expanded absolute folder (it used to
plan a folder literally named `$HOME` in the working directory); an unset variable is exit 2 naming the
file, line and key, and nothing is created."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
ANSWERS = "version: 1\ntarget:\n  kind: venv\n  path: {path}\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


@pytest.fixture
def work(tmp_path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("written", ["$HOME/venvs/torch", "${HOME}/venvs/torch", "~/venvs/torch"])
def test_plan_shows_the_expanded_folder(cli, work, xdg_home, written):
    home = work.parent / "home-of-me"
    (work / "a.yaml").write_text(ANSWERS.format(path=written))
    before = _tree(work, xdg_home)
    result = cli("plan", "--answers", "a.yaml", "--hardware", CPU_ONLY, "--probe-timeout", "0.2", cwd=work,
                 env={"HOME": str(home)}, timeout=120)
    assert result.returncode == 0, result.stderr
    folder = f"{home}/venvs/torch"
    # the header says the recorded machine's folder as written (installer.plan.recorded_folder), and where the
    # commands below, expanded here, put it; the commands name no variable
    header, commands = result.stdout.split("set -euo pipefail\n", 1)
    assert f"#   target: {written}" in header and f"# the commands below use {folder}, " in header, header
    assert f"Create the virtual environment {folder}\n" in commands
    assert "$HOME" not in commands and "${HOME}" not in commands and "~/venvs" not in commands
    assert _tree(work, xdg_home) == before and not home.exists()


@pytest.mark.parametrize("command", ["plan", "install"])
def test_an_unset_variable_is_bad_input(cli, work, xdg_home, command):
    (work / "a.yaml").write_text(ANSWERS.format(path="$TORCH_SETUP_NO_SUCH_VAR/venv"))
    before = _tree(work, xdg_home)
    result = cli(command, "--answers", "a.yaml", "--hardware", CPU_ONLY, "--probe-timeout", "0.2",
                 *(["--yes"] if command == "install" else []), cwd=work, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "a.yaml:4: target.path: $TORCH_SETUP_NO_SUCH_VAR is not set in the environment",
        "  -> set it (export TORCH_SETUP_NO_SUCH_VAR=...) before running torch-setup, or write $$ for a $ that is "
        "part of the name: $$TORCH_SETUP_NO_SUCH_VAR/venv",
    ]
    assert _tree(work, xdg_home) == before
