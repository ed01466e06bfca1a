"""A venv made for an offline install has pip, as the online one does: a wheelhouse build downloads pip's
wheel beside the pins (its hash in pip.txt), and the install into the plan's new venv installs it from
there; an existing environment's pip is left alone; a wheelhouse without pip (older builds) is said.

Found in use (noticed s22, left until s26): after an offline install, `python -m pip` in the new venv
said "No module named pip" (uv makes a venv without pip), unlike after an online install. Real venvs made by
real uv, a real build from PyPI through the executor, a real offline install with every index unreachable.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from installer.answers import Answers
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.wheel import KIND, SEED_REQUIREMENTS, WheelParams, check_wheelhouse
from installer.plan.model import Plan, Step
from installer.plan.tools import Tools, find_uv

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
PINS = ("markupsafe==3.0.2",)
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def _closed() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/simple"


def _ctx(**values: str) -> KindContext:
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.os.arch = "x86_64"
    return KindContext(answers=Answers(), report=report, pins=None, indexes=Indexes(),
                       tools=Tools(uv=find_uv(), python=sys.executable, host_pip=True),
                       values={"target.python_version": VERSION, "method": "wheel", **values})


def _step(params: WheelParams, ctx: KindContext, step_id: str) -> tuple[Step, tuple[str, ...]]:
    c = KIND.compile(params, ctx)
    return (Step(id=step_id, title=step_id, kind="wheel", commands=c.commands, guard=c.guard, writable=c.writable,
                 timeout=900), c.notes)


def _run(step: Step, state: Path) -> None:
    events = list(run_plan(Plan(steps=(step,)), state_dir=state))
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]


def _uv_venv(path: Path) -> Path:
    subprocess.run([find_uv(), "venv", "-q", "--no-project", "--python", sys.executable, str(path)], check=True,
                   timeout=120)
    py = path / "bin" / "python"
    assert subprocess.run([py, "-m", "pip", "--version"], capture_output=True).returncode != 0  # uv's: no pip
    return py


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    wh = tmp_path_factory.mktemp("wh") / "wheelhouse"
    step, _notes = _step(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                         _ctx(), "wheelhouse-build")
    _run(step, tmp_path_factory.mktemp("state"))
    return wh


def test_the_build_puts_pip_beside_the_pins_with_its_hash(wheelhouse):
    (pip_wheel,) = wheelhouse.glob("pip-*.whl")
    seed = (wheelhouse / SEED_REQUIREMENTS).read_text()
    assert f"pip=={pip_wheel.name.split('-')[1]} --hash=sha256:" in seed
    requirements = (wheelhouse / "requirements.txt").read_text()
    assert "pip==" not in requirements and "markupsafe==3.0.2" in requirements  # an existing env's pip stays
    manifest = json.loads((wheelhouse / "manifest.json").read_text())
    assert manifest["requirements"] == list(PINS) and manifest["seed"] == ["pip"]
    assert pip_wheel.name in {f["file"] for f in manifest["files"]}
    assert check_wheelhouse(wheelhouse, list(PINS), with_seed=True) == []


def _offline(monkeypatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", _closed())
    monkeypatch.setenv("UV_INDEX_URL", _closed())
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)


def test_the_new_venv_gets_pip_from_the_wheelhouse_offline(wheelhouse, tmp_path, monkeypatch, xdg_home):
    _offline(monkeypatch)
    venv = tmp_path / "env"
    py = _uv_venv(venv)
    step, notes = _step(WheelParams(action="install", wheelhouse=str(wheelhouse), python=str(py), packages=PINS),
                        _ctx(**{"target.kind": "venv", "target.path": str(venv)}), "wheelhouse-install")
    assert notes == ()
    _run(step, tmp_path / "state")
    version = subprocess.run([py, "-m", "pip", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and str(venv) in version.stdout, version.stderr
    assert subprocess.run([py, "-c", "import markupsafe"]).returncode == 0


def test_an_existing_environment_keeps_its_own_pip(wheelhouse, tmp_path, monkeypatch, xdg_home):
    _offline(monkeypatch)
    py = _uv_venv(tmp_path / "theirs")
    step, _notes = _step(WheelParams(action="install", wheelhouse=str(wheelhouse), python=str(py), packages=PINS),
                         _ctx(**{"target.kind": "existing"}), "wheelhouse-install")
    _run(step, tmp_path / "state")
    assert subprocess.run([py, "-m", "pip", "--version"], capture_output=True).returncode != 0  # not touched


def test_a_wheelhouse_without_pip_is_said_and_built_again(wheelhouse, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for f in wheelhouse.iterdir():
        if f.name != SEED_REQUIREMENTS and not f.name.startswith("pip-"):
            (old / f.name).write_bytes(f.read_bytes())
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["files"] = [f for f in manifest["files"] if not f["file"].startswith("pip-")]
    del manifest["seed"]  # as builds before session 26 wrote it
    (old / "manifest.json").write_text(json.dumps(manifest))
    venv = tmp_path / "env"
    _step_, notes = _step(WheelParams(action="install", wheelhouse=str(old), python=str(venv / "bin" / "python"),
                                      packages=PINS), _ctx(**{"target.kind": "venv", "target.path": str(venv)}), "i")
    assert len(notes) == 1 and notes[0].startswith(f"the wheelhouse {old} holds no pip")
    assert SEED_REQUIREMENTS not in " ".join(_step_.commands[-1].argv)
    assert check_wheelhouse(old, list(PINS)) == []  # sound for an install
    assert check_wheelhouse(old, list(PINS), with_seed=True) != []  # a build guard builds it again


def test_a_build_by_torch_setup_without_pip_runs_pip_through_uv(tmp_path, xdg_home):
    """Found as a normal user (torch-setup from `uv tool install`, whose environment has no pip): the build's
    `python -m pip download` failed with "No module named pip". pip then runs in an environment of uv's cache
    (uv has no `pip download`), with the system's certificates as uv's installs; a real build from PyPI."""
    ctx = _ctx()
    ctx = KindContext(answers=ctx.answers, report=ctx.report, pins=None, indexes=Indexes(),
                      tools=Tools(uv=find_uv(), python=sys.executable, host_pip=False), values=ctx.values)
    wh = tmp_path / "wheelhouse"
    params = WheelParams(action="build", wheelhouse=str(wh), python=sys.executable, packages=PINS)
    download = KIND.compile(params, ctx).commands[1]
    assert download.argv[:6] == (find_uv(), "run", "--no-project", "--python", sys.executable, "--with")
    assert download.argv[6:11] == ("pip", "python", "-m", "pip", "download")
    assert ("UV_SYSTEM_CERTS", "1") in download.env
    step, _notes = _step(params, ctx, "wheelhouse-build")
    _run(step, tmp_path / "state")
    assert check_wheelhouse(wh, list(PINS), with_seed=True) == []  # the pins and pip, each with its hash
    # with a pip of its own, torch-setup's interpreter downloads, as before
    with_pip = KIND.compile(params, _ctx()).commands[1].argv
    assert with_pip[:4] == (sys.executable, "-m", "pip", "download")
