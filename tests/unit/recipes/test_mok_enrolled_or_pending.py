"""Secure Boot, `torch-setup install` (no terminal): the driver step is never recorded done with DKMS's key
neither enrolled nor requested.

Found in review: where `mokutil --import` could not ask for its password, the fallback ran `mokutil --sb-state`
(ok whatever it said), so the step counted as done in the journal, rebooted, and the module was refused. The
fallback now asks `mokutil --test-key KEY` and passes only on "is already enrolled" or "is already in the
enrollment request"; otherwise it fails the step with what to run, and `install` resumes from it.
mokutil reads EFI variables, which this machine has not: a stand-in prints what mokutil prints.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_driver_secure_boot_order import _plan, _ubuntu_drivers_step

CERT = "/var/lib/shim-signed/mok/MOK.der"


def _fake_mokutil(tmp_path: Path, says: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mokutil"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'mokutil-args'}\necho \"$3 {says}\"\nexit 1\n")
    fake.chmod(0o755)
    return {"PATH": f"{bin_dir}:/usr/bin:/bin"}


def _fallback(tmp_path: Path, source: str) -> list[str]:
    plan = _plan(tmp_path, source)
    if source == "nvidia-repo":
        driver = next(s for s in plan.steps if s.id == "driver-nvidia-repo")
    else:
        driver = _ubuntu_drivers_step(plan)[1]
    fallback = driver.commands[-1].fallback
    assert fallback is not None
    return list(fallback.argv)


@pytest.mark.parametrize("source", ["nvidia-repo", "ubuntu-drivers"])
@pytest.mark.parametrize("says, done", [
    ("is already enrolled", True),
    ("is already in the enrollment request", True),
    ("is not enrolled", False),
])
def test_done_only_with_the_key_enrolled_or_requested(tmp_path, source, says, done):
    argv = _fallback(tmp_path, source)
    if source == "ubuntu-drivers":
        tree = tmp_path / "dkms" / "nvidia"
        tree.mkdir(parents=True)  # DKMS built the module: the key matters
        argv[5] = str(tree)
    ran = subprocess.run(argv, env=_fake_mokutil(tmp_path, says), capture_output=True, text=True)
    assert (ran.returncode == 0) is done, ran
    assert (tmp_path / "mokutil-args").read_text().split() == ["--test-key", CERT]
    if not done:
        assert f"sudo mokutil --import {CERT}" in ran.stderr and "torch-setup install" in ran.stderr


def test_without_mokutil_the_step_is_not_done(tmp_path):
    argv = _fallback(tmp_path, "nvidia-repo")
    ran = subprocess.run(argv, env={"PATH": str(tmp_path)}, capture_output=True, text=True)
    assert ran.returncode == 1 and "mokutil --import" in ran.stderr


def test_prebuilt_modules_need_no_key(tmp_path):
    argv = _fallback(tmp_path, "ubuntu-drivers")
    argv[5] = str(tmp_path / "no-dkms-tree")
    ran = subprocess.run(argv, env=_fake_mokutil(tmp_path, "is not enrolled"), capture_output=True, text=True)
    assert ran.returncode == 0 and "prebuilt" in ran.stdout
    assert not (tmp_path / "mokutil-args").exists()
