"""The `apt` kind: Debian/Ubuntu packages, NVIDIA's CUDA repository, the NVIDIA driver, and holds.

    kind: apt
    root: true
    with:
      keyring_deb:                      # e.g. NVIDIA's cuda-keyring: a .deb that installs the repository
        file: cuda-keyring_1.1-1_all.deb
        urls: [https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2204/x86_64/cuda-keyring_1.1-1_all.deb]
      update: true                      # apt-get update first (needed after adding a repository)
      packages: [cuda-toolkit-12-6]
      hold: [cuda-drivers]              # apt-mark hold: a later `apt upgrade` keeps this branch

NVIDIA's repository and packages, worked out here from the machine so recipes stay declarative:

    with: {cuda_repo: true}                              # cuda-keyring for this distro and arch
    with: {cuda_toolkit: ${cuda_toolkit.version}}        # cuda-toolkit-12-6 (auto: the build's CUDA)
    with: {cudnn: ${cuda_toolkit.version}}               # cudnn9-cuda-12
    with: {nvidia_driver: {branch: ${driver.branch}, modules: ${driver.kernel_modules}}}
    with: {nvidia_driver: {branch: ..., modules: ..., tool: ubuntu-drivers}}   # Ubuntu's packages
    with: {kernel_headers: {distro: ubuntu, fallback: linux-headers-generic}}  # the running kernel's headers

The driver rules (NVIDIA Driver Installation Guide; research/compat.md E): the branch follows every
GPU's generation as installer/compat/data/drivers.yaml gives it: no newer than the last branch of a
legacy architecture (580 for Maxwell, Pascal and Volta; 470 for Kepler, which is no longer offered,
so Kepler is refused), no older than the first branch of a new one (Blackwell). Open kernel modules
exist from the 515 branch on, are for Turing (compute capability 7.5) and newer, and are required for
Blackwell. `nvidia-open` installs the open flavour, `cuda-drivers` the proprietary one:
- before 580: the branch is in the name (`nvidia-open-570`, `cuda-drivers-550`);
- 580: `nvidia-driver-pinning-580`, then `nvidia-open-580` or `cuda-drivers-580`;
- 590 and later: `nvidia-driver-pinning-B`, then the unsuffixed `nvidia-open` or `cuda-drivers`. NVIDIA's
  Driver Installation Guide, "Ubuntu 590 and later packages": "Starting with branch 590, the Ubuntu
  packages will be renamed by removing the branch designation from the package name", the branch being
  chosen "through these version locking (pinning) packages" (`cuda-drivers-580` "will be removed",
  `nvidia-dkms-580-open` becomes `nvidia-dkms-open`, ...).
The pinning package is installed by an `apt-get install` of its own, before the driver's: apt reads
/etc/apt/preferences.d when it starts, so a pin dropped there by the same command does not steer it. The
guide: "we suggest to install the pinning package prior to installing the driver". Without it NVIDIA's
Debian `cuda-drivers-580` (which depends on `nvidia-driver (>= 580.65.06)` with no upper bound) pulled in
590 components, which drop Maxwell, Pascal and Volta (forums.developer.nvidia.com/t/353805).

NVIDIA's repository builds the kernel module with DKMS. With Secure Boot on, DKMS signs it with a local
key that the firmware must trust, and the enrolment has to be requested before the reboot that loads the
new module: the driver step ends with `mokutil --import KEY` (it asks for a one-time password at a
terminal), before its reboot. The install itself runs with DEBIAN_FRONTEND=noninteractive, so shim-signed's
own debconf prompt never appears.

On NVSwitch systems (8-GPU HGX/DGX boards), CUDA needs NVIDIA Fabric Manager of the driver's exact
version: the plan says so in a note (installer/hardware/advice.py); it does not install it.

Commands run non-interactively (DEBIAN_FRONTEND=noninteractive, keep existing config files on
conflicts). A dry run does not install: `simulate()` turns the step into `apt-get -s` commands, which
resolve for real against the machine's package lists and change nothing (no root needed).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from packaging.version import InvalidVersion, Version
from pydantic import Field, field_validator, model_validator

from installer.compat.machine import NvidiaGpu, read_machine
from installer.compat.rules import BranchChoice, supports
from installer.errors import InputError
from installer.hardware.report import OSInfo
from installer.hardware.summary import system_name
from installer.i18n import _
from installer.i18n.phrases import listed, month_text, recommend_command
from installer.plan.driver_request import LAST_ENDED_BRANCH as DRIVER_LAST_ENDED
from installer.plan.driver_request import legacy_driver_todo
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command, Download, Guard, Step
from installer.plan.values import VType, check

if TYPE_CHECKING:
    pass

# name[:arch][=version] as Debian policy allows them (5.6.1, 5.6.12); nothing a shell could read
_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

APT_ENV = (("DEBIAN_FRONTEND", "noninteractive"),)
KEYRING = "cuda-keyring_1.1-1_all.deb"  # NVIDIA's repository key package since the 2022 key rotation
# NVIDIA's own hosts of the CUDA repository, the only ones the keyring is fetched from:
# developer.download.nvidia.com (the CUDA Installation Guide's network repository) and
# developer.download.nvidia.cn, "NVIDIA's own China host" (installer/mirrors/data/catalog.yaml, nvidia-cn-cuda;
# research/mirrors.md 4.2)
NVIDIA_HOSTS = frozenset({"developer.download.nvidia.com", "developer.download.nvidia.cn"})
# the keyring's source when a catalog (--catalog) lists neither host
NVIDIA_CUDA_REPOS = "https://developer.download.nvidia.com/compute/cuda/repos"
TURING = (7, 5)  # the oldest GPUs the open kernel modules drive
BLACKWELL = (10, 0)  # from here on only the open kernel modules drive the GPU
# NVIDIA Driver Installation Guide, "Kernel Modules": "Starting in the 515 driver release series, two
# flavors of these kernel modules are provided" (proprietary and open)
OPEN_MODULES_FROM = 515
# R470 (Kepler's last branch) and older are not installed: NVIDIA ended R470's support in September 2024
# (nvidia.custhelp.com answers 3142 and 5202, quoted in linuxmint/mint22.2-beta#72), it no longer builds
# against newer kernels (same issue), and Ubuntu's nvidia-driver-470 became a transitional package that
# pulls 535, which ignores Kepler GPUs (linuxmint/mintdrivers#111); where the user gets it instead:
# installer.plan.driver_request.legacy_driver_todo
LAST_ENDED_BRANCH = DRIVER_LAST_ENDED
# Linux driver branches older than R470 that NVIDIA released (a driver.branch of these is old, not unknown):
# the distributions' package names: Ubuntu's nvidia-driver-390, -418-server, -450-server, -460-server
# (linuxmint/mintdrivers#65), nvidia-driver-455/460/465/470 (askubuntu 1392037: "460, 465, 470 -> 470",
# "455 -> 460"), nvidia-driver-430 (ubuntu.pkgs.org, libnvidia-cfg1-430 in bionic), nvidia-driver-435 and -440
# (pop-os/system76-driver#150); Debian's nvidia-tesla-418 and -450 (packages.debian.org, bullseye)
OLD_BRANCHES = frozenset({390, 418, 430, 435, 440, 450, 455, 460, 465})
PINNING_FROM = 580  # nvidia-driver-pinning-B exists from this branch on
# from this branch on NVIDIA's Ubuntu/Debian driver packages have no branch in their names; the pinning
# package picks the branch (Driver Installation Guide, "Ubuntu 590 and later packages")
UNSUFFIXED_FROM = 590
# the key DKMS signs modules with, whose certificate mokutil enrols: Ubuntu's dkms uses shim-signed's
# MOK (update-secureboot-policy), Debian's dkms its own (dkms 3's mok.key / mok.pub)
MOK_CERT = {"ubuntu": "/var/lib/shim-signed/mok/MOK.der", "debian": "/var/lib/dkms/mok.pub"}
# keep the admin's config files when a package ships a new one, instead of stopping to ask
DPKG_OPTS = ("-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold")


def check_packages(v: tuple[str, ...]) -> tuple[str, ...]:
    for name in v:
        if not _PACKAGE.match(name):
            raise ValueError(f"{name!r} is not a Debian package name (name, name:arch or name=version)")
    return v


def plain_file_name(v: str) -> str:
    """A download's name in the cache: no folders, nothing a shell could read."""
    if not _FILE.match(v):
        raise ValueError(f"{v!r} is not a plain file name")
    return v


