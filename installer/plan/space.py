"""How much disk a plan needs, and where: a pure estimate from the plan's steps (installer.executor.space
checks it against the free space before anything runs; the planner notes a shortfall a hardware report
shows).

Only what a fact backs is estimated: PyTorch's packages installed into the environment (and unpacked by
uv into its cache first, or kept by pip as downloaded wheels), a wheelhouse's downloads, and NVIDIA's
CUDA runfile (its download, its extraction in --tmpdir, the toolkit it installs). Not estimated: apt
steps (apt-get checks the space for its archives itself before it downloads anything), conda steps and
the Miniforge installer (no measured size of conda-forge's packages here), and a Python uv downloads.

Sizes in MiB. A package's "installed" size counts the files of its wheel unpacked (the sum of the
uncompressed sizes in the wheel's zip directory) plus what torch's pure-Python dependencies and the
file system's blocks add (measured on the CPU build here); "download" is the wheels' own size.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.model import Plan, Step

if TYPE_CHECKING:
    from installer.hardware.report import HardwareReport


@dataclass(frozen=True)
class Build:
    """The size of one PyTorch build (torch with everything it pulls in), as measured."""

    label: str  # the build the figures are for, in words
    version: str  # the version of the package measured
    download: int  # MiB: the wheels as downloaded
    installed: int  # MiB: the environment's growth (uv's cache holds the same files unpacked)


# One row per variant measured; a build not here takes the nearest row, and says so.
BUILDS: dict[str, Build] = {
    # measured here: /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl is 191,794,682 bytes,
    # its dependencies (sympy 6.0 MiB, networkx 2.0 MiB, the rest under 1 MiB) 9 MiB more; `du -sm` of a venv
    # after `torch-setup install --answers cpu-venv.yaml --yes`: 747, of uv's cache afterwards: 748
    "cpu": Build("torch 2.13.0+cpu", "2.13.0", download=192, installed=748),
    # PyPI's default Linux wheel of torch 2.9.0 is the CUDA 12.8 build: torch-2.9.0-cp311-cp311-
    # manylinux_2_28_x86_64.whl and the 15 nvidia-*-cu12 and triton 3.5.0 wheels its metadata pins
    # (https://pypi.org/simple/<name>/ and each wheel's .metadata, read 2026-12): 3870 MiB, whose files come
    # to 6596 MiB unpacked (the sizes in each wheel's zip directory, read with HTTP range requests);
    # + 80 MiB as on the CPU build (its venv's 747 MiB less its torch wheel's 667 MiB unpacked: the
    # pure-Python dependencies and the blocks of torch's ~12,000 files), + 9 MiB of their downloads
    "cu128": Build("torch 2.9.0 (CUDA 12.8)", "2.9.0", download=3879, installed=6676),
    # PyPI's torch 2.13.0 for Linux is the CUDA 13.0 build (cuda-toolkit[...]==13.0.3, nvidia-cudnn-cu13
    # 9.20.0.48, nccl, nvshmem, cusparselt, cuda-bindings, triton 3.7.1), measured the same way:
    # 2604 MiB downloaded, 4504 MiB unpacked
    "cu130": Build("torch 2.13.0 (CUDA 13.0)", "2.13.0", download=2613, installed=4584),
    # PyPI's torch 2.15.0 for Linux is the CUDA 13.2 build (cuda-toolkit[...]==13.2.2, cudnn-cu13 9.26.0.51,
    # triton 3.9.0), measured the same way: 2851 MiB downloaded, 5165 MiB unpacked
    "cu132": Build("torch 2.15.0 (CUDA 13.2)", "2.15.0", download=2860, installed=5245),
}
# The libraries that come with torch: PyPI's cp311 manylinux x86_64 wheels, unpacked size read as above.
EXTRAS: dict[str, Build] = {
    # torchvision 0.28.0 7.3 -> 19.9 MiB, with numpy 2.4.6 16.1 -> 54.7 and pillow 13.0.0 6.8 -> 19.4
    "torchvision": Build("torchvision 0.28.0", "0.28.0", download=31, installed=94),
    # torchaudio 2.11.0: 1.7 -> 8.3 MiB
    "torchaudio": Build("torchaudio 2.11.0", "2.11.0", download=2, installed=9),
}
# cuda_12.8.1_570.124.06_linux.run is 5,382,238,770 bytes (the length its download reported in
# compiler-explorer/infra#1554); the 12.4.1 one is "4GB" (shader-slang/slang#9557). The newest known size
# stands for every version whose recipe entry gives no `size`. Extracted (in --tmpdir) and installed, the
# compressed archive takes at least its own size again in each place: counted so, a lower bound.
CUDA_RUNFILE = 5133
# Added to every figure, then rounded up to 100 MiB: builds of one variant differ by some per cent between
# releases (cu130 4.5 GiB for torch 2.13.0, cu132 5.1 GiB for 2.15.0), and file systems' blocks differ.
MARGIN = 0.20

_CU = re.compile(r"cu([0-9]+)")


def with_margin(mib: float) -> int:
    return int(math.ceil(mib * (1 + MARGIN) / 100.0) * 100)


def size_text(mib: int) -> str:
    """MiB as a person reads it: 900 MiB, 5.5 GiB."""
    return f"{mib} MiB" if mib < 1024 else f"{mib / 1024:.1f} GiB"


@dataclass(frozen=True)
class Need:
    """Space one step needs in one folder, margin included."""

    step: str  # the step's id: a step already done (on a rerun) needs nothing
    folder: str  # absolute; it may not exist yet (its nearest existing folder is where the space is)
    mib: int
    what: str  # in words, for the message
    # needs with the same key, in one file system, are the same files counted once (the largest): uv
    # hard-links the environment's files to the copies it unpacked into its cache
    shared: str = ""
    # uv's cache, where it holds these very files unpacked already (an earlier install of the same build): on
    # that cache's file system the environment's files are links to them and take no new space
    linked_from: str = ""


@dataclass(frozen=True)
class Caches:
    """Where uv and pip keep their caches (the executor knows: UV_CACHE_DIR, XDG_CACHE_HOME, ...)."""

    uv: str
    pip: str
    # "name-version" (as in a .dist-info folder's name: torch-2.13.0+cpu) of the packages uv's cache holds
    # unpacked; the executor looks (installer.executor.space.unpacked_in_uv_cache) only when a disk is short
    unpacked: frozenset[str] = frozenset()


def _nearest(variant: str) -> str:
    """The measured variant that stands for `variant`: the nearest CUDA version for a cuNNN build (on a
    tie the larger), the CPU build for Apple's, the largest build for any other (ROCm, XPU)."""
    if variant in BUILDS:
        return variant
    if variant == "mps":
        return "cpu"
    m = _CU.fullmatch(variant)
    known = [(int(k[2:]), k) for k in BUILDS if _CU.fullmatch(k)]
    if m and known:
        want = int(m.group(1))
        return min(known, key=lambda nk: (abs(nk[0] - want), -BUILDS[nk[1]].installed))[1]
    return max(BUILDS, key=lambda k: BUILDS[k].installed)


