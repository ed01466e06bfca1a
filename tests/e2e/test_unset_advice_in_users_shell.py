"""Every piece of advice that says how to remove a variable says it in the user's own shell.

After the dead PIP_* variable (test_unset_in_users_shell.py), the same bash-only `unset NAME` remained for
TORCH_SETUP_REGION, the detection overrides (TORCH_SETUP_DRIVER_VERSION, ...) and doctor's
CUDA_VISIBLE_DEVICES; fish has no `unset` (`set -e`), csh and tcsh say `unsetenv`. The shell is read at the
edge, from $SHELL (installer.shells.user_shell), and passed in.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from helpers import TESTS, load_module

from installer.errors import InputError
from installer.hardware import overrides
from installer.mirrors.region import region_override
from installer.probes.doctor import diagnose
from installer.shells import user_shell

probes = load_module(TESTS / "unit" / "probes" / "probes_support.py")
MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"

SHELLS = [("/usr/bin/fish", "set -e"), ("/bin/tcsh", "unsetenv"), ("/bin/bash", "unset"), (None, "unset")]


@pytest.mark.parametrize(("environ", "want"), [
    ({"SHELL": "/usr/bin/fish"}, "fish"), ({"SHELL": "/bin/bash"}, "bash"), ({"SHELL": ""}, None), ({}, None),
])
def test_the_shell_is_the_basename_of_shell(environ, want):
    assert user_shell(environ) == want


@pytest.mark.parametrize(("shell", "command"), SHELLS)
def test_the_region_variable(shell, command):
    environ = {"TORCH_SETUP_REGION": "mars", **({"SHELL": shell} if shell else {})}
    with pytest.raises(InputError) as caught:
        region_override(environ)
    assert caught.value.hint == ("use cn or global, or unset it to go by the timezone and locale: "
                                 f"{command} TORCH_SETUP_REGION")
    environ["TORCH_SETUP_REGION"] = "China"
    with pytest.raises(InputError) as caught:
        region_override(environ)
    assert str(caught.value.hint).endswith(f": {command} TORCH_SETUP_REGION")


@pytest.mark.parametrize(("shell", "command"), SHELLS)
@pytest.mark.parametrize("variable", [overrides.DRIVER, overrides.CUDA, overrides.GPU_CC])
def test_the_detection_overrides(shell, command, variable):
    environ = {variable: "abc", **({"SHELL": shell} if shell else {})}
    with pytest.raises(InputError) as caught:
        overrides.validate(environ)
    assert caught.value.hint == f"fix it, or unset it to use what detection finds: {command} {variable}"


@pytest.mark.parametrize(("shell", "command"), [("fish", "set -e"), ("csh", "unsetenv"), ("zsh", "unset"),
                                                (None, "unset")])
def test_doctors_cuda_visible_devices(shell, command):
    verify = copy.deepcopy(probes.recorded_verify("rtx3090-rtx3060-cu126"))
    verify["env"]["CUDA_VISIBLE_DEVICES"] = ""
    found = next(f for f in diagnose(probes.hardware("rtx3090-rtx3060-560"), verify, shell=shell)
                 if f.id == "cuda-visible-devices")
    assert found.fix.startswith(f"unset it (`{command} CUDA_VISIBLE_DEVICES`) or list the GPUs"), found.fix


def test_the_command_line_reads_shell(cli, tmp_path, xdg_home):
    fish = {"SHELL": "/usr/bin/fish"}
    region = cli("mirrors", "--json", "--timeout", "0.5", cwd=tmp_path, env={"TORCH_SETUP_REGION": "mars", **fish})
    assert region.returncode == 2
    assert "  -> use cn or global, or unset it to go by the timezone and locale: set -e TORCH_SETUP_REGION" in \
        region.stderr, region.stderr
    driver = cli("--lang", "zh", "recommend", "--hardware", str(MACHINES / "cpu-only.json"), cwd=tmp_path,
                 env={"TORCH_SETUP_DRIVER_VERSION": "abc", **fish})
    assert driver.returncode == 2 and "set -e TORCH_SETUP_DRIVER_VERSION" in driver.stderr, driver.stderr
    assert "unset TORCH_SETUP_DRIVER_VERSION" not in driver.stderr


@pytest.mark.slow
def test_doctor_reads_shell(cli, torch_python, xdg_home):
    env = {"TORCH_SETUP_DRIVER_VERSION": "550.54.14", "TORCH_SETUP_GPU_CC": "8.9", "CUDA_VISIBLE_DEVICES": "",
           "SHELL": "/usr/bin/fish"}
    result = cli("doctor", "--python", str(torch_python), env=env)
    assert "`set -e CUDA_VISIBLE_DEVICES`" in result.stdout, result.stdout
    assert "unset CUDA_VISIBLE_DEVICES" not in result.stdout
