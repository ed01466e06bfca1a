"""conda-forge's own CUDA builds of PyTorch (data/conda_forge.yaml): the CUDA compiler of each build a
source shows, and the GPU kernels that build carries. PyPI's wheel data (builds.yaml) says nothing about
them: conda-forge compiles PyTorch with its own CUDA versions and TORCH_CUDA_ARCH_LIST."""

from __future__ import annotations

from functools import cache

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from pydantic import Field

from installer.compat.data import DATA_DIR, CompatData, _load
from installer.compat.data_model import Kernels, _Row
from installer.i18n import _


class CondaForgeBuild(_Row):
    torch: str  # a version specifier: the releases this row describes
    cuda: str  # the CUDA compiler, "12.9" (the build string's cuda129)
    sm: list[str]
    ptx: list[str] = Field(default_factory=list)
    source: str
    unverified: list[str] = Field(default_factory=list)

    @property
    def kernels(self) -> Kernels:
        return Kernels(sm=self.sm, ptx=self.ptx)

    @property
    def build_prefix(self) -> str:
        """The start of the build string, "cuda129"."""
        return "cuda" + self.cuda.replace(".", "")


class CondaForgeFile(_Row):
    schema_version: int
    updated: str
    builds: list[CondaForgeBuild]


@cache
def conda_forge_data() -> CondaForgeFile:
    return _load(DATA_DIR / "conda_forge.yaml", CondaForgeFile)


def conda_forge_builds(torch: str) -> list[CondaForgeBuild]:
    """The linux-64 CUDA builds of `torch` known to exist on conda-forge, newest CUDA first (empty: not covered)."""
    v = Version(torch)
    rows = [b for b in conda_forge_data().builds if v in SpecifierSet(b.torch)]
    return sorted(rows, key=lambda b: Version(b.cuda), reverse=True)


def newest_known() -> str | None:
    """The newest release a row describes ("2.12.0"), for saying how far the data reaches."""
    versions = [Version(spec.version) for b in conda_forge_data().builds for spec in SpecifierSet(b.torch)
                if spec.operator == "=="]
    return str(max(versions)) if versions else None


def known_releases(data: CompatData) -> list[str]:
    """The released versions conda-forge is known to build, newest first: where the conda method's `latest` looks
    when PyPI's newest is not among them (the wizard's list, installer.compat.offer; the plan,
    installer.plan.conda_pins)."""
    return [r.torch for r in data.released() if conda_forge_builds(r.torch)]


def builds_variant(variant: str) -> bool:
    """Whether conda-forge has PyTorch builds of the wheel variant: it builds for the CPU (with MPS on macOS) and for
    NVIDIA's CUDA, not for ROCm or Intel's XPU (those wheels come from PyTorch's own index)."""
    return not variant.startswith(("rocm", "xpu"))


def no_build_of(variant: str, *, recorded: bool = False) -> str:
    """Why a conda environment gets the CPU build where the machine's GPU build is `variant` (rocm7.2, xpu);
    `recorded`: the machine is a recorded one (--hardware)."""
    if recorded:
        return _("conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not {variant}: a conda "
                 "environment on the recorded machine runs on the CPU only; the pip method installs the {variant} "
                 "wheel, which uses its GPU", variant=variant)
    return _("conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not {variant}: a conda environment "
             "here runs on the CPU only; the pip method installs the {variant} wheel, which uses this GPU",
             variant=variant)
