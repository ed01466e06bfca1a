"""The pip run that follows uv's failure gives up sooner on a failing source: `--retries 1`.

Found in use: against a PyTorch index answering 503, pip's own 5 retries with back-off came on top of uv's
(145 s for an install that took its wheels from this disk). The flag is added only after uv, and only
where the hardware report says the user set no retries of their own (pip.conf, PIP_RETRIES): a flag would
replace theirs. Pure plans from recorded reports; then real pip against a real server answering 503, and
the printed script through `bash -n`.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import TESTS, answering, load_module

from installer.answers import parse_answers
from installer.hardware.report import HardwareReport, load_report
from installer.hardware.target_python import pip_config_here
from installer.plan.indexes import choose_indexes
from installer.plan.kinds.base import KindContext, get_kind
from installer.plan.kinds.pip import FALLBACK_RETRIES
from installer.plan.model import Command
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
CPU_VENV = (REPO / "recipes" / "answers" / "cpu-venv.yaml").read_text()
# what detection reads when the user set none: the key is there, empty
UNSET = {"retries": None}


def _report(pip: dict | None = None) -> HardwareReport:
    report = load_report(MACHINE)
    said = report.mirror_config.pip.model_dump(by_alias=True) | (pip or {})
    return report.model_copy(update={"mirror_config": report.mirror_config.model_copy(
        update={"pip": type(report.mirror_config.pip).model_validate(said)})})


def _install(report: HardwareReport, answers_text: str = CPU_VENV, tools: Tools = TOOLS) -> Command:
    answers = parse_answers(answers_text)
    pins = pins_for(answers, report, tools=tools, cwd="/work")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=tools, cwd="/work", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    return next(s for s in plan.steps if s.id == "torch").commands[-1]


def _retries(argv: tuple[str, ...]) -> str | None:
    return argv[argv.index("--retries") + 1] if "--retries" in argv else None


def test_the_pip_run_after_uv_asks_for_one_retry():
    install = _install(_report(UNSET))
    assert install.argv[0] == "/opt/uv/bin/uv" and install.fallback is not None
    assert _retries(install.fallback.argv) == FALLBACK_RETRIES == "1"
    assert _retries(install.argv) is None  # uv keeps its own


def test_pip_alone_keeps_pips_own_retries():
    # no uv on the machine: pip is the engine, not a second try
    alone = _install(_report(UNSET), tools=Tools(uv=None, python="/opt/ts/bin/python", host_pip=True))
    assert alone.argv[1:3] == ("-m", "pip") and alone.fallback is None
    assert _retries(alone.argv) is None


@pytest.mark.parametrize("engine", ["pip", "uv", "auto"])
def test_the_steps_engine_decides(engine):
    kind = get_kind("pip")
    answers = parse_answers(CPU_VENV)
    report = _report(UNSET)
    ctx = KindContext(answers=answers, report=report, pins=None, tools=TOOLS,
                      indexes=choose_indexes(answers, report, None))
    params = kind.Params.model_validate({"python": "/work/v/bin/python", "packages": ["torch==2.13.0"],
                                         "engine": engine})
    cmd = kind.compile(params, ctx).commands[-1]
    if engine == "pip":  # pip is the engine: its own retries
        assert cmd.argv[1:3] == ("-m", "pip") and cmd.fallback is None and _retries(cmd.argv) is None
    else:  # uv first, pip after it
        assert cmd.argv[0] == "/opt/uv/bin/uv" and cmd.fallback is not None
        assert _retries(cmd.fallback.argv) == "1"


@pytest.mark.parametrize("source", ["/root/.config/pip/pip.conf", "PIP_RETRIES"])
def test_the_users_own_retries_win(source):
    install = _install(_report({"retries": "10", "sources": {"retries": source}}))
    assert install.fallback is not None and _retries(install.fallback.argv) is None


def test_a_report_that_does_not_say_keeps_pips_own():
    """A saved report from a torch-setup that did not read pip's retries cannot tell whether the user set
    them: no flag, as before."""
    assert "retries" not in load_report(MACHINE).mirror_config.pip.model_fields_set
    install = _install(load_report(MACHINE))
    assert install.fallback is not None and _retries(install.fallback.argv) is None


def _read_here() -> HardwareReport:
    """This machine's pip configuration, read as detection reads it."""
    return _report(pip_config_here())


@pytest.mark.parametrize("set_by", ["pip.conf", "PIP_RETRIES"])
def test_retries_the_user_set_on_this_machine_never_meet_the_flag(tmp_path, monkeypatch, set_by):
    if set_by == "pip.conf":
        conf = tmp_path / "pip.conf"
        conf.write_text("[global]\nretries = 10\n")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    else:
        monkeypatch.setenv("PIP_RETRIES", "10")
    install = _install(_read_here())
    assert install.fallback is not None and _retries(install.fallback.argv) is None


