"""`bench` and `doctor` without --python look at the active environment (the contract), as `verify` does;
right after `torch-setup install` that is torch-setup's own (no torch there), so when torch is missing
they name the interpreter the last install went into and the same command with --python. Set up as
test_verify_last_install.py does: a recorded last target, real venvs, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import env_with_broken_torch, env_without_torch

from installer.probes.last_target import record_last_target, same_environment

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")


def _pointer(command: str, path: Path | str) -> str:
    return f"torch-setup last installed into {path}: run `torch-setup {command} --python {path}`"


def _run(cli, *args: str, active: Path, xdg: Path):
    env = {"VIRTUAL_ENV": str(active), **{f"XDG_{n}_HOME": str(xdg / n.lower()) for n in ("STATE", "DATA")}}
    return cli(*args, env=env)


@pytest.fixture
def setup(tmp_path):
    """An active environment without torch, and a recorded last install elsewhere (also without torch:
    bench and doctor only have to name it)."""
    xdg = tmp_path / "xdg"
    active = tmp_path / "active"
    env_without_torch(active)
    installed = env_without_torch(tmp_path / "installed")
    record_last_target(str(installed), xdg / "state" / "torch-setup")
    return active, installed, xdg


def test_bench_names_the_last_install_and_still_fails(cli, setup):
    active, installed, xdg = setup
    r = _run(cli, "bench", "--quick", active=active, xdg=xdg)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "No module named 'torch'" in r.stderr, "the active environment is still the one benchmarked"
    assert f"  -> {_pointer('bench', installed)}" in r.stderr.splitlines()
    assert "torch-setup verify --python" not in r.stderr, "not 'verify this one first': torch-setup installed"

    j = _run(cli, "bench", "--quick", "--json", active=active, xdg=xdg)
    doc = json.loads(j.stdout)
    assert j.returncode == 1 and doc["ok"] is False
    assert doc["last_installed_python"] == str(installed)
    assert doc["error"]["fix"] == _pointer("bench", installed)
    assert doc["python"]["executable"] == str(active / "bin" / "python")


@pytest.mark.parametrize("case", ["--python given", "no record", "the same env, another name"])
def test_bench_keeps_its_own_hint_when_there_is_nowhere_else_to_point(cli, tmp_path, case):
    xdg = tmp_path / "xdg"
    active = tmp_path / "active"
    python = env_without_torch(active)
    state = xdg / "state" / "torch-setup"
    args = ["bench", "--quick", "--json"]
    if case == "--python given":
        record_last_target(str(env_without_torch(tmp_path / "installed")), state)
        args += ["--python", str(python)]
    elif case == "the same env, another name":
        record_last_target(str(active / "bin" / "python3"), state)
    r = _run(cli, *args, active=active, xdg=xdg)
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and "last_installed_python" not in doc
    if case == "--python given":
        assert doc["error"]["fix"] == (f"run `torch-setup verify --python {python}` first: the benchmark needs a "
                                       "working torch")
    else:  # no torch at all in the active one (torch-setup's own, found in use): verifying it says the same
        example = REPO / "recipes" / "answers" / "cpu-venv.yaml"
        assert doc["error"]["fix"] == (f"torch is not installed in {python}: run `torch-setup` (the wizard), or "
                                       f"`torch-setup install --answers {example}`, the example that installs "
                                       "torch's CPU build into .venv-torch in the folder you run it in; or name "
                                       "the environment that has torch: `torch-setup bench --python PATH`")


def test_doctor_names_the_last_install_and_its_advice_works(cli, setup, torch_python):
    active, installed, xdg = setup
    record_last_target(str(torch_python), xdg / "state" / "torch-setup")
    r = _run(cli, "doctor", "--hardware", CPU_ONLY, active=active, xdg=xdg)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert f"torch: does not import in {active / 'bin' / 'python'}" in lines, "the default is still examined"
    assert f"      fix: {_pointer('doctor', torch_python)}" in lines
    # said once: the failed check points at the finding (session 28: the long pointer twice read as two fixes)
    assert r.stdout.count(_pointer("doctor", torch_python)) == 1, r.stdout
    assert "         -> the fix is under findings" in lines, r.stdout
    assert "install torch" not in r.stdout, "torch-setup already installed: not the advice"

    doc = json.loads(_run(cli, "doctor", "--hardware", CPU_ONLY, "--json", active=active, xdg=xdg).stdout)
    assert doc["ok"] is False and doc["last_installed_python"] == str(torch_python)
    assert [f["fix"] for f in doc["findings"]] == [_pointer("doctor", torch_python)]

    # the advice, followed: the examination it names finds no problem (only that NumPy is not beside torch)
    followed = _run(cli, "doctor", "--python", str(torch_python), "--hardware", CPU_ONLY, active=active, xdg=xdg)
    assert followed.returncode == 0 and "PROBLEM" not in followed.stdout, followed.stdout
    assert "  [warning] NumPy is not installed beside torch 2.13.0+cpu" in followed.stdout.splitlines()
    # an interpreter given by --python is what the person asked for: it is examined, and its fix says how to
    # install into it, after naming the last install (where torch is already)
    given = _run(cli, "doctor", "--python", str(active), "--hardware", CPU_ONLY, "--json", active=active, xdg=xdg)
    doc = json.loads(given.stdout)
    assert given.returncode == 1 and "last_installed_python" not in doc
    missing = next(f for f in doc["findings"] if f["id"] == "torch-missing")
    assert missing["fix"].startswith(f"torch-setup last installed into {torch_python}: run `torch-setup doctor "
                                     f"--python {torch_python}`; to install torch into {active / 'bin' / 'python'}: ")


def test_doctor_on_a_broken_torch_keeps_its_repair_after_the_pointer(cli, tmp_path):
    xdg = tmp_path / "xdg"
    broken_env = tmp_path / "broken"
    broken = env_with_broken_torch(broken_env)
    installed = env_without_torch(tmp_path / "installed")
    own = json.loads(_run(cli, "doctor", "--python", str(broken), "--hardware", CPU_ONLY, "--json",
                          active=broken_env, xdg=xdg).stdout)["findings"][0]["fix"]
    record_last_target(str(installed), xdg / "state" / "torch-setup")
    r = _run(cli, "doctor", "--hardware", CPU_ONLY, "--json", active=broken_env, xdg=xdg)
    doc = json.loads(r.stdout)
    assert r.returncode == 1
    assert doc["findings"][0]["fix"] == f"{_pointer('doctor', installed)}; to repair this interpreter instead: {own}"


@pytest.mark.parametrize(("checked", "last", "same"), [
    ({"executable": "/e/bin/python3"}, "/e/bin/python", True),  # bench knows only the executable
    ({"executable": "/e/bin/python"}, "/f/bin/python", False),
    ({"executable": "/usr/bin/python3", "prefix": "/e"}, "/e/bin/python", True),  # verify's prefix
    ({}, "/e/bin/python", False),
])
def test_one_bin_folder_is_one_environment(checked, last, same):
    assert same_environment(checked, last) is same
