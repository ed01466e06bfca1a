"""PCI ids -> names, and NVIDIA device ids -> chip, architecture and compute capability.

The table (data/gpu_ids.json) is built by data/build_gpu_ids.py from public sources named inside it:
each NVIDIA device id carries the chip it is built on, and each chip its compute capability as NVIDIA
publishes it. Names come from the system's pci.ids when one is installed, else from the same table.
A marketing-name match (`family_from_name`) is the last resort, for ids the table does not know.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from installer.hardware import root

DATA = Path(__file__).with_name("data") / "gpu_ids.json"
SYSTEM_PCI_IDS = ("/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids")


@cache
def table() -> dict[str, Any]:
    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"chips": {}, "nvidia": {}, "amd": {}, "intel": {}}
    return data if isinstance(data, dict) else {}


def nvidia_chip(device_id: str) -> str | None:
    entry = table().get("nvidia", {}).get(device_id.lower())
    return entry[0] if entry else None


def chip_facts(chip: str | None) -> tuple[str | None, str | None]:
    """(architecture, compute capability) of an NVIDIA chip such as "AD102"."""
    if not chip:
        return None, None
    facts = table().get("chips", {}).get(chip.upper())
    if not facts:
        return None, None
    return facts.get("architecture"), facts.get("cc")


def nvidia_by_id(device_id: str) -> tuple[str | None, str | None, str | None]:
    """(chip, architecture, compute capability) for an NVIDIA device id, from the table only."""
    chip = nvidia_chip(device_id)
    arch, cc = chip_facts(chip)
    return chip, arch, cc


def intel_discrete(device_id: str) -> bool | None:
    entry = table().get("intel", {}).get(device_id.lower())
    return bool(entry[1]) if entry else None


@cache
def _system_names() -> dict[str, str]:
    """Vendor 10de / 1002 / 8086 device names from the system's pci.ids (parsed once, only those vendors)."""
    wanted = {"10de", "1002", "8086"}
    for path in SYSTEM_PCI_IDS:
        text = root.read_text(path, limit=8 << 20)
        if text is None:
            continue
        names: dict[str, str] = {}
        vendor = None
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if not line.startswith("\t"):
                parts = line.split(None, 1)
                vendor = parts[0].lower() if parts and parts[0].lower() in wanted else None
                continue
            if vendor and not line.startswith("\t\t"):
                parts = line.strip().split(None, 1)
                if len(parts) == 2:
                    names[f"{vendor}:{parts[0].lower()}"] = parts[1].strip()
        return names
    return {}


def _clean_pci_name(vendor: str, raw: str) -> str:
    """pci.ids writes "AD102 [GeForce RTX 4090]": people know the bracketed name."""
    m = re.search(r"\[(.+)\]\s*$", raw)
    name = m.group(1) if m else raw
    prefix = {"10de": "NVIDIA", "1002": "AMD", "8086": "Intel"}[vendor]
    return name if name.lower().startswith(prefix.lower()) else f"{prefix} {name}"


def system_label(vendor_id: str, device_id: str) -> str | None:
    """The raw pci.ids label ("AD102 [GeForce RTX 4090]") from the system's pci.ids, if installed."""
    return _system_names().get(f"{vendor_id}:{device_id}".lower())


def chip_from_label(label: str | None) -> str | None:
    """The NVIDIA chip a pci.ids label starts with ("AD104GL [L4]" -> AD104), if the table knows it."""
    if not label:
        return None
    token = re.split(r"[\s\[/(]", label, maxsplit=1)[0].upper()
    for chip in sorted(table().get("chips", {}), key=len, reverse=True):
        if token.startswith(chip):
            return str(chip)
    return None


def device_name(vendor_id: str, device_id: str) -> tuple[str | None, str | None]:
    """(name, where from: "pci.ids" or "table") for a PCI id."""
    key = f"{vendor_id}:{device_id}".lower()
    raw = _system_names().get(key)
    if raw:
        return _clean_pci_name(vendor_id, raw), "pci.ids"
    vendor = {"10de": "nvidia", "1002": "amd", "8086": "intel"}.get(vendor_id.lower())
    entry = table().get(vendor, {}).get(device_id.lower()) if vendor else None
    if entry:
        raw = entry[1] if isinstance(entry, list) and vendor == "nvidia" else (entry[0] if isinstance(entry, list) else entry)
        return _clean_pci_name(vendor_id, str(raw)), "table"
    return None, None


# Last resort only: marketing names -> (architecture, compute capability). Order matters (most specific first).
_FAMILIES: tuple[tuple[str, str, str], ...] = (
    (r"\bGB10\b|DGX Spark", "Blackwell", "12.1"),
    (r"\bB300\b|\bGB300\b", "Blackwell", "10.3"),
    (r"\bB200\b|\bB100\b|\bGB200\b", "Blackwell", "10.0"),
    (r"RTX (PRO )?50\d\d|RTX PRO \d+ Blackwell|Blackwell", "Blackwell", "12.0"),
    (r"\bH100\b|\bH200\b|\bH800\b|\bH20\b|\bGH200\b", "Hopper", "9.0"),
    (r"RTX 40\d\d|\bL4\b|\bL40S?\b|\bL20\b|RTX \d+ Ada", "Ada Lovelace", "8.9"),
    (r"\bA100\b|\bA30\b|\bA800\b", "Ampere", "8.0"),
    (r"RTX 30\d\d|RTX A\d+|\bA40\b|\bA10G?\b|\bA16\b|\bA2\b", "Ampere", "8.6"),
    (r"RTX 20\d\d|GTX 16\d\d|TITAN RTX|Quadro RTX|\bT4\b|\bT\d{3,4}\b", "Turing", "7.5"),
    (r"TITAN V|V100", "Volta", "7.0"),
    (r"\bP100\b", "Pascal", "6.0"),
    (r"GTX 10\d0|TITAN Xp|TITAN X \(Pascal\)|\bP40\b|\bP4\b|Quadro P\d+|GT 1030|MX[123]\d0", "Pascal", "6.1"),
    (r"GTX 9\d0|GTX TITAN X|\bM40\b|\bM60\b|Quadro M\d+", "Maxwell", "5.2"),
    (r"GTX 75\d|GTX 745|\bM10\b", "Maxwell", "5.0"),
    (r"\bK80\b", "Kepler", "3.7"),
    (r"\bK40\b|\bK20X?\b|GTX TITAN|GTX 780", "Kepler", "3.5"),
    (r"GTX 6\d0|GTX 770|GTX 760|\bK10\b|GRID K", "Kepler", "3.0"),
)


def family_from_name(name: str | None) -> tuple[str | None, str | None]:
    if not name:
        return None, None
    for pattern, arch, cc in _FAMILIES:
        if re.search(pattern, name, re.IGNORECASE):
            return arch, cc
    return None, None
