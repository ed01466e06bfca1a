"""TORCH_SETUP_DRIVER_VERSION / _CUDA_VERSION / _GPU_CC: what detection found, replaced by what a person says.

They apply last, so a plan can be made for a machine that is not this one (as uv's UV_CUDA_DRIVER_VERSION).
A malformed value is bad input: exit 2, naming the variable.
"""

from __future__ import annotations

import os
import re
from typing import Any

from installer.errors import InputError
from installer.hardware.nvidia_driver import cuda_for_driver
from installer.i18n import _
from installer.shells import unset_command, user_shell

DRIVER = "TORCH_SETUP_DRIVER_VERSION"
CUDA = "TORCH_SETUP_CUDA_VERSION"
GPU_CC = "TORCH_SETUP_GPU_CC"

_DRIVER_RE = re.compile(r"^\d{3}(\.\d{1,3}){1,2}$")
_CUDA_RE = re.compile(r"^\d{1,2}\.\d$")
_CC_RE = re.compile(r"^\d{1,2}\.\d$")


def _bad(var: str, value: str, expected: str, shell: str | None) -> InputError:
    """`shell`: the user's (the basename of $SHELL in the environment checked), whose command removes `var`."""
    return InputError(_("invalid value {value}: expected {expected}", value=repr(value), expected=expected),
                      file=_("environment"), key=var,
                      hint=_("fix it, or unset it to use what detection finds: {unset}",
                             unset=unset_command(var, shell)))


def validate(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The override variables that are set, checked; raises InputError before anything is probed."""
    env = os.environ if environ is None else environ
    shell = user_shell(env)
    found: dict[str, str] = {}
    driver = env.get(DRIVER, "").strip()
    if driver:
        if driver.lower() != "none" and not _DRIVER_RE.match(driver):
            raise _bad(DRIVER, driver, _("a driver version such as 550.54.14 (as nvidia-smi shows it), or 'none'"),
                       shell)
        found[DRIVER] = driver
    cuda = env.get(CUDA, "").strip()
    if cuda:
        if not _CUDA_RE.match(cuda):
            raise _bad(CUDA, cuda, _("a CUDA version such as 12.4"), shell)
        found[CUDA] = cuda
    cc = env.get(GPU_CC, "").strip()
    if cc:
        items = [c.strip() for c in cc.split(",")]
        if not items or not all(_CC_RE.match(c) for c in items):
            raise _bad(GPU_CC, cc, _("a compute capability such as 8.6, or one per GPU: 8.6,6.1"), shell)
        found[GPU_CC] = cc
    return found


def apply(data: dict[str, Any], found: dict[str, str]) -> list[str]:
    """Apply the checked overrides to a report dict; returns notes for people about overrides that could not apply."""
    notes: list[str] = []
    applied: list[str] = []
    if DRIVER in found:
        value = found[DRIVER]
        if value.lower() == "none":
            data["nvidia_driver"] = None
        else:
            data["nvidia_driver"] = {"version": value, "cuda": cuda_for_driver(value), "source": "override",
                                     "cuda_source": "driver-branch"}
        applied.append(DRIVER)
    if CUDA in found:
        if data.get("nvidia_driver"):
            data["nvidia_driver"]["cuda"] = found[CUDA]
            data["nvidia_driver"]["cuda_source"] = "override"
            applied.append(CUDA)
        else:
            notes.append(CUDA)
    if GPU_CC in found:
        values = [c.strip() for c in found[GPU_CC].split(",")]
        nvidia = [g for g in data["gpus"] if g.get("vendor") == "nvidia"]
        while len(nvidia) < len(values):  # planning for a machine with GPUs this one lacks
            gpu = {"index": len(nvidia), "vendor": "nvidia", "name": None, "pci_id": None, "memory_mib": None,
                   "source": "override"}
            data["gpus"].append(gpu)
            nvidia.append(gpu)
        for i, gpu in enumerate(nvidia):
            gpu["compute_capability"] = values[i] if i < len(values) else values[-1]
            gpu["compute_capability_source"] = "override"
        applied.append(GPU_CC)
    data["overrides"] = applied
    return notes
