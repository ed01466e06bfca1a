"""Running external programs for detection: bounded in time, never raising, never via a shell."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

#: no probe may hold detection up longer than this (the issue's bound)
MAX_TIMEOUT = 5.0


@dataclass(frozen=True)
class Output:
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def which(name: str, extra_dirs: tuple[str, ...] = ()) -> str | None:
    """A program on PATH (or in one of `extra_dirs`), as the probes would run it."""
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        candidate = os.path.join(d, name)
        if os.access(candidate, os.X_OK) and os.path.isfile(candidate):
            return candidate
    return None


def run(argv: list[str], *, timeout: float = 3.0, env: dict[str, str] | None = None) -> Output | None:
    """Run argv and capture its output; None when it is missing, hangs past `timeout` or cannot start."""
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL,
            timeout=min(timeout, MAX_TIMEOUT), env=env,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return Output(proc.returncode, proc.stdout, proc.stderr)


def start(argv: list[str], *, env: dict[str, str] | None = None) -> subprocess.Popen[str] | None:
    """Start a program now and collect it later with `finish`, so slow interpreters overlap other probes."""
    try:
        return subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, errors="replace", env=env,
        )
    except (OSError, ValueError):
        return None


def finish(proc: subprocess.Popen[str] | None, *, timeout: float = MAX_TIMEOUT) -> Output | None:
    if proc is None:
        return None
    try:
        out, err = proc.communicate(timeout=min(timeout, MAX_TIMEOUT))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None
    return Output(proc.returncode, out, err)
