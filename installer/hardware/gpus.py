"""Putting the GPU sources together: the driver's word first, the PCI bus for what drivers do not see."""

from __future__ import annotations

from typing import Any

from installer.hardware import ids
from installer.hardware.nvidia_smi import SmiLog
from installer.hardware.nvml import NvmlFacts
from installer.hardware.pci import PciGPU

# AMD gfx target -> architecture; APU targets are integrated GPUs
_GFX_ARCH = (("gfx95", "CDNA4"), ("gfx94", "CDNA3"), ("gfx90a", "CDNA2"), ("gfx908", "CDNA"),
             ("gfx12", "RDNA4"), ("gfx115", "RDNA3.5"), ("gfx11", "RDNA3"), ("gfx103", "RDNA2"),
             ("gfx101", "RDNA"), ("gfx9", "GCN5"), ("gfx8", "GCN4"))
_AMD_APU_TARGETS = {"gfx902", "gfx909", "gfx90c", "gfx1013", "gfx1033", "gfx1035", "gfx1036", "gfx1037",
                    "gfx1103", "gfx1150", "gfx1151", "gfx1152"}


def _amd_arch(gfx: str | None) -> str | None:
    if not gfx:
        return None
    for prefix, arch in _GFX_ARCH:
        if gfx.startswith(prefix):
            return arch
    return None


def _nvidia_cc(pci_id: str | None, name: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(chip, architecture, cc, cc source) from the id table, else (last resort) from the name."""
    if pci_id and pci_id.startswith("10de:"):
        chip, arch, cc = ids.nvidia_by_id(pci_id[5:])
        if cc:
            return chip, arch, cc, "pci-id"
        # newer than the shipped table: the system's pci.ids may still name the chip
        chip = ids.chip_from_label(ids.system_label("10de", pci_id[5:]))
        arch, cc = ids.chip_facts(chip)
        if cc:
            return chip, arch, cc, "pci-ids-chip"
    arch, cc = ids.family_from_name(name)
    return None, arch, cc, ("name" if cc else None)


def nvidia_gpus(nvml: NvmlFacts | None, smi: SmiLog | None, pci: list[PciGPU]) -> list[dict[str, Any]]:
    on_bus = [p for p in pci if p.vendor == "nvidia"]
    by_bus = {p.bus_id: p for p in on_bus}
    matched: set[str] = set()
    out: list[dict[str, Any]] = []

    def attach(gpu: dict[str, Any], bus_id: str | None, pci_id: str | None) -> None:
        p = by_bus.get(bus_id) if bus_id else None
        if p is None and pci_id:
            p = next((q for q in on_bus if q.pci_id == pci_id and q.bus_id not in matched), None)
        if p is not None:
            matched.add(p.bus_id)
            gpu["kernel_driver"] = p.driver
            gpu["pci_bus_id"] = gpu.get("pci_bus_id") or p.bus_id
            gpu["pci_id"] = gpu.get("pci_id") or p.pci_id

    if nvml is not None and nvml.gpus:
        for g in nvml.gpus:
            chip, arch, _, _ = _nvidia_cc(g.pci_id, g.name)
            gpu = {"vendor": "nvidia", "name": g.name, "pci_id": g.pci_id, "compute_capability": g.compute_capability,
                   "memory_mib": g.memory_mib, "architecture": arch, "chip": chip,
                   "compute_capability_source": "nvml" if g.compute_capability else None,
                   "source": "nvml", "pci_bus_id": g.pci_bus_id, "uuid": g.uuid}
            if not gpu["compute_capability"]:
                _, _, gpu["compute_capability"], gpu["compute_capability_source"] = _nvidia_cc(g.pci_id, g.name)
            attach(gpu, g.pci_bus_id, g.pci_id)
            out.append(gpu)
    elif smi is not None and smi.gpus:
        for s in smi.gpus:
            chip, arch, cc, cc_source = _nvidia_cc(s.pci_id, s.name)
            if s.compute_capability:
                cc, cc_source = s.compute_capability, "nvidia-smi"
            gpu = {"vendor": "nvidia", "name": s.name, "pci_id": s.pci_id, "compute_capability": cc,
                   "memory_mib": s.memory_mib, "architecture": s.architecture or arch, "chip": chip,
                   "compute_capability_source": cc_source, "source": "nvidia-smi",
                   "pci_bus_id": s.pci_bus_id, "uuid": s.uuid}
            attach(gpu, s.pci_bus_id, s.pci_id)
            out.append(gpu)
    for p in on_bus:
        if p.bus_id in matched:
            continue
        name, _ = ids.device_name(p.vendor_id, p.device_id)
        chip, arch, cc, cc_source = _nvidia_cc(p.pci_id, name)
        out.append({"vendor": "nvidia", "name": name, "pci_id": p.pci_id, "compute_capability": cc,
                    "memory_mib": None, "architecture": arch, "chip": chip, "compute_capability_source": cc_source,
                    "source": "pci", "pci_bus_id": p.bus_id, "kernel_driver": p.driver})
    return out


def amd_gpus(pci: list[PciGPU], kfd: list[dict[str, Any]], rocm_targets: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    unmatched = list(kfd)
    for p in (q for q in pci if q.vendor == "amd"):
        node = next((n for n in unmatched if n.get("bus_id") == p.bus_id), None)
        node = node or next((n for n in unmatched if n.get("pci_id") == p.pci_id), None)
        if node is not None:
            unmatched.remove(node)
        gfx = node.get("gfx_target") if node else None
        name, _ = ids.device_name(p.vendor_id, p.device_id)
        out.append({"vendor": "amd", "name": name, "pci_id": p.pci_id, "gfx_target": gfx,
                    "architecture": _amd_arch(gfx), "source": "kfd" if node else "pci", "pci_bus_id": p.bus_id,
                    "kernel_driver": p.driver, "integrated": (gfx in _AMD_APU_TARGETS) if gfx else None})
    # in a container the PCI bus may be hidden while /dev/kfd is passed through
    for node in unmatched:
        gfx = node.get("gfx_target")
        out.append({"vendor": "amd", "name": None, "pci_id": node.get("pci_id"), "gfx_target": gfx,
                    "architecture": _amd_arch(gfx), "source": "kfd", "pci_bus_id": node.get("bus_id"),
                    "integrated": (gfx in _AMD_APU_TARGETS) if gfx else None})
    if not out:
        for gfx in rocm_targets:
            out.append({"vendor": "amd", "name": None, "gfx_target": gfx, "architecture": _amd_arch(gfx),
                        "source": "rocminfo", "integrated": gfx in _AMD_APU_TARGETS})
    elif rocm_targets:
        missing = [g for g in out if not g.get("gfx_target")]
        for gpu, gfx in zip(missing, rocm_targets, strict=False):
            gpu["gfx_target"], gpu["architecture"] = gfx, _amd_arch(gfx)
    return out


def intel_gpus(pci: list[PciGPU]) -> list[dict[str, Any]]:
    out = []
    for p in (q for q in pci if q.vendor == "intel"):
        name, _ = ids.device_name(p.vendor_id, p.device_id)
        discrete = ids.intel_discrete(p.device_id)
        # integrated Intel graphics sit at 00:02.0 on the CPU's root complex
        integrated = (not discrete) if discrete is not None else p.bus_id.endswith(":00:02.0")
        out.append({"vendor": "intel", "name": name, "pci_id": p.pci_id, "source": "pci", "pci_bus_id": p.bus_id,
                    "kernel_driver": p.driver, "integrated": integrated,
                    "architecture": None})
    return out
