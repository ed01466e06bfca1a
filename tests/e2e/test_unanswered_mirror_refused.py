"""`install --yes` does not start on a PyTorch mirror chosen by hand that the plan found not working from
this machine: exit 2 at once, naming the answers' line, and nothing changed.

Found in use: `mirror.pytorch: https://127.0.0.1:9/whl/cpu` (connection refused), which `plan` had noted as
"chosen by hand and kept, although it does not work from here", went on to minutes of uv's and pip's
retries (113 s where the install takes 5 s), exit 0 through the wheels on this disk, and the dead mirror in
the new environment's pip.conf. The real command line, against a port where nothing listens and a real
HTTP server on 127.0.0.1 that answers 503. `plan` still shows the plan (it runs nothing), and a plan made
from a saved hardware report (--hardware) is not refused on what this machine's network says.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from helpers import answering, answers_with_mirror

from installer.executor.runlock import RunLock


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connection refused
    return port


@pytest.fixture
def unavailable():
    with answering(503) as base:
        yield f"{base}/whl/cpu"


def _work(tmp_path: Path, url: str) -> Path:
    return answers_with_mirror(tmp_path, "pytorch", url)


def test_a_refused_mirror_stops_the_unattended_install_before_anything_runs(cli, tmp_path, xdg_home):
    url = f"https://127.0.0.1:{_closed_port()}/whl/cpu"
    work = _work(tmp_path, url)
    started = time.monotonic()
    result = cli("install", "--answers", "answers.yaml", "--yes", cwd=work)
    print(result.stderr)  # what a person sees (pytest -s)
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 60  # no retries: it was found at plan time
    assert result.stderr.startswith(f"answers.yaml:12: mirror.pytorch: the PyTorch mirror chosen by hand, {url}, "
                                    "does not work from this machine (connection refused")
    assert "nothing was changed" in result.stderr and "`mirror.pytorch: auto`" in result.stderr
    assert "run the same command again once the mirror works" in result.stderr
    assert "--probe-timeout, 3 s now" in result.stderr
    assert "Traceback" not in result.stderr and "[1/" not in result.stdout
    assert sorted(os.listdir(work)) == ["answers.yaml"]  # no environment, so no pip.conf naming the mirror
    assert not (xdg_home / "state" / "torch-setup" / "journal").exists()


def test_a_mirror_answering_503_is_refused_with_its_status(cli, tmp_path, unavailable):
    work = _work(tmp_path, unavailable)
    result = cli("install", "--answers", "answers.yaml", "--yes", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"the PyTorch mirror chosen by hand, {unavailable}, does not work from this machine" in result.stderr
    assert "503 Service Unavailable" in result.stderr
    assert sorted(os.listdir(work)) == ["answers.yaml"]


def test_plan_still_shows_the_plan_with_its_note(cli, tmp_path):
    url = f"https://127.0.0.1:{_closed_port()}/whl/cpu"
    result = cli("plan", "--answers", "answers.yaml", cwd=_work(tmp_path, url))
    assert result.returncode == 0, result.stderr
    assert f"# note: PyTorch index for cpu: {url} (chosen by hand and kept, although it does not work from here: " \
           "connection refused" in result.stdout


def test_a_saved_hardware_report_is_not_refused_on_this_machines_network(cli, tmp_path, xdg_home):
    """With --hardware the refusal does not apply: the run goes on to the executor, which here finds the
    environment's folder held by another run (this test holds its lock), so nothing runs either way."""
    url = f"https://127.0.0.1:{_closed_port()}/whl/cpu"
    work = _work(tmp_path, url)
    detected = cli("detect", "--json")
    assert detected.returncode == 0, detected.stderr
    (tmp_path / "here.json").write_text(detected.stdout)
    with RunLock([str((work / ".venv-torch").resolve())], fallback_dir=tmp_path / "locks"):
        result = cli("install", "--answers", "answers.yaml", "--yes", "--hardware", str(tmp_path / "here.json"),
                     cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "does not work from this machine" not in result.stderr
    assert f"another torch-setup run (pid {os.getpid()}) is installing into" in result.stderr
