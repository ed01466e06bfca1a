"""Free space checked before anything runs (installer.executor.space): a plan the disk cannot hold is refused
(exit 2, nothing changed), naming the folder, the need and the free space; folders on one file system add up;
a dry run, a rerun of a finished install and TORCH_SETUP_SKIP_SPACE_CHECK=1 are not refused.

Small file systems are real where this machine lets the test mount one (a 50 MiB tmpfs, as root); the same
logic is also driven by a statvfs that reports little free space, which needs no root."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import pip_install_plan

from installer.errors import InputError
from installer.executor.journal import Journal
from installer.executor.space import SKIP_VARIABLE, done_before, refuse_short_space, shortfalls
from installer.plan.indexes import Indexes
from installer.plan.model import Command, Download, Guard, Plan, Step
from installer.plan.space import Need
from installer.plan.tools import Tools

from .conftest import finished, run, statuses

REPO = Path(__file__).resolve().parents[3]
PIN = "torch==2.13.0+cpu"
TOOLS = Tools(uv=str(Path(sys.executable).parent / "uv"), python=sys.executable, host_pip=True)


def _torch_plan(venv: Path) -> Plan:
    """The cpu example's two steps, compiled by the real pip kind: a venv at `venv`, torch 2.13.0+cpu into it."""
    plan = pip_install_plan(venv, [PIN], Indexes(find_links=("/opt/wheels",)), TOOLS, step_id="torch")
    return replace(plan, target_python=str(venv / "bin" / "python"))  # as the planner's


def test_a_disk_too_small_is_refused_before_anything_runs_naming_folder_need_and_free(tmp_path, state, free_mib):
    venv = tmp_path / "proj" / ".venv-torch"
    free_mib(500)
    with pytest.raises(InputError) as err:
        run(_torch_plan(venv), state)
    message, hint = err.value.message, err.value.hint or ""
    # the venv and uv's cache are both on this file system: one copy of the files (uv links them), 900 MiB
    assert f"not enough free space in {venv} and {state.parent.parent / 'cache' / 'uv'}, on one file system" in message
    assert "about 900 MiB" in message and "500 MiB is free" in message and "torch==2.13.0+cpu" not in message
    assert "torch 2.13.0+cpu" in message
    assert err.value.exit_code == 2 and err.value.key == "target.path"
    assert "target.path" in hint and "UV_CACHE_DIR" in hint and f"{SKIP_VARIABLE}=1" in hint
    assert "nothing was changed" in hint
    assert not (tmp_path / "proj").exists() and not state.exists()


def test_three_folders_of_one_file_system_are_named_as_three(tmp_path, state, free_mib):
    """The CUDA runfile's download, extraction and toolkit (CI's refusal read "in A and B, C", two places)."""
    run_file, scratch, prefix = tmp_path / "cache" / "downloads" / "c.run", tmp_path / "scratch", tmp_path / "cuda"
    step = Step(id="cuda", title="CUDA toolkit", kind="runfile",
                downloads=(Download(urls=("https://127.0.0.1:9/c.run",), dest=str(run_file), size=300 * 2**20),),
                commands=(Command(argv=("sh", str(run_file), "--silent", "--toolkit", f"--toolkitpath={prefix}",
                                        f"--tmpdir={scratch}")),))
    free_mib(500)
    with pytest.raises(InputError) as err:
        refuse_short_space(Plan(steps=(step,)), state=state)
    folders = f"{run_file.parent}, {scratch} and {prefix}"  # each 300 MiB + 20 %, rounded up: 3 x 400 MiB
    assert f"not enough free space in {folders}, on one file system: this install needs about 1.2 GiB" in err.value.message
    assert "500 MiB is free" in err.value.message


def test_enough_free_space_runs_on(tmp_path, state, free_mib):
    free_mib(901)
    refuse_short_space(_torch_plan(tmp_path / "env"), state=state)  # no error


