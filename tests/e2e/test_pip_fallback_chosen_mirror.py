"""The pip fallback with a PyPI mirror chosen in the answers takes packages from the plan's sources only.

pip adds what its configuration names (pip.conf, PIP_* variables) to the sources its flags give, so a
machine whose pip.conf names an extra index would have that index asked too: with `mirror.pypi` set to
anything but `auto` ("the pip configuration already on this machine") it must not be. Real pip, real
indexes on 127.0.0.1 that record every request, the plan made by the real pip kind from the pip
configuration read for real, run by the executor (uv made to fail, so that pip runs) and as the script
`torch-setup plan` prints.
"""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import TESTS, cpu_answers, load_module, pip_install_plan

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.hardware.target_python import pip_config_here
from installer.plan.indexes import choose_indexes
from installer.plan.kinds.base import KindContext, get_kind
from installer.plan.kinds.pip import PIP_SOURCE_VARIABLES
from installer.plan.model import Plan, Step
from installer.plan.script import render_script
from installer.plan.tools import Tools

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
BROKEN_UV = Tools(uv="/bin/false", python=sys.executable, host_pip=True)  # uv fails: pip takes over


class RecordingIndex:
    """`root` served over HTTP on `host` (an address of 127.0.0.1); every request's path is kept."""

    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        self.seen: list[str] = []
        seen = self.seen

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                seen.append(self.path)
                super().do_GET()

        self.host = host
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}/simple"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def indexes(tmp_path):
    """(chosen, configured): the mirror the answers choose, and the index only the machine's pip
    configuration names. Both serve the package, so pip would take it from either."""
    chosen = RecordingIndex(server.tiny_index(tmp_path / "chosen"))
    configured = RecordingIndex(server.tiny_index(tmp_path / "configured"))
    yield chosen, configured
    chosen.stop()
    configured.stop()


def _plan(venv: Path, mirror: str) -> Plan:
    """The pip kind's two steps (make the venv, install the package), from the answers' mirror and the pip
    configuration this machine has now (read as detection reads it)."""
    answers = Answers.model_validate({"version": 1, "mirror": {"pypi": mirror}})
    report = HardwareReport.model_validate({"mirror_config": {"pip": pip_config_here()}})
    return pip_install_plan(venv, ["secretpkg==1.0"], choose_indexes(answers, report, None), BROKEN_UV,
                            answers=answers, report=report)


def _run(plan: Plan, state: Path) -> list:
    from installer.executor import run_plan
    from installer.executor.events import RunFinished

    events = list(run_plan(plan, state_dir=state))
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [getattr(e, "line", e) for e in events]
    return events


def _installed(venv: Path) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-c", "import secretpkg; print(secretpkg.VERSION)"],
                          capture_output=True, text=True).stdout.strip()


def _fallback(plan: Plan):
    fallback = plan.steps[1].commands[-1].fallback
    assert fallback is not None and fallback.argv[1:4] == ("-m", "pip", "--python")
    return fallback


@pytest.mark.parametrize("configured_by", ["pip.conf", "PIP_EXTRA_INDEX_URL"])
def test_the_fallback_never_asks_the_index_the_pip_configuration_names(tmp_path, xdg_home, monkeypatch, indexes,
                                                                       configured_by):
    chosen, configured = indexes
    if configured_by == "pip.conf":
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nextra-index-url = {configured.url}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    else:
        monkeypatch.setenv("PIP_EXTRA_INDEX_URL", configured.url)
    venv = tmp_path / "venv"
    events = _run(_plan(venv, chosen.url), xdg_home / "state")
    assert any("trying pip instead" in getattr(e, "line", "") for e in events)  # uv failed: pip did it
    assert _installed(venv) == "1.0"
    assert "/simple/secretpkg/" in chosen.seen and any(p.startswith("/files/secretpkg-1.0") for p in chosen.seen)
    assert configured.seen == []


def test_without_it_pip_would_have_asked_that_index(tmp_path, xdg_home, monkeypatch, indexes):
    """The check above can fail: the same fallback without its environment does ask the configured index."""
    chosen, configured = indexes
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nextra-index-url = {configured.url}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    plan = _plan(tmp_path / "venv", chosen.url)
    fallback = _fallback(plan)
    assert ("PIP_CONFIG_FILE", os.devnull) in fallback.env
    bare = replace(fallback, env=tuple((k, v) for k, v in fallback.env
                                       if k not in ("PIP_CONFIG_FILE", *PIP_SOURCE_VARIABLES)))
    install = replace(plan.steps[1].commands[-1], fallback=bare)
    _run(replace(plan, steps=(plan.steps[0], replace(plan.steps[1], commands=(install,)))), xdg_home / "state")
    assert "/simple/secretpkg/" in configured.seen


