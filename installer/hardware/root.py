"""Every file the probes read goes through here, so `TORCH_SETUP_ROOT=DIR` can stand in for `/`.

A fake root lets tests replay a recorded machine, and lets a person inspect a mounted disk image.
Reads never raise: a probe that cannot read a file treats it as absent.
"""

from __future__ import annotations

import glob as _glob
import os
from pathlib import Path

ROOT_ENV = "TORCH_SETUP_ROOT"


def root() -> str:
    return os.environ.get(ROOT_ENV, "").rstrip("/")


def at(path: str | os.PathLike[str]) -> Path:
    """The real location of an absolute machine path, under TORCH_SETUP_ROOT when it is set."""
    p = os.fspath(path)
    r = root()
    return Path(r + p) if r and p.startswith("/") else Path(p)


def strip(path: str | os.PathLike[str]) -> str:
    """The machine path of a real location under the root (what a report shows)."""
    p = os.fspath(path)
    r = root()
    return p[len(r):] or "/" if r and p.startswith(r + "/") else p


def read_text(path: str, *, limit: int = 1 << 20) -> str | None:
    try:
        with open(at(path), encoding="utf-8", errors="replace") as fh:
            return fh.read(limit)
    except (OSError, ValueError):
        return None


def read_bytes(path: str, *, limit: int = 1 << 16) -> bytes | None:
    try:
        with open(at(path), "rb") as fh:
            return fh.read(limit)
    except (OSError, ValueError):
        return None


def exists(path: str) -> bool:
    return os.path.exists(at(path))


def is_dir(path: str) -> bool:
    return os.path.isdir(at(path))


def listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(at(path)))
    except OSError:
        return []


def glob(pattern: str) -> list[str]:
    """Machine paths matching an absolute pattern, sorted."""
    return sorted(strip(p) for p in _glob.glob(os.fspath(at(pattern))))


def readlink_name(path: str) -> str | None:
    """The last component of a symlink's target (sysfs links such as `driver` -> ../nvidia)."""
    try:
        return os.path.basename(os.readlink(at(path)))
    except OSError:
        return None
