"""Helpers for executor tests: small plans of real commands, run for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from installer.executor.events import Event, RunFinished, StepFinished
from installer.plan.model import Command, Guard, Plan, Step

PY = sys.executable


def py_step(step_id: str, code: str, *, writable: tuple[str, ...] = (), timeout: float = 60, guard: Guard | None = None,
            fallback: Command | None = None, env: tuple[tuple[str, str], ...] = (), reboot: bool = False,
            root: bool = False) -> Step:
    """A step that runs `python -c code` (python is on the allowlist)."""
    return Step(id=step_id, title=f"step {step_id}", kind="command", timeout=timeout, guard=guard, reboot=reboot,
                root=root, writable=writable,
                commands=(Command(argv=(PY, "-c", code), env=env, fallback=fallback),))


def statuses(events: list[Event]) -> dict[str, str]:
    return {e.step_id: e.status for e in events if isinstance(e, StepFinished)}


def finished(events: list[Event]) -> RunFinished:
    last = events[-1]
    assert isinstance(last, RunFinished)
    return last


@pytest.fixture
def state(xdg_home: Path) -> Path:
    return xdg_home / "state" / "torch-setup"


def run(plan: Plan, state: Path, **kwargs) -> list[Event]:
    from installer.executor import run_plan

    return list(run_plan(plan, state_dir=state, **kwargs))


@pytest.fixture
def free_mib(monkeypatch):
    """Make statvfs report `n` MiB free everywhere (the rest of its answer as the real one): set(n)."""
    real = os.statvfs

    def set_free(n: int) -> None:
        def fake(path):
            st = real(path)
            return os.statvfs_result((st.f_bsize, st.f_frsize, st.f_blocks, st.f_bfree, n * 2**20 // st.f_frsize,
                                      st.f_files, st.f_ffree, st.f_favail, st.f_flag, st.f_namemax))
        monkeypatch.setattr(os, "statvfs", fake)

    return set_free


@pytest.fixture
def venv(tmp_path) -> tuple[Path, Path]:
    """A real uv venv: its python, and its site-packages."""
    root = tmp_path / "venv"
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(root)], check=True)
    return root / "bin" / "python", next((root / "lib").glob("python3*/site-packages"))
