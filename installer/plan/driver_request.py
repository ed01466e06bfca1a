"""`driver.install: true` on a machine the driver recipe does not cover.

recipes/driver-ubuntu.yaml applies on Ubuntu and Debian with an NVIDIA GPU, never under WSL, in a
container or on a Jetson. Elsewhere a plan would simply have no driver step, and an unattended run on a machine whose GPU
is not seen (not seated, not passed through to the VM) would end with a CPU build and exit 0: the trap
behind many "why is cuda.is_available() False". So an answers file that asks for the driver where it
cannot be installed is refused, and where it must not be installed (WSL, containers) the plan says why it
has no driver step. tests/unit/plan/test_driver_request.py keeps these facts in step with the recipe's
`when:` on every recorded machine. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from installer.errors import InputError
from installer.hardware.advice import DRIVER_SYSTEMS
from installer.hardware.report import HardwareReport, OSInfo
from installer.hardware.summary import system_name
from installer.i18n import _
from installer.i18n.phrases import listed


def installed_driver_fits(report: HardwareReport, cuda: str | None, branch: str) -> bool:
    """Whether the loaded NVIDIA driver already does what `driver.install` asks: it runs the chosen build's
    CUDA (`cuda`; None for a build with no CUDA) on every NVIDIA GPU, and it is the branch asked for
    (`latest`: any). The driver steps then keep it. Found in review: `branch: latest` on machines with R550,
    R555 or R580 planned `ubuntu-drivers install nvidia:535`, the first branch that runs CUDA 12.6: a
    downgrade, and a reboot, on machines that already ran the build."""
    from installer.compat.data import load
    from installer.compat.machine import read_machine
    from installer.compat.rules import driver_meets, driver_need, supports, version_key

    driver = report.nvidia_driver
    if driver is None or not driver.version or not version_key(driver.version):
        return False
    loaded = str(version_key(driver.version)[0])
    if branch != "latest" and branch.split(".")[0] != loaded:
        return False
    data = load()
    gpus = read_machine(report, data).nvidia
    if not gpus or not all(supports(loaded, g) for g in gpus):
        return False
    return cuda is None or driver_meets(driver.version, driver.cuda, driver_need(cuda, False, data, windows=False))


def distribution_installs_driver(osinfo: OSInfo, *, jetson: bool) -> str | None:
    """The system's name ("Rocky Linux 9.4 (Blue Onyx)") where its own packages install the NVIDIA driver and
    torch-setup installs none (not Ubuntu or Debian: the `when:` of recipes/driver-ubuntu.yaml); None where
    torch-setup does, or where the driver is not this system's to install at all (WSL, a container, a
    Jetson: driver_elsewhere says who installs it there)."""
    if osinfo.wsl or jetson or osinfo.container or osinfo.id in DRIVER_SYSTEMS:
        return None
    return system_name(osinfo.pretty_name, osinfo.id, osinfo.version_id, None) or _("an unknown system")


def driver_request(values: Mapping[str, Any], *, recorded: bool = False,
                   driver_too_old: bool = False, system: str | None = None) -> str | None:
    """A plan note when the asked-for driver is rightly left out (or kept); InputError (key driver.install)
    when it cannot be installed here; None when the driver recipe applies or no driver was asked for.
    `recorded`: the report is a recorded one (--hardware), said as the recorded machine. `driver_too_old`: the
    chosen build needs a newer driver than the loaded one (the pins' verdict, installer.compat.pins).
    `system`: the system's name as a person reads it (its pretty name), said where torch-setup installs no
    driver (the id where none is given)."""
    if not values["driver.install"]:
        return None
    if values["hw.wsl"]:
        return _wsl_note(values, driver_too_old)
    if values["hw.jetson"]:
        return _("driver.install is ignored on a Jetson: its GPU driver is part of JetPack (L4T), and a desktop "
                 "driver package would not drive it -> upgrade JetPack to change the driver")
    if values["hw.container"]:
        if not values["hw.nvidia_gpu_count"]:
            return _("driver.install is ignored in a container, and this container sees no NVIDIA GPU: it uses "
                     "the host's driver -> start the container with the GPU passed in (`docker run --gpus all`, "
                     "with the NVIDIA Container Toolkit on the host)")
        return _("driver.install is ignored in a container: the container uses the host's NVIDIA driver "
                 "-> install or update the driver on the host")
    if not values["hw.nvidia_gpu_count"]:
        vendors = listed(v for v in values["hw.gpu_vendors"] if v) or _("none")
        raise InputError(
            _("the recorded machine has no NVIDIA GPU (GPUs found: {vendors}), so there is no NVIDIA driver to "
              "install", vendors=vendors) if recorded else
            _("this machine has no NVIDIA GPU (GPUs found: {vendors}), so there is no NVIDIA driver to install",
              vendors=vendors),
            key="driver.install",
            hint=_("run these answers on a machine with an NVIDIA GPU, or set driver.install: false; "
                   "`torch-setup detect` shows what was found (a GPU that is not seated, or not passed "
                   "through to a virtual machine, is not seen)"))
    ours = values["hw.os_id"] in DRIVER_SYSTEMS
    name = system or " ".join(str(x) for x in (values["hw.os_id"], values["hw.os_version"]) if x) \
        or _("an unknown system")
    if values["driver.installed_fits"]:
        # kept wherever it is: one answers file for a fleet asks for the driver on its Rocky machines too, and
        # a loaded driver that runs the build needs no install there either (found by a tester: refused on
        # Rocky Linux with R560 and a cu126 build, kept on Ubuntu with R550)
        cuda = values["torch.cuda"]
        runs = (_("runs the chosen build's CUDA {cuda} on every GPU", cuda=".".join(str(cuda).split(".")[:2]))
                if cuda else _("drives every GPU"))
        if not ours:
            return _("driver.install: the loaded NVIDIA driver {version} already {runs}, so it is kept: no driver "
                     "step, no reboot -> to change it on {os}, use your distribution's packages (torch-setup "
                     "installs the NVIDIA driver on Ubuntu and Debian only)", version=values["hw.driver_version"],
                     runs=runs, os=name)
        return _("driver.install: the loaded NVIDIA driver {version} already {runs}, so it is kept: no driver "
                 "step, no reboot -> to install another branch, name it in driver.branch",
                 version=values["hw.driver_version"], runs=runs)
    if not ours:
        raise InputError(
            # found by a tester: "而这台机器是 Rocky Linux 9.4" of a recorded machine, planned from another
            _("torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the recorded machine runs {os}",
              os=name) if recorded else
            _("torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and this is {os}", os=name),
            key="driver.install",
            hint=_("install the driver with your distribution's packages (its guide names them), reboot, "
                   "then run again with driver.install: false"))
    loaded = values["hw.driver_version"]
    asked = values["driver.branch"]
    if loaded and asked != "latest" and int(asked.split(".")[0]) < int(str(loaded).split(".")[0]):
        return _("driver.branch {branch} is older than the loaded NVIDIA driver {version}: the plan replaces it "
                 "with the older branch, as asked", branch=asked, version=loaded)
    return None


def _wsl_note(values: Mapping[str, Any], driver_too_old: bool) -> str:
    """Why a WSL plan has no driver step, and what to do in Windows: update the driver only where the build
    needs a newer one (found in use: "install or update the driver in Windows" under a plan whose notes said
    the Windows driver 566.36 runs its cu126 build)."""
    cuda, loaded = values["torch.cuda"], values["hw.driver_version"]
    if driver_too_old or (cuda and not loaded):
        return _("driver.install is ignored under WSL: the Windows NVIDIA driver serves the GPU, and a Linux "
                 "driver inside WSL would break it -> install or update the driver in Windows")
    if cuda:
        return _("driver.install is ignored under WSL: the Windows NVIDIA driver serves the GPU, and a Linux "
                 "driver inside WSL would break it; the Windows driver {version} already runs this build (CUDA "
                 "{cuda}), so it is kept as it is", version=loaded, cuda=".".join(str(cuda).split(".")[:2]))
    return _("driver.install is ignored under WSL: the Windows NVIDIA driver serves the GPU, and a Linux driver "
             "inside WSL would break it; this build ({variant}) does not use the GPU's driver, so the Windows "
             "driver is kept as it is", variant=values["torch.variant"])


# The newest branch torch-setup installs none at or below (installer.plan.kinds.apt refuses them): R470, Kepler's
# last branch, is past NVIDIA's support (drivers.yaml), and the distributions' packages of that name are no longer
# safe to install by name:
# - Ubuntu's nvidia-driver-470 became a transitional package that pulls R535, which ignores Kepler GPUs, while
#   nvidia-driver-470-server still holds R470 (linuxmint/mintdrivers#111, 2026-06, on Mint 21.3 = Ubuntu 22.04, "the
#   normal nvidia-driver-470 package behaved like a transitional trap and attempted to depend on/install NVIDIA 535
#   packages"; the working set was nvidia-driver-470-server, nvidia-dkms-470-server, ...; a comment there: "ubuntu
#   24.04 LTS has the same problem"), and R470 does not build against Ubuntu 24.04's 6.14 HWE kernel
#   (linuxmint/mint22.2-beta#72);
# - Debian ships R470 as nvidia-tesla-470-driver in non-free (packages.debian.org/bookworm/nvidia-tesla-470-driver,
#   470.223.02-2~deb12u1; trixie and sid too), but torch-setup's Debian driver step uses NVIDIA's repository.
# So the user installs it (these are the packages to name), and torch-setup plans the rest with driver.install: false.
LAST_ENDED_BRANCH = 470


def legacy_driver_todo(osinfo: OSInfo, last: str) -> str:
    """How to install the last branch `last` of a GPU that torch-setup installs no driver for (R470 and older)."""
    if last == str(LAST_ENDED_BRANCH) and osinfo.id == "ubuntu":
        return _("install R470 yourself, from Ubuntu's nvidia-driver-470-server packages (the plain "
                 "nvidia-driver-470 now installs R535, which ignores Kepler GPUs) or NVIDIA's driver archive")
    if last == str(LAST_ENDED_BRANCH) and osinfo.id == "debian":
        return _("install R470 yourself, from Debian's nvidia-tesla-470-driver package (non-free) or NVIDIA's "
                 "driver archive")
    return _("install R{last} yourself, from NVIDIA's driver archive", last=last)


def legacy_driver_elsewhere(report: HardwareReport) -> str | None:
    """Why torch-setup installs no driver for this machine's GPUs, and what to do, when the last branch of one
    of them is R470 or older (Kepler, Fermi); None otherwise."""
    from installer.compat.data import load
    from installer.compat.machine import read_machine

    legacy = [g for g in read_machine(report, load()).nvidia
              if g.last_branch is not None and int(g.last_branch) <= LAST_ENDED_BRANCH]
    if not legacy:
        return None
    gpu = min(legacy, key=lambda g: int(g.last_branch or 0))
    last = str(gpu.last_branch)
    return _("{gpu} ({arch}) runs on driver branch R{last} at the newest, which torch-setup does not install, as "
             "NVIDIA ended its support: {todo}, reboot, then run torch-setup again", gpu=gpu.name,
             arch=gpu.arch or "?", last=last, todo=legacy_driver_todo(report.os, last))


def driver_elsewhere(osinfo: OSInfo, *, jetson: bool, report: HardwareReport | None = None,
                     recorded: bool = False) -> str | None:
    """Where this machine's NVIDIA driver is installed, when it is not by torch-setup here (None: the
    driver recipe applies). The wizard and `recommend` say it beside a build that needs a newer driver,
    instead of offering a driver install that driver_request would refuse or ignore. `report`: also a GPU
    whose last branch torch-setup does not install (a Kepler GPU: found in use, the wizard ticked R470 for a
    K80, and Review refused it). `recorded`: the report is a recorded one (--hardware), said as such."""
    if osinfo.wsl:
        return _("under WSL the driver is Windows': update it in Windows, not inside WSL")
    if jetson:
        return _("a Jetson's driver comes with JetPack: upgrade JetPack to change it")
    if osinfo.container:
        return _("a container uses the host's driver: install or update it on the host")
    system = distribution_installs_driver(osinfo, jetson=jetson)
    if system is not None and recorded:
        return _("torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the recorded machine runs "
                 "{os}: install it there with the distribution's packages (its guide names them) and reboot, then "
                 "run torch-setup there again", os=system)
    if system is not None:
        return _("torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and this is {os}: install "
                 "it with your distribution's packages (its guide names them) and reboot, then run torch-setup "
                 "again", os=system)
    return legacy_driver_elsewhere(report) if report is not None else None
