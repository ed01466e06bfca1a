"""The rules of CUDA compatibility, as pure functions.

Kernels: a GPU runs a cubin built for its own major architecture at or below its capability (sm_86 runs on
8.9), or PTX for a capability at or below its own, which the driver compiles at first use.
Drivers: a driver at or above a toolkit's own driver runs everything that toolkit made. Below it, CUDA
minor-version compatibility (11.x, 12.x, 13.x) still runs that major's cubins from the floor up, but never
PTX from the newer toolkit, whose ISA the older driver cannot compile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from installer.compat.data import CompatData
from installer.compat.data_model import Branch, Kernels
from installer.compat.machine import NvidiaGpu, cc_text, parse_cc
from installer.i18n import _
from installer.i18n.phrases import listed

CC = tuple[int, int]


@dataclass(frozen=True)
class KernelMatch:
    kind: str  # "cubin" | "ptx"
    cc: CC  # the capability the matching code was built for


def kernel_for(gpu_cc: CC, kernels: Kernels) -> KernelMatch | None:
    cubins = [c for c in (parse_cc(s) for s in kernels.sm) if c and c[0] == gpu_cc[0] and c[1] <= gpu_cc[1]]
    if cubins:
        return KernelMatch("cubin", max(cubins))
    ptx = [c for c in (parse_cc(s) for s in kernels.ptx) if c and c <= gpu_cc]
    if ptx:
        return KernelMatch("ptx", max(ptx))
    return None


def sm_name(cc: CC) -> str:
    return f"sm_{cc[0]}{cc[1]}"


def kernel_span(kernels: Kernels) -> str:
    """"sm_75 to sm_120 (+PTX 12.0)" for messages, in the reader's language."""
    ccs = sorted(c for c in (parse_cc(s) for s in kernels.sm) if c)
    if len(ccs) > 1:
        text = _("{first} to {last}", first=sm_name(ccs[0]), last=sm_name(ccs[-1]))
    else:
        text = sm_name(ccs[0]) if ccs else _("none")
    if kernels.ptx:
        text = _("{kernels} (+PTX {ptx})", kernels=text, ptx=listed(kernels.ptx))
    return text


def version_key(version: str) -> tuple[int, ...]:
    """Driver versions compare numerically part by part: 580.65.06 > 580.65.5 > 580.9."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


def cuda_minor(cuda: str) -> str:
    parts = cuda.split(".")
    return f"{parts[0]}.{parts[1] if len(parts) > 1 else 0}"


@dataclass(frozen=True)
class DriverNeed:
    """The oldest driver a build needs on this machine, and why."""

    version: str | None  # in the machine's numbering (Linux, or Windows for Windows and WSL); None: unknown
    cuda: str  # the CUDA version a driver must report, as nvidia-smi shows it
    via: str  # "toolkit" (the toolkit's own driver) | "minor-compat" (the floor of the major)
    toolkit: str  # the toolkit's major.minor, "12.6"


def driver_need(cuda_version: str, needs_ptx: bool, data: CompatData, windows: bool) -> DriverNeed:
    minor = cuda_minor(cuda_version)
    major = int(minor.split(".")[0])
    column = "windows" if windows else "linux"
    if not needs_ptx:
        for row in data.drivers.minor_compat:
            if row.major == major:
                return DriverNeed(getattr(row, column), f"{major}.0", "minor-compat", minor)
    toolkit = next((t for t in data.drivers.toolkits if t.cuda == minor), None)
    return DriverNeed(getattr(toolkit, column) if toolkit else None, minor, "toolkit", minor)


def driver_meets(driver: str | None, driver_cuda: str | None, need: DriverNeed) -> bool:
    if driver is None:
        return False
    if need.version is not None:
        return version_key(driver) >= version_key(need.version)
    # no published number for this platform (Windows CUDA 13): fall back on the CUDA version the driver reports
    if driver_cuda is None:
        return False
    return version_key(driver_cuda) >= version_key(need.cuda)


def supports(branch: str, gpu: NvidiaGpu) -> bool:
    if gpu.last_branch is not None and int(branch) > int(gpu.last_branch):
        return False
    return not (gpu.min_branch is not None and int(branch) < int(gpu.min_branch))


def support_day(today: date | None, data: CompatData) -> date:
    """The day support ends are judged on: the plan's day, which the front-end reads from the clock and passes
    in; without one, the day the driver data was last checked, the latest day it vouches for (still pure)."""
    return today or date.fromisoformat(data.drivers.updated)


def past_support(b: Branch, day: date) -> bool:
    """NVIDIA gives the month support ends ("June 2026"): from its first day, the branch is past it."""
    if b.eol is None:
        return False
    year, month = (int(x) for x in b.eol.split("-"))
    return (day.year, day.month) >= (year, month)


@dataclass(frozen=True)
class BranchChoice:
    branch: str
    skipped: tuple[str, ...] = ()  # older branches that would fit, passed over as past NVIDIA's support
    ended: str | None = None  # "2024-07": the branch itself is past support (no supported branch fits)


def choose_branch(need: DriverNeed, gpus: tuple[NvidiaGpu, ...], data: CompatData, windows: bool,
                  today: date | None = None) -> BranchChoice | None:
    """The oldest recommended branch that meets the need, still supports every GPU and is still supported by
    NVIDIA on `today` (None: there is none that fits at all).

    The oldest, as before: it changes least for the CUDA asked for. Where only branches past support fit (a
    Kepler GPU: R470), the newest of them, which had the last fixes, is still offered, with `ended` set, so
    that the reasons say so: a GPU that runs on nothing else is better served told than refused.
    Branch numbers are Linux release numbers; on Windows (and WSL) the branch is judged by the CUDA it reports.
    """
    fits = []
    for b in sorted(data.drivers.branches, key=lambda b: int(b.branch)):
        if not b.recommended or not all(supports(b.branch, g) for g in gpus):
            continue
        if windows or need.version is None:
            meets = version_key(b.cuda) >= version_key(need.cuda)
        else:
            meets = version_key(b.first) >= version_key(need.version)
        if meets:
            fits.append(b)
    if not fits:
        return None
    day = support_day(today, data)
    ended = [b for b in fits if past_support(b, day)]
    supported = [b for b in fits if not past_support(b, day)]
    if supported:
        first = supported[0]
        return BranchChoice(first.branch, tuple(b.branch for b in ended if int(b.branch) < int(first.branch)))
    last = fits[-1]
    return BranchChoice(last.branch, ended=last.eol)


def pick_branch(need: DriverNeed, gpus: tuple[NvidiaGpu, ...], data: CompatData, windows: bool,
                today: date | None = None) -> str | None:
    """choose_branch's branch (None: there is none)."""
    choice = choose_branch(need, gpus, data, windows, today)
    return choice.branch if choice else None


__all__ = ["KernelMatch", "kernel_for", "kernel_span", "sm_name", "cc_text", "DriverNeed", "driver_need",
           "driver_meets", "pick_branch", "choose_branch", "BranchChoice", "past_support", "support_day", "supports",
           "version_key", "cuda_minor"]
