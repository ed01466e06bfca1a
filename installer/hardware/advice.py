"""The warnings a person must see before installing, each saying what to do next."""

from __future__ import annotations

from typing import Any

from installer.i18n import _

LOW_DISK_MIB = 10 * 1024  # a CUDA build of torch with its pip cache needs about this much


def warnings(data: dict[str, Any], *, notes: list[str] | None = None) -> list[str]:
    out: list[str] = []
    os_info = data.get("os") or {}
    wsl = bool(os_info.get("wsl"))
    container = bool(os_info.get("container"))
    nvidia = [g for g in data.get("gpus", []) if g.get("vendor") == "nvidia"]
    kernel = os_info.get("kernel") or "?"

    if wsl:
        out.append(_("running in WSL: install the Windows driver, never a Linux one "
                     "(the GPU reaches WSL through the Windows driver; CUDA wheels then work as they are)"))
    if nvidia and data.get("nvidia_driver") is None and not wsl:
        if container:
            out.append(_("NVIDIA GPU found but no driver loaded: install the driver on the host, "
                         "then start this container with --gpus all (NVIDIA Container Toolkit)"))
        else:
            out.append(_("NVIDIA GPU found but no driver loaded: install the NVIDIA driver "
                         "(torch-setup can plan it, see `torch-setup recommend`), then reboot"))
    driver = data.get("nvidia_driver")
    if driver is not None and not driver.get("version"):
        out.append(_("an NVIDIA driver is loaded, but its version is unknown (nvidia-smi's report was cut short "
                     "or left it out), so no CUDA build can be checked against it: read the version with "
                     "`nvidia-smi` or `cat /proc/driver/nvidia/version`, then run again with "
                     "TORCH_SETUP_DRIVER_VERSION set to it"))
    if data.get("secure_boot") and nvidia and not wsl:
        out.append(_("Secure Boot is on: the driver's kernel module must be signed; "
                     "enrol the MOK key at the next boot when asked (or turn Secure Boot off in the firmware)"))
    if data.get("nouveau_loaded"):
        out.append(_("nouveau is loaded: the NVIDIA driver cannot load beside it; "
                     "the driver install blacklists nouveau, and a reboot is needed"))
    headers = data.get("kernel_headers") or {}
    needs_module = nvidia and data.get("nvidia_driver") is None and not wsl and not container
    if needs_module and os_info.get("kernel") and not headers.get("present"):
        out.append(_("kernel headers for {kernel} missing: install them (Debian/Ubuntu: "
                     "sudo apt install linux-headers-{kernel}) before the NVIDIA driver, which builds its module against them",
                     kernel=kernel))
    if data.get("tmp_noexec"):
        out.append(_("/tmp is noexec: installers that run from /tmp (the CUDA runfile, conda's) fail there; "
                     "set TMPDIR to a folder on a mount that allows running programs"))
    target = (data.get("disk") or {}).get("target") or {}
    free = target.get("free_mib")
    if isinstance(free, int) and free < LOW_DISK_MIB:
        out.append(_("only {gib} GiB free at {path}: a CUDA build of PyTorch needs about 10 GiB; free some space first",
                     gib=f"{free / 1024:.1f}", path=target.get("path")))
    for var in notes or []:
        out.append(_("{var} was ignored: there is no NVIDIA driver to apply it to; set TORCH_SETUP_DRIVER_VERSION too",
                     var=var))
    return out
