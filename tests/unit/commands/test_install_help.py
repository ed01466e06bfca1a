"""`install --help` says what an admin scripting it needs: the exit codes, sudo, where the log and the
journal go (finding C11c), and those paths are the ones the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from installer.executor.journal import Journal
from installer.executor.runner import _open_log
from installer.i18n.linebreak import cells

ITEM = re.compile(r"^  (0|1|2|130) +(\S.*)$")


def _epilog(text: str) -> str:
    return text[text.index("\nexit codes:\n") + 1:]


def test_the_help_lists_the_exit_codes_sudo_and_the_paths(cli):
    r = cli("install", "--help", env={"COLUMNS": "100"})
    assert r.returncode == 0
    epilog = _epilog(r.stdout)
    codes = {m[1]: m[2] for m in map(ITEM.match, epilog.splitlines()) if m}
    assert list(codes) == ["0", "1", "2", "130"], epilog
    assert codes["2"].startswith("bad input, or refused before anything ran")
    assert codes["130"].startswith("interrupted")
    flat = " ".join(epilog.split())
    assert "run through sudo" in flat and "asks for your password once" in flat
    assert "sudo must not need a password" in flat and "the run stops before anything ran (exit 2)" in flat
    assert "logs/" in flat and "journal/" in flat
    assert "$XDG_STATE_HOME/torch-setup/ (by default ~/.local/state/torch-setup/)" in flat


def test_the_paths_it_names_are_where_a_run_writes(tmp_path, monkeypatch):
    from installer import paths

    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    state = paths.state_dir()
    assert state == tmp_path / ".local" / "state" / "torch-setup"
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    state = paths.state_dir()
    assert state == tmp_path / "xdg" / "torch-setup"
    log, log_path = _open_log(state)
    log.close()
    assert Path(log_path).parent == state / "logs"
    assert Journal(state).dir == state / "journal"


def test_a_narrow_terminal_wraps_each_item_under_its_text(cli):
    r = cli("install", "--help", env={"COLUMNS": "60"})
    epilog = _epilog(r.stdout).splitlines()
    assert all(cells(line) <= 60 for line in epilog), epilog
    first = next(i for i, line in enumerate(epilog) if line.startswith("  2  "))
    column = len(ITEM.match(epilog[first])[0]) - len(ITEM.match(epilog[first])[2])
    assert epilog[first + 1].startswith(" " * column) and epilog[first + 1][column] != " ", epilog
    assert not any(line.startswith(" ") for line in epilog if "sudo must not" in line), "paragraphs stay flush"


def test_one_line_descriptions_are_laid_out_as_before(cli):
    r = cli("detect", "--help", env={"COLUMNS": "80"})
    assert "\nwhat this machine has: GPUs, driver, CUDA, OS, Python, traps\n" in r.stdout
