"""The warnings a person must see before installing, each saying what to do next."""

from __future__ import annotations

import re
from typing import Any

from installer.compat.coded import Coded
from installer.hardware.osinfo import family
from installer.i18n import _

LOW_DISK_MIB = 10 * 1024  # a CUDA build of torch with its pip cache needs about this much
# where torch-setup installs the NVIDIA driver itself: the `when:` of recipes/driver-ubuntu.yaml (the
# planner, doctor and this advice read it here; tests/unit/plan/test_driver_request.py checks the plans)
DRIVER_SYSTEMS = ("ubuntu", "debian")

# NVSwitch systems need NVIDIA Fabric Manager (NVIDIA Fabric Manager User Guide,
# docs.nvidia.com/datacenter/tesla/fabric-manager-user-guide/): on DGX-2/HGX-2 (16 V100) and DGX/HGX A100,
# H100, H200 and B200 8-GPU boards the GPUs reach each other through NVSwitches, and CUDA does not
# initialise (cudaErrorSystemNotReady: torch.cuda.is_available() is False) until the nvidia-fabricmanager
# service of exactly the driver's version runs; Blackwell HGX also needs the NVLink Subnet Manager (NVLSM).
# 4-GPU HGX boards (A100/H100 4-GPU) join their GPUs directly by NVLink, with no NVSwitch, so a machine
# counts as one from 8 GPUs of an SXM model on. The models by the name nvidia-smi gives (the H100 SXM5 is
# "H100 80GB HBM3"; "H200 NVL" and "H100 NVL" are PCIe cards) or the PCI id: 1db8 V100 SXM3 32GB, 20b0/20b2
# A100 SXM4 40/80GB, 2330 H100 SXM5 80GB, 2335 H200 SXM 141GB, 2901 B200.
_NVSWITCH_NAMES = re.compile(r"V100-SXM3|A100-SXM4|H100 80GB HBM3|H100 SXM|\bH200\b(?! NVL)|\bB200\b|\bB300\b")
_NVSWITCH_PCI = frozenset({"10de:1db8", "10de:20b0", "10de:20b2", "10de:2330", "10de:2335", "10de:2901"})
NVSWITCH_MIN_GPUS = 8
# codes of the warnings a front-end with fields of its own says in its own words (installer.compat.coded)
NO_DRIVER = "no-driver-loaded"  # torch-setup installs the driver here: the answers' driver.install
SECURE_BOOT_DKMS = "secure-boot-dkms"  # a DKMS-built module's key, enrolled by the plan's driver step
# how Ubuntu names its own kernels, X.Y.Z-ABI-FLAVOUR (6.8.0-45-generic): the same pattern as
# installer/plan/kinds/apt.py's UBUNTU_KERNEL (tests/unit/hardware/test_hw_headers_advice.py keeps them equal),
# which the plan uses to name the headers and to say when no prebuilt module fits
UBUNTU_KERNEL = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-[a-z0-9][a-z0-9-]*$")


def _on_nvswitch_board(gpu: dict[str, Any]) -> bool:
    return gpu.get("vendor") == "nvidia" and (bool(_NVSWITCH_NAMES.search(str(gpu.get("name") or "")))
                                              or str(gpu.get("pci_id") or "").lower() in _NVSWITCH_PCI)


def _blackwell(gpu: dict[str, Any]) -> bool:
    cc = str(gpu.get("compute_capability") or "")
    major = cc.split(".")[0]
    return (major.isdigit() and int(major) >= 10) or bool(re.search(r"\bB[23]00\b", str(gpu.get("name") or "")))


