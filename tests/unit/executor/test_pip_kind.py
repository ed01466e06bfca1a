"""The pip kind run for real: uv creates the venv and installs an exact pin; pip takes over when uv fails;
the guards make a second run change nothing. (A small package from the local index, not torch: the
torch install itself is covered end to end in tests/e2e/test_spine.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import pip_install_plan

from installer.plan.indexes import Indexes
from installer.plan.model import Plan
from installer.plan.tools import Tools, find_uv

from .conftest import finished, run, statuses

LOCAL_INDEX = Path("/opt/pypi/simple")
pytestmark = pytest.mark.skipif(not (LOCAL_INDEX / "six").is_dir(), reason="needs the local package index /opt/pypi")


def _steps(venv: Path, tools: Tools) -> Plan:
    return pip_install_plan(venv, ["six==1.17.0"], Indexes(index_url=LOCAL_INDEX.as_uri()), tools, step_id="six")


def _version(venv: Path) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-I", "-c", "import importlib.metadata as m; "
                           "print(m.version('six'))"], capture_output=True, text=True).stdout.strip()


def test_uv_installs_and_the_guard_holds_on_the_second_run(tmp_path, state):
    venv = tmp_path / "env with space"
    plan = _steps(venv, Tools(uv=find_uv(), python=sys.executable, host_pip=True))
    first = run(plan, state)
    assert statuses(first) == {"venv": "changed", "six": "changed"}, first
    assert _version(venv) == "1.17.0"
    assert not any("trying" in getattr(e, "line", "") for e in first)  # uv did it, no fallback
    second = run(plan, state)
    assert statuses(second) == {"venv": "unchanged", "six": "unchanged"}


def test_uv_is_told_to_trust_the_systems_certificates_as_pip_does(tmp_path):
    """Behind a TLS-inspecting proxy the proxy's root is in the system store: pip trusts it, uv only with
    this (checked by hand as a normal user here: without it, uv said "invalid peer certificate:
    UnknownIssuer" and only pip's fallback got through). The run above shows uv accepts it."""
    plan = _steps(tmp_path / "venv", Tools(uv=find_uv(), python=sys.executable, host_pip=True))
    install = plan.steps[1].commands[-1]
    assert install.argv[1:3] == ("pip", "install")
    assert dict(install.env) == {"UV_NATIVE_TLS": "1", "UV_SYSTEM_CERTS": "1"}
    assert install.fallback is not None and install.fallback.env == ()  # pip has its own truststore


def test_pip_takes_over_when_uv_fails(tmp_path, state):
    venv = tmp_path / "venv"
    broken_uv = Tools(uv="/bin/false", python=sys.executable, host_pip=True)
    events = run(_steps(venv, broken_uv), state)
    assert finished(events).ok, events
    assert _version(venv) == "1.17.0"
    lines = [getattr(e, "line", "") for e in events]
    assert sum("trying" in line for line in lines) == 2  # venv: python -m venv; six: the host's pip --python
    assert any("-m pip --python" in line for line in lines)