def test_nothing_set_on_this_machine_gives_the_flag(tmp_path, monkeypatch):
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\ntimeout = 60\n")  # not retries
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.delenv("PIP_RETRIES", raising=False)
    install = _install(_read_here())
    assert install.fallback is not None and _retries(install.fallback.argv) == "1"


@dataclass
class CountingFailure:
    """A real HTTP server on 127.0.0.1 answering 503 to everything (helpers.answering), with the requests'
    paths."""

    url: str
    seen: list[str]


@pytest.fixture
def failing():
    seen: list[str] = []
    with answering(503, seen=seen) as base:
        yield CountingFailure(f"{base}/simple", seen)


def _pip_fallback(url: str, report: HardwareReport, package: str = "nothing-by-this-name==1.0") -> Command:
    """The fallback the pip kind makes for a package from `url` alone (mirror.pypi), run here as pip in
    this interpreter (--dry-run: nothing is installed either way)."""
    kind = get_kind("pip")
    answers = parse_answers(CPU_VENV + f"mirror:\n  pypi: {url}\n  pytorch: none\n")
    ctx = KindContext(answers=answers, report=report, pins=None,
                      tools=Tools(uv="/bin/false", python=sys.executable, host_pip=False),
                      indexes=choose_indexes(answers, report, None))
    params = kind.Params.model_validate({"python": sys.executable, "packages": [package]})
    fallback = kind.compile(params, ctx).commands[-1].fallback
    assert fallback is not None
    at = fallback.argv.index("install") + 1
    return Command(argv=(*fallback.argv[:at], "--dry-run", "--no-deps", *fallback.argv[at:]), env=fallback.env)


def _asked(cmd: Command, index: CountingFailure, tmp_path: Path) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_RETRIES",)} | dict(cmd.env)
    done = subprocess.run(cmd.argv, env=env | {"PIP_NO_CACHE_DIR": "1"}, capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode != 0 and "nothing-by-this-name" in done.stderr, done.stderr
    return index.seen.count("/simple/nothing-by-this-name/")


def test_real_pip_asks_a_failing_source_twice_not_six_times(tmp_path, failing):
    cmd = _pip_fallback(failing.url, _report(UNSET))
    assert _retries(cmd.argv) == "1"
    assert _asked(cmd, failing, tmp_path) == 2  # the request and one retry
    # the check can fail: the same command without the flag is pip's default, 1 + 5 retries (7.5 s of back-off)
    failing.seen.clear()
    at = cmd.argv.index("--retries")
    bare = Command(argv=cmd.argv[:at] + cmd.argv[at + 2:], env=cmd.env)
    assert _asked(bare, failing, tmp_path) == 6


def test_a_source_that_fails_once_then_works_still_serves_the_fallback(tmp_path):
    """One retry covers a passing 503 of a source that works: each page and file answers 503 the first
    time it is asked, then serves; the fallback's real pip gets the package (a dry run downloads it)."""
    tiny = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server").tiny_index
    root = tiny(tmp_path / "index", name="flakypkg")
    seen: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append(self.path)
            if seen.count(self.path) == 1:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        cmd = _pip_fallback(f"http://127.0.0.1:{server.server_address[1]}/simple", _report(UNSET),
                            package="flakypkg==1.0")
        assert _retries(cmd.argv) == "1"
        env = {k: v for k, v in os.environ.items() if k != "PIP_RETRIES"} | dict(cmd.env) | {"PIP_NO_CACHE_DIR": "1"}
        done = subprocess.run(cmd.argv, env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Would install flakypkg-1.0" in done.stdout
        wheel = next(p for p in seen if p.startswith("/files/flakypkg-1.0"))
        assert seen.count("/simple/flakypkg/") == 2 and seen.count(wheel) == 2
    finally:
        server.shutdown()
        server.server_close()


def test_the_printed_script_shows_the_flag_on_the_fallback_and_stays_valid_bash():
    answers = parse_answers(CPU_VENV)
    report = _report(UNSET)
    pins = pins_for(answers, report, tools=TOOLS, cwd="/work")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    script = render_script(plan)
    proc = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    uv_line, pip_line = next((line, script.splitlines()[i + 1]) for i, line in enumerate(script.splitlines())
                             if "/opt/uv/bin/uv pip install" in line)
    assert "--retries" not in uv_line
    assert pip_line.lstrip().startswith("|| /opt/ts/bin/python -m pip --python /work/.venv-torch/bin/python install "
                                        "--disable-pip-version-check --no-input --retries 1 ")
