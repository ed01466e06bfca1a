"""The facts of a hardware report that decide compatibility: wheel platform, GPUs and their capabilities,
the driver, the Python. Pure functions over the report and the data files."""

from __future__ import annotations

import re
from dataclasses import dataclass

from installer.compat.data import CompatData
from installer.hardware.report import GPU, HardwareReport


@dataclass(frozen=True)
class NvidiaGpu:
    name: str
    cc: tuple[int, int] | None
    cc_from_table: bool  # detection did not report it; it came from NVIDIA's table by name or PCI id
    arch: str | None  # "Pascal"
    last_branch: str | None
    min_branch: str | None

    @property
    def cc_text(self) -> str:
        return f"{self.cc[0]}.{self.cc[1]}" if self.cc else "?"


@dataclass(frozen=True)
class AmdGpu:
    name: str
    gfx: str | None


@dataclass(frozen=True)
class Machine:
    platform: str | None  # a wheel platform key ("linux_x86_64"), None where PyTorch publishes none
    platform_text: str  # "Linux x86_64" for messages
    os_system: str
    wsl: bool
    jetson: bool
    macos_version: str | None
    nvidia: tuple[NvidiaGpu, ...]
    amd: tuple[AmdGpu, ...]
    intel: tuple[str, ...]
    apple: tuple[str, ...]
    driver: str | None  # NVIDIA driver version
    driver_cuda: str | None  # the CUDA version the driver reports
    python: str | None  # "3.11"
    driver_loaded: bool = False  # True with `driver` None: loaded, but its version is unknown
    # a recorded report (--hardware), not this machine detected now: messages then say "the recorded machine"
    recorded: bool = False


def parse_cc(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", str(text))
    return (int(m.group(1)), int(m.group(2))) if m else None


def cc_text(cc: tuple[int, int]) -> str:
    return f"{cc[0]}.{cc[1]}"


def python_minor(version: str | None) -> str | None:
    if not version:
        return None
    m = re.match(r"(\d+)\.(\d+)", version)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def _platform(system: str, arch: str) -> tuple[str | None, str]:
    s = system.lower()
    a = arch.lower()
    a = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64" if s == "linux" else "arm64"}.get(a, a)
    if s == "linux":
        key = {"x86_64": "linux_x86_64", "aarch64": "linux_aarch64"}.get(a)
        return key, f"Linux {a}"
    if s == "windows":
        return ("win_amd64" if a == "x86_64" else None), f"Windows {a}"
    if s == "darwin":
        key = {"arm64": "macos_arm64", "aarch64": "macos_arm64", "x86_64": "macos_x86_64"}.get(a)
        return key, f"macOS {a}"
    return None, f"{system} {arch}".strip()


def _nvidia_gpu(gpu: GPU, data: CompatData) -> NvidiaGpu:
    name = gpu.name or gpu.pci_id or f"GPU {gpu.index}"
    cc = parse_cc(gpu.compute_capability)
    from_table = False
    if cc is None:
        hay = f"{(gpu.name or '').lower()} {(gpu.pci_id or '').lower()}"
        for row in data.drivers.gpu_names:
            if row.match in hay:
                cc, from_table = parse_cc(row.capability), True
                break
    arch = last = first = None
    if cc is not None:
        for a in data.drivers.architectures:
            if cc_text(cc) in a.capabilities:
                arch, last, first = a.name, a.last_branch, a.min_branch
                break
        if arch is None and cc[0] >= 10:
            blackwell_or_later = [a for a in data.drivers.architectures if a.name == "Blackwell"]
            if blackwell_or_later:
                first = blackwell_or_later[0].min_branch
    return NvidiaGpu(name=name, cc=cc, cc_from_table=from_table, arch=arch, last_branch=last, min_branch=first)


def _amd_gpu(gpu: GPU, data: CompatData) -> AmdGpu:
    extra = gpu.model_extra or {}
    gfx = extra.get("gfx_target") or extra.get("gfx")
    if not gfx and gpu.compute_capability and str(gpu.compute_capability).startswith("gfx"):
        gfx = gpu.compute_capability
    if not gfx:
        hay = f"{(gpu.name or '').lower()} {(gpu.pci_id or '').lower()}"
        gfx = next((t.gfx for t in data.amd.targets if t.match in hay), None)
    return AmdGpu(name=gpu.name or gpu.pci_id or f"GPU {gpu.index}", gfx=str(gfx) if gfx else None)


def is_jetson(report: HardwareReport) -> bool:
    """A Jetson (Tegra SoC): its GPU and driver come with JetPack, not from PyPI wheels or driver packages."""
    extra = {**(report.model_extra or {}), **(report.os.model_extra or {})}
    if extra.get("jetson") or extra.get("tegra"):
        return True
    kernel = (report.os.kernel or "").lower()
    if kernel.endswith("-tegra"):
        return True
    names = " ".join((g.name or "").lower() for g in report.gpus)
    return any(word in names for word in ("orin", "xavier", "tegra", "jetson", "thor"))


def read_machine(report: HardwareReport, data: CompatData, python: str | None = None, *,
                 recorded: bool = False) -> Machine:
    system = report.os.system or "Linux"
    platform, text = _platform(system, report.os.arch or "x86_64")
    nvidia = tuple(_nvidia_gpu(g, data) for g in report.gpus if g.vendor == "nvidia")
    amd = tuple(_amd_gpu(g, data) for g in report.gpus if g.vendor == "amd")
    intel = tuple(g.name or "Intel GPU" for g in report.gpus if g.vendor == "intel")
    apple = tuple(g.name or "Apple GPU" for g in report.gpus if g.vendor == "apple")
    drv = report.nvidia_driver
    py = python_minor(python) if python else python_minor(report.python.version if report.python else None)
    return Machine(
        platform=platform, platform_text=text, os_system=system, wsl=bool(report.os.wsl),
        jetson=is_jetson(report) and bool(platform and platform.startswith("linux")),
        macos_version=report.os.version_id if system.lower() == "darwin" else None,
        nvidia=nvidia, amd=amd, intel=intel, apple=apple,
        driver=drv.version if drv else None, driver_cuda=drv.cuda if drv else None, python=py,
        driver_loaded=drv is not None, recorded=recorded,
    )
