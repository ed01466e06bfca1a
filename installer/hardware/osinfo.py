"""The operating system: os-release, kernel, architecture, WSL, container."""

from __future__ import annotations

import os
import platform
import shlex
from dataclasses import dataclass

from installer.hardware import root


def parse_os_release(text: str) -> dict[str, str]:
    """KEY=value lines, values shell-quoted as os-release(5) allows."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            parts = shlex.split(value)
            out[key.strip()] = parts[0] if parts else ""
        except ValueError:
            out[key.strip()] = value.strip().strip("\"'")
    return out


def os_release() -> dict[str, str]:
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        text = root.read_text(path)
        if text is not None:
            return parse_os_release(text)
    return {}


def kernel_release() -> str | None:
    """The running kernel: /proc/sys/kernel/osrelease (under the root), else uname."""
    text = root.read_text("/proc/sys/kernel/osrelease")
    if text and text.strip():
        return text.strip()
    if root.root():
        return None  # a fake root without the file: the host's kernel would be a lie
    return platform.release() or None


def is_wsl(kernel: str | None) -> bool:
    # WSL2 kernels say "microsoft-standard-WSL2", WSL1 "Microsoft"; interop is the WSL-only /proc entry
    if kernel and "microsoft" in kernel.lower():
        return True
    if root.exists("/proc/sys/fs/binfmt_misc/WSLInterop") or root.exists("/run/WSL"):
        return True
    version = root.read_text("/proc/version") or ""
    return "microsoft" in version.lower()


def container_kind() -> str | None:
    """docker, podman, kubernetes, lxc or another engine's name; None on a plain machine."""
    if root.root() == "" and os.environ.get("KUBERNETES_SERVICE_HOST"):
        return "kubernetes"
    if root.exists("/var/run/secrets/kubernetes.io/serviceaccount") or root.exists("/run/secrets/kubernetes.io/serviceaccount"):
        return "kubernetes"
    if root.exists("/run/.containerenv"):
        return "podman"
    if root.exists("/.dockerenv"):
        return "docker"
    env = root.read_text("/proc/1/environ", limit=65536) or ""
    for item in env.split("\0"):
        if item.startswith("container="):
            return item.partition("=")[2] or "container"
    cgroup = root.read_text("/proc/1/cgroup") or ""
    for marker, kind in (("kubepods", "kubernetes"), ("docker", "docker"), ("libpod", "podman"),
                         ("lxc", "lxc"), ("containerd", "containerd")):
        if marker in cgroup:
            return kind
    return None


@dataclass(frozen=True)
class OSFacts:
    system: str
    id: str | None
    version_id: str | None
    pretty_name: str | None
    id_like: str | None
    codename: str | None
    kernel: str | None
    arch: str | None
    wsl: bool
    container: str | None


def family(os_id: str | None, id_like: str | None) -> str | None:
    """The family a distribution belongs to, by its os-release ID and ID_LIKE: "debian" (Debian, Ubuntu
    and those built on them), "rhel" (RHEL, Fedora, CentOS, Rocky, Alma...), else None. Package names and
    tools (apt or dnf, update-initramfs or dracut) follow it."""
    names = {os_id or "", *(id_like or "").split()}
    if names & {"debian", "ubuntu"}:
        return "debian"
    if names & {"rhel", "fedora", "centos"}:
        return "rhel"
    return None


def probe() -> OSFacts:
    rel = os_release()
    kernel = kernel_release()
    system = platform.system() or "Linux"
    if root.root():
        system = "Linux"  # a fake root is always a Linux tree
    arch = platform.machine() or None
    if arch == "amd64":
        arch = "x86_64"
    if arch == "arm64":
        arch = "aarch64" if system == "Linux" else arch
    return OSFacts(
        system=system,
        id=rel.get("ID") or None,
        version_id=rel.get("VERSION_ID") or None,
        pretty_name=rel.get("PRETTY_NAME") or None,
        id_like=rel.get("ID_LIKE") or None,
        codename=rel.get("VERSION_CODENAME") or rel.get("UBUNTU_CODENAME") or None,
        kernel=kernel,
        arch=arch,
        wsl=system == "Linux" and is_wsl(kernel),
        container=container_kind() if system == "Linux" else None,
    )
