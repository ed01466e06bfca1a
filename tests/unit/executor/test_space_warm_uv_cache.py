"""The disk check counts what the install adds, on each file system: uv's cache that holds the build
unpacked already (an earlier install of it) needs nothing new, and the environment's files are links to it
where both are on one file system; where they are not, the environment's copy is counted there alone. With
uv's or pip's cache turned off, their files go to the steps' temp folder, counted there.

Found in use (noticed s23, left until s26): a second environment of the same torch, on a disk with less
free than one copy of torch, was refused for the space uv's cache had taken the first time. A real uv fills
a real cache; only the free space statvfs reports is made small.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import pip_install_plan

from installer.errors import InputError
from installer.executor.space import current_caches, refuse_short_space, shortfalls, unpacked_in_uv_cache
from installer.plan.indexes import Indexes
from installer.plan.model import Plan
from installer.plan.space import Caches, Need
from installer.plan.tools import Tools

UV = str(Path(sys.executable).parent / "uv")
TOOLS = Tools(uv=UV, python=sys.executable, host_pip=True)
PIN = "torch==2.13.0+cpu"


def _torch_plan(venv: Path) -> Plan:
    plan = pip_install_plan(venv, [PIN], Indexes(find_links=("/opt/wheels",)), TOOLS, step_id="torch")
    return replace(plan, target_python=str(venv / "bin" / "python"))


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory) -> Path:
    """A uv cache after a real install of torch 2.13.0+cpu (the first environment)."""
    if not Path("/opt/wheels").is_dir():
        pytest.skip("the torch CPU wheel is in /opt/wheels on the test machines")
    root = tmp_path_factory.mktemp("warm")
    cache = root / "uv-cache"
    subprocess.run([UV, "venv", "-q", str(root / "first")], check=True, timeout=120)
    subprocess.run([UV, "pip", "install", "-q", "--python", str(root / "first" / "bin" / "python"), "--no-deps",
                    "--offline", "--find-links", "/opt/wheels", PIN], check=True, timeout=600,
                   env={**os.environ, "UV_CACHE_DIR": str(cache)})
    return cache


def test_uv_cache_layout_is_read(warm_cache, tmp_path):
    assert unpacked_in_uv_cache(str(warm_cache), ["torch-2.13.0+cpu", "torchvision-0.28.0"]) == {"torch-2.13.0+cpu"}
    assert unpacked_in_uv_cache(str(tmp_path / "none"), ["torch-2.13.0+cpu"]) == frozenset()


def test_a_second_environment_from_a_warm_cache_is_not_refused(warm_cache, tmp_path, free_mib):
    free_mib(500)  # less than one copy of torch (748 MiB): the first install could not be made here
    plan = _torch_plan(tmp_path / "second")
    cold = Caches(uv=str(tmp_path / "cold-cache"), pip=str(tmp_path / "pip"))
    with pytest.raises(InputError):
        refuse_short_space(plan, state=tmp_path / "state", caches=cold)
    refuse_short_space(plan, state=tmp_path / "state", caches=replace(cold, uv=str(warm_cache)))  # no error


def test_a_warm_cache_does_not_help_when_uv_copies(warm_cache, tmp_path, free_mib, monkeypatch):
    free_mib(500)
    monkeypatch.setenv("UV_LINK_MODE", "copy")
    with pytest.raises(InputError) as err:
        refuse_short_space(_torch_plan(tmp_path / "second"), state=tmp_path / "state",
                           caches=Caches(uv=str(warm_cache), pip=str(tmp_path / "pip")))
    assert "about 900 MiB" in err.value.message and str(warm_cache) not in err.value.message


def test_an_environment_on_another_file_system_than_the_cache_counts_its_own_copy(tmp_path, free_mib):
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second file system (/dev/shm)")
    free_mib(500)
    env = str(tmp_path / "env")
    linked_here = Need("torch", env, 900, "env", linked_from=str(tmp_path / "cache"))
    linked_there = Need("torch", env, 900, "env", linked_from=str(other))
    assert shortfalls([linked_here]) == []
    [short] = shortfalls([linked_there])
    assert (short.folders, short.need) == ([env], 900)


def test_caches_turned_off_are_counted_in_the_steps_temp_folder(monkeypatch, xdg_home):
    monkeypatch.setenv("UV_NO_CACHE", "1")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "true")
    scratch = str(xdg_home / "cache" / "torch-setup" / "tmp")
    assert current_caches() == Caches(uv=scratch, pip=scratch)
    monkeypatch.setenv("UV_NO_CACHE", "0")
    monkeypatch.delenv("PIP_NO_CACHE_DIR")
    assert current_caches() == Caches(uv=str(xdg_home / "cache" / "uv"), pip=str(xdg_home / "cache" / "pip"))
