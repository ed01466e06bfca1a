"""AMD (KFD topology, rocminfo), Intel (discrete Arc vs integrated) and mixed-vendor machines."""

from __future__ import annotations

from installer.hardware import amd

# KFD node properties of a Radeon RX 7900 XTX (gfx1100) as the amdgpu driver writes them; a CPU node has
# simd_count 0. location_id packs bus 0x03, device 0, function 0.
RX7900 = {"cpu_cores_count": 0, "simd_count": 192, "gfx_target_version": 110000, "vendor_id": 4098,
          "device_id": 29772, "location_id": 768, "domain": 0}
CPU = {"cpu_cores_count": 16, "simd_count": 0, "gfx_target_version": 0}


def test_gfx_target_from_kfd_version():
    assert amd.gfx_from_version(110000) == "gfx1100"
    assert amd.gfx_from_version(90010) == "gfx90a"
    assert amd.gfx_from_version(90402) == "gfx942"
    assert amd.gfx_from_version(120001) == "gfx1201"
    assert amd.gfx_from_version(0) is None


def test_amd_gpu_with_gfx_target(machine):
    machine.pci_gpu("0000:03:00.0", "0x1002", "0x744c", driver="amdgpu")
    machine.kfd_node(0, CPU)
    machine.kfd_node(1, RX7900)
    [gpu] = machine.detect()["gpus"]
    assert gpu["vendor"] == "amd" and gpu["pci_id"] == "1002:744c"
    assert gpu["gfx_target"] == "gfx1100" and gpu["architecture"] == "RDNA3"
    assert gpu["name"] and "7900" in gpu["name"]
    assert gpu["source"] == "kfd" and gpu["kernel_driver"] == "amdgpu" and gpu["integrated"] is False


def test_amd_in_a_container_without_pci(machine):
    machine.kfd_node(1, RX7900)
    [gpu] = machine.detect()["gpus"]
    assert gpu["gfx_target"] == "gfx1100" and gpu["pci_id"] == "1002:744c" and gpu["pci_bus_id"] == "0000:03:00.0"


def test_rocminfo_when_kfd_is_silent(machine):
    machine.pci_gpu("0000:03:00.0", "0x1002", "0x740f")
    machine.program("rocminfo", stdout=(
        "*******\nAgent 1\n*******\n  Name:                    AMD EPYC 7763\n  Device Type:             CPU\n"
        "*******\nAgent 2\n*******\n  Name:                    gfx90a\n  Marketing Name:          AMD Instinct MI210\n"
        "  Device Type:             GPU\n"))
    [gpu] = machine.detect()["gpus"]
    assert gpu["gfx_target"] == "gfx90a" and gpu["architecture"] == "CDNA2"


def test_intel_discrete_and_integrated(machine):
    machine.pci_gpu("0000:00:02.0", "0x8086", "0x4680", driver="i915")  # Alder Lake-S GT1 UHD 770
    machine.pci_gpu("0000:03:00.0", "0x8086", "0x56a0", driver="i915")  # Arc A770 (DG2)
    gpus = machine.detect()["gpus"]
    assert [(g["pci_id"], g["integrated"], g["index"]) for g in gpus] == [("8086:4680", True, 0),
                                                                         ("8086:56a0", False, 1)]
    assert "A770" in (gpus[1]["name"] or "")


def test_mixed_vendors_are_all_reported(machine):
    machine.pci_gpu("0000:00:02.0", "0x8086", "0x4680", driver="i915")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2860", driver="nvidia")
    machine.pci_gpu("0000:02:00.0", "0x10de", "0x2684", driver="vfio-pci")  # passed to a VM: the driver skips it
    machine.pci_gpu("0000:03:00.0", "0x1002", "0x744c", driver="amdgpu")
    machine.pci_gpu("0000:04:00.0", "0x1a03", "0x2000", driver="ast")  # the BMC's ASPEED: not a GPU vendor
    machine.nvidia_smi("ada-4070laptop-575.51.02.xml")  # the driver sees 01:00.0 only
    gpus = machine.detect()["gpus"]
    assert sorted(g["vendor"] for g in gpus) == ["amd", "intel", "nvidia", "nvidia"]
    nvidia = [g for g in gpus if g["vendor"] == "nvidia"]
    assert [(g["index"], g["pci_bus_id"], g["source"], g["kernel_driver"]) for g in nvidia] == [
        (0, "0000:01:00.0", "nvidia-smi", "nvidia"), (1, "0000:02:00.0", "pci", "vfio-pci")]


def test_several_nvidia_gpus_without_a_driver_keep_bus_order(machine):
    for bus, dev in (("0000:41:00.0", "0x2204"), ("0000:01:00.0", "0x1e04"), ("0000:81:00.0", "0x1b06")):
        machine.pci_gpu(bus, "0x10de", dev)
    gpus = machine.detect()["gpus"]
    assert [(g["pci_bus_id"], g["compute_capability"]) for g in gpus] == [
        ("0000:01:00.0", "7.5"), ("0000:41:00.0", "8.6"), ("0000:81:00.0", "6.1")]
