"""Configuration already on the machine besides pip's: uv.toml, .condarc, apt sources; Pythons and uv."""

from __future__ import annotations

import sys
from types import SimpleNamespace

from installer.hardware import nvml


def test_uv_toml_and_uv_variables(machine):
    machine.write("/etc/uv/uv.toml", '[[index]]\nurl = "https://mirrors.example/pypi/simple"\ndefault = true\n')
    uv = machine.detect()["mirror_config"]["uv"]
    assert uv["index_url"] == "https://mirrors.example/pypi/simple"
    assert uv["files"] == ["/etc/uv/uv.toml"]
    uv = machine.detect(UV_DEFAULT_INDEX="https://env.example/simple")["mirror_config"]["uv"]
    assert uv["index_url"] == "https://env.example/simple"


def test_uv_user_file_under_root_home(machine):
    machine.write("/home/u/.config/uv/uv.toml", 'index-url = "https://tuna.example/simple"\n'
                  'extra-index-url = ["https://x.example/simple"]\nfind-links = ["/srv/wheels"]\n')
    uv = machine.detect(HOME="/home/u", XDG_CONFIG_HOME="/home/u/.config")["mirror_config"]["uv"]
    user = "/home/u/.config/uv/uv.toml"
    assert uv == {"index_url": "https://tuna.example/simple", "extra_index_urls": ["https://x.example/simple"],
                  "find_links": ["/srv/wheels"], "files": [user],
                  "sources": {"index_url": user, "extra_index_urls": user, "find_links": user}}


def test_condarc(machine):
    machine.write("/home/u/.condarc", "channels:\n  - conda-forge\n  - nodefaults\nshow_channel_urls: true\n"
                  "custom_channels:\n  pytorch: https://mirrors.example/anaconda/cloud\n")
    machine.write("/etc/conda/.condarc", "channel_alias: https://mirrors.example/anaconda\nchannels: [defaults]\n")
    conda = machine.detect(HOME="/home/u", XDG_CONFIG_HOME="/home/u/.config")["mirror_config"]["conda"]
    # conda merges lists: the later (user) file's channels first, the system's after them
    assert conda["channels"] == ["conda-forge", "nodefaults", "defaults"]
    assert conda["channel_alias"] == "https://mirrors.example/anaconda"
    assert conda["custom_channels"] == {"pytorch": "https://mirrors.example/anaconda/cloud"}
    assert conda["files"] == ["/etc/conda/.condarc", "/home/u/.condarc"]
    assert conda["sources"] == {"channels": "/home/u/.condarc", "channel_alias": "/etc/conda/.condarc",
                                "custom_channels.pytorch": "/home/u/.condarc"}


def test_apt_sources_one_line_and_deb822(machine):
    machine.write("/etc/apt/sources.list", "# comment\ndeb [arch=amd64 signed-by=/k.gpg] "
                  "http://mirrors.tuna.example/ubuntu jammy main restricted\n"
                  "deb-src http://mirrors.tuna.example/ubuntu jammy main\n")
    machine.write("/etc/apt/sources.list.d/cuda.sources", "Types: deb\nURIs: https://developer.example/cuda/repos/ubuntu2204/x86_64/\n"
                  "Suites: /\nSigned-By: /usr/share/keyrings/cuda.gpg\n")
    apt = machine.detect()["mirror_config"]["apt"]
    assert apt["uris"] == ["http://mirrors.tuna.example/ubuntu", "https://developer.example/cuda/repos/ubuntu2204/x86_64/"]
    assert apt["deb822"] is True


def test_this_machines_apt_sources(cli):
    import json

    apt = json.loads(cli("detect", "--json").stdout)["mirror_config"]["apt"]
    from pathlib import Path

    text = "".join(p.read_text() for p in Path("/etc/apt").rglob("*.sources")) if Path("/etc/apt").is_dir() else ""
    for line in text.splitlines():
        if line.startswith("URIs:"):
            for uri in line.split()[1:]:
                assert uri in apt["uris"]


def test_pythons_by_file_name(machine):
    for name in ("python3.12", "python3.11", "python3", "python3.12-config"):
        exe = machine.root / "usr/bin" / name
        exe.parent.mkdir(parents=True, exist_ok=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    (machine.root / "usr/local/bin").mkdir(parents=True)
    # dangling: not listed (a target of its own: /nonexistent is made on some machines, as nobody's home)
    (machine.root / "usr/local/bin/python3.13").symlink_to(machine.root / "gone" / "python3.13")
    pythons = machine.detect()["pythons"]
    assert [(p["version"], p["executable"]) for p in pythons] == [("3.12", "/usr/bin/python3.12"),
                                                                  ("3.11", "/usr/bin/python3.11")]


def test_uv_shipped_with_torch_setup_is_found(machine):
    uv = machine.detect()["uv"]
    assert uv is not None and uv["path"].startswith(str(__import__("pathlib").Path(sys.executable).parent))
    assert uv["version"] and uv["version"].count(".") == 2


def test_nvml_device_record_layout():
    """pynvml's structures for an RTX 4090 as NVML fills them (pciDeviceId is device << 16 | vendor, like
    nvidia-smi's pci_device_id 0x268410DE; busId carries an 8-digit domain)."""

    class FakeNvml:
        def nvmlDeviceGetName(self, h): return b"NVIDIA GeForce RTX 4090"
        def nvmlDeviceGetCudaComputeCapability(self, h): return (8, 9)
        def nvmlDeviceGetMemoryInfo(self, h): return SimpleNamespace(total=25757220864)
        def nvmlDeviceGetPciInfo(self, h): return SimpleNamespace(pciDeviceId=0x268410DE, busId=b"00000000:01:00.0")
        def nvmlDeviceGetUUID(self, h): raise RuntimeError("NVML_ERROR_NOT_SUPPORTED")

    g = nvml._device(FakeNvml(), object())
    assert (g.name, g.compute_capability, g.memory_mib, g.pci_id, g.pci_bus_id, g.uuid) == (
        "NVIDIA GeForce RTX 4090", "8.9", 24564, "10de:2684", "0000:01:00.0", None)


def test_nvml_is_not_used_under_a_fake_root(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    assert nvml.probe() is None
