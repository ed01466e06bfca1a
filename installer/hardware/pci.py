"""GPUs on the PCI bus, read from sysfs: seen whether or not any driver is loaded."""

from __future__ import annotations

from dataclasses import dataclass

from installer.hardware import root

VENDORS = {"10de": "nvidia", "1002": "amd", "8086": "intel"}
DEVICES = "/sys/bus/pci/devices"


@dataclass(frozen=True)
class PciGPU:
    bus_id: str  # "0000:01:00.0"
    vendor_id: str  # "10de"
    device_id: str  # "2684"
    vendor: str  # nvidia | amd | intel
    class_code: str  # "030000"
    driver: str | None  # the kernel driver bound to it: nvidia, nouveau, amdgpu, i915, xe, vfio-pci...
    subsystem: str | None  # "1043:8933" (vendor:device of the board maker)
    boot_vga: bool

    @property
    def pci_id(self) -> str:
        return f"{self.vendor_id}:{self.device_id}"


def _hex(path: str) -> str | None:
    text = root.read_text(path, limit=64)
    if not text:
        return None
    value = text.strip().lower().removeprefix("0x")
    return value or None


def scan() -> list[PciGPU]:
    """Display controllers (class 0x03xxxx) from the GPU vendors, in bus order."""
    found: list[PciGPU] = []
    for bus_id in root.listdir(DEVICES):
        base = f"{DEVICES}/{bus_id}"
        cls = _hex(f"{base}/class")
        if not cls or not cls.rjust(6, "0").startswith("03"):
            continue
        vendor_id = _hex(f"{base}/vendor")
        device_id = _hex(f"{base}/device")
        if not vendor_id or not device_id or vendor_id not in VENDORS:
            continue
        sub_v, sub_d = _hex(f"{base}/subsystem_vendor"), _hex(f"{base}/subsystem_device")
        found.append(PciGPU(
            bus_id=bus_id.lower(),
            vendor_id=vendor_id.rjust(4, "0"),
            device_id=device_id.rjust(4, "0"),
            vendor=VENDORS[vendor_id],
            class_code=cls.rjust(6, "0"),
            driver=root.readlink_name(f"{base}/driver"),
            subsystem=f"{sub_v.rjust(4, '0')}:{sub_d.rjust(4, '0')}" if sub_v and sub_d else None,
            boot_vga=(root.read_text(f"{base}/boot_vga", limit=8) or "").strip() == "1",
        ))
    return found
