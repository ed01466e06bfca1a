"""NVML through nvidia-ml-py: the first and most exact source, when libnvidia-ml loads."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

from installer.hardware import root


@dataclass
class NvmlGPU:
    name: str | None
    pci_id: str | None
    pci_bus_id: str | None
    memory_mib: int | None
    uuid: str | None
    compute_capability: str | None


@dataclass
class NvmlFacts:
    driver_version: str | None
    cuda_version: str | None
    gpus: list[NvmlGPU] = field(default_factory=list)


def _library_loads() -> bool:
    # A direct dlopen fails in microseconds where the library is absent; importing pynvml costs more
    try:
        ctypes.CDLL("libnvidia-ml.so.1")
        return True
    except OSError:
        return False


def _str(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def probe() -> NvmlFacts | None:
    if root.root():
        return None  # a fake root describes another machine: this machine's NVML would contradict it
    if not _library_loads():
        return None
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:
        return None
    try:
        driver = _str(pynvml.nvmlSystemGetDriverVersion())
        cuda: str | None = None
        try:
            v = int(pynvml.nvmlSystemGetCudaDriverVersion())
            cuda = f"{v // 1000}.{(v % 1000) // 10}"
        except Exception:
            cuda = None
        gpus: list[NvmlGPU] = []
        for i in range(int(pynvml.nvmlDeviceGetCount())):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            gpus.append(_device(pynvml, h))
        return NvmlFacts(driver_version=driver, cuda_version=cuda, gpus=gpus)
    except Exception:
        return None
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


def _device(pynvml: object, h: object) -> NvmlGPU:
    def attempt(fn_name: str, *args: object) -> object | None:
        try:
            return getattr(pynvml, fn_name)(h, *args)
        except Exception:
            return None

    name = attempt("nvmlDeviceGetName")
    cc = attempt("nvmlDeviceGetCudaComputeCapability")
    mem = attempt("nvmlDeviceGetMemoryInfo")
    pci = attempt("nvmlDeviceGetPciInfo")
    uuid = attempt("nvmlDeviceGetUUID")
    pci_id = bus_id = None
    if pci is not None:
        dev = int(getattr(pci, "pciDeviceId", 0))
        pci_id = f"{dev & 0xFFFF:04x}:{dev >> 16:04x}" if dev else None
        raw_bus = getattr(pci, "busId", None) or getattr(pci, "busIdLegacy", None)
        if raw_bus:
            parts = _str(raw_bus).lower().split(":")
            if len(parts) == 3:
                parts[0] = parts[0][-4:]
            bus_id = ":".join(parts)
    return NvmlGPU(
        name=_str(name) if name is not None else None,
        pci_id=pci_id,
        pci_bus_id=bus_id,
        memory_mib=int(getattr(mem, "total", 0)) // (1024 * 1024) if mem is not None else None,
        uuid=_str(uuid) if uuid is not None else None,
        compute_capability=f"{cc[0]}.{cc[1]}" if isinstance(cc, tuple) and len(cc) == 2 else None,
    )
