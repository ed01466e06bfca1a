"""bubblewrap around non-root steps: the system read-only; the target, the caches and a temp dir writable.

The writable paths are opened up by binding their common ancestor writable and then binding every
other entry along the way back read-only. The target and the cache then sit on ONE mount, so uv can
hardlink files from its cache into the environment (a separate bind mount per path would make every
hardlink fail with EXDEV and uv copy gigabytes instead). What a step can change: the writable paths,
and new entries directly inside the folders that lead to them; everything else is read-only.
Network, /proc and /dev stay available (downloads need the first; Python needs the others).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path


def bwrap_path() -> str | None:
    if os.environ.get("TORCH_SETUP_NO_SANDBOX") == "1":
        return None
    return shutil.which("bwrap")


@functools.cache
def _refusal(exe: str) -> str | None:
    """Why `exe` cannot start a sandbox here, in bwrap's own words; None when it can."""
    try:
        proc = subprocess.run([exe, "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/", "--", "true"],
                              capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if proc.returncode == 0:
        return None
    said = [line.strip() for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
    return " ".join(said[-2:]) or f"exit code {proc.returncode}"


def usable_bwrap() -> tuple[str | None, str | None]:
    """(bwrap, None) when steps can run in the sandbox; (None, why) when bwrap is installed but cannot start
    one; (None, None) when it is not installed (or turned off with TORCH_SETUP_NO_SANDBOX=1).

    Installed is not enough: Ubuntu 23.10 and later (AppArmor's restriction on unprivileged user
    namespaces) and kernels without user namespaces refuse it ("bwrap: setting up uid map: Permission
    denied"), on the very desktops torch-setup is for. Steps then run as they would without bwrap, and
    the run says why, rather than every step failing. Asked once per process."""
    exe = bwrap_path()
    if exe is None:
        return None, None
    why = _refusal(exe)
    return (None, why) if why else (exe, None)


def _ancestor(paths: list[str]) -> str:
    return os.path.commonpath(paths) if paths else "/"


def _real_dirs(paths: Iterable[str]) -> list[str]:
    """Existing folders, symlinks resolved (a bind follows them anyway), nested ones dropped."""
    out: list[str] = []
    for p in paths:
        real = os.path.realpath(p)
        if os.path.isdir(real) and real not in out:
            out.append(real)
    out.sort()
    kept: list[str] = []
    for p in out:
        if not any(p == k or p.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(p)
    return kept


def bwrap_args(writable: Iterable[str], *, bwrap: str = "bwrap") -> list[str]:
    """The bwrap argv prefix for a step that may write `writable` (folders that exist)."""
    dirs = _real_dirs(writable)
    args = [bwrap, "--die-with-parent", "--unshare-pid", "--ro-bind", "/", "/"]
    if dirs:
        top = _ancestor(dirs)
        args += ["--bind", top, top]
        args += _close_siblings(top, dirs)
    # fresh /dev and /proc after the binds: a bound / would otherwise shadow them
    args += ["--dev", "/dev", "--proc", "/proc"]
    return args


def _close_siblings(top: str, dirs: list[str]) -> list[str]:
    """Bind read-only every entry below `top` that is not one of `dirs` nor on the way to one."""
    if top in dirs:
        return []
    on_way: set[str] = set()
    for d in dirs:
        p = Path(d)
        while str(p) != top and p != p.parent:
            on_way.add(str(p))
            p = p.parent
    args: list[str] = []
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = entry.path
            if path in dirs or entry.is_symlink():
                continue  # a link's target is covered by its own path; binding it could close a writable one
            if path in on_way:
                pending.append(path)
                continue
            if top == "/" and path in ("/proc", "/dev"):
                continue
            args += ["--ro-bind-try", path, path]
    return args


def wrap(argv: tuple[str, ...], writable: Iterable[str], *, bwrap: str | None = None,
         cwd: str | None = None) -> tuple[str, ...]:
    """`argv` inside the sandbox, or as it is when bwrap is not installed."""
    exe = bwrap or bwrap_path()
    if exe is None:
        return argv
    extra = ["--chdir", cwd] if cwd else []
    return (*bwrap_args(writable, bwrap=exe), *extra, "--", *argv)