def test_folders_on_one_file_system_add_up_and_linked_files_count_once(tmp_path, free_mib, monkeypatch):
    env, cache = str(tmp_path / "env"), str(tmp_path / "cache")
    free_mib(1000)
    linked = [Need("torch", env, 900, "env", shared="torch:unpacked"),
              Need("torch", cache, 900, "uv", shared="torch:unpacked")]
    assert shortfalls(linked) == []
    copied = [Need("torch", env, 900, "env"), Need("torch", cache, 300, "pip's cache")]
    [short] = shortfalls(copied)
    assert (short.need, short.free, short.folders) == (1200, 1000, [env, cache])
    monkeypatch.setenv("UV_LINK_MODE", "copy")  # uv told to copy: the cache's files are a second copy
    assert shortfalls(linked)[0].need == 1800


def test_the_escape_hatch_skips_the_check(tmp_path, state, free_mib, monkeypatch):
    free_mib(10)
    plan = _torch_plan(tmp_path / "env")
    with pytest.raises(InputError):
        refuse_short_space(plan, state=state)
    monkeypatch.setenv(SKIP_VARIABLE, "1")
    refuse_short_space(plan, state=state)


def test_a_dry_run_is_not_refused(tmp_path, state, free_mib):
    free_mib(10)
    venv = tmp_path / "env"
    events = run(_torch_plan(venv), state, dry_run=True)
    assert finished(events).ok and set(statuses(events).values()) == {"skipped"}
    assert not venv.exists()


def test_a_finished_install_runs_again_on_a_nearly_full_disk(torch_python, state, free_mib, tmp_path):
    """The install is there (a real venv with torch 2.13.0+cpu): its step will be skipped, so it needs no
    space, and the rerun goes through, every step unchanged."""
    free_mib(50)
    venv = torch_python.parent.parent
    events = run(_torch_plan(venv), state)
    assert finished(events).ok, events
    assert statuses(events) == {"venv": "unchanged", "torch": "unchanged"}
    with pytest.raises(InputError, match="not enough free space"):  # the same plan elsewhere is refused
        run(_torch_plan(tmp_path / "elsewhere"), state)


def test_a_step_cut_off_half_way_still_needs_its_space(tmp_path, state):
    made = tmp_path / "cuda" / "bin" / "nvcc"
    made.parent.mkdir(parents=True)
    made.write_text("")
    step = Step(id="toolkit", title="toolkit", kind="runfile", guard=Guard(creates=str(made)))
    journal = Journal(state)
    assert done_before(step, journal)
    journal.record(step.digest(), "started", step.id)  # killed while extracting: nvcc may be there already
    assert not done_before(step, journal)
    journal.record(step.digest(), "done", step.id)
    assert done_before(step, journal)
    unguarded = Step(id="note", title="note", kind="command")
    assert not done_before(unguarded, journal)
    journal.record(unguarded.digest(), "done", unguarded.id)
    assert done_before(unguarded, journal)


@pytest.fixture
def small_fs(tmp_path):
    """A real 50 MiB file system (tmpfs), mounted for the test; skipped where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=50m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_install_into_a_small_file_system_exits_2_and_creates_nothing(cli, small_fs, tmp_path):
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", small_fs / "cpu-venv.yaml")
    xdg = tmp_path / "xdg"
    env = {f"XDG_{n}_HOME": str(xdg / n.lower()) for n in ("STATE", "CACHE", "CONFIG", "DATA")}
    result = cli("install", "--answers", "cpu-venv.yaml", "--yes", "--probe-timeout", "0.5", cwd=small_fs, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"not enough free space in {small_fs / '.venv-torch'}" in result.stderr
    assert "about 900 MiB" in result.stderr
    assert re.search(r"cpu-venv\.yaml:[0-9]+: target\.path: ", result.stderr)  # the answers' line to change
    assert f"{SKIP_VARIABLE}=1" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in small_fs.iterdir()) == ["cpu-venv.yaml"]
    assert not (xdg / "state" / "torch-setup").exists() and not (xdg / "cache" / "uv").exists()
