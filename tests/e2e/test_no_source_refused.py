"""`install --yes` of the shipped example does not start when no PyTorch index answers and nothing else the run
reads can have the +cpu build: exit 2 at once, naming the answers file, and nothing created.

Found in use, as a normal user with no pip configuration and no route to download.pytorch.org: `plan` said
"relying on the pip configuration (find-links, extra indexes)", which named none; `install --yes` made the
environment, then uv failed at the torch step ("there is no version of torch==2.13.0+cpu"), exit 1.

The real command line, with pip reading no configuration file (PIP_CONFIG_FILE=/dev/null, pip's own way) and
every probe sent through a proxy on a port where nothing listens, so nothing leaves this machine and the
test does not depend on this machine's network.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROXIES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")


@pytest.fixture
def cut_off(monkeypatch, xdg_home):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    s.close()  # nothing listens there now: every probe is refused at once
    for name in PROXIES:
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy", "PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("TORCH_SETUP_REGION", "global")
    return xdg_home


def _work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", work)
    return work


def test_the_unattended_install_stops_before_anything_runs(cli, tmp_path, cut_off):
    work = _work(tmp_path)
    result = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    print(result.stderr)  # what a person sees (pytest -s)
    assert result.returncode == 2, result.stdout + result.stderr
    # the file leaves mirror.pytorch at auto: the error points at the nearest line it has, as for any default key
    assert result.stderr.startswith("cpu-venv.yaml:5: mirror.pytorch: no source this run reads can have "
                                    "torch==2.13.0+cpu: no PyTorch wheel index that lists torch 2.13.0+cpu answered "
                                    "within 3.0 s"), result.stderr
    assert "PyPI and its mirrors do not carry builds labelled +cpu or +cuNNN" in result.stderr
    assert "nothing was changed" in result.stderr and "`torch-setup mirrors`" in result.stderr
    assert "Traceback" not in result.stderr and "[1/" not in result.stdout
    assert sorted(os.listdir(work)) == ["cpu-venv.yaml"]  # no environment made
    assert not (cut_off / "state" / "torch-setup" / "journal").exists()


def test_plan_shows_the_plan_and_says_why_it_would_stop(cli, tmp_path, cut_off):
    work = _work(tmp_path)
    result = cli("plan", "--answers", "cpu-venv.yaml", cwd=work)
    assert result.returncode == 0, result.stderr
    assert ("# note: no PyTorch index answered for cpu, and what else this run reads (https://pypi.org/simple) "
            "cannot have torch==2.13.0+cpu") in result.stdout
    assert "relying on the pip configuration" not in result.stdout
    assert sorted(os.listdir(work)) == ["cpu-venv.yaml"]


def test_answers_check_says_the_same(cli, tmp_path, cut_off):
    result = cli("answers", "check", "cpu-venv.yaml", cwd=_work(tmp_path))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cpu-venv.yaml:5: mirror.pytorch: no source this run reads can have torch==2.13.0+cpu" in result.stderr


def test_a_pip_configuration_with_a_find_links_folder_is_still_relied_on(cli, tmp_path, cut_off, monkeypatch):
    """A folder may hold the wheel (here an empty one, so the index is still probed): the plan keeps the
    words it had, and the check passes, as nothing shows the run cannot work."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    work = _work(tmp_path)
    result = cli("answers", "check", "cpu-venv.yaml", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    plan = cli("plan", "--answers", "cpu-venv.yaml", cwd=work)
    assert "# note: no PyTorch index is reachable for cpu: relying on the pip configuration" in plan.stdout
