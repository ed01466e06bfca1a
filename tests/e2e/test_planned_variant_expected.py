"""Plain `verify` and `doctor` expect the build the last install planned in its interpreter, as install's own
verification does (`--expect-variant`). Found in review: a CPU build where a cu126 build was planned failed
install's check and passed theirs. A real venv with torch 2.13.0 (CPU build), the real CLI; the record is the one
the executor writes at the end of a run (record_last_target)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from installer.probes.last_target import record_last_target

pytestmark = pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")


def _record(xdg_home: Path, python: Path, variant: str) -> None:
    record_last_target(str(python), xdg_home / "state" / "torch-setup", target=str(python.parent.parent),
                       variant=variant)


def _env(active: str) -> dict[str, str]:
    """The shell as `source .../bin/activate` leaves it: torch-setup's own venv (then the last install is checked
    instead), or the last install's venv itself."""
    prefix = sys.prefix if active == "own" else active
    return {"VIRTUAL_ENV": prefix, "PATH": f"{prefix}/bin{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize("active", ["own", "installed"])
def test_a_cpu_build_where_cu126_was_planned_is_the_wrong_build(cli, xdg_home, torch_python, active):
    _record(xdg_home, torch_python, "cu126")
    env = _env("own" if active == "own" else str(torch_python.parent.parent))

    r = cli("verify", "--json", env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["expected_variant"] == "cu126" and doc["variant"] == "cpu"
    build = next(c for c in doc["checks"] if c["name"] == "build")
    assert build["ok"] is False
    assert "this is a cpu build of torch 2.13.0+cpu; a cu126 build was expected" in build["detail"]

    r = cli("doctor", "--timeout", "300", env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    findings = r.stdout.split("findings:\n")[1]
    assert "[PROBLEM] this is a cpu build of torch 2.13.0+cpu; a cu126 build was expected\n      the last install " \
           "into this environment planned a cu126 build, and a cpu build is there now\n" in findings, r.stdout


def test_a_cpu_build_where_cpu_was_planned_passes(cli, xdg_home, torch_python):
    _record(xdg_home, torch_python, "cpu")
    r = cli("verify", "--json", env=_env("own"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["expected_variant"] == "cpu"
    r = cli("doctor", "--json", "--timeout", "300", env=_env("own"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["verify"]["expected_variant"] == "cpu"


@pytest.mark.parametrize("case", ["a record from before session 27", "--python named"])
def test_no_expectation_without_the_planned_build(cli, xdg_home, torch_python, case):
    """An older record says no build: no expectation, as before. An interpreter the person names is theirs to
    judge (--expect-variant), even the last install's."""
    state = xdg_home / "state" / "torch-setup"
    _record(xdg_home, torch_python, "cu126")
    if case == "a record from before session 27":
        raw = json.loads((state / "last-target.json").read_text())
        del raw["variant"]
        (state / "last-target.json").write_text(json.dumps(raw))
        named: tuple[str, ...] = ()
    else:
        named = ("--python", str(torch_python))
    r = cli("verify", "--json", *named, env=_env("own"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["expected_variant"] is None
    r = cli("doctor", "--json", "--timeout", "300", *named, env=_env("own"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["verify"]["expected_variant"] is None