def sha256_hex(v: str | None) -> str | None:
    """A checksum as 64 lowercase hexadecimal digits (None: none published)."""
    if v is not None and not _SHA256.match(v.lower()):
        raise ValueError("sha256 is 64 hexadecimal digits")
    return v.lower() if v else v


class Artifact(KindParams):
    """A file to download: its name in the cache, the URLs to try in order, and its checksum."""

    file: str
    urls: tuple[str, ...] = Field(min_length=1)
    sha256: str | None = None
    size: int | None = Field(default=None, gt=0)

    _file = field_validator("file")(classmethod(lambda cls, v: plain_file_name(v)))
    _sha = field_validator("sha256")(classmethod(lambda cls, v: sha256_hex(v)))

    @field_validator("urls")
    @classmethod
    def _urls(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return check(VType.URLS, v)  # type: ignore[no-any-return]

    def download(self, cache_dir: str) -> Download:
        return Download(urls=self.urls, dest=posixpath.join(cache_dir, self.file), sha256=self.sha256,
                        size=self.size)


# ---- the running kernel's headers, which DKMS builds the driver's module against
# NVIDIA Driver Installation Guide, "Pre-installation Actions" (docs.nvidia.com/datacenter/tesla/driver-
# installation-guide/pre-installation-actions.html): the driver needs "the kernel headers and development packages
# for the running version of the kernel"; left to itself a deb install takes "the latest version of these packages,
# which may or may not match the version of the kernel your system is using". Its Ubuntu and Debian sections
# install `linux-headers-$(uname -r)`, and so does this: the release comes from the hardware report.
# Ubuntu names a kernel X.Y.Z-ABI-FLAVOUR (6.8.0-65-generic, 5.15.0-1067-nvidia-tegra) and its headers
# linux-headers-<release>. linux-headers-generic is not added beside them: it is the GA kernel's (5.15 on 22.04),
# which an HWE kernel (6.5, 6.8) does not run, and later kernels already bring their headers through the kernel's
# own metapackage (linux-generic-hwe-22.04, "Complete Generic Linux kernel and headers", depends on
# linux-headers-generic-hwe-22.04: packages.ubuntu.com/jammy/linux-generic-hwe-22.04).
UBUNTU_KERNEL = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-[a-z0-9][a-z0-9-]*$")
# Debian names it VERSION[-ABI][+SUFFIX]-FLAVOUR (6.1.0-18-amd64, 6.1.0-47-cloud-amd64, 6.12.12+bpo-amd64,
# 6.18.12+deb14-amd64: packages.debian.org/linux-headers-amd64 in bookworm, bookworm-backports and forky) and its
# headers linux-headers-<release>. Its kernel metapackage depends on the image alone ("the latest Linux kernel and
# modules": packages.debian.org/bookworm/linux-image-amd64), so the flavour's headers metapackage is installed too
# (linux-headers-amd64, -cloud-amd64, -rt-amd64: "depends on the architecture-specific header files for the
# latest Linux kernel", packages.debian.org/bookworm/linux-headers-amd64): a kernel update then brings the
# headers DKMS rebuilds the module against.
DEBIAN_KERNEL = re.compile(r"^[0-9]+\.[0-9]+[0-9a-z.+~-]*?-(?P<flavour>(?:(?:cloud|rt)-)?(?:amd64|arm64)(?:-16k)?)$")


class KernelHeaders(KindParams):
    """The running kernel's headers, named the way `distro` names its kernels; `fallback` (the distribution's
    headers metapackage) where the report does not say which kernel runs, or it is not one of the distribution's."""

    distro: Literal["ubuntu", "debian"]
    fallback: str

    _fallback = field_validator("fallback")(classmethod(lambda cls, v: check_packages((v,))[0]))


def kernel_header_packages(spec: KernelHeaders, ctx: KindContext) -> tuple[list[str], str | None]:
    """The header packages for the kernel in the report, and the plan's note when they are a guess."""
    release = ctx.values.get("hw.kernel_release")
    if release and spec.distro == "ubuntu" and UBUNTU_KERNEL.match(release):
        return [f"linux-headers-{release}"], None
    found = DEBIAN_KERNEL.match(release or "") if spec.distro == "debian" else None
    if found:
        return [f"linux-headers-{release}", f"linux-headers-{found['flavour']}"], None
    distro = {"ubuntu": "Ubuntu", "debian": "Debian"}[spec.distro]
    kernel = ctx.values.get("hw.kernel")
    if not kernel:
        note = _("the hardware report does not say which kernel runs, so the driver step installs {package}, the "
                 "headers of {distro}'s standard kernel. DKMS builds the driver's module against the running "
                 "kernel's headers: if `uname -r` names another kernel, install linux-headers-$(uname -r) before "
                 "the reboot, or the module is missing after it", package=spec.fallback, distro=distro)
    else:
        note = _("the running kernel {kernel} is not one of {distro}'s kernel packages, so the driver step installs "
                 "{package}, the headers of {distro}'s standard kernel. DKMS builds the driver's module against the "
                 "running kernel's headers: install them from where that kernel came from before the reboot, or "
                 "the module is missing after it", kernel=kernel, package=spec.fallback, distro=distro)
    return [spec.fallback], note


class NvidiaDriver(KindParams):
    # Both usually come from templates (${driver.branch}); recipes are checked with sample values in
    # their place, so the values are only checked when the step is compiled.
    branch: str  # latest or a branch number (580)
    modules: str = "auto"  # auto | open | proprietary
    # apt: NVIDIA's repository packages; ubuntu-drivers: Ubuntu's packages through `ubuntu-drivers install`
    tool: Literal["apt", "ubuntu-drivers"] = "apt"


class AptParams(KindParams):
    packages: tuple[str, ...] = ()
    cuda_repo: bool = False  # add NVIDIA's CUDA repository (cuda-keyring) for this distro and arch
    cuda_toolkit: str | None = None  # X.Y or auto: cuda-toolkit-X-Y
    cudnn: str | None = None  # X.Y or auto: cudnn9-cuda-<major> (cuDNN 9 for that CUDA major)
    nvidia_driver: NvidiaDriver | None = None
    kernel_headers: KernelHeaders | None = None  # the running kernel's headers (KernelHeaders)
    remove: tuple[str, ...] = ()
    purge: bool = False  # remove with their config files
    keyring_deb: Artifact | None = None
    update: bool | None = None  # default: true when a repository is added
    hold: tuple[str, ...] = ()
    install_recommends: bool = True

    _packages = field_validator("packages", "remove", "hold")(classmethod(lambda cls, v: check_packages(v)))

    @model_validator(mode="after")
    def _something(self) -> AptParams:
        if not (self.packages or self.remove or self.keyring_deb or self.hold or self.cuda_repo
                or self.cuda_toolkit or self.cudnn or self.nvidia_driver or self.kernel_headers):
            raise ValueError("give `packages`, `remove`, `keyring_deb`, `cuda_repo`, `cuda_toolkit`, `cudnn`, "
                             "`nvidia_driver`, `kernel_headers` or `hold`")
        if self.cuda_repo and self.keyring_deb:
            raise ValueError("give `cuda_repo` or `keyring_deb`, not both")
        both = set(_names(self.packages)) & set(_names(self.remove))
        if both:
            raise ValueError(f"{sorted(both)[0]!r} is both installed and removed")
        return self


def _names(packages: tuple[str, ...]) -> list[str]:
    return [re.split(r"[:=]", p, maxsplit=1)[0] for p in packages]


class AptKind(Kind):
    name = "apt"
    Params = AptParams

    def compile(self, params: AptParams, ctx: KindContext) -> Compiled:
        commands: list[Command] = []
        downloads: list[Download] = []
        notes: list[str] = []
        keyring = params.keyring_deb or (cuda_keyring(ctx) if params.cuda_repo else None)
        if keyring is not None:
            cache = str(ctx.values.get("cache.dir") or "/var/cache/torch-setup")
            dl = keyring.download(posixpath.join(cache, "downloads"))
            downloads.append(dl)
            commands.append(Command(argv=("dpkg", "-i", dl.dest)))
            if keyring.sha256 is None and params.cuda_repo:
                # no answer chooses a CUDA mirror (mirror.cuda is no answer: installer.answers), and the apt
                # mirror moves the distribution's archive only, never the keyring's own sources file
                # (recipes/apt-mirror.yaml): the repository's packages come from NVIDIA too
                notes.append(_("{file} has no published checksum, and it holds the key apt trusts NVIDIA's "
                               "repository by: it is fetched over https from NVIDIA's own hosts only ({hosts}). "
                               "The repository it sets apt up for is NVIDIA's own as well, and apt checks its "
                               "packages against that key", file=keyring.file,
                               hosts=listed(dict.fromkeys(urlsplit(u).hostname or "" for u in keyring.urls))))
            elif keyring.sha256 is None:
                notes.append(_("{file} has no published checksum: it is fetched over https only", file=keyring.file))
        update = params.update if params.update is not None else keyring is not None
        if update:
            commands.append(Command(argv=("apt-get", "update", "-q")))
        packages = list(params.packages)
        if params.kernel_headers is not None:
            headers, headers_note = kernel_header_packages(params.kernel_headers, ctx)
            packages += headers
            if headers_note:
                notes.append(headers_note)
        if params.cuda_toolkit:
            from installer.plan.toolkit_checks import refuse_on_a_jetson, toolkit_notes

            refuse_on_a_jetson(ctx)
            minor = cuda_minor(params.cuda_toolkit, ctx)
            notes.extend(toolkit_notes(minor, ctx))
            packages.append("cuda-toolkit-" + minor.replace(".", "-"))
        if params.cudnn:
            packages.append(f"cudnn9-cuda-{cuda_minor(params.cudnn, ctx).split('.')[0]}")
        ubuntu_drivers: Command | None = None
        pins: list[str] = []
        after: list[Command] = []
        if params.nvidia_driver is not None and params.nvidia_driver.tool == "ubuntu-drivers":
            argv, why = ubuntu_drivers_argv(params.nvidia_driver, ctx)
            ubuntu_drivers = Command(argv=argv)
            notes.append(why)
            if needs_dkms_kernel(ctx.values.get("hw.kernel")):
                ubuntu_drivers = Command(argv=(ctx.tools.python, "-I", "-c", WITH_DKMS, *argv[2:]))
                notes.append(_("ubuntu-drivers is run with --include-dkms where it has that option: it has no "
                               "prebuilt module for the running kernel {kernel}, and without the option it installs "
                               "nothing for it", kernel=ctx.values.get("hw.kernel")))
            # Ubuntu's prebuilt modules (linux-modules-nvidia-*) exist for Ubuntu's own kernels only: on another
            # one ubuntu-drivers falls back to DKMS, which needs that kernel's headers (found in review: a
            # `6.1.85+` kernel had the note on NVIDIA's repository path and none here)
            kernel = ctx.values.get("hw.kernel")
            if kernel and not UBUNTU_KERNEL.match(ctx.values.get("hw.kernel_release") or ""):
                notes.append(_("the running kernel {kernel} is not one of Ubuntu's kernel packages, which Ubuntu's "
                               "prebuilt driver modules are made for: the driver's module is built with DKMS "
                               "against the running kernel's headers, so install them from where that kernel came "
                               "from before the reboot, or the module is missing after it", kernel=kernel))
            # with Secure Boot, a module DKMS built instead of Ubuntu's signed one needs its key enrolled
            # before this step's reboot, not by a step after it (found in use: a second reboot)
            mok = mok_enrolment_if_built(ctx)
            if mok is not None:
                after.append(mok[0])
                notes.append(mok[1])
        elif params.nvidia_driver is not None:
            driver_packages, why = driver_packages_for(params.nvidia_driver, ctx)
            # the pin first, in an apt-get of its own: apt reads /etc/apt/preferences.d when it starts
            pins = [p for p in driver_packages if p.startswith("nvidia-driver-pinning-")]
            packages += [p for p in driver_packages if p not in pins]
            notes.append(why)
            mok = mok_enrolment(ctx)
            if mok is not None:
                after.append(mok[0])
                notes.append(mok[1])
        driver_branch = None
        if params.nvidia_driver is not None:
            driver_branch = branch_the_step_installs(params.nvidia_driver, ctx) or "latest"
            ended = asked_branch_support_note(params.nvidia_driver, ctx)
            if ended:
                notes.append(ended)
            fabric = fabric_manager_note(ctx)
            if fabric:
                notes.append(fabric)
        extra = () if params.install_recommends else ("--no-install-recommends",)
        for group in (pins, packages):
            if group:
                commands.append(Command(argv=("apt-get", "install", "-y", "-q", *DPKG_OPTS, *extra,
                                              *check_packages(tuple(group)))))
        if ubuntu_drivers is not None:
            commands.append(ubuntu_drivers)
        commands += after
        if params.remove:
            commands.append(Command(argv=("apt-get", "purge" if params.purge else "remove", "-y", "-q",
                                          *params.remove)))
        if params.hold:
            commands.append(Command(argv=("apt-mark", "hold", *params.hold)))
        guard = _guard(params, tuple(packages), ctx.tools.python) if not (
            params.cuda_repo or params.nvidia_driver or params.cuda_toolkit or params.cudnn) else None
        return Compiled(commands=tuple(commands), downloads=tuple(downloads), env=APT_ENV,
                        guard=guard, notes=tuple(notes), driver_branch=driver_branch)

    def simulate(self, step: Step) -> tuple[Command, ...]:
        return simulate(step)


def catalog_bases(kind: str, *, repo: str | None, region: str) -> list[str]:
    """Base URLs from the mirror catalog (data, no network): the region asked for first, upstream kept."""
    from installer.mirrors.catalog import load_catalog

    mirrors = [m for m in load_catalog().of_kind(kind) if m.enabled and (repo is None or m.repo == repo)]
    if region == "cn":
        mirrors.sort(key=lambda m: m.region != "cn")
    elif region == "global":
        mirrors.sort(key=lambda m: m.region != "global")
    return [m.url for m in mirrors]


def cuda_minor(version: str, ctx: KindContext) -> str:
    """X.Y of the toolkit asked for: `auto` is the CUDA of the chosen PyTorch build."""
    if version == "auto":
        cuda = ctx.values.get("torch.cuda")
        if not cuda:
            message = _("cuda_toolkit.version is auto, and the chosen PyTorch build ({variant}) has no CUDA",
                        variant=ctx.values.get("torch.variant") or "?")
            hint = _("give cuda_toolkit.version, e.g. 12.6")
            if ctx.answers.torch.variant == "auto" and not ctx.values.get("hw.nvidia_gpu_count"):
                # the build is cpu because no NVIDIA GPU is seen: that, not the version, is what to fix
                message = (_("{message}: torch.variant auto chose it because the recorded machine shows no NVIDIA "
                             "GPU", message=message) if ctx.recorded else
                           _("{message}: torch.variant auto chose it because this machine shows no NVIDIA GPU",
                             message=message))
                hint = (_("start the container with the GPU passed in (`docker run --gpus all`), or give "
                          "cuda_toolkit.version (e.g. 12.6) to install a toolkit anyway")
                        if ctx.values.get("hw.container") else
                        _("`torch-setup detect` shows what was found (a GPU that is not seated, or not passed "
                          "through to a virtual machine, is not seen); or give cuda_toolkit.version (e.g. 12.6) "
                          "to install a toolkit anyway, or set cuda_toolkit.install: false"))
            raise InputError(message, key="cuda_toolkit.version", hint=hint)
        version = str(cuda)
    try:
        v = Version(version)
    except InvalidVersion:
        raise InputError(_("{v!r} is not a CUDA version", v=version), key="cuda_toolkit.version") from None
    return f"{v.major}.{v.minor}"


def nvidia_apt_serves(osinfo: OSInfo) -> bool:
    """Whether NVIDIA's CUDA apt repository has a <distro><version> folder for this system (the
    CUDA Installation Guide's Ubuntu and Debian sections)."""
    return osinfo.id in ("ubuntu", "debian") and bool(osinfo.version_id)


def nvidia_repo_path(ctx: KindContext) -> str:
    """<distro>/<arch> of NVIDIA's CUDA repository for this machine, e.g. ubuntu2204/x86_64."""
    osinfo = ctx.report.os
    if not nvidia_apt_serves(osinfo):
        # the toolkit's apt source is the user's answer (the driver recipe never gets here on other
        # systems: plan.driver_request refuses first), so the error points at that answer, not this recipe
        toolkit = bool(ctx.values.get("cuda_toolkit.install")) and ctx.values.get("cuda_toolkit.source") == "apt"
        os_name = system_name(osinfo.pretty_name, osinfo.id, osinfo.version_id, osinfo.system) or "?"
        raise InputError(_("NVIDIA's apt repository is for Ubuntu and Debian; the recorded machine is {os}", os=os_name)
                         if ctx.recorded else
                         _("NVIDIA's apt repository is for Ubuntu and Debian; this machine is {os}", os=os_name),
                         key="cuda_toolkit.source" if toolkit else None,
                         hint=_("use the runfile (cuda_toolkit.source: runfile)"))
    distro_id, version = osinfo.id or "", osinfo.version_id or ""  # both there: nvidia_apt_serves
    distro = "wsl-ubuntu" if osinfo.wsl and distro_id == "ubuntu" else distro_id + version.split(".")[0] + (
        version.split(".")[1] if distro_id == "ubuntu" and "." in version else "")
    arch = {"x86_64": "x86_64", "aarch64": "sbsa", "arm64": "sbsa"}.get(osinfo.arch or "x86_64")
    if arch is None:
        raise InputError(_("NVIDIA's apt repository has no packages for {arch}", arch=osinfo.arch))
    return f"{distro}/{arch}"


def cuda_keyring(ctx: KindContext) -> Artifact:
    """NVIDIA's cuda-keyring package for this distro, from NVIDIA's own hosts only (the region's first).

    The package puts NVIDIA's signing key where apt trusts it for the repository: it is the trust anchor,
    and it has no published checksum, so a third-party mirror (Aliyun's nvidia-cuda) must not serve it.
    The repository it adds is NVIDIA's too: no answer chooses a CUDA mirror.
    """
    from installer.mirrors.region import download_region

    path = nvidia_repo_path(ctx)
    bases = [b for b in catalog_bases("cuda", repo="apt", region=download_region(ctx.answers))
             if urlsplit(b).hostname in NVIDIA_HOSTS] or [NVIDIA_CUDA_REPOS]
    return Artifact(file=KEYRING, urls=tuple(f"{b}/{path}/{KEYRING}" for b in bases))


def _branch_number(text: str) -> int | None:
    m = re.match(r"([0-9]{3})(\.|$)", text)
    return int(m.group(1)) if m else None


def known_branches() -> tuple[int, ...]:
    """Every driver branch the data names: the branch table and the branch of each toolkit's driver."""
    from installer.compat.data import load

    drivers = load().drivers
    numbers = {_branch_number(b.branch) for b in drivers.branches}
    numbers |= {_branch_number(t.linux) for t in drivers.toolkits if t.linux}
    return tuple(sorted(n for n in numbers if n is not None))


@dataclass(frozen=True)
class DriverChoice:
    """What the driver step installs: a branch number ("latest": the newest) and the kernel modules."""

    branch: str
    modules: str  # open | proprietary


def _gpu_text(gpu: NvidiaGpu) -> str:
    return _("{gpu} ({arch}, compute capability {cc})", gpu=gpu.name, arch=gpu.arch or "?", cc=gpu.cc_text)


def _usable(branch: int, gpus: tuple[NvidiaGpu, ...]) -> bool:
    return branch > LAST_ENDED_BRANCH and all(supports(str(branch), g) for g in gpus)


def _working_branch(gpus: tuple[NvidiaGpu, ...]) -> str | None:
    """The branch to suggest instead: the newest recommended one that drives every GPU (None: there is none)."""
    from installer.compat.data import load

    ok = [int(b.branch) for b in load().drivers.branches if b.recommended and _usable(int(b.branch), gpus)]
    return str(max(ok)) if ok else None


def _keep_driver_hint(ctx: KindContext, last: int) -> str:
    """What to do when no driver still offered drives the GPU: keep (or install by hand) its last branch."""
    drv = ctx.report.nvidia_driver
    have = _branch_number(drv.version) if drv and drv.version else None
    if have is not None and have <= last:
        return _("keep the {version} driver that is installed: set driver.install: false (`torch-setup "
                 "recommend` shows the PyTorch builds that run on it)", version=drv.version if drv else "")
    return _("{todo}, then set driver.install: false", todo=legacy_driver_todo(ctx.report.os, str(last)))


def driver_choice(driver: NvidiaDriver, ctx: KindContext) -> DriverChoice:
    """The branch and kernel modules for this machine's GPUs (drivers.yaml: the last branch of a legacy
    architecture, the first of a new one), or an InputError naming the answer to change: the chosen build's
    own when it cannot use the GPU whatever the driver (blocked_by_gpu), which no driver answer would mend."""
    try:
        return _driver_choice(driver, ctx)
    except InputError as exc:
        if exc.key in ("driver.branch", "driver.install"):
            blocked_by_gpu(ctx)
        raise


def _driver_choice(driver: NvidiaDriver, ctx: KindContext) -> DriverChoice:
    asked = driver.branch if driver.branch == "latest" else driver.branch.split(".")[0]
    if asked != "latest" and not re.fullmatch(r"[0-9]{3}", asked):
        raise InputError(_("{v!r} is not a driver branch (latest, or a number like 580)", v=driver.branch),
                         key="driver.branch")
    if driver.modules not in ("auto", "open", "proprietary"):
        raise InputError(_("{v!r} is not auto, open or proprietary", v=driver.modules), key="driver.kernel_modules")
    from installer.compat.data import load

    gpus = tuple(g for g in read_machine(ctx.report, load()).nvidia if g.cc is not None)
    legacy = [g for g in gpus if g.last_branch is not None]
    oldest = min(legacy, key=lambda g: int(g.last_branch or 0)) if legacy else None
    newest = max((g for g in gpus if g.min_branch is not None), key=lambda g: int(g.min_branch or 0), default=None)
    last = int(oldest.last_branch or 0) if oldest else None
    first = int(newest.min_branch or 0) if newest else None
    proprietary_only = [g for g in gpus if g.cc is not None and g.cc < TURING]
    open_only = [g for g in gpus if g.cc is not None and g.cc >= BLACKWELL]
    whole = "driver.install" if asked == "latest" else "driver.branch"
    manual = _("the GPUs of a machine share one driver: install the driver by hand, or take a GPU out, "
               "and set driver.install: false")
    if oldest and newest and last is not None and first is not None and first > last:
        raise InputError(_("no driver branch drives both {old} (the last branch is {last}) and {new} (the first "
                           "is {first})", old=_gpu_text(oldest), last=last, new=_gpu_text(newest), first=first),
                         key=whole, hint=manual)
    if proprietary_only and open_only:
        raise InputError(_("{old} needs the proprietary kernel modules and {new} the open ones; one driver "
                           "cannot load both", old=_gpu_text(proprietary_only[0]), new=_gpu_text(open_only[0])),
                         key=whole, hint=manual)
    better = _working_branch(gpus)
    if better:
        use = _("use branch: {branch}", branch=better)
    elif oldest and last is not None and last <= LAST_ENDED_BRANCH:
        use = _keep_driver_hint(ctx, last)
    else:
        use = manual
    if asked != "latest":
        number = int(asked)
        if number in OLD_BRANCHES:
            raise InputError(_("driver {branch} is older than any branch torch-setup installs: NVIDIA no longer "
                               "supports it (nor R{last}, the last branch for Kepler GPUs)", branch=asked,
                               last=LAST_ENDED_BRANCH), key="driver.branch", hint=use)
        if number not in known_branches():
            raise InputError(_("{branch} is not an NVIDIA driver branch torch-setup knows (installer/compat/data/"
                               "drivers.yaml)", branch=asked), key="driver.branch", hint=use)
        if oldest and last is not None and number > last:
            raise InputError(_("driver {branch} does not support {gpu}: {last} is the last branch for {arch}",
                               branch=asked, gpu=_gpu_text(oldest), last=last, arch=oldest.arch),
                             key="driver.branch", hint=use)
        if newest and first is not None and number < first:
            raise InputError(_("driver {branch} does not support {gpu}: {arch} needs branch {first} or newer",
                               branch=asked, gpu=_gpu_text(newest), arch=newest.arch, first=first),
                             key="driver.branch", hint=use)
        too_old = _branch_too_old_for_build(number, ctx, last)
        if too_old is not None:
            raise InputError(too_old[0], key="driver.branch", hint=too_old[1])
        if number <= LAST_ENDED_BRANCH:
            # the distributions' R470 packages are not safe to install by name (driver_request.LAST_ENDED_BRANCH)
            raise InputError(_("torch-setup does not install driver {branch}: NVIDIA no longer supports it, and "
                               "a distribution's package of that name may install a newer branch",
                               branch=asked), key="driver.branch", hint=use)
    elif oldest and last is not None:
        if last <= LAST_ENDED_BRANCH:
            raise InputError(_("{gpu} runs on driver branch {last} at the newest, which torch-setup does not "
                               "install, as NVIDIA ended its support; every newer driver ignores this GPU",
                               gpu=_gpu_text(oldest), last=last),
                             key="driver.install", hint=use)
        asked = str(last)  # the last branch of the oldest generation in the machine
    modules = driver.modules
    if modules == "auto":
        modules = "proprietary" if proprietary_only or (asked != "latest" and int(asked) < OPEN_MODULES_FROM) \
            else "open"
    if modules == "open" and proprietary_only:
        raise InputError(_("open kernel modules need Turing (compute capability 7.5) or newer; {gpu} is older",
                           gpu=_gpu_text(proprietary_only[0])),
                         key="driver.kernel_modules", hint=_("use kernel_modules: proprietary (or auto)"))
    if modules == "open" and asked != "latest" and int(asked) < OPEN_MODULES_FROM:
        raise InputError(_("driver {branch} has no open kernel modules: they exist from the {first} branch on",
                           branch=asked, first=OPEN_MODULES_FROM), key="driver.kernel_modules",
                         hint=_("use kernel_modules: proprietary (or auto), or a branch from {first} on, e.g. "
                                "{branch}", first=OPEN_MODULES_FROM, branch=better or "latest"))
    if modules == "proprietary" and open_only:
        raise InputError(_("{gpu} needs the open kernel modules", gpu=_gpu_text(open_only[0])),
                         key="driver.kernel_modules", hint=_("use kernel_modules: open (or auto)"))
    return DriverChoice(branch=asked, modules=modules)


def blocked_by_gpu(ctx: KindContext) -> None:
    """InputError (torch.variant) when the chosen build cannot use the GPU whatever the driver (no kernels
    for its compute capability): that comes before any question of the driver's branch. Found in use: on a
    K80 with cu126, the branch was refused twice ("use branch 525", then "525 does not support Tesla K80")
    before the build's sm_37 was named."""
    pins = ctx.pins
    why = getattr(pins, "blocked", None)
    if not why or getattr(pins, "blocked_by_driver", False):
        return
    torch, variant = getattr(pins, "torch", "?"), getattr(pins, "variant", "?")
    if ctx.recorded:
        raise InputError(_("torch {torch} ({variant}) cannot use the recorded machine's GPU as it is: {why}",
                           torch=torch, variant=variant, why=why), key="torch.variant",
                         hint=_("pick a build that runs on the recorded machine (torch.variant: auto; {recommend} "
                                "lists them and says why the others do not)",
                                recommend=recommend_command(True, ctx.hardware)))
    raise InputError(_("torch {torch} ({variant}) cannot use this machine's GPU as it is: {why}",
                       torch=torch, variant=variant, why=why), key="torch.variant",
                     hint=_("pick a build that runs here (torch.variant: auto; `torch-setup recommend` lists "
                            "them and says why the others do not)"))


def _branch_too_old_for_build(branch: int, ctx: KindContext, last: int | None = None) -> tuple[str, str] | None:
    """(message, hint) when driver `branch` cannot run the chosen build's CUDA: the build then sees no GPU
    after the reboot (found in review: branch 570 with a cu130 build was planned, a downgrade from 580 on
    most machines, while the plan's own notes said CUDA 13 needs 580.65.06)."""
    cuda = ctx.values.get("torch.cuda")
    if not cuda:
        return None
    from installer.compat.data import load
    from installer.compat.rules import driver_need

    need = driver_need(str(cuda), False, load(), windows=False)
    if need.version is None or branch >= int(need.version.split(".")[0]):
        return None
    minor = ".".join(str(cuda).split(".")[:2])
    if last is not None and last < int(need.version.split(".")[0]):
        # no branch the GPUs run is new enough: the build, not the branch, is what to change
        return (_("driver {branch} cannot run the chosen build's CUDA {cuda}: it needs driver {need} or newer",
                  branch=str(branch), cuda=minor, need=need.version),
                _("no driver for these GPUs runs CUDA {cuda} (R{last} is their last branch): pick a build for an "
                  "older CUDA (torch.variant: auto; {recommend} lists them)", cuda=minor, last=last,
                  recommend=recommend_command(ctx.recorded, ctx.hardware)))
    # the branch to name is one NVIDIA still supports on the plan's day: "525 or newer" named a branch past its
    # support end (found by a re-check); the oldest such recommended branch, as support_end.supported_successor
    from installer.compat.rules import past_support, support_day

    floor, day = int(need.version.split(".")[0]), support_day(ctx.today, load())
    first = next((b.branch for b in sorted(load().drivers.branches, key=lambda b: int(b.branch))
                  if int(b.branch) >= floor and b.recommended and b.eol is not None and not past_support(b, day)),
                 str(floor))
    return (_("driver {branch} cannot run the chosen build's CUDA {cuda}: it needs driver {need} or newer",
              branch=str(branch), cuda=minor, need=need.version),
            _("use branch: {first} (or latest), or a build for an older CUDA (torch.variant)", first=first))


def modules_word(modules: str) -> str:
    """"open" or "proprietary" (the answers' driver.modules) as the plan's notes say it in the reader's language
    (found by a native reader: "open 内核模块")."""
    return {"open": _("open"), "proprietary": _("proprietary")}.get(modules, modules)


def driver_packages_for(driver: NvidiaDriver, ctx: KindContext) -> tuple[list[str], str]:
    """The packages of NVIDIA's repository for this driver choice, and why (for the plan's notes)."""
    choice = driver_choice(driver, ctx)
    branch, modules = choice.branch, choice.modules
    base = "nvidia-open" if modules == "open" else "cuda-drivers"
    picked = branch_choice_the_build_needs(ctx) if branch == "latest" else None
    needed = picked.branch if picked else None
    if branch == "latest" and needed is None:
        return [base], _("NVIDIA driver: {pkg} (newest branch, {modules} kernel modules)", pkg=base, modules=modules_word(modules))
    # `latest` is the branch the chosen build needs, as on the ubuntu-drivers path and in the plan's notes
    # ("after installing driver branch R580"): the unpinned package would install whatever branch is newest on
    # the day, which the plan never checked (found by a tester: notes said R580, apt installed R590)
    branch = needed or branch
    # 590 on: no branch in the name, the pinning package picks it (module docstring)
    packages = [base if int(branch) >= UNSUFFIXED_FROM else f"{base}-{branch}"]
    if int(branch) >= PINNING_FROM:
        packages.insert(0, f"nvidia-driver-pinning-{branch}")
    if picked:
        cuda = ".".join(str(ctx.values.get("torch.cuda")).split(".")[:2])
        if picked.skipped:
            return packages, _("NVIDIA driver: branch {branch}, the first that runs the chosen build's CUDA {cuda} "
                               "and that NVIDIA still supports (older ones, {older}, are past their support end), "
                               "{modules} kernel modules ({pkgs})", branch=branch, cuda=cuda,
                               older=listed(f"R{b}" for b in picked.skipped), modules=modules_word(modules),
                               pkgs=listed(packages))
        return packages, _support_ended(picked, _(
            "NVIDIA driver: branch {branch}, the first that runs the chosen build's CUDA {cuda}, {modules} kernel "
            "modules ({pkgs})", branch=branch, cuda=cuda, modules=modules_word(modules), pkgs=listed(packages)))
    note = _("NVIDIA driver: branch {branch}, {modules} kernel modules ({pkgs})", branch=branch,
             modules=modules_word(modules), pkgs=listed(packages))
    if driver.branch == "latest":  # a legacy GPU's last branch (Pascal: R580), chosen for it, may be past support
        return packages, _support_ended(_legacy_branch_choice(branch, ctx), note)
    return packages, note


def _legacy_branch_choice(branch: str, ctx: KindContext) -> BranchChoice:
    """The last branch of a legacy GPU, with its support end where the plan's day is past it."""
    from installer.compat.data import load
    from installer.compat.rules import past_support, support_day

    data = load()
    row = next((b for b in data.drivers.branches if b.branch == branch), None)
    ended = row.eol if row is not None and past_support(row, support_day(ctx.today, data)) else None
    return BranchChoice(branch, ended=ended)


def branch_the_step_installs(driver: NvidiaDriver, ctx: KindContext) -> str | None:
    """The branch number the driver step installs, as driver_packages_for and ubuntu_drivers_argv pin it
    (None: left to the repository or to Ubuntu, for a build with no CUDA): what the plan's notes may name."""
    branch = driver_choice(driver, ctx).branch
    return branch_the_build_needs(ctx) if branch == "latest" else branch


def branch_the_build_needs(ctx: KindContext) -> str | None:
    """The oldest recommended branch that runs the chosen build's CUDA and every GPU and that NVIDIA still
    supports on the plan's day (drivers.yaml), or None for a build with no CUDA: what `branch: latest` means
    ("the one the chosen CUDA build needs")."""
    picked = branch_choice_the_build_needs(ctx)
    return picked.branch if picked else None


def branch_choice_the_build_needs(ctx: KindContext) -> BranchChoice | None:
    """branch_the_build_needs, with the branches passed over as past NVIDIA's support (for the notes)."""
    cuda = ctx.values.get("torch.cuda")
    if not cuda:
        return None
    from installer.compat.data import load
    from installer.compat.rules import choose_branch, driver_need

    data = load()
    gpus = tuple(g for g in read_machine(ctx.report, data).nvidia if g.cc is not None)
    return choose_branch(driver_need(str(cuda), False, data, windows=False), gpus, data, windows=False,
                         today=ctx.today)


def asked_branch_support_note(driver: NvidiaDriver, ctx: KindContext) -> str | None:
    """For a branch the answers name (driver.branch: "535") that is past NVIDIA's support on the plan's day:
    that it is, and the supported branch to use instead. Installed all the same, as asked: the choice is the
    user's (found by a tester: R535 planned without a word, months after its support end)."""
    if driver.branch == "latest":
        return None  # chosen by torch-setup, among supported branches first (_support_ended says the rest)
    from installer.compat.data import load
    from installer.compat.support_end import asked_branch_note, ended_branch, supported_successor

    data = load()
    asked = driver.branch.split(".")[0]
    ended = ended_branch(asked, data, ctx.today)
    if ended is None:
        return None
    from installer.plan.driver_request import installed_driver_fits

    latest = branch_choice_the_build_needs(ctx)
    cuda = ctx.values.get("torch.cuda")
    if (latest is not None and latest.ended is None
            and not installed_driver_fits(ctx.report, str(cuda) if cuda else None, "latest")):
        # what `latest` installs is supported: naming that answer keeps the plan's build and GPUs right (where
        # the loaded driver runs the build, `latest` keeps it instead, so the branch is named by number)
        row = next(b for b in data.drivers.branches if b.branch == latest.branch)
        return asked_branch_note(ended, row, via_latest=True)
    gpus = tuple(g for g in read_machine(ctx.report, data).nvidia if g.cc is not None)
    return asked_branch_note(ended, supported_successor(asked, gpus, data, ctx.today), via_latest=False)


def _support_ended(picked: BranchChoice, note: str) -> str:
    """A branch past NVIDIA's support is chosen only where no supported one runs the GPU (Kepler on R470)."""
    if picked.ended is None:
        return note
    return _("{note}; NVIDIA has not supported R{branch} since {month}, but no branch it still supports runs this "
             "GPU: that driver gets no more security fixes", note=note, branch=picked.branch,
             month=month_text(picked.ended))


def ubuntu_drivers_argv(driver: NvidiaDriver, ctx: KindContext) -> tuple[tuple[str, ...], str]:
    """`ubuntu-drivers install` for this driver choice (Ubuntu's packages), and why."""
    choice = driver_choice(driver, ctx)
    branch = choice.branch
    if branch == "latest":
        picked = branch_choice_the_build_needs(ctx)
        branch = picked.branch if picked else "latest"
        if picked is None:
            return ("ubuntu-drivers", "install"), _("NVIDIA driver: the one Ubuntu recommends for this GPU "
                                                    "(ubuntu-drivers)")
        # what Ubuntu recommends may be older than the build this plan installs needs (found in review:
        # a cu132 build, which needs R580, beside a plain `ubuntu-drivers install`)
        spec = f"nvidia:{branch}" + ("-open" if choice.modules == "open" else "")
        cuda = ".".join(str(ctx.values.get("torch.cuda")).split(".")[:2])
        if picked.skipped:
            return ("ubuntu-drivers", "install", spec), _(
                "NVIDIA driver: branch {branch}, the first that runs the chosen build's CUDA {cuda} and that NVIDIA "
                "still supports (older ones, {older}, are past their support end), {modules} kernel modules "
                "(ubuntu-drivers install {spec})", branch=branch, cuda=cuda,
                older=listed(f"R{b}" for b in picked.skipped), modules=modules_word(choice.modules), spec=spec)
        return ("ubuntu-drivers", "install", spec), _support_ended(picked, _(
            "NVIDIA driver: branch {branch}, the first that runs the chosen build's CUDA {cuda}, {modules} kernel "
            "modules (ubuntu-drivers install {spec})", branch=branch, cuda=cuda, modules=modules_word(choice.modules), spec=spec))
    spec = f"nvidia:{branch}" + ("-open" if choice.modules == "open" else "")
    return ("ubuntu-drivers", "install", spec), _(
        "NVIDIA driver: branch {branch}, {modules} kernel modules (ubuntu-drivers install {spec})",
        branch=choice.branch, modules=modules_word(choice.modules), spec=spec)


# A kernel whose release is not Ubuntu's VERSION-ABI form gets no prebuilt module, and ubuntu-drivers from early
# 2025 on refuses it unless given --include-dkms (canonical/ubuntu-drivers-common PR #113, LP: #2090924;
# UbuntuDrivers/kerneldetection.py, is_running_kernel_outdated: `re.match(r'\d+\.\d+\.\d+-\d+', running)`
# fails -> "requires DKMS", and get_kernel_update_warning tells to "re-run ubuntu-drivers with --include-dkms");
# its `install` then returns without installing, and exits 0 (the click command drops command_install's return).
# Older ubuntu-drivers has no such option (click stops on an unknown one) and falls back to nvidia-dkms-B by itself
# (UbuntuDrivers/detect.py, get_linux_modules_metapackage). Which of the two a release ships is not established
# here, so the option is passed where `ubuntu-drivers install --help` lists it. argv[1:]: the driver spec.
UBUNTU_ABI_KERNEL = re.compile(r"\d+\.\d+\.\d+-\d+")
WITH_DKMS = """import os, subprocess, sys
helped = subprocess.run(["ubuntu-drivers", "install", "--help"], capture_output=True, text=True)
extra = ["--include-dkms"] if "--include-dkms" in helped.stdout else []
argv = ["ubuntu-drivers", "install", *extra, *sys.argv[1:]]
print("$ " + " ".join(argv), flush=True)
os.execvp(argv[0], argv)
"""


def needs_dkms_kernel(kernel: object) -> bool:
    """Whether ubuntu-drivers takes the running kernel for one that needs DKMS (no prebuilt module can exist)."""
    return isinstance(kernel, str) and bool(kernel) and UBUNTU_ABI_KERNEL.match(kernel) is None


def mok_enrolment(ctx: KindContext) -> tuple[Command, str] | None:
    """With Secure Boot on, the command that asks the firmware to trust DKMS's signing key, run right
    after the driver's install and so before the step's reboot, and the plan's note on it (None: Secure
    Boot is off or unknown).

    The key exists once DKMS has built (and signed) the module, which the install just did. At a terminal
    (the printed script) `mokutil --import` asks for a one-time password, typed again in the blue MOK
    Manager at the reboot; `torch-setup install` gives steps no terminal, so there it cannot ask, and the
    fallback (mok_pending) passes only where the key is enrolled or its enrolment already requested: else the
    step fails, saying what to run, and `install` resumes from it (never journalled done with no key).
    """
    if not ctx.report.secure_boot or ctx.report.os.wsl:
        return None
    cert = MOK_CERT.get(ctx.report.os.id or "", MOK_CERT["debian"])
    command = Command(argv=("mokutil", "--import", cert), fallback=mok_pending(ctx, cert, ""))
    return command, _("Secure Boot is on: DKMS signs the driver's module with a local key, which the firmware "
                      "must trust before the module can load. Before the reboot that ends the driver step, "
                      "`sudo mokutil --import {cert}` asks for a one-time password (the printed script runs it at "
                      "that point; `torch-setup install` cannot ask, so run it yourself then); at the reboot pick "
                      "\"Enroll MOK\" in the blue MOK Manager screen and type the password. Without it the module "
                      "is refused and nvidia-smi finds no driver", cert=cert)


# `ubuntu-drivers install` installs Canonical's prebuilt modules, linux-modules-nvidia-B-<flavour>, signed for
# Secure Boot, and falls back to nvidia-dkms-B only where none is published for the running kernel
# (canonical/ubuntu-drivers-common, UbuntuDrivers/detect.py, get_linux_modules_metapackage: "If no
# linux-modules-nvidia package is available for the current kernel we should install the relevant DKMS
# package"; newer ubuntu-drivers takes that way only with --include-dkms: WITH_DKMS above, and Ubuntu Server's
# guide, documentation.ubuntu.com/server/how-to/graphics/install-nvidia-drivers: "by default, only install the
# pre-built, signed drivers"). Only that fallback registers the module in DKMS's tree (/var/lib/dkms/<module>:
# dkms(8)) and signs it with the machine's own key, so the import runs only then: on the usual, prebuilt path nothing is
# asked. argv[1] is the certificate, argv[2] the DKMS tree of the nvidia module.
MOK_IF_BUILT = """import os, sys
if not os.path.isdir(sys.argv[2]):
    print("no DKMS build of the nvidia module: Ubuntu's prebuilt, signed modules need no key enrolled")
    sys.exit(0)
os.execvp("mokutil", ["mokutil", "--import", sys.argv[1]])
"""
NVIDIA_DKMS_TREE = "/var/lib/dkms/nvidia"


# The check that stands in for `mokutil --import` where no terminal can give it a password (`torch-setup
# install`): the step may count as done only where the firmware will trust the key at the next boot, so the
# key must be enrolled already or its enrolment requested (by the person, or an earlier run). `mokutil
# --test-key KEY` ("Test if the key is enrolled or not": lcp/mokutil, man/mokutil.1) prints "KEY is already
# enrolled", "KEY is already in the enrollment request" or "KEY is not enrolled" (lcp/mokutil src/mokutil.c,
# test_key; the same texts GNOME Software's akmods helper matches). Its exit code is read both ways by the
# tools that use it, so only the text is trusted, in the C locale. Not chosen: `mokutil --root-pw` (the
# password is root's, from /etc/shadow: locked on Ubuntu, so there is none to type in the MOK Manager) and
# `--hash-file` (torch-setup would pick the password and have to show it): the person types their own.
# argv: the certificate, the DKMS tree whose absence means nothing was built ("" : always built), and the
# message, in the reader's language, that says what to run.
MOK_PENDING = """import os, subprocess, sys
cert, tree, todo = sys.argv[1:4]
if tree and not os.path.isdir(tree):
    print("no DKMS build of the nvidia module: Ubuntu's prebuilt, signed modules need no key enrolled")
    sys.exit(0)
try:
    out = subprocess.run(["mokutil", "--test-key", cert], capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C")).stdout
except OSError:
    out = ""
if "is already enrolled" in out or "is already in the enrollment request" in out:
    print(out.strip())
    sys.exit(0)
print(todo, file=sys.stderr)
sys.exit(1)
"""


def mok_pending(ctx: KindContext, cert: str, tree: str) -> Command:
    """The fallback of the key's import: passes where the key is enrolled or its enrolment requested, fails
    the step (so `install` resumes from it) with what to run where it is not."""
    todo = _("Secure Boot is on, and the key DKMS signed the driver's module with ({cert}) is not enrolled, "
             "nor is its enrolment requested: torch-setup cannot type its one-time password for you. Run `sudo "
             "mokutil --import {cert}`, choose the password, then run `torch-setup install` again: it goes on "
             "from this step to the reboot, where you pick \"Enroll MOK\" in the blue MOK Manager screen and "
             "type the password", cert=cert)
    return Command(argv=(ctx.tools.python, "-I", "-c", MOK_PENDING, cert, tree, todo))


def mok_enrolment_if_built(ctx: KindContext) -> tuple[Command, str] | None:
    """With Secure Boot on, on Ubuntu's packages (ubuntu-drivers): the command, run right after the install and
    so before the step's reboot, that asks the firmware to trust DKMS's key when DKMS built the module, and the
    plan's note (None: Secure Boot is off or unknown). As in mok_enrolment, a run with no terminal
    (`torch-setup install`) cannot give mokutil its password: the fallback (mok_pending) passes where nothing
    was built or the key is enrolled or requested, and otherwise fails the step with what to run."""
    if not ctx.report.secure_boot or ctx.report.os.wsl:
        return None
    cert = MOK_CERT["ubuntu"]
    command = Command(argv=(ctx.tools.python, "-I", "-c", MOK_IF_BUILT, cert, NVIDIA_DKMS_TREE),
                      fallback=mok_pending(ctx, cert, NVIDIA_DKMS_TREE))
    return command, _("Secure Boot is on. Ubuntu's prebuilt driver modules are signed and load as they are; where "
                      "this kernel has none, ubuntu-drivers builds the module with DKMS instead and signs it with a "
                      "local key, which the firmware must trust before the module can load. So, right after the "
                      "driver's install and before its reboot: if `sudo dkms status` lists nvidia, `sudo mokutil "
                      "--import {cert}` asks for a one-time password (the printed script checks and runs it at "
                      "that point; `torch-setup install` cannot ask, so run it yourself then); at the reboot pick "
                      "\"Enroll MOK\" in the blue MOK Manager screen and type the password. One reboot is then "
                      "enough", cert=cert)


def fabric_manager_note(ctx: KindContext) -> str | None:
    """The plan's note for an NVSwitch system whose driver the plan installs or changes (None: not one)."""
    from installer.hardware.advice import fabric_manager_advice

    return fabric_manager_advice([g.model_dump() for g in ctx.report.gpus], plan=True)


# Exits 0 when every package named is fully installed ("ii"). `dpkg -s` alone is not enough: it
# succeeds for a package removed with its config files left ("rc"), which is not installed.
INSTALLED_CHECK = (
    "import subprocess, sys\n"
    "for name in sys.argv[1:]:\n"
    "    r = subprocess.run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}', name],\n"
    "                       capture_output=True, text=True)\n"
    "    if r.returncode != 0 or not r.stdout.startswith('ii'):\n"
    "        sys.exit(1)\n"
)


def _guard(params: AptParams, packages: tuple[str, ...], python: str) -> Guard | None:
    """Done when every package to install (those named and those worked out, the kernel's headers) is
    installed and nothing else was asked (a repository, a removal, a hold or a version pin: apt decides,
    it is idempotent)."""
    if params.remove or params.keyring_deb or params.hold or not packages:
        return None
    if any("=" in p for p in packages):
        return None
    return Guard(unless=(python, "-I", "-c", INSTALLED_CHECK, *packages))


def simulate(step: Step) -> tuple[Command, ...]:
    """What a dry run runs instead of the step: apt-get's own simulation (-s), no root, no changes.

    Adding the repository cannot be simulated (it needs the keyring package installed), so packages
    from a repository added by this step may not resolve in a dry run; the output says which.
    """
    out: list[Command] = []
    for cmd in step.commands:
        argv = cmd.argv
        if len(argv) >= 2 and argv[0] == "apt-get" and argv[1] in ("install", "remove", "purge"):
            out.append(replace(cmd, argv=("apt-get", "-s", *argv[1:]), fallback=None))
    return tuple(out)


KIND = AptKind()
