"""The NVIDIA device-id table: the common consumer and data-center GPUs from Kepler to Blackwell map to the
compute capability NVIDIA publishes for them (developer.nvidia.com/cuda-gpus), written out here by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.hardware import ids

DATA = Path(ids.__file__).with_name("data") / "gpu_ids.json"

KNOWN = [
    # (device id, product, compute capability)
    ("1004", "GeForce GTX 780", "3.5"), ("1024", "Tesla K40c", "3.5"), ("102d", "Tesla K80", "3.7"),
    ("1180", "GeForce GTX 680", "3.0"), ("1380", "GeForce GTX 750 Ti", "5.0"), ("17c2", "GeForce GTX TITAN X", "5.2"),
    ("13c2", "GeForce GTX 970", "5.2"), ("15f7", "Tesla P100 PCIe 12GB", "6.0"), ("1b06", "GeForce GTX 1080 Ti", "6.1"),
    ("1b80", "GeForce GTX 1080", "6.1"), ("1bb3", "Tesla P4", "6.1"), ("1db4", "Tesla V100 PCIe 16GB", "7.0"),
    ("1e04", "GeForce RTX 2080 Ti", "7.5"), ("1eb8", "Tesla T4", "7.5"), ("2184", "GeForce GTX 1660", "7.5"),
    ("20b0", "A100 SXM4 40GB", "8.0"), ("20b7", "A30 PCIe", "8.0"), ("2204", "GeForce RTX 3090", "8.6"),
    ("2236", "A10", "8.6"), ("2230", "RTX A6000", "8.6"), ("2487", "GeForce RTX 3060", "8.6"),
    ("25b6", "A2 / A16", "8.6"), ("2684", "GeForce RTX 4090", "8.9"), ("26b9", "L40S", "8.9"),
    ("27b8", "L4", "8.9"), ("2783", "GeForce RTX 4070 SUPER", "8.9"), ("2330", "H100 SXM5 80GB", "9.0"),
    ("2331", "H100 PCIe", "9.0"), ("2335", "H200 SXM 141GB", "9.0"), ("2342", "GH200 120GB / 480GB", "9.0"),
    ("2901", "B200", "10.0"), ("3182", "B300 SXM6 AC", "10.3"), ("2b85", "GeForce RTX 5090", "12.0"),
    ("2c02", "GeForce RTX 5080", "12.0"), ("2d04", "GeForce RTX 5060 Ti", "12.0"),
    ("2bb1", "RTX PRO 6000 Blackwell Workstation Edition", "12.0"), ("2e12", "GB10", "12.1"),
]


@pytest.mark.parametrize("device, product, cc", KNOWN)
def test_known_gpus(device, product, cc):
    chip, arch, got = ids.nvidia_by_id(device)
    assert got == cc, (device, product, chip)
    name, source = ids.device_name("10de", device)
    assert source in ("table", "pci.ids")
    assert name is not None and product.split()[-1] in name


def test_every_entry_names_a_known_chip():
    data = json.loads(DATA.read_text())
    chips = data["chips"]
    assert len(data["nvidia"]) > 900
    for device, (chip, _name, basis) in data["nvidia"].items():
        assert chip in chips, device
        assert basis in ("pci.ids", "block")
    assert data["sources"], "the table says where it came from"


def test_not_gpus_are_left_out():
    # audio functions and NVSwitches share chip names in pci.ids but are no GPUs
    assert ids.nvidia_chip("22ba") is None  # AD102 High Definition Audio Controller
    assert ids.nvidia_chip("22a3") is None  # GH100 [H100 NVSwitch]


def test_chip_from_label():
    assert ids.chip_from_label("AD104GL [L4]") == "AD104"
    assert ids.chip_from_label("GA107BM / GN20-P0-R-K2 [GeForce RTX 3050 6GB Laptop GPU]") == "GA107"
    assert ids.chip_from_label("GK110B [GeForce GTX 780 Ti]") == "GK110B"
    assert ids.chip_from_label("GH100[H100 SXM5 80GB]") == "GH100"
    assert ids.chip_from_label("NV18 [GeForce4 MX 440 AGP 8x]") is None


@pytest.mark.parametrize("name, cc", [
    ("NVIDIA GeForce RTX 5070", "12.0"), ("NVIDIA GeForce RTX 4060", "8.9"), ("NVIDIA A100-SXM4-80GB", "8.0"),
    ("NVIDIA RTX A4000", "8.6"), ("Tesla T4", "7.5"), ("Tesla V100-SXM2-16GB", "7.0"), ("Tesla P100-PCIE-16GB", "6.0"),
    ("NVIDIA GeForce GTX 1080 Ti", "6.1"), ("Tesla K80", "3.7"), ("NVIDIA H100 80GB HBM3", "9.0"),
    ("NVIDIA B200", "10.0"), ("Matrox G200", None),
])
def test_family_from_name_is_the_last_resort(name, cc):
    assert ids.family_from_name(name)[1] == cc


def test_intel_discrete_blocks():
    assert ids.intel_discrete("56a0") is True  # Arc A770
    assert ids.intel_discrete("4680") is False  # Alder Lake UHD 770


def test_names_from_the_system_pci_ids_win(machine, monkeypatch):
    machine.write("/usr/share/hwdata/pci.ids", "10de  NVIDIA Corporation\n\t2684  AD102 [GeForce RTX 4090 (local name)]\n")
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(machine.root))
    ids._system_names.cache_clear()
    try:
        assert ids.device_name("10de", "2684") == ("NVIDIA GeForce RTX 4090 (local name)", "pci.ids")
    finally:
        ids._system_names.cache_clear()
