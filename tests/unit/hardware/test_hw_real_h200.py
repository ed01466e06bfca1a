"""Detection replayed from a real GPU machine's own files: the lent H200 (2026-12-04).

On that machine `detect --json` read the GPU through NVML (tests/fixtures/machines/h200-580.json is its
output, unedited). Here NVML is absent, so the same facts must come from what was recorded beside it:
its `nvidia-smi -q -x`, /proc/driver/nvidia, /sys/bus/pci and /etc/os-release
(tests/fixtures/hardware/roots/h200-vm). The two ways of reading one machine have to agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from installer.hardware import nvidia_smi

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
RECORDED_ROOT = FIXTURES / "hardware" / "roots" / "h200-vm"
SMI = FIXTURES / "hardware" / "nvidia-smi" / "h200-580.159.04.xml"


def _on_the_machine() -> dict:
    return json.loads((FIXTURES / "machines" / "h200-580.json").read_text())


def _gpu_facts(gpu: dict) -> tuple:
    return (gpu["name"], gpu["pci_id"], gpu["compute_capability"], gpu["memory_mib"], gpu["pci_bus_id"],
            gpu["uuid"], gpu["architecture"], gpu["kernel_driver"])


def test_nvidia_smi_and_the_recorded_files_give_what_nvml_gave(machine):
    shutil.copytree(RECORDED_ROOT, machine.root, symlinks=True, dirs_exist_ok=True)
    machine.nvidia_smi(SMI.name)
    report = machine.detect()
    real = _on_the_machine()

    assert real["gpus"][0]["source"] == "nvml" and report["gpus"][0]["source"] == "nvidia-smi"
    assert [_gpu_facts(g) for g in report["gpus"]] == [_gpu_facts(g) for g in real["gpus"]]
    assert [_gpu_facts(g) for g in report["gpus"]] == [
        ("NVIDIA H200", "10de:2335", "9.0", 143771, "0000:00:06.0", "GPU-c9634e06-be14-5ecd-88a9-52594fd58e37",
         "Hopper", "nvidia")]
    for key in ("version", "cuda", "open_kernel_module"):
        assert report["nvidia_driver"][key] == real["nvidia_driver"][key], key
    assert report["nvidia_driver"]["version"] == "580.159.04" and report["nvidia_driver"]["cuda"] == "13.0"
    assert report["nvidia_driver"]["open_kernel_module"] is True  # "Open Kernel Module" in /proc/driver
    for key in ("id", "version_id", "kernel", "codename"):
        assert report["os"][key] == real["os"][key], key
    assert report["nvidia_module_loaded"] is True and report["nouveau_loaded"] is False


def test_the_recorded_document_parses_whole():
    log = nvidia_smi.parse(SMI.read_text())
    assert log is not None and log.driver_version == "580.159.04" and log.cuda_version == "13.0"
    (gpu,) = log.gpus
    assert (gpu.name, gpu.memory_mib, gpu.architecture) == ("NVIDIA H200", 143771, "Hopper")
