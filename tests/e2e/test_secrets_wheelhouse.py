"""The `wheel` kind's `pip download` from an index that wants a password (a real 127.0.0.1 server, HTTP
Basic): the credentials reach pip in its environment (PIP_INDEX_URL, ...), never on its argv, where any
local user reads them (`ps`); what is printed, logged and journaled shows `***`; the plan script hides
them, and `plan --show-secrets` gives a script that logs in.

What the executor really started is recorded by wrapping installer.executor.process.Child (the real one
still runs every command); pip reads no configuration (PIP_CONFIG_FILE=/dev/null), so the index was
reachable only through what the step handed it."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from helpers import TESTS, load_module

from installer.answers import Answers
from installer.errors import InputError
from installer.executor import runner
from installer.executor.events import RunFinished, StepFinished
from installer.executor.plain import PlainProgress
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.wheel import KIND, WheelParams
from installer.plan.model import Plan, Step
from installer.plan.script import render_script
from installer.plan.tools import Tools

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
PASSWORD, TOKEN = server.PASSWORD, server.TOKEN
REPO = TESTS.parent
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
PY_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def index(tmp_path):
    idx = server.AuthIndex(server.tiny_index(tmp_path / "index"))
    yield idx
    idx.stop()


@pytest.fixture
def started(monkeypatch) -> list[tuple[tuple[str, ...], dict[str, str]]]:
    """(argv, environment) of every process the executor starts, as it starts them."""
    seen: list[tuple[tuple[str, ...], dict[str, str]]] = []

    class Recorded(runner.Child):  # type: ignore[misc,name-defined]
        def __init__(self, argv, **kwargs) -> None:
            super().__init__(argv, **kwargs)
            seen.append((tuple(argv), dict(kwargs["env"])))

    monkeypatch.setattr(runner, "Child", Recorded)
    return seen


@pytest.fixture
def no_pip_config(monkeypatch) -> None:
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    for var in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def state(xdg_home: Path) -> Path:
    return xdg_home / "state" / "torch-setup"


def _ctx(indexes: Indexes) -> KindContext:
    return KindContext(answers=Answers(), report=HardwareReport.model_validate_json(MACHINE.read_text()), pins=None,
                       indexes=indexes, tools=Tools(uv=shutil.which("uv"), python=sys.executable, host_pip=True),
                       values={"target.python_version": PY_VERSION})


def _step(step_id: str, params: WheelParams, indexes: Indexes) -> Step:
    compiled = KIND.compile(params, _ctx(indexes))
    return Step(id=step_id, title=step_id, kind="wheel", commands=compiled.commands, guard=compiled.guard,
                writable=compiled.writable, timeout=300)


def _credentialed(index) -> Indexes:
    # the password in the main index, a token alone in an extra one: both kinds of secret
    return Indexes(index_url=index.url(), extra_index_urls=(index.url(user=TOKEN, password=None),),
                   trusted_hosts=("127.0.0.1",))


def test_build_then_install_in_one_plan_logs_in_from_the_environment(tmp_path, state, index, started,
                                                                    no_pip_config):
    wh, target = tmp_path / "wheelhouse", tmp_path / "target"
    venv.EnvBuilder(with_pip=False).create(target)
    py = target / "bin" / "python"
    build = _step("build", WheelParams(action="build", wheelhouse=str(wh), python=sys.executable,
                                       packages=("secretpkg==1.0",)), _credentialed(index))
    install = _step("install", WheelParams(action="install", wheelhouse=str(wh), python=str(py),
                                           packages=("secretpkg==1.0",)), Indexes())
    download = build.commands[1]  # after `start`, which empties the folder it downloads into
    assert download.argv[1:4] == ("-m", "pip", "download")
    assert not any(PASSWORD in a or TOKEN in a for a in download.argv)
    assert dict(download.env) == {"PIP_INDEX_URL": index.url(),
                                  "PIP_EXTRA_INDEX_URL": index.url(user=TOKEN, password=None)}

    # the install alone is refused before anything runs: its wheelhouse is not there (nothing made)
    with pytest.raises(InputError) as refused:
        list(runner.run_plan(Plan(steps=(install,)), state_dir=state))
    assert refused.value.key == "wheelhouse" and str(wh) in refused.value.message
    assert not state.exists() and not wh.exists() and started == []

    # after the build step that makes it, in the same plan, it is fine
    out = io.StringIO()
    events = list(runner.run_plan(Plan(steps=(build, install)), state_dir=state))
    PlainProgress(out).consume(events)
    assert [(e.step_id, e.status) for e in events if isinstance(e, StepFinished)] == [
        ("build", "changed"), ("install", "changed")], out.getvalue()
    assert index.authorized("/files/secretpkg-1.0")  # pip downloaded it, logged in
    assert subprocess.run([str(py), "-c", "import secretpkg; print(secretpkg.VERSION)"], capture_output=True,
                          text=True).stdout.strip() == "1.0"

    # what the executor started: the secrets only ever in the pip download's environment
    assert started
    for argv, _env in started:
        assert not any(PASSWORD in a or TOKEN in a for a in argv), argv
    downloads = [env for argv, env in started if "download" in argv]
    assert downloads and downloads[0]["PIP_INDEX_URL"] == index.url()
    # what a person sees or keeps: the progress, the log, the journal
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    log = Path(finished.log_path).read_text()
    journal = "".join(p.read_text() for p in (state / "journal").glob("*.json"))
    seen = out.getvalue() + log + journal
    assert PASSWORD not in seen and TOKEN not in seen
    assert f"$ PIP_INDEX_URL=http://***@127.0.0.1:{index.port}/simple " in log


def test_the_plan_script_hides_them_and_show_secrets_logs_in(tmp_path, xdg_home, index):
    wh = tmp_path / "wh"
    plan = Plan(steps=(_step("build", WheelParams(action="build", wheelhouse=str(wh), python=sys.executable,
                                                  packages=("secretpkg==1.0",)), _credentialed(index)),))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(xdg_home / "cache"),
           "PIP_CONFIG_FILE": "/dev/null"}
    hidden = render_script(plan)
    assert PASSWORD not in hidden and TOKEN not in hidden
    assert f"PIP_INDEX_URL='http://***@127.0.0.1:{index.port}/simple' " in hidden
    refused = subprocess.run(["bash", "-c", hidden], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and not index.authorized("/files/")
    shown = render_script(plan, show_secrets=True)
    line = next(ln for ln in shown.splitlines() if " -m pip download " in ln)
    program = line.index(sys.executable)
    assert PASSWORD in line[:program] and PASSWORD not in line[program:] and TOKEN not in line[program:]
    done = subprocess.run(["bash", "-c", shown], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert index.authorized("/files/secretpkg-1.0") and (wh / "secretpkg-1.0-py3-none-any.whl").is_file()
    assert json.loads((wh / "manifest.json").read_text())["requirements"] == ["secretpkg==1.0"]


LOCAL_INDEX = Path("/opt/pypi")


@pytest.mark.skipif(not (LOCAL_INDEX / "simple" / "sympy").is_dir() or not Path("/opt/wheels").is_dir(),
                    reason="needs this machine's local package index (/opt/pypi) and the torch wheel (/opt/wheels)")
def test_install_of_a_wheelhouse_build_answers_file(tmp_path, monkeypatch, capsys, xdg_home, started, no_pip_config):
    """`torch-setup install` of a `method: wheelhouse-build` answers file whose mirror.pypi is the private
    index (torch's dependencies come only through it, torch from the wheel folder on this disk)."""
    from installer.cli import main

    index = server.AuthIndex(LOCAL_INDEX)
    try:
        text = (REPO / "recipes" / "answers" / "wheelhouse-build.yaml").read_text()
        (tmp_path / "wh.yaml").write_text(text + f'mirror: {{pypi: "{index.url()}"}}\n')
        monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
        monkeypatch.chdir(tmp_path)
        rc = main(["install", "--answers", "wh.yaml", "--yes", "--probe-timeout", "0.2"])
        printed = capsys.readouterr()
        assert rc == 0, printed.out + printed.err
        wh = tmp_path / "torch-wheelhouse"
        assert any(p.name.startswith("torch-2.13.0+cpu-") for p in wh.glob("*.whl"))
        assert index.authorized("/files/sympy-")  # a dependency, through the private index, logged in
        downloads = [(argv, env) for argv, env in started if "download" in argv]
        # the pins, then pip for new venvs (which this index lacks: allowed to fail), both logged in alike
        assert len(downloads) == 2 and all(env["PIP_INDEX_URL"] == index.url() for _argv, env in downloads)
        assert not any(PASSWORD in a for argv, _env in started for a in argv)
        state = xdg_home / "state" / "torch-setup"
        kept = "".join(p.read_text() for p in [*(state / "logs").glob("*.log"), *(state / "journal").glob("*.json")])
        assert kept and PASSWORD not in printed.out + printed.err + kept
        assert f"$ PIP_INDEX_URL=http://***@127.0.0.1:{index.port}/simple " in printed.out
    finally:
        index.stop()
