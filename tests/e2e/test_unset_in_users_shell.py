"""A dead PIP_* variable is said with the command that removes it in the user's own shell.

Found in use: the advice said `unset PIP_INDEX_URL` to a fish user, whose shell has no such command for
a variable of the environment (fish: `set -e`; csh and tcsh: `unsetenv`). The choice of words is pure
(installer.executor.diagnose.unset_command); the runner reads $SHELL. Through the real command line,
against a port where nothing listens, as in test_dead_index_from_pip_config.py.
"""

from __future__ import annotations

import pytest
from helpers import TESTS, load_module

from installer.executor.diagnose import diagnose, unset_command

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")
ANSWERS = TESTS.parent / "recipes" / "answers" / "cpu-venv.yaml"
REFUSED = (TESTS / "fixtures" / "failures" / "uv-refused.txt").read_text().splitlines()
ORIGINS = (("https://127.0.0.1:9/whl/cpu", "PIP_INDEX_URL"),)


@pytest.mark.parametrize(("shell", "command"), [
    ("fish", "set -e PIP_INDEX_URL"), ("csh", "unsetenv PIP_INDEX_URL"), ("tcsh", "unsetenv PIP_INDEX_URL"),
    ("bash", "unset PIP_INDEX_URL"), ("zsh", "unset PIP_INDEX_URL"), ("sh", "unset PIP_INDEX_URL"),
    (None, "unset PIP_INDEX_URL"),
])
def test_the_command_is_the_shells_own(shell, command):
    assert unset_command("PIP_INDEX_URL", shell) == command
    got = diagnose(REFUSED, "pip", ORIGINS, shell=shell)
    assert got is not None and f"(`{command}`, and remove it from the shell profile" in got.hint, got.hint


@pytest.mark.parametrize(("shell", "command", "not_said"), [
    ("/usr/bin/fish", "set -e PIP_INDEX_URL", "unset PIP_INDEX_URL"),
    ("/bin/tcsh", "unsetenv PIP_INDEX_URL", "`unset PIP_INDEX_URL"),
    ("/bin/bash", "unset PIP_INDEX_URL", "set -e"),
])
def test_the_install_says_it_in_the_shell_of_shell(cli, tmp_path, monkeypatch, xdg_home, shell, command, not_said):
    monkeypatch.setenv("PIP_INDEX_URL", f"{servers.dead_base()}/simple")
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    (tmp_path / "cpu-venv.yaml").write_text(ANSWERS.read_text())
    result = cli("install", "--answers", "cpu-venv.yaml", "--yes", "--probe-timeout", "0.2", cwd=tmp_path,
                 env={"SHELL": shell})
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    hint = next(line for line in out.splitlines() if "the environment variable PIP_INDEX_URL it comes from" in line)
    assert f"`{command}`" in hint and not_said not in hint, hint
    assert "Traceback" not in out
