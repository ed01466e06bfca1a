"""`install --yes` does not start on a PyPI mirror chosen by hand that does not answer from this machine:
exit 2 at once, naming the answers' line, and nothing changed. A stand-in PyPI on 127.0.0.1 that answers
lets the plan through without a note. The real command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import TESTS, answers_with_mirror, load_module

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")



def _work(tmp_path: Path, url: str) -> Path:
    return answers_with_mirror(tmp_path, "pypi", url)


def test_a_dead_pypi_mirror_stops_the_unattended_install(cli, tmp_path, xdg_home):
    url = f"{servers.dead_base()}/simple"
    work = _work(tmp_path, url)
    result = cli("install", "--answers", "answers.yaml", "--yes", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"answers.yaml:12: mirror.pypi: the PyPI mirror chosen by hand, {url}, "
                                    "does not work from this machine (connection refused")
    assert "`mirror.pypi: auto`" in result.stderr and "Traceback" not in result.stderr
    assert sorted(os.listdir(work)) == ["answers.yaml"]  # no environment, so no pip.conf naming it
    assert not (xdg_home / "state" / "torch-setup" / "journal").exists()


def test_plan_shows_it(cli, tmp_path):
    url = f"{servers.dead_base()}/simple"
    result = cli("plan", "--answers", "answers.yaml", cwd=_work(tmp_path, url))
    assert result.returncode == 0, result.stderr
    assert f"# note: the PyPI mirror chosen by hand, {url}, does not answer from here: connection refused" \
        in result.stdout


@pytest.fixture
def live():
    mirror = servers.pypi_index(servers.Mirror("live")).start()
    yield f"{mirror.base}/simple"
    mirror.stop()


def test_a_mirror_that_answers_is_written_for_later_without_a_note(cli, tmp_path, live):
    result = cli("plan", "--answers", "answers.yaml", cwd=_work(tmp_path, live))
    assert result.returncode == 0, result.stderr
    assert "does not answer from here" not in result.stdout
    assert "pip-mirror-env" in result.stdout and live in result.stdout


def test_answers_check_refuses_what_install_refuses(cli, tmp_path, live):
    """`answers check` passes only a file `install --yes` takes here: the dead mirror is refused with the
    same words; the live one is `ok`."""
    dead = f"{servers.dead_base()}/simple"
    work = _work(tmp_path, dead)
    result = cli("answers", "check", "answers.yaml", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("answers.yaml:12: mirror.pypi: the PyPI mirror chosen by hand")
    answers_with_mirror(tmp_path, "pypi", live, name="good.yaml")
    result = cli("answers", "check", "good.yaml", cwd=work)
    assert result.returncode == 0 and result.stdout == "good.yaml: ok\n", result.stdout + result.stderr
