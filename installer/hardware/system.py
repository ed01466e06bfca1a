"""The system facts that make driver and CUDA installs go wrong: Secure Boot, nouveau, kernel headers,
the compiler, free disk and a noexec /tmp."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from installer.hardware import root
from installer.hardware import run as _run

# EFI global variable GUID: SecureBoot-<guid> holds 4 attribute bytes, then 1 byte: 1 = on
SECURE_BOOT_VAR = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"


def parse_mokutil(text: str) -> bool | None:
    low = text.lower()
    if "secureboot enabled" in low:
        return True
    if "secureboot disabled" in low or "doesn't support secure boot" in low or "not supported" in low:
        return False
    return None


def secure_boot() -> tuple[bool | None, str | None]:
    """(on?, how we know). mokutil first (what Ubuntu's own tools ask), then the EFI variable."""
    exe = _run.which("mokutil")
    if exe:
        out = _run.run([exe, "--sb-state"], timeout=3.0)
        if out is not None:
            state = parse_mokutil(out.stdout + "\n" + out.stderr)
            if state is not None:
                return state, "mokutil"
    raw = root.read_bytes(SECURE_BOOT_VAR, limit=16)
    if raw is not None and len(raw) >= 5:
        return raw[4] == 1, "efivars"
    if not root.is_dir("/sys/firmware/efi"):
        # legacy BIOS boot: no Secure Boot possible; without /sys at all we cannot tell
        return (False, "no-efi") if root.is_dir("/sys/firmware") else (None, None)
    return None, None


def loaded_modules() -> set[str] | None:
    text = root.read_text("/proc/modules", limit=1 << 20)
    if text is None:
        return None
    return {line.split(" ", 1)[0] for line in text.splitlines() if line.strip()}


@dataclass(frozen=True)
class Headers:
    present: bool
    path: str | None


def kernel_headers(kernel: str | None) -> Headers:
    """Headers for the running kernel, as DKMS needs them: /lib/modules/<k>/build or /usr/src/linux-headers-<k>."""
    if not kernel:
        return Headers(False, None)
    build = f"/lib/modules/{kernel}/build"
    real = root.at(build)
    if os.path.islink(real):
        target = os.readlink(real)
        # an absolute link inside a fake root points into the root, not into this machine
        target_path = target if not target.startswith("/") else root.strip(str(root.at(target)))
        if not target.startswith("/"):
            target_path = os.path.normpath(os.path.join(os.path.dirname(build), target))
        if root.is_dir(target_path):
            return Headers(True, target_path)
    elif root.is_dir(build):
        return Headers(True, build)
    for candidate in (f"/usr/src/linux-headers-{kernel}", f"/usr/src/kernels/{kernel}"):
        if root.is_dir(candidate):
            return Headers(True, candidate)
    return Headers(False, None)


def gcc() -> tuple[str, str] | None:
    """(version, path) of gcc on PATH."""
    exe = _run.which("gcc")
    if not exe:
        return None
    out = _run.run([exe, "-dumpfullversion", "-dumpversion"], timeout=3.0)
    if out is None or not out.ok:
        return None
    version = out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    return (version, exe) if re.match(r"^\d+(\.\d+)*$", version) else None


def mounts() -> list[tuple[str, set[str]]]:
    text = root.read_text("/proc/mounts") or root.read_text("/proc/self/mounts") or ""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            mount_point = parts[1].replace("\\040", " ")
            out.append((mount_point, set(parts[3].split(","))))
    return out


def mount_options(path: str, table: list[tuple[str, set[str]]]) -> set[str] | None:
    """The options of the mount holding `path` (the longest mount point that is a prefix; later mounts win)."""
    best: tuple[int, set[str]] | None = None
    for mount_point, options in table:
        mp = mount_point.rstrip("/") or "/"
        if path == mp or path.startswith(mp.rstrip("/") + "/") or mp == "/":
            if best is None or len(mp) >= best[0]:
                best = (len(mp), options)
    return best[1] if best else None


def free_mib(path: str) -> int | None:
    """Free space for an unprivileged user at `path`, or at its nearest existing parent."""
    p = path
    while p and p != "/" and not root.exists(p):
        p = os.path.dirname(p)
    try:
        st = os.statvfs(root.at(p or "/"))
    except OSError:
        return None
    return int(st.f_bavail * st.f_frsize // (1024 * 1024))
