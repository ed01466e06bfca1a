"""Done-when: a root whose sysfs holds an NVIDIA GPU and no driver, with nouveau loaded, lists the GPU with
its compute capability, `nvidia_driver: null`, `nouveau_loaded: true`, and warns."""

from __future__ import annotations


def _workstation(machine, *, kernel="6.8.0-45-generic"):
    machine.os_release("debian-12")
    machine.kernel(kernel)
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2684", driver="nouveau", subsystem=("0x1043", "0x889a"))
    machine.pci_gpu("0000:01:00.1", "0x10de", "0x22ba", cls="0x040300", driver="snd_hda_intel")  # its audio
    machine.modules("nouveau", "snd_hda_intel", "drm_ttm_helper")
    machine.mounts("/dev/nvme0n1p2 / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n")


def test_gpu_without_driver_with_nouveau(machine):
    _workstation(machine)
    report = machine.detect()
    assert report["nvidia_driver"] is None
    assert report["nouveau_loaded"] is True
    assert report["nvidia_module_loaded"] is False
    [gpu] = report["gpus"]  # the audio function is not a GPU
    assert gpu["vendor"] == "nvidia"
    assert gpu["pci_id"] == "10de:2684"
    assert gpu["name"] == "NVIDIA GeForce RTX 4090"
    assert gpu["compute_capability"] == "8.9"
    assert gpu["compute_capability_source"] == "pci-id"
    assert gpu["architecture"] == "Ada Lovelace" and gpu["chip"] == "AD102"
    assert gpu["kernel_driver"] == "nouveau"
    assert gpu["source"] == "pci"
    warnings = "\n".join(report["warnings"])
    assert "NVIDIA GPU found but no driver loaded" in warnings
    assert "nouveau is loaded" in warnings
    assert "kernel headers for 6.8.0-45-generic missing" in warnings


def test_on_rocky_linux_the_advice_is_the_distributions_own(machine):
    """torch-setup installs the driver on Ubuntu and Debian only: on Rocky Linux the advice pointed at
    `torch-setup recommend`, at a nouveau blacklist torch-setup would never write, and at apt."""
    machine.os_release("rocky-9.7")
    machine.kernel("5.14.0-611.5.1.el9_7.x86_64")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2684", driver="nouveau")
    machine.modules("nouveau")
    report = machine.detect()
    assert (report["os"]["id"], report["os"]["id_like"]) == ("rocky", "rhel centos fedora")
    warnings = "\n".join(report["warnings"])
    assert "install the NVIDIA driver with your distribution's packages (torch-setup installs it on Ubuntu and " \
        "Debian only), then reboot" in warnings
    assert "blacklist nouveau as you install the driver (your distribution's guide says how)" in warnings
    assert "sudo dnf install kernel-devel-5.14.0-611.5.1.el9_7.x86_64" in warnings
    assert "torch-setup recommend" not in warnings and "apt install" not in warnings
    assert "the driver install blacklists nouveau" not in warnings


def test_headers_present_silence_the_headers_warning(machine):
    _workstation(machine)
    machine.headers("6.8.0-45-generic")
    report = machine.detect()
    assert report["kernel_headers"] == {"kernel": "6.8.0-45-generic", "present": True,
                                        "path": "/usr/src/linux-headers-6.8.0-45-generic"}
    assert not any("kernel headers" in w for w in report["warnings"])


def test_summary_for_people_shows_the_warnings(machine):
    _workstation(machine)
    result = machine.run("detect")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "NVIDIA GeForce RTX 4090" in out and "compute capability 8.9" in out
    assert "NVIDIA driver: not loaded" in out
    assert "! NVIDIA GPU found but no driver loaded" in out
    assert "! nouveau is loaded" in out


def test_summary_in_chinese_falls_back_to_english_keys(machine):
    # zh.yaml is filled later by the wizard engineer: until then every string still renders
    _workstation(machine)
    result = machine.run("detect", "--lang", "zh")
    assert result.returncode == 0 and "RTX 4090" in result.stdout


def test_unknown_device_id_takes_the_chip_from_the_system_pci_ids(machine):
    # an id newer than the shipped table, which the machine's own (newer) pci.ids knows with its chip
    machine.write("/usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n\tfffe  GB202 [GeForce RTX 5090 Test]\n")
    machine.pci_gpu("0000:02:00.0", "0x10de", "0xfffe")
    [gpu] = machine.detect()["gpus"]
    assert gpu["name"] == "NVIDIA GeForce RTX 5090 Test"  # from the root's pci.ids
    assert (gpu["chip"], gpu["compute_capability"]) == ("GB202", "12.0")
    assert gpu["compute_capability_source"] == "pci-ids-chip"


def test_unknown_device_id_falls_back_to_name_and_says_so(machine):
    # no chip anywhere, only a marketing name: the CC is a last-resort guess, and the report says so
    machine.write("/usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n\tfffe  GeForce RTX 5090 Test\n")
    machine.pci_gpu("0000:02:00.0", "0x10de", "0xfffe")
    [gpu] = machine.detect()["gpus"]
    assert gpu["name"] == "NVIDIA GeForce RTX 5090 Test"
    assert gpu["compute_capability"] == "12.0"
    assert gpu["compute_capability_source"] == "name"


def test_unknown_device_without_any_name_has_no_cc(machine):
    machine.pci_gpu("0000:02:00.0", "0x10de", "0xfffe")
    [gpu] = machine.detect()["gpus"]
    assert gpu["name"] is None and gpu["compute_capability"] is None
    assert gpu["compute_capability_source"] is None


def test_driver_from_proc_without_nvidia_smi(machine):
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x1b06", driver="nvidia")  # GTX 1080 Ti: sm_61 (uv #14742)
    machine.proc_driver("nvidia-version-515.76")
    machine.modules("nvidia_uvm", "nvidia")
    report = machine.detect()
    assert report["nvidia_driver"] == {"version": "515.76", "cuda": "11.7", "source": "/proc/driver/nvidia/version",
                                       "cuda_source": "driver-branch", "open_kernel_module": False}
    assert report["gpus"][0]["compute_capability"] == "6.1"
    assert report["nvidia_module_loaded"] is True
    assert not any("no driver loaded" in w for w in report["warnings"])


def test_sys_module_version_wins_and_open_module_is_seen(machine):
    machine.write("/sys/module/nvidia/version", "570.195.03\n")
    machine.proc_driver("nvidia-version-open-570.195.03")
    d = machine.detect()["nvidia_driver"]
    assert d["version"] == "570.195.03" and d["source"] == "/sys/module/nvidia/version"
    assert d["open_kernel_module"] is True and d["cuda"] == "12.8"
