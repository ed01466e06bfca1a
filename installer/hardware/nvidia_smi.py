"""`nvidia-smi -q -x`: the driver's own account of every GPU, in XML (every DTD version from v4 on).

Old drivers print no <cuda_version>, no <product_architecture> and never a compute capability: the
PCI device id is always there, and the id table fills in what the document lacks.

nvidia-smi writes this document only after it has reached the driver (without one it prints an error
and no XML), so a document that is cut short still proves a driver is loaded: what it holds is kept,
and `complete` says that the rest, the driver version perhaps among it, is missing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from installer.hardware import run as _run

WSL_NVIDIA_SMI = "/usr/lib/wsl/lib/nvidia-smi"


@dataclass
class SmiGPU:
    name: str | None
    pci_id: str | None  # "10de:2684"
    pci_bus_id: str | None  # "0000:01:00.0"
    memory_mib: int | None
    uuid: str | None
    architecture: str | None
    compute_capability: str | None
    minor_number: int | None


@dataclass
class SmiLog:
    driver_version: str | None
    cuda_version: str | None
    gpus: list[SmiGPU] = field(default_factory=list)
    complete: bool = True  # False: the document ended early or broke off; facts after the cut are None


def _text(el: ET.Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value in ("", "N/A", "Unknown Error", "[N/A]", "Not Supported", "[Not Supported]") else value


def _mib(value: str | None) -> int | None:
    if not value:
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(MiB|GiB|KiB|MB|GB)?", value)
    if not m:
        return None
    n = float(m.group(1))
    unit = (m.group(2) or "MiB").lower()
    scale = {"mib": 1, "mb": 1, "gib": 1024, "gb": 1024, "kib": 1 / 1024}[unit]
    return int(round(n * scale))


def pci_id_from_smi(device_id: str | None) -> str | None:
    """nvidia-smi writes the device and vendor as one hex word: "268410DE" or "0x268410DE"."""
    if not device_id:
        return None
    hexpart = device_id.lower().removeprefix("0x")
    if len(hexpart) != 8 or not re.fullmatch(r"[0-9a-f]{8}", hexpart):
        return None
    return f"{hexpart[4:]}:{hexpart[:4]}"


def _normalize_bus_id(bus_id: str | None) -> str | None:
    # nvidia-smi pads the PCI domain to 8 digits ("00000000:01:00.0"); sysfs uses 4
    if not bus_id:
        return None
    parts = bus_id.lower().split(":")
    if len(parts) == 3:
        parts[0] = parts[0][-4:].rjust(4, "0")
        return ":".join(parts)
    if len(parts) == 2:
        return "0000:" + bus_id.lower()
    return bus_id.lower()


def _read_tree(body: str) -> tuple[ET.Element | None, bool]:
    """The document's root and whether it was whole. Of a cut (or broken) document only the elements that
    were closed are kept: a version cut to "535.5", or a GPU cut before its PCI ids, must not be read
    (a GPU left out is still listed from the PCI bus, by its ids)."""
    try:
        return ET.fromstring(body), True
    except ET.ParseError:
        pass  # read it again, element by element, to see where it ends
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    parser.feed(body)
    complete = True
    try:
        parser.close()
    except ET.ParseError:
        complete = False
    root: ET.Element | None = None
    open_chain: list[ET.Element] = []  # the root, then each element still open inside the last one
    try:
        # only start and end events were asked for, and each of those carries its element
        for event, el in cast("Iterator[tuple[str, ET.Element]]", parser.read_events()):
            if event == "start":
                root = el if root is None else root
                open_chain.append(el)
            else:
                open_chain.pop()
    except ET.ParseError:  # broken after some good elements: those are kept, as for a cut
        complete = False
    if root is None:
        return None, complete
    if len(open_chain) > 1:
        root.remove(open_chain[1])
    if not complete and len(root) == 0:
        return None, False  # not one whole element: nothing the driver said can be read
    return root, complete


def parse(xml_text: str) -> SmiLog | None:
    """Parse a document, or what came of it before a cut; None when it is not an nvidia-smi log at all."""
    start = xml_text.find("<nvidia_smi_log")
    if start < 0:
        return None
    # from the root on: drops the XML declaration and the DOCTYPE, whose DTD is never fetched
    log, complete = _read_tree(xml_text[start:])
    if log is None:
        return None
    gpus: list[SmiGPU] = []
    for g in log.findall("gpu"):
        cc = _text(g, "compute_cap")
        if cc and not re.fullmatch(r"\d+\.\d+", cc):
            cc = None
        minor = _text(g, "minor_number")
        gpus.append(SmiGPU(
            name=_text(g, "product_name"),
            pci_id=pci_id_from_smi(_text(g, "pci/pci_device_id")),
            pci_bus_id=_normalize_bus_id(_text(g, "pci/pci_bus_id") or g.get("id")),
            memory_mib=_mib(_text(g, "fb_memory_usage/total")),
            uuid=_text(g, "uuid"),
            architecture=_text(g, "product_architecture"),
            compute_capability=cc,
            minor_number=int(minor) if minor and minor.isdigit() else None,
        ))
    return SmiLog(driver_version=_text(log, "driver_version"), cuda_version=_text(log, "cuda_version"), gpus=gpus,
                  complete=complete)


def find() -> str | None:
    """nvidia-smi on PATH, else WSL's copy (WSL keeps it outside PATH in some distributions)."""
    found = _run.which("nvidia-smi")
    if found:
        return found
    import os

    return WSL_NVIDIA_SMI if os.access(WSL_NVIDIA_SMI, os.X_OK) else None


def probe(timeout: float = 5.0) -> SmiLog | None:
    exe = find()
    if exe is None:
        return None
    out = _run.run([exe, "-q", "-x"], timeout=timeout)
    if out is None or not out.stdout:
        return None
    return parse(out.stdout)