def _legacy_gpu(nvidia: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(GPU name, last branch) of a GPU whose last driver branch NVIDIA no longer supports (Kepler: R470), which
    torch-setup does not install (installer.plan.driver_request.legacy_driver_elsewhere says so in plans; this
    package cannot import the planner, so it asks the compat data the same question). None: no such GPU."""
    from installer.compat.data import load
    from installer.compat.machine import _nvidia_gpu
    from installer.compat.support_end import ended_branch
    from installer.hardware.report import GPU

    data = load()
    for g in nvidia:
        gpu = _nvidia_gpu(GPU.model_validate(g), data)
        last = gpu.last_branch
        # a last branch with no row (Fermi's R390) ended before the table's first
        if last is not None and (ended_branch(last, data, None) is not None
                                 or all(b.branch != last for b in data.drivers.branches)):
            return gpu.name, last
    return None


def fabric_manager_advice(gpus: list[dict[str, Any]], *, plan: bool = False) -> str | None:
    """What an NVSwitch system needs from whoever installs or changes its driver (None: not one). `plan`:
    said in a plan that installs or changes the driver; otherwise as advice about the machine."""
    board = [g for g in gpus if _on_nvswitch_board(g)]
    if len(board) < NVSWITCH_MIN_GPUS:
        return None
    names = dict.fromkeys(str(g.get("name") or "?") for g in board)
    gpu = f"{len(board)}x {', '.join(names)}"
    if plan:
        text = _("{gpus}: an NVSwitch system. CUDA starts there only while NVIDIA Fabric Manager of exactly the "
                 "driver's version runs (otherwise cudaErrorSystemNotReady, and torch.cuda.is_available() is "
                 "False). This plan does not install it: after the driver step, install the Fabric Manager "
                 "package of the same driver version from the same source and run `sudo systemctl enable --now "
                 "nvidia-fabricmanager`", gpus=gpu)
    else:
        text = _("{gpus}: an NVSwitch system. CUDA starts there only while NVIDIA Fabric Manager of exactly the "
                 "driver's version runs (otherwise cudaErrorSystemNotReady, and torch.cuda.is_available() is "
                 "False): whenever the driver is installed or upgraded, install the Fabric Manager of the same "
                 "version and run `sudo systemctl enable --now nvidia-fabricmanager`", gpus=gpu)
    if any(_blackwell(g) for g in board):
        text = _("{text}; Blackwell HGX also needs the NVLink Subnet Manager (NVLSM) running", text=text)
    return text


def warnings(data: dict[str, Any], *, notes: list[str] | None = None) -> list[str]:
    out: list[str] = []
    os_info = data.get("os") or {}
    wsl = bool(os_info.get("wsl"))
    container = bool(os_info.get("container"))
    nvidia = [g for g in data.get("gpus", []) if g.get("vendor") == "nvidia"]
    kernel = os_info.get("kernel") or "?"
    ours = os_info.get("id") in DRIVER_SYSTEMS  # elsewhere the distribution's own packages install the driver
    rhel = family(os_info.get("id"), os_info.get("id_like")) == "rhel"

    if wsl:
        out.append(_("running in WSL: install the Windows driver, never a Linux one "
                     "(the GPU reaches WSL through the Windows driver; CUDA wheels then work as they are)"))
    legacy = _legacy_gpu(nvidia) if nvidia and data.get("nvidia_driver") is None else None
    if nvidia and data.get("nvidia_driver") is None and not wsl:
        if container:
            out.append(_("NVIDIA GPU found but no driver loaded: install the driver on the host, "
                         "then start this container with --gpus all (NVIDIA Container Toolkit)"))
        elif ours and legacy:
            # found by a re-check: "torch-setup can plan it" for a K80, whose R470 the plans refuse
            out.append(_("NVIDIA GPU found but no driver loaded: {gpu} runs on driver branch R{last} at the newest, "
                         "which torch-setup does not install: install R{last} yourself, then reboot",
                         gpu=legacy[0], last=legacy[1]))
        elif ours:
            # coded: the wizard says it as its Driver tick (installer.tui.screens.hardware.wizard_words)
            out.append(Coded(_("NVIDIA GPU found but no driver loaded: install the NVIDIA driver "
                               "(torch-setup can plan it, see `torch-setup recommend`), then reboot"), NO_DRIVER))
        else:
            out.append(_("NVIDIA GPU found but no driver loaded: install the NVIDIA driver with your "
                         "distribution's packages (torch-setup installs it on Ubuntu and Debian only), then reboot"))
    driver = data.get("nvidia_driver")
    if driver is not None and not driver.get("version"):
        out.append(_("an NVIDIA driver is loaded, but its version is unknown (nvidia-smi's report was cut short "
                     "or left it out), so no CUDA build can be checked against it: read the version with "
                     "`nvidia-smi` or `cat /proc/driver/nvidia/version`, then run again with "
                     "TORCH_SETUP_DRIVER_VERSION set to it"))
    if data.get("secure_boot") and nvidia and not wsl:
        # the MOK Manager asks at a boot only for a key imported before it: torch-setup's driver step imports
        # DKMS's key before its own reboot (recipes/driver-ubuntu.yaml), and "at the next boot when asked" read
        # as if nothing had to be done before rebooting
        out.append(Coded(_("Secure Boot is on: the driver's kernel module must be signed. Ubuntu's prebuilt "
                           "modules (ubuntu-drivers) are; a module DKMS builds here is signed with a local key, "
                           "which must be enrolled before the driver's reboot (the script `torch-setup plan` "
                           "prints does it then; `torch-setup install` says when to do it by hand), or turn "
                           "Secure Boot off in the firmware"), SECURE_BOOT_DKMS)
                   if ours and not container else
                   _("Secure Boot is on: the driver's kernel module must be signed; "
                     "enrol the MOK key at the next boot when asked (or turn Secure Boot off in the firmware)"))
    fabric = fabric_manager_advice(nvidia) if not (wsl or container) else None
    if fabric:
        out.append(fabric)
    if data.get("nouveau_loaded"):
        out.append(_("nouveau is loaded: the NVIDIA driver cannot load beside it; "
                     "the driver install blacklists nouveau, and a reboot is needed") if ours else
                   _("nouveau is loaded: the NVIDIA driver cannot load beside it; blacklist nouveau as you install "
                     "the driver (your distribution's guide says how), then reboot"))
    headers = data.get("kernel_headers") or {}
    needs_module = nvidia and data.get("nvidia_driver") is None and not wsl and not container
    if needs_module and os_info.get("kernel") and not headers.get("present"):
        if rhel:
            out.append(_("kernel headers for {kernel} missing: install them (sudo dnf install kernel-devel-{kernel}) "
                         "before the NVIDIA driver, which builds its module against them", kernel=kernel))
        elif legacy and os_info.get("id") in DRIVER_SYSTEMS:
            # the driver the user installs by hand: "torch-setup's driver install needs none from you" was wrong
            # for it (found by a re-check, a K80)
            out.append(_("kernel headers for {kernel} missing: torch-setup does not install R{last}, the driver "
                         "branch {gpu} needs; where you install it with a module built on this machine (DKMS), "
                         "install the headers first: sudo apt install linux-headers-{kernel}", kernel=kernel,
                         last=legacy[1], gpu=legacy[0]))
        elif os_info.get("id") == "ubuntu" and UBUNTU_KERNEL.match(kernel):
            # said as the plan does it: ubuntu-drivers takes Ubuntu's prebuilt module where there is one for this
            # kernel and falls back to DKMS where there is none (UbuntuDrivers/detect.py), which it knows only as
            # it runs, so the plan's ubuntu-drivers-headers step installs the headers first
            # (recipes/driver-ubuntu.yaml); the advice asked for none while the plan installed them
            out.append(_("kernel headers for {kernel} missing: torch-setup's driver plan installs them first. "
                         "ubuntu-drivers, the default here, uses Ubuntu's prebuilt driver module where there is one "
                         "for this kernel, and otherwise builds the module with DKMS against these headers. "
                         "To install a driver yourself, run sudo apt install linux-headers-{kernel} "
                         "before it", kernel=kernel))
        elif os_info.get("id") == "ubuntu":
            # no prebuilt module is made for a kernel Ubuntu did not ship (installer/plan/kinds/apt.py says so
            # in the plan too), and Ubuntu has no package of its headers
            out.append(_("kernel headers for {kernel} missing: this kernel is not one of Ubuntu's, so no prebuilt "
                         "driver module fits it and the module is built on this machine (DKMS) against these "
                         "headers: install them from where this kernel came from before the NVIDIA driver",
                         kernel=kernel))
        elif os_info.get("id") == "debian":
            # Debian has no prebuilt modules: its driver packages, and NVIDIA's, build the module with DKMS
            # (wiki.debian.org/NvidiaGraphicsDrivers); the plan's driver-build-deps-debian step installs the headers
            out.append(_("kernel headers for {kernel} missing: on Debian the NVIDIA driver's module is built on "
                         "this machine (DKMS) against them. torch-setup's driver plan installs them first; to "
                         "install the driver yourself, run sudo apt install linux-headers-{kernel} before it",
                         kernel=kernel))
        else:
            out.append(_("kernel headers for {kernel} missing: install them (Debian/Ubuntu: "
                         "sudo apt install linux-headers-{kernel}) before the NVIDIA driver, which builds its module "
                         "against them", kernel=kernel))
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