def test_auto_still_honours_the_pip_configuration(tmp_path, monkeypatch):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nextra-index-url = http://127.0.0.1:9/simple\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    plan = _plan(tmp_path / "venv", "auto")
    fallback = _fallback(plan)
    assert not {k for k, _v in fallback.env} & {"PIP_CONFIG_FILE", *PIP_SOURCE_VARIABLES}
    # a flag to uv, which reads no pip.conf; pip reads it there itself, and a flag would list it twice
    assert "http://127.0.0.1:9/simple" in plan.steps[1].commands[-1].argv
    assert "http://127.0.0.1:9/simple" not in fallback.argv


def test_the_plans_own_password_still_reaches_pip(tmp_path, xdg_home, monkeypatch, indexes):
    """A chosen mirror with a password goes to pip in PIP_INDEX_URL (out of `ps`): that variable is the
    plan's, and stays, while the configuration's index is still never asked."""
    _chosen, configured = indexes
    private = server.AuthIndex(server.tiny_index(tmp_path / "private"))
    try:
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nextra-index-url = {configured.url}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        venv = tmp_path / "venv"
        plan = _plan(venv, private.url())
        assert dict(_fallback(plan).env)["PIP_INDEX_URL"] == private.url()
        _run(plan, xdg_home / "state")
        assert _installed(venv) == "1.0" and private.authorized("/files/secretpkg-1.0")
        assert configured.seen == []
    finally:
        private.stop()


def _another_name_for_loopback() -> str | None:
    """A host name (not localhost) that resolves to 127.0.0.1: pip trusts plain http to 127.0.0.1 and
    localhost by itself, any other name only with --trusted-host."""
    try:
        lines = Path("/etc/hosts").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split("#", 1)[0].split()
        for name in fields[1:] if fields and fields[0] == "127.0.0.1" else ():
            if not name.startswith("localhost") and socket.gethostbyname(name) == "127.0.0.1":
                return name
    return None


LOOPBACK_NAME = _another_name_for_loopback()


@pytest.mark.skipif(LOOPBACK_NAME is None, reason="no name other than localhost for 127.0.0.1 in /etc/hosts")
def test_find_links_and_trusted_host_from_the_pip_configuration_reach_pip_as_flags(tmp_path, xdg_home,
                                                                                  monkeypatch):
    """The plan keeps the configuration's find-links and trusted hosts (installer.plan.indexes) and hands them
    to pip as flags: pip reading no configuration still gets the package from a plain-http find-links page on
    a host it trusts only through --trusted-host."""
    empty = tmp_path / "empty"
    (empty / "simple").mkdir(parents=True)
    chosen = RecordingIndex(empty)  # the mirror has nothing: the package is only on the find-links page
    links = RecordingIndex(server.tiny_index(tmp_path / "links"), host=str(LOOPBACK_NAME))
    try:
        conf = tmp_path / "pip.conf"
        page = links.url.replace("/simple", "/files/")
        conf.write_text(f"[global]\nfind-links = {page}\ntrusted-host = {LOOPBACK_NAME}\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        monkeypatch.delenv("PIP_FIND_LINKS", raising=False)  # this machine's own, which would replace pip.conf's
        venv = tmp_path / "venv"
        plan = _plan(venv, chosen.url)
        argv = _fallback(plan).argv
        assert argv[argv.index("--trusted-host") + 1] == LOOPBACK_NAME
        assert argv[argv.index("--find-links") + 1] == page
        _run(plan, xdg_home / "state")
        assert _installed(venv) == "1.0"
        assert "/files/" in links.seen and any(p.startswith("/files/secretpkg-1.0") for p in links.seen)
    finally:
        chosen.stop()
        links.stop()


def test_the_printed_script_does_what_the_install_does(tmp_path, xdg_home, monkeypatch, indexes):
    """`torch-setup plan` prints the plan with render_script: run by bash, its fallback asks only the mirror."""
    chosen, configured = indexes
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nextra-index-url = {configured.url}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    venv = tmp_path / "venv"
    script = render_script(_plan(venv, chosen.url))
    line = next(x for x in script.splitlines() if " -m pip --python " in x)
    assert line.lstrip().startswith("|| PIP_CONFIG_FILE=/dev/null PIP_INDEX_URL='' PIP_EXTRA_INDEX_URL='' "
                                    "PIP_FIND_LINKS='' "), line
    assert configured.url not in script
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(xdg_home / "cache"),
           "PIP_CONFIG_FILE": str(conf), "PIP_EXTRA_INDEX_URL": configured.url}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _installed(venv) == "1.0" and "/simple/secretpkg/" in chosen.seen
    assert configured.seen == []