def build_for(version: str, variant: str) -> tuple[Build, bool]:
    """The size of torch `version` built for `variant`, and whether it was measured (False: estimated
    from the nearest measured build)."""
    row = BUILDS[_nearest(variant)]
    return row, row.version == version and variant in BUILDS


def _pins(items: Sequence[str]) -> dict[str, str]:
    """{name: version with its local label} of NAME==VERSION pins (others left out)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, version = item.partition("==")
        if sep and name and not name.startswith("-"):
            out[name.strip().lower().replace("_", "-")] = version.strip()
    return out


def _payload(pins: dict[str, str], variant: str | None) -> tuple[int, int, str] | None:
    """(download, installed, in words) of the pinned packages; None without torch among them."""
    version = pins.get("torch")
    if version is None:
        return None
    release, _plus, local = version.partition("+")
    variant = variant or local or "unknown"
    build, measured = build_for(release, variant)
    download, installed = build.download, build.installed
    for name, extra in EXTRAS.items():
        if name in pins:
            download, installed = download + extra.download, installed + extra.installed
    shown = listed(f"{n} {v}" for n, v in pins.items())
    if not measured:
        shown = _("{packages}; estimated from {build}", packages=shown, build=build.label)
    return download, installed, shown


def _after(argv: Sequence[str], marker: str) -> tuple[str, ...]:
    return tuple(argv[argv.index(marker) + 1:]) if marker in argv else ()


def _pip_needs(step: Step, variant: str | None, caches: Caches | None) -> list[Need]:
    """An install of pins (the pip kind's, or the wheel kind's from a wheelhouse)."""
    from installer.plan.kinds.pip import INSTALLED_CHECK

    unless = step.guard.unless if step.guard else None
    if not unless or INSTALLED_CHECK not in unless or not step.commands:
        return []
    payload = _payload(_pins(_after(unless, INSTALLED_CHECK)), variant)
    prefix = step.writable[0] if step.writable else posixpath.dirname(posixpath.dirname(unless[0]))
    if payload is None or not prefix.startswith("/"):
        return []
    download, installed, shown = payload
    install = step.commands[-1]
    uv = posixpath.basename(install.argv[0]).startswith("uv")
    shared = f"{step.id}:unpacked" if uv else ""
    if caches is not None and uv and cached_in_uv(pins_of(step), caches):
        # found in use: a second environment of the same build, on a nearly full disk, was refused for the
        # ~0.9 GiB uv had unpacked the first time; uv's cache needs nothing new, and the environment only
        # links to it where both are on one file system (installer.executor.space.shortfalls decides)
        return [Need(step.id, prefix, with_margin(installed), _("the packages, installed: {packages}",
                                                                packages=shown), linked_from=caches.uv)]
    needs = [Need(step.id, prefix, with_margin(installed), _("the packages, installed: {packages}", packages=shown),
                  shared=shared)]
    if caches is not None and uv:
        needs.append(Need(step.id, caches.uv, with_margin(installed),
                          _("uv's cache, where it unpacks the packages first"), shared=shared))
    elif caches is not None and step.kind == "pip":  # pip keeps what it downloads (a wheelhouse is local)
        needs.append(Need(step.id, caches.pip, with_margin(download), _("pip's cache of the downloaded wheels")))
    return needs


def pins_of(step: Step) -> dict[str, str]:
    """{name: version} of what a pip or wheel step installs, as its guard checks it ({} for any other)."""
    from installer.plan.kinds.pip import INSTALLED_CHECK

    unless = step.guard.unless if step.guard else None
    return _pins(_after(unless, INSTALLED_CHECK)) if unless and INSTALLED_CHECK in unless else {}


def counted(pins: dict[str, str]) -> list[str]:
    """The pinned packages the estimate counts (torch and the extras measured), as "name-version"."""
    return [f"{name}-{version}" for name, version in pins.items() if name == "torch" or name in EXTRAS]


def cached_in_uv(pins: dict[str, str], caches: Caches) -> bool:
    """Whether uv's cache holds every package the estimate counts, unpacked (then it needs no new space)."""
    names = counted(pins)
    return bool(names) and all(name in caches.unpacked for name in names)


