"""Credentials in index URLs, through the real executor: uv and pip get them (a real 127.0.0.1 index that
wants a password), from their environment rather than argv; the plain progress, the log and the journal
show `***` instead; a changed password does not make a done step look undone."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TESTS, load_module, pip_install_plan

from installer.executor.events import OutputLine, StepFinished
from installer.executor.plain import PlainProgress
from installer.plan.indexes import Indexes
from installer.plan.model import Command, Plan, Step
from installer.plan.tools import Tools, find_uv

from .conftest import PY, finished, py_step, run, statuses

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
JOURNALS = TESTS / "fixtures" / "journals"
recorded = load_module(JOURNALS / "steps.py", "journal_fixture_steps")
PASSWORD, TOKEN = server.PASSWORD, server.TOKEN


@pytest.fixture
def index(tmp_path):
    idx = server.AuthIndex(server.tiny_index(tmp_path / "index"))
    yield idx
    idx.stop()


def _install_plan(venv: Path, indexes: Indexes, tools: Tools) -> Plan:
    return pip_install_plan(venv, ["secretpkg==1.0"], indexes, tools)


def _all_text(events, state: Path, printed: str) -> str:
    """Everything a person or a bug report could see of the run: printed progress, log, journal."""
    log = Path(finished(events).log_path).read_text()
    journal = "".join(p.read_text() for p in (state / "journal").glob("*.json"))
    return printed + log + journal + "".join(p.name for p in (state / "journal").glob("*.json"))


@pytest.mark.parametrize("engine", ["uv", "pip"])
def test_install_reaches_a_password_protected_index_and_shows_no_password(tmp_path, state, index, engine):
    venv = tmp_path / "venv"
    uv = find_uv() if engine == "uv" else None
    tools = Tools(uv=uv, python=sys.executable, host_pip=True)
    # a token alone in the extra index's user part, the password in the main one: both kinds of secret
    indexes = Indexes(index_url=index.url(), extra_index_urls=(index.url(user=TOKEN, password=None),),
                      trusted_hosts=("127.0.0.1",))
    plan = _install_plan(venv, indexes, tools)
    install = plan.steps[1].commands[-1]
    # nothing secret in any argv (any local user reads those with ps); the variables carry the lists
    for cmd in (install, install.fallback) if install.fallback else (install,):
        assert not any(PASSWORD in a or TOKEN in a for a in cmd.argv), cmd.argv
        assert "--index-url" not in cmd.argv and "--extra-index-url" not in cmd.argv
        env = dict(cmd.env)
        prefix = "UV" if "uv" in Path(cmd.argv[0]).name else "PIP"
        assert env[f"{prefix}_INDEX_URL"] == index.url()
        assert env[f"{prefix}_EXTRA_INDEX_URL"] == index.url(user=TOKEN, password=None)
    out = io.StringIO()
    events = run(plan, state)
    front = PlainProgress(out)
    for event in events:
        front.handle(event)
    assert statuses(events) == {"venv": "changed", "pkg": "changed"}, out.getvalue()
    assert "trying" not in out.getvalue()  # the engine under test did it, not a fallback
    assert (venv / "lib").exists() and subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import secretpkg; print(secretpkg.VERSION)"],
        capture_output=True, text=True).stdout.strip() == "1.0"
    assert index.authorized("/files/secretpkg-1.0")  # the wheel came through the index, with the password
    seen = _all_text(events, state, out.getvalue())
    assert PASSWORD not in seen and TOKEN not in seen
    # the `$` line still says where packages came from, redacted
    assert f"INDEX_URL=http://***@127.0.0.1:{index.port}/simple" in seen


def test_output_failure_tail_log_and_journal_hide_a_secret_the_command_prints(tmp_path, state):
    secret_url = f"https://{server.USER}:{PASSWORD}@packages.example/simple"
    code = ("import os, sys; print('Looking in indexes: ' + os.environ['PIP_INDEX_URL']); "
            f"print('token url https://{TOKEN}@x.example/simple'); sys.exit(3)")
    plan = Plan(steps=(py_step("leak", code, env=(("PIP_INDEX_URL", secret_url),)),))
    out = io.StringIO()
    front = PlainProgress(out, quiet=True)  # quiet: the failure's tail is what gets printed
    events = run(plan, state)
    for event in events:
        front.handle(event)
    printed = out.getvalue()
    assert not finished(events).ok
    assert "    | Looking in indexes: https://***@packages.example/simple" in printed  # the tail, redacted
    assert "https://***@x.example/simple" in printed
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert all(PASSWORD not in line and TOKEN not in line for line in failed.tail)
    seen = _all_text(events, state, printed)
    assert PASSWORD not in seen and TOKEN not in seen
    assert "PIP_INDEX_URL=https://***@packages.example/simple" in seen  # on the `$` line of the log


def test_a_dry_run_shows_commands_without_credentials(state):
    url = f"https://{server.USER}:{PASSWORD}@packages.example/simple"
    plan = Plan(steps=(Step(id="s", title="s", kind="command",
                            commands=(Command(argv=(PY, "-c", "pass", "--index-url", url)),)),))
    lines = [e.line for e in run(plan, state, dry_run=True) if isinstance(e, OutputLine)]
    assert any("--index-url https://***@packages.example/simple" in line for line in lines), lines
    assert not any(PASSWORD in line for line in lines)


def test_a_changed_password_keeps_a_done_step_done(tmp_path, state):
    """The journal's key (Step.digest) is made from the step with its credentials hidden: rotating a
    password does not change what a step installs, so a done step stays done (here it has no guard:
    only the journal can say)."""
    counter = tmp_path / "counter"

    def plan_with(password: str) -> Plan:
        env = (("PIP_INDEX_URL", f"https://bob:{password}@packages.example/simple"),)
        return Plan(steps=(py_step("once", f"open({str(counter)!r}, 'a').write('x')", env=env,
                                   writable=(str(tmp_path),)),))

    first, second = plan_with("old-password"), plan_with("new-password")
    assert first.steps[0] != second.steps[0]  # the steps do differ: in the password only
    assert first.steps[0].digest() == second.steps[0].digest()
    other = Plan(steps=(py_step("once", "pass", env=first.steps[0].commands[0].env),))
    assert other.steps[0].digest() != first.steps[0].digest()  # what the step does still counts
    assert statuses(run(first, state)) == {"once": "changed"}
    again = run(second, state)
    assert statuses(again) == {"once": "unchanged"}
    assert counter.read_text() == "x"
    record = json.loads((state / "journal" / f"{first.steps[0].digest()}.json").read_text())
    assert record["status"] == "done"


def test_steps_keep_the_journal_keys_the_earlier_code_gave_them():
    """Journals written before the key moved into Step.digest still match: the keys that code recorded
    (tests/fixtures/journals), for steps with and without credentials, are the keys now."""
    keys = json.loads((JOURNALS / "before-digest-move" / "keys.json").read_text())
    steps = {s.id: s for s in (*recorded.RUNNABLE.steps, *recorded.DESCRIBED)}
    assert steps.keys() == keys.keys()
    assert {sid: step.digest() for sid, step in steps.items()} == keys
