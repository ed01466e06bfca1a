"""Build gpu_ids.json: PCI device id -> chip (and name) for NVIDIA, names for AMD and Intel GPUs.

Not imported at run time. Rebuild with:

    apt-get download pci.ids && dpkg-deb -x pci.ids_*.deb /tmp/pciids      # Debian bookworm: 2023.04.11
    python installer/hardware/data/build_gpu_ids.py /tmp/pciids/usr/share/misc/pci.ids

Sources, in order (a later one wins for the same id):
1. pci.ids 2023.04.11 as Debian bookworm ships it (package pci.ids 0.0~2023.04.11-1), the whole file.
2. sources/pciids-2026.05.24-nvidia-2080-3340.txt: NVIDIA devices 2080..3340 from pci.ids 2026.05.24
   (github.com/pciutils/pciids, commit 006181e2c5d5b9a3b57d252aa5b3d827971d41a9), for GPUs released since.
3. CHIPS below: each NVIDIA chip's compute capability as NVIDIA publishes it (developer.nvidia.com/cuda-gpus,
   and the CUDA C++ Programming Guide table "Technical Specifications per Compute Capability").

A device's chip is the code name pci.ids writes first ("AD102GL [L40]" -> AD102). The few devices listed
without one take the chip of the labelled devices in the same block of 32 ids, when they all agree
(NVIDIA allocates ids to a chip in such blocks); the entry then says so ("block").
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXCERPT = HERE / "sources" / "pciids-2026.05.24-nvidia-2080-3340.txt"
OUT = HERE / "gpu_ids.json"

# chip -> (architecture, compute capability)
CHIPS: dict[str, tuple[str, str]] = {
    **{c: ("Tesla", "1.0") for c in ("G80",)},
    **{c: ("Tesla", "1.1") for c in ("G84", "G86", "G92", "G94", "G96", "G98")},
    **{c: ("Tesla", "1.2") for c in ("GT215", "GT216", "GT218")},
    **{c: ("Tesla", "1.3") for c in ("GT200", "GT200B")},
    **{c: ("Fermi", "2.0") for c in ("GF100", "GF110")},
    **{c: ("Fermi", "2.1") for c in ("GF104", "GF106", "GF108", "GF114", "GF116", "GF117", "GF119")},
    **{c: ("Kepler", "3.0") for c in ("GK104", "GK106", "GK107")},
    "GK20A": ("Kepler", "3.2"),
    **{c: ("Kepler", "3.5") for c in ("GK110", "GK110B", "GK180", "GK208", "GK208B")},
    "GK210": ("Kepler", "3.7"),
    **{c: ("Maxwell", "5.0") for c in ("GM107", "GM108")},
    **{c: ("Maxwell", "5.2") for c in ("GM200", "GM204", "GM206")},
    "GM20B": ("Maxwell", "5.3"),
    "GP100": ("Pascal", "6.0"),
    **{c: ("Pascal", "6.1") for c in ("GP102", "GP104", "GP106", "GP107", "GP108")},
    "GP10B": ("Pascal", "6.2"),
    "GV100": ("Volta", "7.0"),
    "GV10B": ("Volta", "7.2"),
    **{c: ("Turing", "7.5") for c in ("TU102", "TU104", "TU106", "TU116", "TU117")},
    "GA100": ("Ampere", "8.0"),
    **{c: ("Ampere", "8.6") for c in ("GA102", "GA103", "GA104", "GA106", "GA107")},
    "GA10B": ("Ampere", "8.7"),
    **{c: ("Ada Lovelace", "8.9") for c in ("AD102", "AD103", "AD104", "AD106", "AD107")},
    "GH100": ("Hopper", "9.0"),
    **{c: ("Blackwell", "10.0") for c in ("GB100", "GB102")},
    "GB110": ("Blackwell", "10.3"),  # B300 / GB300: sm_103
    "GB10B": ("Blackwell", "11.0"),  # Jetson Thor: sm_110 since CUDA 13 (was sm_101)
    **{c: ("Blackwell", "12.0") for c in ("GB202", "GB203", "GB205", "GB206", "GB207")},
    "GB20B": ("Blackwell", "12.1"),  # GB10 (DGX Spark): sm_121
}

# Not GPUs: functions that share a chip's name in pci.ids (audio, bridges, switches, chipset parts)
NOT_A_GPU = re.compile(r"Audio|USB|[Bb]ridge|NVSwitch|Root (Port|Complex)|SMBus|Ethernet|SATA|\bIDE\b|"
                       r"Memory Controller|LPC|PCIe host|Coprocessor|UART|Endpoint|Controller|nForce|"
                       r"Reserved Dev ID|Initial Dev ?ID|Network|PCI Express")

AMD_GPU = re.compile(r"Radeon|FirePro|Instinct|Navi|Vega|Polaris|Ellesmere|Baffin|Lexa|Fiji|Tonga|"
                     r"Hawaii|Tahiti|Pitcairn|Oland|Cape Verde|Bonaire|Renoir|Cezanne|Rembrandt|Phoenix|"
                     r"Raphael|Barcelo|Lucienne|Picasso|Raven|Strix|Arcturus|Aldebaran|MI\d{2,3}|Mendocino|"
                     r"Van Gogh|Hawk Point|Granite Ridge|Krackan")
INTEL_GPU = re.compile(r"Graphics|\bGT[0-4]\b|\bArc\b|\bGPU\b|Iris|\bUHD\b|\bHD \d{3,4}\b|\bDG[12]\b|Xe\b|Battlemage|"
                       r"Alchemist|Data Center GPU")
# Intel discrete GPUs by device id block: DG1 (Iris Xe MAX), DG2 / ATS-M (Arc A, Pro A, Flex), PVC (Max),
# BMG (Arc B, Pro B). Everything else Intel with a display function is integrated.
INTEL_DISCRETE = ((0x4905, 0x4909), (0x5690, 0x56FF), (0x0BD0, 0x0BDF), (0xE202, 0xE2FF))


def parse(text: str, vendor: str) -> dict[str, str]:
    out: dict[str, str] = {}
    inside = False
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith("\t"):
            inside = line.lower().startswith(vendor + " ")
            continue
        if inside and not line.startswith("\t\t"):
            parts = line.strip().split(None, 1)
            if len(parts) == 2 and re.fullmatch(r"[0-9a-fA-F]{4}", parts[0]):
                out[parts[0].lower()] = parts[1].strip()
    return out


def chip_of(label: str) -> str | None:
    token = re.split(r"[\s\[/(]", label, maxsplit=1)[0].upper()
    for chip in sorted(CHIPS, key=len, reverse=True):
        if token.startswith(chip):
            return chip
    return None


def has_code_name(label: str) -> bool:
    """Whether pci.ids names a chip first ("NV18 [...]", "GK104GL [...]"), known to CHIPS or not."""
    token = re.split(r"[\s\[/(]", label, maxsplit=1)[0].upper()
    return re.fullmatch(r"[A-Z]{1,3}\d{2,3}[A-Z0-9]*", token) is not None


def bracket(label: str) -> str:
    m = re.search(r"\[(.+)\]\s*$", label)
    return m.group(1).strip() if m else label.strip()


def build(pci_ids: Path) -> dict[str, object]:
    full = pci_ids.read_text(encoding="utf-8", errors="replace")
    nvidia_labels = parse(full, "10de")
    nvidia_labels.update(parse(EXCERPT.read_text(encoding="utf-8"), "10de"))
    nvidia: dict[str, list[str]] = {}
    unlabeled: list[tuple[str, str]] = []
    for dev, label in sorted(nvidia_labels.items()):
        if NOT_A_GPU.search(label):
            continue
        chip = chip_of(label)
        if chip:
            nvidia[dev] = [chip, bracket(label), "pci.ids"]
        elif not has_code_name(label):
            unlabeled.append((dev, label))
    for dev, label in unlabeled:
        block = int(dev, 16) >> 5
        chips = {v[0] for k, v in nvidia.items() if int(k, 16) >> 5 == block and v[2] == "pci.ids"}
        if len(chips) == 1:
            nvidia[dev] = [chips.pop(), bracket(label), "block"]
    amd = {dev: bracket(label) if "[" in label else label
           for dev, label in parse(full, "1002").items() if AMD_GPU.search(label) and not NOT_A_GPU.search(label)}
    intel: dict[str, list[object]] = {}
    for dev, label in parse(full, "8086").items():
        if INTEL_GPU.search(label) and not re.search(r"Audio|USB|Thermal|Bridge|SMBus|Ethernet|Wireless", label):
            n = int(dev, 16)
            discrete = any(lo <= n <= hi for lo, hi in INTEL_DISCRETE)
            intel[dev] = [bracket(label), discrete]
    return {
        "about": "built by build_gpu_ids.py; see its docstring for the sources",
        "sources": [
            "pci.ids 2023.04.11 (Debian bookworm package pci.ids 0.0~2023.04.11-1)",
            "pci.ids 2026.05.24 NVIDIA excerpt (github.com/pciutils/pciids 006181e2c5d5b9a3b57d252aa5b3d827971d41a9)",
            "NVIDIA CUDA GPUs page and CUDA C++ Programming Guide (compute capability per chip)",
        ],
        "chips": {c: {"architecture": a, "cc": cc} for c, (a, cc) in sorted(CHIPS.items())},
        "nvidia": nvidia,
        "amd": amd,
        "intel": intel,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    data = build(Path(argv[1]))
    OUT.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['nvidia'])} NVIDIA, {len(data['amd'])} AMD, {len(data['intel'])} Intel ids")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
