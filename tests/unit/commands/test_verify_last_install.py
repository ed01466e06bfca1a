"""`verify` without --python checks the active environment (the contract); when torch does not import
there and torch-setup installed into another interpreter, the failure names that one (finding C10: an
admin's `torch-setup verify` right after a good install failed and told them to install)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import env_with_broken_torch, env_without_torch

from installer.probes.host import run_verify
from installer.probes.last_target import last_target, point_at_last_install, record_last_target

REPO = Path(__file__).resolve().parents[3]


def _hint(path: str) -> str:
    return f"torch-setup last installed into {path}: run `torch-setup verify --python {path}`"


def test_the_record_is_kept_and_read_back(tmp_path):
    state = tmp_path / "state"
    assert last_target(state) is None  # nothing installed yet
    python = env_without_torch(tmp_path / "env")
    record_last_target(str(python), state)
    assert last_target(state) == str(python)
    record_last_target(str(tmp_path / "gone" / "bin" / "python"), state)
    assert last_target(state) is None, "an environment removed since is not pointed at"
    (state / "last-target.json").write_text("{half")
    assert last_target(state) is None


def test_a_state_dir_that_cannot_be_written_does_not_fail_the_install(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("in the way")
    record_last_target("/usr/bin/python3", blocked / "state")  # no exception: the record is only a help
    assert last_target(blocked / "state") is None


def test_missing_torch_points_at_the_last_install_and_still_fails(tmp_path):
    state = tmp_path / "state"
    installed = env_without_torch(tmp_path / "installed")
    record_last_target(str(installed), state)
    result = run_verify(sys.executable)  # torch-setup's own venv: no torch in it
    point_at_last_install(result, "verify", state)
    check = next(c for c in result["checks"] if c["name"] == "torch-import")
    assert result["ok"] is False and check["ok"] is False
    assert check["fix"] == _hint(str(installed))
    assert "torch-setup install" not in check["fix"], "torch-setup already installed: not the advice"
    assert check["fix_msg"]["args"] == {"path": str(installed)}
    assert result["last_installed_python"] == str(installed)


def test_a_broken_torch_keeps_its_own_fix_after_the_pointer(tmp_path):
    state = tmp_path / "state"
    installed = env_without_torch(tmp_path / "installed")
    record_last_target(str(installed), state)
    broken = env_with_broken_torch(tmp_path / "broken")
    result = run_verify(str(broken))
    own_fix = next(c for c in result["checks"] if c["name"] == "torch-import")["fix"]
    point_at_last_install(result, "verify", state)
    fix = next(c for c in result["checks"] if c["name"] == "torch-import")["fix"]
    assert fix == f"{_hint(str(installed))}; to repair this interpreter instead: {own_fix}"


@pytest.mark.parametrize("case", ["no record", "the same interpreter", "the same env, another name"])
def test_nothing_is_added_when_there_is_nowhere_else_to_point(tmp_path, case):
    state = tmp_path / "state"
    env = tmp_path / "env"
    python = env_without_torch(env)
    if case == "the same interpreter":
        record_last_target(str(python), state)
    elif case == "the same env, another name":
        record_last_target(str(env / "bin" / "python3"), state)
    result = run_verify(str(python))
    before = json.dumps(result, sort_keys=True)
    point_at_last_install(result, "verify", state)
    assert json.dumps(result, sort_keys=True) == before


def _verify(cli, *args: str, active: Path, xdg: Path):
    env = {"VIRTUAL_ENV": str(active), "XDG_STATE_HOME": str(xdg)}
    return cli("verify", *args, env=env)


def test_the_command_names_the_installed_env_and_its_advice_works(cli, tmp_path, torch_python):
    xdg = tmp_path / "xdg"
    active = tmp_path / "active"
    env_without_torch(active)
    record_last_target(str(torch_python), xdg / "torch-setup")

    r = _verify(cli, active=active, xdg=xdg)
    assert r.returncode == 1, "a failed check stays a failed check"
    assert f"torch does not import in {active / 'bin' / 'python'}" in r.stdout, "the default is still checked"
    assert f"-> {_hint(str(torch_python))}" in r.stdout
    assert r.stdout.rstrip().endswith("verify: FAIL")

    doc = json.loads(_verify(cli, "--json", active=active, xdg=xdg).stdout)
    assert doc["ok"] is False and doc["last_installed_python"] == str(torch_python)

    # the advice, followed: the check it names passes
    followed = _verify(cli, "--python", str(torch_python), active=active, xdg=xdg)
    assert followed.returncode == 0 and "verify: PASS" in followed.stdout
    # an interpreter given by --python is what the person asked for: it is checked, and its fix says how to
    # install into it, after naming the last install (where torch is already)
    given = _verify(cli, "--python", str(active), active=active, xdg=xdg)
    assert given.returncode == 1 and f"torch does not import in {active / 'bin' / 'python'}" in given.stdout
    assert f"-> {_hint(str(torch_python))}; to install torch into {active / 'bin' / 'python'}: " in given.stdout


@pytest.mark.slow
def test_after_a_real_install_plain_verify_names_its_python(cli, tmp_path):
    """The whole path the admin took: install (a real venv, torch 2.13.0 CPU from the local wheels), then
    `torch-setup verify` with another environment active. Needs install to record its target
    (installer.probes.last_target.record_last_target, called by installer/commands/install.py)."""
    if not Path("/opt/wheels").is_dir():
        pytest.skip("needs the local CPU wheel of torch 2.13.0 in /opt/wheels")
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.yaml").write_text((REPO / "recipes" / "answers" / "cpu-venv.yaml").read_text())
    xdg = tmp_path / "xdg"
    env = {f"XDG_{n}_HOME": str(xdg / n.lower()) for n in ("STATE", "CACHE", "CONFIG", "DATA")}
    env["PIP_FIND_LINKS"] = os.environ.get("PIP_FIND_LINKS", "/opt/wheels")
    installed = cli("install", "--answers", "a.yaml", "--yes", cwd=work, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    active = tmp_path / "active"
    env_without_torch(active)
    r = cli("verify", cwd=work, env={**env, "VIRTUAL_ENV": str(active)})
    assert r.returncode == 1
    assert f"-> {_hint(str(work / '.venv-torch' / 'bin' / 'python'))}" in r.stdout