def _wheelhouse_needs(step: Step, variant: str | None, caches: Caches | None) -> list[Need]:
    """A wheelhouse build: the wheels, downloaded into the wheelhouse and into pip's cache."""
    unless = step.guard.unless if step.guard else None
    if not unless or "check" not in unless or not step.writable:
        return []
    wheelhouse = step.writable[0]
    payload = _payload(_pins(_after(unless, wheelhouse)), variant)
    if payload is None:
        return []
    download, _installed, shown = payload
    needs = [Need(step.id, wheelhouse, with_margin(download), _("the wheels, downloaded: {packages}", packages=shown))]
    if caches is not None:
        needs.append(Need(step.id, caches.pip, with_margin(download), _("pip's cache of the downloaded wheels")))
    return needs


def _runfile_needs(step: Step) -> list[Need]:
    """NVIDIA's CUDA runfile, toolkit only: the download, its extraction, the toolkit."""
    needs: list[Need] = []
    for cmd in step.commands:
        if "--toolkit" not in cmd.argv:
            continue
        # the recipe's `size` of this very file, where it gives one, is better than the newest known size
        size = max((math.ceil(d.size / 2**20) for d in step.downloads if d.size), default=CUDA_RUNFILE)
        for d in step.downloads:
            needs.append(Need(step.id, posixpath.dirname(d.dest), with_margin(size),
                              _("the CUDA runfile, downloaded")))
        options = {k: v for k, _eq, v in (a.partition("=") for a in cmd.argv) if k.startswith("--") and v}
        if options.get("--tmpdir"):
            needs.append(Need(step.id, options["--tmpdir"], with_margin(size),
                              _("the CUDA runfile, extracted (at least its own size)")))
        if options.get("--toolkitpath"):
            needs.append(Need(step.id, options["--toolkitpath"], with_margin(size),
                              _("the CUDA toolkit, installed (at least the runfile's size)")))
    return needs


def step_needs(step: Step, variant: str | None = None, caches: Caches | None = None) -> list[Need]:
    """What one step needs, where. `caches`: None leaves uv's and pip's caches out (the planner does
    not know where they will be)."""
    if step.kind in ("pip", "wheel"):
        return _pip_needs(step, variant, caches) or _wheelhouse_needs(step, variant, caches)
    if step.kind == "runfile":
        return _runfile_needs(step)
    return []


def needs(plan: Plan, caches: Caches | None = None) -> list[Need]:
    """Every step's needs, in the order of the steps."""
    variant = plan.meta.get("variant") or None
    return [n for step in plan.steps for n in step_needs(step, variant, caches)]


def disk_notes(steps: Sequence[Step], variant: str | None, report: HardwareReport) -> list[str]:
    """A note when the hardware report shows less free space at the target's folder than the plan needs
    there (installer.executor.space refuses such a run before it starts; a recorded machine's plan is
    only shown, so this is where its shortfall is said)."""
    disk = report.disk.get("target") if report.disk else None
    if disk is None or disk.free_mib is None or not disk.path:
        return []
    where = posixpath.normpath(disk.path)
    here = [n for step in steps for n in step_needs(step, variant) if posixpath.normpath(n.folder) == where]
    if not here:
        return []
    need = sum(n.mib for n in here)
    if disk.free_mib >= need:
        return []
    return [_("about {need} is needed in {path} ({what}), and the hardware report says {free} is free there: "
              "the install will be refused before it starts; free some space there, or choose another folder "
              "with target.path", need=size_text(need), path=disk.path, what=_("; ").join(n.what for n in here),
              free=size_text(disk.free_mib))]
