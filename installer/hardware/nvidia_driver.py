"""The loaded NVIDIA kernel driver, from the files the module itself publishes."""

from __future__ import annotations

import re

from installer.hardware import root

# "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 ..." and the open module's
# "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  560.35.03  Release Build ..."
_NVRM = re.compile(r"NVRM version:.*?Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)")
_VERSION = re.compile(r"^\d+\.\d+(?:\.\d+)?$")

# The CUDA version each driver branch introduced: the newest CUDA a driver of that branch runs. From the
# CUDA toolkit release notes, table 3 "CUDA Toolkit and Corresponding Driver Versions" (Linux column).
# Used only when neither NVML nor nvidia-smi could say it (the report marks the source).
BRANCH_CUDA: tuple[tuple[int, str], ...] = (
    (590, "13.1"), (580, "13.0"), (575, "12.9"), (570, "12.8"), (565, "12.7"), (560, "12.6"),
    (555, "12.5"), (550, "12.4"), (545, "12.3"), (535, "12.2"), (530, "12.1"), (525, "12.0"),
    (520, "11.8"), (515, "11.7"), (510, "11.6"), (495, "11.5"), (470, "11.4"), (465, "11.3"),
    (460, "11.2"), (455, "11.1"), (450, "11.0"), (440, "10.2"), (418, "10.1"), (410, "10.0"),
    (396, "9.2"), (390, "9.1"), (384, "9.0"), (375, "8.0"), (367, "8.0"), (352, "7.5"),
)


def parse_proc_version(text: str) -> dict[str, str | bool] | None:
    """The version and kind (open or proprietary module) from /proc/driver/nvidia/version."""
    m = _NVRM.search(text)
    if not m:
        return None
    return {"version": m.group(1), "open_kernel_module": "Open Kernel Module" in text}


def from_files() -> tuple[str, str, bool | None] | None:
    """(version, source, open_kernel_module) from sysfs or procfs; None when no module is loaded."""
    proc = root.read_text("/proc/driver/nvidia/version")
    parsed = parse_proc_version(proc) if proc else None
    sys_version = (root.read_text("/sys/module/nvidia/version") or "").strip()
    if _VERSION.match(sys_version):
        open_km = bool(parsed["open_kernel_module"]) if parsed else None
        return sys_version, "/sys/module/nvidia/version", open_km
    if parsed:
        return str(parsed["version"]), "/proc/driver/nvidia/version", bool(parsed["open_kernel_module"])
    return None


def cuda_for_driver(version: str) -> str | None:
    """The newest CUDA a driver version runs, from its branch (the number before the first dot)."""
    try:
        branch = int(version.split(".")[0])
    except ValueError:
        return None
    for first, cuda in BRANCH_CUDA:
        if branch >= first:
            return cuda
    return None
