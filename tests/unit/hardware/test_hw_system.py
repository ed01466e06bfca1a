"""The facts recipes depend on, each read from a fake root or a stand-in program."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.hardware import osinfo, system

HW = Path(__file__).resolve().parents[2] / "fixtures" / "hardware"


@pytest.mark.parametrize("name, want", [
    ("debian-12", ("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)")),
    ("fedora-37-wsl", ("fedora", "37", None, "Fedora Linux 37 WSL")),
    ("deepin-15", ("deepin", "15.5 SP2", None, "Deepin 15")),
])
def test_os_release_files(machine, name, want):
    machine.os_release(name)
    o = machine.detect()["os"]
    assert (o["id"], o["version_id"], o["codename"], o["pretty_name"]) == want
    assert o["system"] == "Linux"


def test_os_release_parser_handles_quotes_and_comments():
    parsed = osinfo.parse_os_release('# c\nID="ubuntu"\nNAME=\'Ubuntu\'\nVERSION_ID=22.04\nBAD LINE\nX="a \\"b\\""\n')
    assert parsed == {"ID": "ubuntu", "NAME": "Ubuntu", "VERSION_ID": "22.04", "X": 'a "b"'}


def test_wsl_warns_to_use_the_windows_driver(machine):
    machine.os_release("fedora-37-wsl")
    machine.kernel("5.15.153.1-microsoft-standard-WSL2")
    machine.nvidia_smi("ada-4070laptop-575.51.02.xml")  # in WSL the GPU is not on the PCI bus: smi's word counts
    report = machine.detect()
    assert report["os"]["wsl"] is True
    assert report["gpus"][0]["compute_capability"] == "8.9"
    assert any(w.startswith("running in WSL: install the Windows driver, never a Linux one") for w in report["warnings"])
    assert not any("kernel headers" in w for w in report["warnings"])


def test_wsl_nvidia_smi_outside_path_is_a_fallback():
    from installer.hardware import nvidia_smi

    assert nvidia_smi.WSL_NVIDIA_SMI == "/usr/lib/wsl/lib/nvidia-smi"


@pytest.mark.parametrize("files, kind", [
    ({"/.dockerenv": ""}, "docker"),
    ({"/run/.containerenv": ""}, "podman"),
    ({"/var/run/secrets/kubernetes.io/serviceaccount/token": "x"}, "kubernetes"),
    ({"/proc/1/cgroup": "0::/kubepods/besteffort/pod1/abc\n"}, "kubernetes"),
    ({"/proc/1/environ": "PATH=/bin\0container=lxc\0"}, "lxc"),
    ({}, None),
])
def test_container_kinds(machine, files, kind):
    for path, text in files.items():
        machine.write(path, text)
    o = machine.detect()["os"]
    assert o["container_kind"] == kind
    assert o["container"] is (kind is not None)


def test_container_without_driver_says_to_pass_the_gpu(machine):
    machine.write("/.dockerenv", "")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2330")  # H100 SXM5 visible on the bus, no driver inside
    report = machine.detect()
    assert report["gpus"][0]["compute_capability"] == "9.0"
    assert any("--gpus all" in w for w in report["warnings"])


@pytest.mark.parametrize("fixture, stream, want", [
    ("sb-state-enabled.stdout", "stdout", True),
    ("sb-state-disabled.stdout", "stdout", False),
])
def test_secure_boot_from_mokutil(machine, fixture, stream, want):
    machine.program("mokutil", **{stream: HW / "mokutil" / fixture})
    report = machine.detect()
    assert report["secure_boot"] is want
    assert report["secure_boot_source"] == "mokutil"


def test_secure_boot_falls_back_to_efivars_when_mokutil_cannot_say(machine):
    machine.program("mokutil", stderr=HW / "mokutil" / "sb-state-no-efi.stderr", exit_code=255)
    machine.efi(secure_boot=True)
    report = machine.detect()
    assert (report["secure_boot"], report["secure_boot_source"]) == (True, "efivars")


def test_secure_boot_on_with_an_nvidia_gpu_warns(machine):
    machine.efi(secure_boot=True)
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2684")
    assert any(w.startswith("Secure Boot is on") for w in machine.detect()["warnings"])


def test_bios_boot_has_no_secure_boot(machine):
    machine.write("/sys/firmware/acpi/tables/.keep", "")
    report = machine.detect()
    assert (report["secure_boot"], report["secure_boot_source"]) == (False, "no-efi")


def test_parse_mokutil():
    assert system.parse_mokutil("SecureBoot enabled\n") is True
    assert system.parse_mokutil("SecureBoot disabled\n") is False
    assert system.parse_mokutil("Failed to read SecureBoot\n") is None
    assert system.parse_mokutil("SecureBoot unknown") is None


def test_noexec_tmp_warns(machine):
    machine.mounts("/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec,relatime 0 0\n")
    report = machine.detect()
    assert report["tmp_noexec"] is True
    assert report["disk"]["tmp"]["noexec"] is True
    assert any(w.startswith("/tmp is noexec") for w in report["warnings"])


def test_tmp_on_root_mount_is_exec(machine):
    machine.mounts("/dev/sda1 / ext4 rw,relatime 0 0\n/dev/sda2 /home ext4 rw,noexec 0 0\n")
    assert machine.detect()["tmp_noexec"] is False


def test_mount_options_pick_the_longest_prefix():
    table = [("/", {"rw"}), ("/tmp", {"rw", "noexec"}), ("/tmpfoo", {"ro"})]
    assert system.mount_options("/tmp/x", table) == {"rw", "noexec"}
    assert system.mount_options("/tmpfoo/x", table) == {"ro"}
    assert system.mount_options("/usr", table) == {"rw"}


def test_free_disk_is_measured(machine):
    d = machine.detect()["disk"]
    assert d["tmp"]["path"] == "/tmp"
    assert isinstance(d["tmp"]["free_mib"], int) and d["tmp"]["free_mib"] > 0


def test_cuda_toolkits_and_cudnn(machine):
    machine.write("/usr/local/cuda-12.4/version.json", '{"cuda": {"name": "CUDA SDK", "version": "12.4.131"}}')
    machine.write("/usr/local/cuda-12.4/bin/nvcc", "")
    machine.write("/usr/local/cuda-11.8/version.txt", "CUDA Version 11.8.89\n")
    (machine.root / "usr/local/cuda").symlink_to("cuda-12.4")
    machine.write("/usr/include/cudnn_version.h",
                  "#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 0\n")
    report = machine.detect()
    assert report["cuda_toolkits"] == [
        {"version": "12.4", "path": "/usr/local/cuda-12.4", "full_version": "12.4.131"},
        {"version": "11.8", "path": "/usr/local/cuda-11.8", "full_version": "11.8.89"},
    ]
    assert report["cudnn"] == [{"version": "9.1.0", "path": "/usr/include/cudnn_version.h"}]


def test_nvcc_on_path(machine):
    machine.program("nvcc", stdout="nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 12.4, "
                    "V12.4.131\nBuild cuda_12.4.r12.4/compiler.34097967_0\n")
    assert machine.detect()["nvcc"]["version"] == "12.4"


def test_gcc_version(machine):
    machine.program("gcc", stdout="13.2.0\n")
    assert machine.detect()["gcc"] == {"path": str(machine.bin / "gcc"), "version": "13.2.0", "kind": None}


def test_conda_tools_in_home(machine):
    base = "/home/miniforge3"
    machine.home = machine.root / "home"  # HOME inside the root: files under the root, as for any probe
    machine.write(f"{base}/bin/conda", "#!/bin/sh\n")
    (machine.root / base.lstrip("/") / "bin/conda").chmod(0o755)
    machine.write(f"{base}/conda-meta/conda-24.7.1-py312h7900ff3_0.json", "{}")
    report = machine.detect(HOME="/home")
    assert report["conda"] == [{"path": "/home/miniforge3/bin/conda", "version": "24.7.1", "kind": "conda"}]


def test_proxies_are_reported_without_passwords(machine):
    machine.write("/etc/apt/apt.conf.d/95proxy", 'Acquire::http::Proxy "http://user:s3cret@proxy.lab:3128/";\n')
    report = machine.detect(https_proxy="http://alice:hunter2@proxy.lab:3128", no_proxy="localhost")
    # the whole user part goes: a user name can be the secret itself (https://TOKEN@host)
    assert report["proxies"] == {"https_proxy": "http://***@proxy.lab:3128", "no_proxy": "localhost",
                                 "apt_http_proxy": "http://***@proxy.lab:3128/"}
    assert "hunter2" not in str(report) and "s3cret" not in str(report)
