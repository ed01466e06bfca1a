"""A `nvidia-smi -q -x` log that ends early still proves a driver is loaded: nvidia-smi writes its log only
once it has reached the driver (without one it prints an error and no XML). What the cut log holds is
kept; a driver version it never reached is reported as unknown, never as "no driver loaded".

The cut logs are byte prefixes of recorded ones (tests/fixtures/hardware/README.md says where each ends).
"""

from __future__ import annotations

import json
from pathlib import Path

from installer.hardware import nvidia_smi

SMI = Path(__file__).resolve().parents[2] / "fixtures" / "hardware" / "nvidia-smi"
BEFORE_DRIVER = "checkmk-A100-MIG-535.54.03-cut-before-driver.xml"
IN_SECOND_GPU = "hadoop-2xP100-375.66-cut-in-second-gpu.xml"


def _a100_workstation(machine):
    # the A100 of the recorded log, on the bus where the log puts it, bound to the nvidia module
    machine.os_release("debian-12")
    machine.kernel("6.1.0-18-amd64")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x20b2", driver="nvidia")
    machine.modules("nvidia_uvm", "nvidia")
    machine.nvidia_smi(BEFORE_DRIVER)


def test_the_cut_fixtures_are_prefixes_of_the_recorded_logs():
    for cut, whole in ((BEFORE_DRIVER, "checkmk-A100-MIG-535.54.03.xml"),
                       (IN_SECOND_GPU, "hadoop-2xP100-375.66.xml")):
        part, full = (SMI / cut).read_bytes(), (SMI / whole).read_bytes()
        assert len(part) < len(full) and full.startswith(part), cut


def test_a_log_cut_before_the_driver_version_is_a_log_without_one():
    log = nvidia_smi.parse((SMI / BEFORE_DRIVER).read_text())
    assert log is not None
    assert (log.driver_version, log.cuda_version, log.gpus, log.complete) == (None, None, [], False)


def test_a_log_cut_inside_a_gpu_keeps_the_driver_and_the_whole_gpus():
    log = nvidia_smi.parse((SMI / IN_SECOND_GPU).read_text())
    assert log is not None and log.complete is False
    assert log.driver_version == "375.66"
    # the first GPU is whole; the second, cut inside its pci_bus_id ("0000:82:0"), is left out, not half-read
    assert [(g.name, g.pci_id, g.pci_bus_id, g.memory_mib) for g in log.gpus] == [
        ("Tesla P100-PCIE-12GB", "10de:15f7", "0000:04:00.0", 11567)]


def test_a_whole_log_is_complete():
    log = nvidia_smi.parse((SMI / "checkmk-A100-MIG-535.54.03.xml").read_text())
    assert log is not None and log.complete is True and log.driver_version == "535.54.03"


def test_a_broken_log_keeps_what_came_before_the_break():
    whole = (SMI / "checkmk-A100-MIG-535.54.03.xml").read_text()
    broken = whole.replace("<attached_gpus>4</attached_gpus>", "<attached_gpus>4</attached>", 1)
    log = nvidia_smi.parse(broken)
    assert log is not None and log.complete is False
    assert (log.driver_version, log.cuda_version, log.gpus) == ("535.54.03", "12.2", [])


def test_detect_says_loaded_version_unknown(machine):
    _a100_workstation(machine)
    report = machine.detect()
    assert report["nvidia_driver"] == {"version": None, "cuda": None, "source": "nvidia-smi", "cuda_source": None,
                                       "open_kernel_module": None}
    [gpu] = report["gpus"]  # the log listed none: the bus does, by its ids
    assert (gpu["name"], gpu["compute_capability"], gpu["source"]) == ("NVIDIA A100 SXM4 80GB", "8.0", "pci")  # the name from the PCI id table
    warnings = "\n".join(report["warnings"])
    assert "no driver loaded" not in warnings
    assert "an NVIDIA driver is loaded, but its version is unknown" in warnings
    assert "`nvidia-smi` or `cat /proc/driver/nvidia/version`" in warnings
    assert "TORCH_SETUP_DRIVER_VERSION" in warnings
    assert "kernel headers" not in warnings  # a loaded module needs no headers to be built


def test_the_summary_for_people_says_loaded_version_unknown(machine):
    _a100_workstation(machine)
    result = machine.run("detect")
    assert result.returncode == 0, result.stderr
    assert "NVIDIA driver: loaded, version unknown" in result.stdout
    assert "not loaded" not in result.stdout
    assert "! an NVIDIA driver is loaded, but its version is unknown" in result.stdout


def test_the_driver_version_override_settles_it(machine):
    _a100_workstation(machine)
    report = machine.detect(TORCH_SETUP_DRIVER_VERSION="535.54.03")
    assert report["nvidia_driver"]["version"] == "535.54.03" and report["nvidia_driver"]["source"] == "override"
    assert not any("version is unknown" in w for w in report["warnings"])


def test_a_report_with_an_unknown_version_loads_back_and_is_recommended_for(machine, tmp_path):
    _a100_workstation(machine)
    saved = tmp_path / "a100.json"
    saved.write_text(json.dumps(machine.detect()))
    result = machine.run("recommend", "--hardware", str(saved), "--json")
    assert result.returncode == 0, result.stderr
    rec = json.loads(result.stdout)
    cuda = [c for c in rec["choices"] if c["variant"].startswith("cu")]
    assert cuda, rec
    for c in cuda:  # none is claimed to work as it is: each needs the driver that was not seen
        [action] = [a for a in c["actions"] if a["kind"] == "install-driver"]
        assert "the loaded driver's version is unknown" in action["reason"]
    assert any("the loaded NVIDIA driver's version is unknown" in w for w in rec["warnings"])
    assert not any("no NVIDIA driver is loaded" in w for w in rec["warnings"])


def test_a_log_cut_inside_a_gpu_still_gives_the_driver_and_the_bus_the_rest(machine):
    machine.pci_gpu("0000:04:00.0", "0x10de", "0x15f7", driver="nvidia")
    machine.pci_gpu("0000:82:00.0", "0x10de", "0x15f7", driver="nvidia")
    machine.nvidia_smi(IN_SECOND_GPU)
    report = machine.detect()
    assert report["nvidia_driver"]["version"] == "375.66"
    assert report["nvidia_driver"]["source"] == "nvidia-smi"
    assert [(g["pci_bus_id"], g["source"], g["compute_capability"]) for g in report["gpus"]] == [
        ("0000:04:00.0", "nvidia-smi", "6.0"), ("0000:82:00.0", "pci", "6.0")]
    assert not any("version is unknown" in w or "no driver loaded" in w for w in report["warnings"])


def test_the_wizard_says_version_unknown_not_none(machine, tmp_path):
    from installer.hardware.report import load_report
    from installer.tui.screens.hardware import describe

    _a100_workstation(machine)
    saved = tmp_path / "a100.json"
    saved.write_text(json.dumps(machine.detect()))
    rows = dict(describe(load_report(str(saved))))
    assert rows["Driver"].startswith("NVIDIA, version unknown"), rows["Driver"]
    assert "None" not in rows["Driver"]


def test_recommend_says_loaded_version_unknown_on_its_machine_line(machine, tmp_path):
    _a100_workstation(machine)
    saved = tmp_path / "a100.json"
    saved.write_text(json.dumps(machine.detect()))
    result = machine.run("recommend", "--hardware", str(saved))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    # a saved report (--hardware) is the recorded machine, even this one's
    assert first.startswith("The recorded machine:") and "NVIDIA driver loaded, version unknown" in first, first
