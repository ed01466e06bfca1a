"""Fake machines for detection tests: a root tree under TORCH_SETUP_ROOT and stand-in programs on PATH.

The trees hold files in the kernel's own formats (see tests/fixtures/hardware/README.md); the stand-ins
replay recorded outputs. Nothing in installer/ is patched: the real CLI runs against them.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HW = REPO / "tests" / "fixtures" / "hardware"
SMI = HW / "nvidia-smi"


@dataclass
class Machine:
    """A fake machine: `root` (files) and `bin` (programs), and the environment that points at them."""

    root: Path
    bin: Path
    home: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    # -- files -------------------------------------------------------------------------------
    def write(self, path: str, text: str) -> Path:
        p = self.root / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def os_release(self, name: str) -> None:
        self.write("/etc/os-release", (HW / "os-release" / name).read_text())

    def kernel(self, release: str) -> None:
        self.write("/proc/sys/kernel/osrelease", release + "\n")

    def pci_gpu(self, bus: str, vendor: str, device: str, *, cls: str = "0x030000", driver: str | None = None,
                subsystem: tuple[str, str] | None = None) -> None:
        base = f"/sys/bus/pci/devices/{bus}"
        self.write(f"{base}/class", cls + "\n")
        self.write(f"{base}/vendor", vendor + "\n")
        self.write(f"{base}/device", device + "\n")
        if subsystem:
            self.write(f"{base}/subsystem_vendor", subsystem[0] + "\n")
            self.write(f"{base}/subsystem_device", subsystem[1] + "\n")
        if driver:
            link = self.root / base.lstrip("/") / "driver"
            link.symlink_to(f"../../../bus/pci/drivers/{driver}")

    def modules(self, *names: str) -> None:
        lines = [f"{n} 2547712 0 - Live 0x0000000000000000" for n in names]
        self.write("/proc/modules", "\n".join(lines) + "\n")

    def proc_driver(self, fixture: str) -> None:
        self.write("/proc/driver/nvidia/version", (HW / "proc" / fixture).read_text())

    def headers(self, kernel: str) -> None:
        (self.root / f"usr/src/linux-headers-{kernel}").mkdir(parents=True, exist_ok=True)
        build = self.root / f"lib/modules/{kernel}/build"
        build.parent.mkdir(parents=True, exist_ok=True)
        build.symlink_to(f"/usr/src/linux-headers-{kernel}")  # absolute, as Debian's packages make it

    def efi(self, secure_boot: bool | None) -> None:
        (self.root / "sys/firmware/efi/efivars").mkdir(parents=True, exist_ok=True)
        if secure_boot is not None:
            var = self.root / "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
            var.write_bytes(bytes([0x06, 0, 0, 0, 1 if secure_boot else 0]))

    def mounts(self, text: str) -> None:
        self.write("/proc/mounts", text)

    def kfd_node(self, node: int, props: dict[str, int]) -> None:
        self.write(f"/sys/class/kfd/kfd/topology/nodes/{node}/properties",
                   "".join(f"{k} {v}\n" for k, v in props.items()))

    # -- programs -----------------------------------------------------------------------------
    def program(self, name: str, *, stdout: Path | str | None = None, stderr: Path | str | None = None,
                exit_code: int = 0) -> Path:
        """A stand-in on PATH that replays a recorded output (a file, or a literal text)."""
        lines = ["#!/bin/sh"]
        for stream, value in ((1, stdout), (2, stderr)):
            if value is None:
                continue
            src = value if isinstance(value, Path) else self._store(name, stream, value)
            lines.append(f"cat '{src}'" + (" >&2" if stream == 2 else ""))
        lines.append(f"exit {exit_code}")
        exe = self.bin / name
        exe.write_text("\n".join(lines) + "\n")
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return exe

    def _store(self, name: str, stream: int, text: str) -> Path:
        p = self.bin.parent / f"{name}.{stream}.out"
        p.write_text(text)
        return p

    def nvidia_smi(self, fixture: str) -> Path:
        return self.program("nvidia-smi", stdout=SMI / fixture)

    # -- running ------------------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCH_SETUP_", "PIP_", "UV_"))}
        env.update({
            "TORCH_SETUP_ROOT": str(self.root),
            # only the stand-ins and the basic tools: the host's gcc, nvcc, uv stay out of the picture
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "NO_COLOR": "1",
        })
        env.update(self.extra_env)
        env.update(extra)
        return env

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """The real CLI, in a subprocess, with exactly this machine's environment."""
        return subprocess.run([sys.executable, "-m", "installer", *args], env=self.env(**extra),
                              capture_output=True, text=True, timeout=60, cwd=REPO)

    def detect(self, *args: str, **extra: str) -> dict:
        result = self.run("detect", "--json", *args, **extra)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def machine(tmp_path) -> Machine:
    root, bin_dir, home = tmp_path / "root", tmp_path / "bin", tmp_path / "home"
    for d in (root, bin_dir, home):
        d.mkdir()
    return Machine(root=root, bin=bin_dir, home=home)
