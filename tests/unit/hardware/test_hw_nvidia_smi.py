"""Done-when: given only a recorded `nvidia-smi -q -x` (no NVML, no /proc/driver), every GPU is reported
with its name, compute capability and memory, and the driver and CUDA versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.hardware import nvidia_smi

SMI = Path(__file__).resolve().parents[2] / "fixtures" / "hardware" / "nvidia-smi"

# What each recorded machine must come out as. The compute capabilities are NVIDIA's published ones for
# these products (developer.nvidia.com/cuda-gpus): P100 6.0, A100 8.0, RTX 4070 Laptop 8.9.
EXPECTED = {
    "hadoop-2xP100-375.66.xml": {
        "driver": "375.66", "cuda": "8.0", "cuda_source": "driver-branch",
        "gpus": [("Tesla P100-PCIE-12GB", "10de:15f7", "6.0", 11567, "0000:04:00.0"),
                 ("Tesla P100-PCIE-12GB_2", "10de:15f7", "6.0", 12290, "0000:82:00.0")],
    },
    "checkmk-A100-MIG-535.54.03.xml": {
        "driver": "535.54.03", "cuda": "12.2", "cuda_source": "nvidia-smi",
        "gpus": [("NVIDIA A100-SXM4-80GB", "10de:20b2", "8.0", 81920, "0000:01:00.0")],
    },
    "ada-4070laptop-575.51.02.xml": {
        "driver": "575.51.02", "cuda": "12.9", "cuda_source": "nvidia-smi",
        "gpus": [("NVIDIA GeForce RTX 4070 Laptop GPU", "10de:2860", "8.9", 8188, "0000:01:00.0")],
    },
}


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_detect_from_a_recorded_nvidia_smi_only(machine, fixture):
    machine.nvidia_smi(fixture)  # the root is empty: no /proc/driver, no sysfs; NVML is off under a root
    report = machine.detect()
    want = EXPECTED[fixture]
    assert report["nvidia_driver"]["version"] == want["driver"]
    assert report["nvidia_driver"]["source"] == "nvidia-smi"
    assert report["nvidia_driver"]["cuda"] == want["cuda"]
    assert report["nvidia_driver"]["cuda_source"] == want["cuda_source"]
    got = [(g["name"], g["pci_id"], g["compute_capability"], g["memory_mib"], g["pci_bus_id"])
           for g in report["gpus"]]
    assert got == want["gpus"]
    assert [g["index"] for g in report["gpus"]] == list(range(len(want["gpus"])))
    for g in report["gpus"]:
        assert g["vendor"] == "nvidia"
        assert g["source"] == "nvidia-smi"
        assert g["compute_capability_source"] == "pci-id"  # the documents carry no CC: the id table gives it


def test_mig_instances_do_not_replace_the_gpu_memory():
    log = nvidia_smi.parse((SMI / "checkmk-A100-MIG-535.54.03.xml").read_text())
    assert log is not None and len(log.gpus) == 1
    assert log.gpus[0].memory_mib == 81920  # not one MIG slice's 19968


def test_old_documents_have_no_cuda_or_architecture():
    log = nvidia_smi.parse((SMI / "hadoop-2xP100-375.66.xml").read_text())
    assert log is not None
    assert log.cuda_version is None
    assert [g.architecture for g in log.gpus] == [None, None]
    assert [g.uuid for g in log.gpus] == ["GPU-28604e81-21ec-cc48-6759-bf2648b22e16",
                                          "GPU-46915a82-3fd2-8e11-ae26-a80b607c04f3"]


@pytest.mark.parametrize("text", ["", "not xml", "<nvidia_smi_log><gpu>", "NVIDIA-SMI has failed because it "
                                  "couldn't communicate with the NVIDIA driver."])
def test_garbage_is_no_log(text):
    assert nvidia_smi.parse(text) is None


def test_a_failing_nvidia_smi_leaves_the_driver_unknown(machine):
    # what nvidia-smi prints when the kernel module is not loaded: exit 9 and a message, no XML
    machine.program("nvidia-smi", stdout="NVIDIA-SMI has failed because it couldn't communicate with the "
                    "NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
                    exit_code=9)
    report = machine.detect()
    assert report["nvidia_driver"] is None
    assert report["gpus"] == []


def test_a_hanging_nvidia_smi_is_cut_off(machine):
    exe = machine.bin / "nvidia-smi"
    exe.write_text("#!/bin/sh\nexec sleep 30\n")
    exe.chmod(0o755)
    import time

    start = time.monotonic()
    report = machine.detect()
    assert time.monotonic() - start < 12  # bounded by the 5 s probe limit, never the 30 s sleep
    assert report["nvidia_driver"] is None


def test_pci_bus_joins_nvidia_smi_and_sysfs(machine):
    # the same GPU seen twice (driver's view and the bus's) is one GPU, with the bound driver from sysfs
    machine.nvidia_smi("ada-4070laptop-575.51.02.xml")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2860", driver="nvidia")
    report = machine.detect()
    assert len(report["gpus"]) == 1
    assert report["gpus"][0]["kernel_driver"] == "nvidia"
    assert report["gpus"][0]["source"] == "nvidia-smi"
