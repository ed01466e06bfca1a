"""`bench` without --python chooses what to measure as verify and doctor do (last_target.choose_checked): not
torch-setup's own Python, but the environment torch-setup last installed into, and says so first. Where there
is no torch to measure, its advice names a real answers file: the last install's, while it is there, else the
example of this installation. Found in review: bench measured torch-setup's own venv, and said "install it
with `torch-setup install --answers FILE`". Real venvs, the real CLI, on this test environment's own venv."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from helpers import env_without_torch

from installer.executor.journal import Journal
from installer.probes.last_target import record_last_target

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
OWN_PYTHON = os.path.join(sys.prefix, "bin", "python")
# as `source .venv/bin/activate` of torch-setup's checkout leaves the shell
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
own_venv = pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")
WIZARD_OR_EXAMPLE = (f"run `torch-setup` (the wizard), or `torch-setup install --answers {EXAMPLE}`, the example "
                     "that installs torch's CPU build into .venv-torch in the folder you run it in; or name the "
                     "environment that has torch: `torch-setup bench --python PATH`")


@own_venv
def test_the_last_install_is_measured_instead_of_torch_setups_own(cli, xdg_home, tmp_path):
    installed = env_without_torch(tmp_path / "installed")  # no torch there either: bench has to name it
    record_last_target(str(installed), xdg_home / "state" / "torch-setup")
    r = cli("bench", "--quick", env=OWN)
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == (f"checking {tmp_path / 'installed'}, the environment torch-setup last "
                                        f"finished installing into; torch-setup's own Python ({OWN_PYTHON}) is not a place "
                                        "for torch")
    assert f"  -> torch is not installed in {installed}: {WIZARD_OR_EXAMPLE}" in r.stderr.splitlines(), r.stderr

    doc = json.loads(cli("bench", "--quick", "--json", env=OWN).stdout)
    assert doc["python"]["executable"] == str(installed)
    assert doc["own_environment"]["python"] == OWN_PYTHON
    assert doc["own_environment"]["checked_instead"] == str(installed)


@own_venv
def test_torch_setups_own_without_an_install_is_said_to_be_its_own(cli, xdg_home):
    r = cli("bench", "--quick", env=OWN)
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == f"{OWN_PYTHON} is torch-setup's own Python, not a place for torch"
    assert f"  -> {OWN_PYTHON} is torch-setup's own Python, not a place for torch: {WIZARD_OR_EXAMPLE}" \
        in r.stderr.splitlines(), r.stderr


def test_the_last_installs_answers_file_is_named_while_it_is_there(cli, xdg_home, tmp_path):
    active = tmp_path / "active"
    python = env_without_torch(active)
    answers = tmp_path / "lab" / "gpu.yaml"
    answers.parent.mkdir()
    answers.write_text("version: 1\n")
    # an install from that file into a folder since removed
    Journal(xdg_home / "state" / "torch-setup", target=str(tmp_path / "gone"), answers=str(answers),
            cwd=str(answers.parent)).record("d1", "done", "torch")
    r = cli("bench", "--quick", "--json", env={"VIRTUAL_ENV": str(active)})
    fix = json.loads(r.stdout)["error"]["fix"]
    assert fix == (f"torch is not installed in {python}: torch-setup's last install was made from {answers}: "
                   f"`cd {answers.parent} && torch-setup install --answers {answers}` runs it again (the steps "
                   "that finished are skipped); or name the environment that has torch: "
                   "`torch-setup bench --python PATH`")
    answers.unlink()  # gone: the example instead
    r = cli("bench", "--quick", "--json", env={"VIRTUAL_ENV": str(active)})
    assert json.loads(r.stdout)["error"]["fix"] == f"torch is not installed in {python}: {WIZARD_OR_EXAMPLE}"