def test_torch_setup_plan_prints_the_fallback_as_it_runs(cli, tmp_path, xdg_home):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nextra-index-url = http://127.0.0.1:9/configured\n")
    printed, uv = {}, {}
    for pypi in ("http://127.0.0.1:8/chosen", "auto"):
        (tmp_path / "answers.yaml").write_text(cpu_answers(f"pypi: {pypi}\npytorch: none", verify=None))
        result = cli("plan", "--answers", "answers.yaml", "--probe-timeout", "1", cwd=tmp_path,
                     env={"PIP_CONFIG_FILE": str(conf)})
        assert result.returncode == 0, result.stderr
        printed[pypi] = next(x for x in result.stdout.splitlines() if " -m pip --python " in x)
        uv[pypi] = next(x for x in result.stdout.splitlines() if " pip install --python " in x)
    chosen = printed["http://127.0.0.1:8/chosen"]
    assert "PIP_CONFIG_FILE=/dev/null PIP_INDEX_URL='' PIP_EXTRA_INDEX_URL='' PIP_FIND_LINKS='' " in chosen
    assert "--index-url http://127.0.0.1:8/chosen" in chosen and "configured" not in chosen
    # auto: the machine's configuration is the choice, and pip reads it as it always does (given again as a
    # flag, pip would list it twice); uv reads no pip.conf, so it gets it as a flag
    assert "PIP_CONFIG_FILE" not in printed["auto"] and "configured" not in printed["auto"]
    assert "--extra-index-url http://127.0.0.1:9/configured" in uv["auto"]


UV_TOOLS = Tools(uv=str(Path(sys.executable).with_name("uv")), python=sys.executable, host_pip=True)


@pytest.mark.parametrize("configured_by", ["UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_DEFAULT_INDEX", "uv.toml"])
def test_uv_never_asks_the_index_its_own_configuration_names(tmp_path, xdg_home, monkeypatch, indexes,
                                                             configured_by):
    """uv reads no pip.conf, but it asks what its variables and uv.toml name beside the plan's --index-url:
    with a mirror chosen, the real uv goes to that mirror alone."""
    chosen, configured = indexes
    if configured_by == "uv.toml":
        conf = xdg_home / "config" / "uv" / "uv.toml"  # the user's uv configuration, under XDG_CONFIG_HOME
        conf.parent.mkdir(parents=True)
        conf.write_text(f'[pip]\nextra-index-url = ["{configured.url}"]\n')
        monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg_home / "config"))
    else:
        monkeypatch.setenv(configured_by, configured.url)
    venv = tmp_path / "venv"
    answers = Answers.model_validate({"version": 1, "mirror": {"pypi": chosen.url}})
    report = HardwareReport.model_validate({"mirror_config": {"pip": {}}})
    ctx = KindContext(answers=answers, report=report, pins=None, tools=UV_TOOLS,
                      indexes=choose_indexes(answers, report, None))
    kind = get_kind("pip")
    install = kind.compile(kind.Params.model_validate({"python": str(venv / "bin" / "python"),
                                                      "packages": ["secretpkg==1.0"]}), ctx)
    assert dict(install.commands[-1].env)["UV_NO_CONFIG"] == "1"
    subprocess.run([UV_TOOLS.uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    uv = install.commands[-1]
    env = {**os.environ, **dict(uv.env), "UV_CACHE_DIR": str(xdg_home / "uv-cache")}
    done = subprocess.run(list(uv.argv), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _installed(venv) == "1.0" and "/simple/secretpkg/" in chosen.seen
    assert configured.seen == []
    # the check can fail: the same command without the plan's environment asks the configured index too
    bare = {**os.environ, **{k: v for k, v in uv.env if k != "UV_NO_CONFIG" and v != ""},
            "UV_CACHE_DIR": str(xdg_home / "uv-cache-2")}
    subprocess.run([*uv.argv, "--reinstall"], env=bare, capture_output=True, text=True, timeout=300)
    assert configured.seen, f"{configured_by} was not asked even without the plan's environment"


def test_a_wheelhouse_build_downloads_from_the_chosen_mirror_alone(tmp_path, xdg_home, monkeypatch, indexes):
    """`pip download` of a wheelhouse build (method: wheelhouse-build) merges pip's configuration just as
    pip install does: with a mirror chosen, the configured index is never asked."""
    from installer.plan.kinds.wheel import KIND as WHEEL
    from installer.plan.kinds.wheel import WheelParams

    chosen, configured = indexes
    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nextra-index-url = {configured.url}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    answers = Answers.model_validate({"version": 1, "mirror": {"pypi": chosen.url}})
    report = HardwareReport.model_validate({"mirror_config": {"pip": pip_config_here()}})
    ctx = KindContext(answers=answers, report=report, pins=None, tools=BROKEN_UV,
                      indexes=choose_indexes(answers, report, None),
                      values={"target.python_version": f"{sys.version_info.major}.{sys.version_info.minor}"})
    wh = tmp_path / "wheelhouse"
    compiled = WHEEL.compile(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable,
                                         packages=("secretpkg==1.0",)), ctx)
    step = Step(id="wheelhouse-build", title="build", kind="wheel", commands=compiled.commands,
                guard=compiled.guard, writable=compiled.writable)
    _run(Plan(steps=(step,)), xdg_home / "state")
    assert [p.name for p in wh.glob("*.whl")] == ["secretpkg-1.0-py3-none-any.whl"]
    assert any(p.startswith("/files/secretpkg-1.0") for p in chosen.seen)
    assert configured.seen == []
