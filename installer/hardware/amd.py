"""AMD GPUs for ROCm: the gfx target of each GPU from the KFD topology (no ROCm needed), or rocminfo."""

from __future__ import annotations

import re

from installer.hardware import root
from installer.hardware import run as _run

TOPOLOGY = "/sys/class/kfd/kfd/topology/nodes"


def gfx_from_version(value: int) -> str | None:
    """KFD's gfx_target_version is major*10000 + minor*100 + stepping (110000 -> gfx1100, 90010 -> gfx90a)."""
    if value <= 0:
        return None
    major, rest = divmod(value, 10000)
    minor, step = divmod(rest, 100)
    return f"gfx{major}{minor:x}{step:x}"


def kfd_nodes() -> list[dict[str, str | None]]:
    """GPU nodes of the KFD topology (CPU nodes have simd_count 0)."""
    nodes = []
    for node in root.listdir(TOPOLOGY):
        text = root.read_text(f"{TOPOLOGY}/{node}/properties")
        if not text:
            continue
        props: dict[str, int] = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].lstrip("-").isdigit():
                props[parts[0]] = int(parts[1])
        if props.get("simd_count", 0) <= 0:
            continue
        gfx = gfx_from_version(props.get("gfx_target_version", 0))
        vendor, device = props.get("vendor_id"), props.get("device_id")
        loc = props.get("location_id")
        # location_id packs the PCI bus and devfn: bus << 8 | device << 3 | function
        bus_id = (f"{props.get('domain', 0):04x}:{loc >> 8:02x}:{(loc >> 3) & 0x1F:02x}.{loc & 7:x}"
                  if loc else None)
        nodes.append({
            "gfx_target": gfx,
            "pci_id": f"{vendor:04x}:{device:04x}" if vendor and device else None,
            "bus_id": bus_id,
        })
    return nodes


def rocminfo() -> list[str]:
    """gfx targets of the GPU agents rocminfo lists (when ROCm is installed)."""
    exe = _run.which("rocminfo", extra_dirs=("/opt/rocm/bin",))
    if not exe:
        return []
    out = _run.run([exe], timeout=5.0)
    if out is None or not out.ok:
        return []
    targets = []
    for agent in out.stdout.split("Agent ")[1:]:
        if re.search(r"Device Type:\s+GPU", agent):
            m = re.search(r"Name:\s+(gfx[0-9a-f]+)", agent)
            if m:
                targets.append(m.group(1))
    return targets
