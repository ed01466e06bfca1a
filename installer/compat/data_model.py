"""The shapes of the compatibility data files in installer/compat/data/, checked on load.

Every row carries a `source:`; rows whose facts could not be confirmed from a primary source list the
fields in `unverified:`, so a reader (and `recommend`) can tell a fact from an educated guess.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Wheel platforms the data distinguishes, named after the wheel platform tags they stand for.
Platform = Literal["linux_x86_64", "linux_aarch64", "win_amd64", "macos_arm64", "macos_x86_64"]
PLATFORMS: tuple[str, ...] = ("linux_x86_64", "linux_aarch64", "win_amd64", "macos_arm64", "macos_x86_64")


class _Row(BaseModel):
    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Release(_Row):
    torch: str
    status: Literal["released", "planned"] = "released"
    date: str | None = None
    # "3.10-3.14" per platform: the CPython minors PyPI has wheels for (free-threaded builds ignored)
    python: dict[str, str] = Field(default_factory=dict)
    macos_min: str | None = None
    torchvision: str | None = None
    torchaudio: str | None = None
    # the variant a plain `pip install torch` from PyPI gets, per platform
    pypi_default: dict[str, str] = Field(default_factory=dict)
    # the variants published on the PyTorch wheel index, per platform
    variants: dict[str, list[str]] = Field(default_factory=dict)
    experimental: list[str] = Field(default_factory=list)
    source: dict[str, str]
    unverified: list[str] = Field(default_factory=list)


class DomainLibrary(_Row):
    version: str
    date: str | None = None
    python: dict[str, str] = Field(default_factory=dict)
    source: str


class ReleasesFile(_Row):
    schema_version: int
    updated: str
    sources: dict[str, str]
    releases: list[Release]
    torchvision: list[DomainLibrary]
    torchaudio: list[DomainLibrary]


class Kernels(_Row):
    sm: list[str]  # cubins, as compute capabilities "8.6"
    ptx: list[str] = Field(default_factory=list)  # PTX embedded for these capabilities


class CudaBuild(_Row):
    variant: str
    torch: str  # a version specifier: the releases this row describes, e.g. ">=2.12,<2.15"
    cuda: str  # the toolkit used for the build, "12.6.3"
    cudnn: str | None = None
    kernels: dict[str, Kernels]  # per platform
    source: str
    unverified: list[str] = Field(default_factory=list)


class RocmBuild(_Row):
    variant: str
    torch: str
    gfx: list[str]
    source: str
    unverified: list[str] = Field(default_factory=list)


class BuildsFile(_Row):
    schema_version: int
    updated: str
    cuda: list[CudaBuild]
    rocm: list[RocmBuild]
    xpu: list[dict[str, str]] = Field(default_factory=list)


class Toolkit(_Row):
    cuda: str  # "12.6" (the GA release: PTX JIT needs the driver of the toolkit minor that made it)
    linux: str | None
    windows: str | None
    source: str
    unverified: list[str] = Field(default_factory=list)


class MinorCompat(_Row):
    major: int
    linux: str | None
    windows: str | None
    source: str
    unverified: list[str] = Field(default_factory=list)


class Architecture(_Row):
    name: str
    capabilities: list[str]
    last_branch: str | None = None  # the last driver branch that supports it; None: still supported
    min_branch: str | None = None  # the first driver branch that knows it
    source: str
    unverified: list[str] = Field(default_factory=list)


class Branch(_Row):
    branch: str
    first: str  # the first release of the branch (the oldest driver of it)
    cuda: str  # the CUDA version the branch reports
    recommended: bool = False  # a production or long-term branch worth installing today
    # the month NVIDIA's support ends ("2026-06"): from its first day the branch is past support, so a plan made
    # then never chooses it where a supported branch fits (installer.compat.rules.pick_branch). None: no date
    # is published (a new-feature branch, or one not yet given a date)
    eol: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    # true: `eol` is only the month by which support had ended (a page of that month calls the branch ended and
    # names no month), so the texts say "by 2025-08", never "in 2025-08"; the branch counts as past support from
    # that month on, as for an exact one
    eol_upper_bound: bool = False
    source: str
    unverified: list[str] = Field(default_factory=list)


class GpuName(_Row):
    match: str  # a lowercase substring of the GPU's name, or a PCI id "10de:1b06"
    capability: str
    source: str


class DriversFile(_Row):
    schema_version: int
    updated: str
    toolkits: list[Toolkit]
    minor_compat: list[MinorCompat]
    architectures: list[Architecture]
    branches: list[Branch]
    gpu_names: list[GpuName] = Field(default_factory=list)


class AmdTarget(_Row):
    match: str  # a lowercase substring of the name or a PCI id "1002:744c"
    gfx: str
    name: str
    source: str


class AmdFile(_Row):
    schema_version: int
    updated: str
    targets: list[AmdTarget]
