"""Report + constraints -> ranked choices, rejections and warnings. Pure: reads only the data files.

Ranking: GPU builds before CPU builds; among them, choices that work on the machine as it is first,
then those that need another Python, then those that need a driver change; within each, the newest
torch first, then the stable, PyPI-default and newest-CUDA variant. A choice that an equally cheap choice
with a newer torch beats is dropped, so the list stays short and every entry says what it is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from packaging.version import Version

from installer.compat.coded import Coded
from installer.compat.data import CompatData, load
from installer.compat.data_model import Branch, Release
from installer.compat.machine import Machine, NvidiaGpu, is_jetson, read_machine
from installer.compat.model import Action, Choice, Recommendation, Rejection
from installer.compat.rules import (
    choose_branch,
    cuda_minor,
    driver_meets,
    driver_need,
    kernel_for,
    kernel_span,
    sm_name,
    version_key,
)
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.i18n import _
from installer.i18n.phrases import all_of, listed, month_text

DEFAULT_EXTRAS = ("torchvision", "torchaudio")
PLATFORM_NAMES = {"linux_x86_64": "Linux x86_64", "linux_aarch64": "Linux aarch64", "win_amd64": "Windows x86_64",
                  "macos_arm64": "macOS arm64", "macos_x86_64": "macOS x86_64"}
_VARIANT = re.compile(r"^(cpu|mps|xpu|cu\d{3}|rocm\d+(\.\d+)*)$")


def family(variant: str) -> str:
    if variant.startswith("cu"):
        return "cuda"
    if variant.startswith("rocm"):
        return "rocm"
    return variant  # cpu, mps, xpu


def cuda_of(variant: str) -> str:
    """cu126 -> 12.6, cu118 -> 11.8, cu130 -> 13.0."""
    digits = variant[2:]
    return f"{digits[:-1]}.{digits[-1]}"


def valid_variant(variant: str) -> bool:
    return bool(_VARIANT.match(variant))


# ----------------------------------------------------------------------------------------- Python ranges

PyRange = tuple[tuple[int, int], tuple[int, int] | None]


def parse_range(text: str) -> PyRange:
    low, _sep, high = text.partition("-")
    lo = tuple(int(x) for x in low.split("."))
    hi = tuple(int(x) for x in high.split(".")) if high else None
    return (lo[0], lo[1]), ((hi[0], hi[1]) if hi else None)


def in_range(py: tuple[int, int], r: PyRange) -> bool:
    return py >= r[0] and (r[1] is None or py <= r[1])


def range_text(r: PyRange) -> str:
    lo = f"{r[0][0]}.{r[0][1]}"
    return f"{lo}-{r[1][0]}.{r[1][1]}" if r[1] else f">={lo}"


def _py(text: str) -> tuple[int, int]:
    a, b = text.split(".")[:2]
    return int(a), int(b)


# Used when the report names no Python: a version every current torch supports
FALLBACK_PYTHON = (3, 12)


@dataclass(frozen=True)
class _PythonFit:
    python: str | None
    action: Action | None
    torchvision: str | None
    torchaudio: str | None
    reasons: tuple[str, ...]


def _fit_python(rel: Release, platform: str, m: Machine, extras: tuple[str, ...], data: CompatData) -> _PythonFit | None:
    """The Python this release needs on this platform, and the extras that have wheels for it."""
    if platform not in rel.python:
        return None
    ranges: dict[str, PyRange] = {"torch": parse_range(rel.python[platform])}
    libs: dict[str, str | None] = {"torchvision": None, "torchaudio": None}
    for lib in ("torchvision", "torchaudio"):
        version = getattr(rel, lib)
        if lib not in extras or not version:
            continue
        rows = data.releases.torchvision if lib == "torchvision" else data.releases.torchaudio
        row = next((r for r in rows if r.version == version), None)
        libs[lib] = version
        if row and platform in row.python:
            ranges[lib] = parse_range(row.python[platform])
    lo = max(r[0] for r in ranges.values())
    his = [r[1] for r in ranges.values() if r[1] is not None]
    hi = min(his) if his else None
    if hi is not None and hi < lo:  # an extra without wheels for any Python torch supports: leave it out
        for lib in ("torchvision", "torchaudio"):
            if lib in ranges:
                libs[lib] = None
                del ranges[lib]
        lo, hi = ranges["torch"]
    allowed: PyRange = (lo, hi)
    if m.python and in_range(_py(m.python), allowed):
        return _PythonFit(m.python, None, libs["torchvision"], libs["torchaudio"], ())
    # the closest fitting Python: the smallest change for the person's code
    if m.python:
        cur = _py(m.python)
        target = lo if cur < lo else (hi or lo)
        reason = _python_blockers(rel, platform, m.python, ranges, libs)
    else:
        target = FALLBACK_PYTHON if in_range(FALLBACK_PYTHON, allowed) else (hi or lo)
        reason = _("the report names no Python")
    version = f"{target[0]}.{target[1]}"
    action = Action(kind="install-python", version=version, reason=reason)
    return _PythonFit(version, action, libs["torchvision"], libs["torchaudio"], (reason,))


def _python_blockers(rel: Release, platform: str, python: str, ranges: dict[str, PyRange],
                     libs: dict[str, str | None]) -> str:
    """Why `python` was not used: each package without a wheel for it, with the Pythons it has. Found in
    use: `--python 3.15` was moved to 3.14 naming only the first blocker. When torch itself lacks it, an
    extra is named only where it moved the Python further than torch did (same range: nothing to add);
    when only extras lack it, the reason says that leaving them out keeps `python`."""
    cur = _py(python)
    torch_range = ranges["torch"]
    torch_blocks = not in_range(cur, torch_range)
    torch_alone = torch_range[0] if cur < torch_range[0] else (torch_range[1] or torch_range[0])
    blockers = [name for name, r in ranges.items()
                if not in_range(cur, r) and (name == "torch" or not torch_blocks or not in_range(torch_alone, r))]
    said = [_("{lib} {version} has no wheel for Python {python} on {platform} (it has {range})",
              lib=name, version=rel.torch if name == "torch" else libs[name], python=python,
              platform=PLATFORM_NAMES[platform], range=range_text(ranges[name])) for name in blockers]
    if not torch_blocks:
        said.append(_("torch {t} itself has wheels for Python {python}: leave out {libs} to keep it",
                      t=rel.torch, python=python, libs=listed(blockers)))
    reason = said[0]
    for more in said[1:]:
        reason = _("{one}; {other}", one=reason, other=more)
    return reason


# ----------------------------------------------------------------------------------------- one candidate

@dataclass(frozen=True)
class _Outcome:
    choice: Choice | None = None
    rejection: Rejection | None = None


def _windowsish(m: Machine) -> bool:
    return m.wsl or m.os_system.lower() == "windows"


def _driver_text(m: Machine) -> str:
    return _("the Windows driver {v}", v=m.driver) if m.wsl else _("driver {v}", v=m.driver)


def _gpu_kernel_reason(gpu: NvidiaGpu, variant: str, kind: str, cc: tuple[int, int]) -> str:
    gcc = gpu.cc_text
    if kind == "cubin" and cc == gpu.cc:
        return _("{gpu} is compute capability {cc}: {variant} wheels carry {sm} kernels",
                 gpu=gpu.name, cc=gcc, variant=variant, sm=sm_name(cc))
    if kind == "cubin":
        return _("{gpu} is compute capability {cc}: {variant} wheels carry {sm} kernels, which run on it",
                 gpu=gpu.name, cc=gcc, variant=variant, sm=sm_name(cc))
    return _("{gpu} is compute capability {cc}: {variant} wheels have no {major}.x kernels, only PTX for {sm} "
             "that the driver compiles at first use", gpu=gpu.name, cc=gcc, variant=variant,
             major=gpu.cc[0] if gpu.cc else "?", sm=sm_name(cc))


# the code of driver_change_reason's text outside WSL: the wizard says it otherwise while its driver tick is off
DRIVER_CHANGE_REASON = "driver-change-reason"


def driver_change_reason(cuda: str, driver: Action) -> str:
    """The reason that says a build of CUDA `cuda` works after the `install-driver` action `driver`: what
    `recommend` offers, true of a plan that has the driver step (installer.plan.planner rewords it for a
    plan that has none, found in use: "after installing driver branch R535" atop a script with no driver)."""
    if driver.host == "windows":
        # under WSL the driver is Windows': it is updated there, never installed inside Linux
        return _support_ended(_("CUDA {cuda} build, after updating the Windows driver to branch R{branch} or "
                                "newer (in Windows, not inside WSL)", cuda=cuda_minor(cuda), branch=driver.branch),
                              driver)
    if driver.version:
        said = _("CUDA {cuda} build, after updating the R{branch} driver to {version} or newer",
                 cuda=cuda_minor(cuda), branch=driver.branch, version=driver.version)
    else:
        said = _("CUDA {cuda} build, after installing driver branch R{branch}", cuda=cuda_minor(cuda),
                 branch=driver.branch)
    return Coded(_support_ended(said, driver), DRIVER_CHANGE_REASON)


def _support_ended(said: str, driver: Action) -> str:
    """A driver NVIDIA no longer supports is offered only where no supported branch runs the GPU (Kepler on
    R470): said beside the offer, as a person choosing must weigh it."""
    if driver.support_ended is None:
        return said
    return _("{reason} (NVIDIA has not supported R{branch} since {month}, but no branch it still supports runs "
             "this GPU: that driver gets no more security fixes)", reason=said, branch=driver.branch,
             month=month_text(driver.support_ended))


def evaluate_release(rel: Release, variant: str, m: Machine, data: CompatData, extras: tuple[str, ...],
              keep_driver: bool, today: date | None = None) -> _Outcome:
    platform = m.platform
    assert platform is not None

    def reject(reason: str) -> _Outcome:
        return _Outcome(rejection=Rejection(rel.torch, variant, reason))

    fit = _fit_python(rel, platform, m, extras, data)
    if fit is None:
        return reject(_("torch {t} has no wheels for {platform}", t=rel.torch, platform=m.platform_text))
    if platform.startswith("macos") and rel.macos_min and m.macos_version:
        if version_key(m.macos_version) < version_key(rel.macos_min):
            return reject(_("torch {t} needs macOS {need} or newer; this Mac runs {have}",
                            t=rel.torch, need=rel.macos_min, have=m.macos_version))
    fam = family(variant)
    reasons: list[str] = []
    actions: list[Action] = []
    cuda: str | None = None
    loaded_reason: str | None = None  # the reason that says the loaded driver runs the build

    if fam == "cuda":
        if not m.nvidia:
            return reject(_("the recorded machine has no NVIDIA GPU for {variant} wheels to use", variant=variant)
                          if m.recorded else
                          _("this machine has no NVIDIA GPU for {variant} wheels to use", variant=variant))
        if m.jetson and any(g.cc is None or g.cc[0] < 11 for g in m.nvidia):
            return reject(_("{gpu} is a Jetson (Tegra) GPU: the {variant} wheels are built for servers (SBSA) and "
                            "do not run on JetPack; use NVIDIA's JetPack wheels for torch",
                            gpu=m.nvidia[0].name if m.nvidia else "Jetson", variant=variant))
        build = data.cuda_build(variant, rel.torch)
        kernels = build.kernels.get(platform) if build else None
        if build is None or kernels is None:
            return reject(_("no data on the kernels in {variant} wheels of torch {t} for {platform}",
                            variant=variant, t=rel.torch, platform=m.platform_text))
        cuda = build.cuda
        needs_ptx = False
        seen: set[tuple[str, str]] = set()
        for gpu in m.nvidia:
            if gpu.cc is None:
                return reject(_("the compute capability of {gpu} is unknown, so its kernels cannot be checked; "
                                "set TORCH_SETUP_GPU_CC (e.g. 8.6) and run again", gpu=gpu.name))
            match = kernel_for(gpu.cc, kernels)
            if match is None:
                return reject(_("{gpu} is compute capability {cc}: {variant} wheels of torch {t} carry kernels for "
                                "{span} only, none that runs on it", gpu=gpu.name, cc=gpu.cc_text,
                                variant=variant, t=rel.torch, span=kernel_span(kernels)))
            needs_ptx = needs_ptx or match.kind == "ptx"
            if (gpu.name, gpu.cc_text) not in seen:  # eight identical GPUs need one line, not eight
                seen.add((gpu.name, gpu.cc_text))
                reasons.append(_gpu_kernel_reason(gpu, variant, match.kind, match.cc))
        need = driver_need(build.cuda, needs_ptx, data, windows=_windowsish(m))
        need_text = (_("driver >= {v}", v=need.version) if need.version
                     else _("a driver that runs CUDA {c}", c=need.cuda))
        if driver_meets(m.driver, m.driver_cuda, need):
            # minor-version compatibility is how the driver runs them only when it is older than the
            # toolkit's own driver (a 580 driver runs CUDA 12.6 wheels as their toolkit does)
            toolkit = need if need.via == "toolkit" else driver_need(build.cuda, True, data, windows=_windowsish(m))
            if toolkit is need or (toolkit.version is not None and driver_meets(m.driver, m.driver_cuda, toolkit)):
                loaded_reason = _("{drv} runs CUDA {cuda} wheels (they need {need})", drv=_driver_text(m),
                                  cuda=cuda_minor(build.cuda), need=need_text)
            else:
                loaded_reason = _("{drv} runs CUDA {cuda} wheels through minor-version compatibility "
                                  "(they need {need}; precompiled GPU code only)", drv=_driver_text(m),
                                  cuda=cuda_minor(build.cuda), need=need_text)
            reasons.append(loaded_reason)
        else:
            if needs_ptx:
                why = _("{variant} wheels need {need} to compile their CUDA {cuda} PTX (minor-version "
                        "compatibility does not cover PTX)", variant=variant, need=need_text, cuda=need.toolkit)
            else:
                why = _("{variant} wheels need {need}", variant=variant, need=need_text)
            if m.driver:
                have = (_("the recorded machine has {v}", v=m.driver) if m.recorded else
                        _("this machine has {v}", v=m.driver))
            elif m.driver_loaded:  # unknown is not enough: the build is offered as after a driver install
                have = _("the loaded driver's version is unknown")
            else:
                have = _("no NVIDIA driver is loaded")
            if m.wsl and m.driver:
                have = _("the Windows driver is {v}", v=m.driver)
            if keep_driver and (m.driver or m.driver_loaded):
                return reject(_("{why}; {have} and the driver is kept", why=why, have=have))
            picked = choose_branch(need, m.nvidia, data, windows=_windowsish(m), today=today)
            branch = picked.branch if picked else None
            ended = picked.ended if picked else None
            if branch is None:
                legacy = [g for g in m.nvidia if g.last_branch is not None]
                if legacy:
                    g = min(legacy, key=lambda g: int(g.last_branch or 0))
                    return reject(_("{why}, but R{branch} is the last driver branch for {arch} ({gpu})",
                                    why=why, branch=g.last_branch, arch=g.arch, gpu=g.name))
                return reject(_("{why}; no known driver branch provides it", why=why))
            host = "windows" if m.wsl else None
            if not m.wsl and need.version and m.driver and m.driver.split(".")[0] == branch:
                # already on the branch, only below the patch level it needs (580.65.05 for 580.65.06):
                # an update within the branch, which `version` (the least one) tells apart from a new branch
                driver = Action(kind="install-driver", branch=branch, version=need.version,
                                reason=_("{why}; {have}", why=why, have=have), support_ended=ended)
            else:
                driver = Action(kind="install-driver", branch=branch, host=host,
                                reason=_("{why}; {have}", why=why, have=have), support_ended=ended)
            actions.append(driver)
            reasons.append(driver_change_reason(build.cuda, driver))
    elif fam == "rocm":
        build_r = data.rocm_build(variant, rel.torch)
        if build_r is None:
            return reject(_("no data on the GPU targets of {variant} wheels of torch {t}", variant=variant, t=rel.torch))
        for agpu in m.amd:
            if agpu.gfx is None:
                return reject(_("the gfx target of {gpu} is unknown, so ROCm kernels cannot be checked",
                                gpu=agpu.name))
            if agpu.gfx not in build_r.gfx:
                return reject(_("{gpu} is {gfx}: {variant} wheels of torch {t} carry no {gfx} kernels",
                                gpu=agpu.name, gfx=agpu.gfx, variant=variant, t=rel.torch))
            reasons.append(_("{gpu} is {gfx}: {variant} wheels carry {gfx} kernels",
                             gpu=agpu.name, gfx=agpu.gfx, variant=variant))
    elif fam == "mps":
        gpu_name = m.apple[0] if m.apple else _("the Apple GPU")
        reasons.append(_("{gpu}: the macOS arm64 wheel runs on the GPU through MPS", gpu=gpu_name))
    elif fam == "cpu":
        reasons.append(_("runs on the CPU only"))
    else:
        return reject(_("{variant} builds are not covered by torch-setup's data", variant=variant))

    default = rel.pypi_default.get(platform)
    if variant in rel.experimental:
        reasons.append(_("{variant} is an experimental build for torch {t}", variant=variant, t=rel.torch))
    local = "" if (variant == default or platform.startswith("macos")) else f"+{variant}"
    if fit.action:
        actions.append(fit.action)
    else:
        reasons.append(_("Python {py} has wheels for torch {t} on {platform}", py=fit.python, t=rel.torch,
                         platform=PLATFORM_NAMES[platform]))
    return _Outcome(choice=Choice(
        torch=rel.torch, variant=variant, python=fit.python, actions=tuple(actions), reasons=tuple(reasons),
        torchvision=fit.torchvision, torchaudio=fit.torchaudio, local=local, cuda=cuda,
        loaded_driver_reason=loaded_reason,
    ))


# ----------------------------------------------------------------------------------------- ranking

def _cost(c: Choice) -> int:
    return (1 if c.action("install-python") else 0) + (2 if c.action("install-driver") else 0)


def _is_cpu(c: Choice) -> bool:
    return family(c.variant) == "cpu"


def _rank_key(c: Choice, data: CompatData, platform: str) -> tuple:
    rel = data.release(c.torch)
    experimental = rel is not None and c.variant in rel.experimental
    default = rel is not None and rel.pypi_default.get(platform) == c.variant
    cuda = version_key(cuda_of(c.variant)) if family(c.variant) == "cuda" else ()
    cost_class = _cost(c)  # 0 as is, 1 another Python, 2 a driver change, 3 both
    neg_torch = tuple(-x for x in version_key(c.torch))
    neg_cuda = tuple(-x for x in cuda)
    return (_is_cpu(c), cost_class, neg_torch, experimental, not default, neg_cuda, c.variant)


def _prune(choices: list[Choice]) -> list[Choice]:
    kept = []
    for b in choices:
        dominated = any(
            family(a.variant) == family(b.variant) and Version(a.torch) > Version(b.torch) and _cost(a) <= _cost(b)
            for a in choices
        )
        if not dominated:
            kept.append(b)
    return kept


# ----------------------------------------------------------------------------------------- warnings

def jetson_warning() -> str:
    return _("Jetson: the GPU is part of the Tegra SoC; for GPU support use NVIDIA's JetPack builds of torch "
             "(the wheels for your JetPack release, e.g. from pypi.jetson-ai-lab.io), not the PyTorch index")


def python_without_release(python: str | None) -> str | None:
    """Why a Python version asked for (3.12, 3.12.4) has no PyTorch release at all, naming the versions
    the releases do support; None for one some release has wheels for, an interpreter's path, or nothing."""
    match = re.fullmatch(r"(\d+)\.(\d+)(\.\d+)?", (python or "").strip())
    if match is None:
        return None
    asked = (int(match[1]), int(match[2]))
    ranges = [parse_range(text) for release in load().released() for text in release.python.values() if text]
    if not ranges or any(in_range(asked, r) for r in ranges):
        return None
    low = min(r[0] for r in ranges)
    highs = [r[1] for r in ranges]
    if any(h is None for h in highs):
        return None  # an open range takes every newer Python
    high = max(h for h in highs if h is not None)
    return _("No PyTorch release has wheels for Python {version}: the releases support Python {low} to {high}",
             version=f"{asked[0]}.{asked[1]}", low=f"{low[0]}.{low[1]}", high=f"{high[0]}.{high[1]}")


def hardware_traps(report: HardwareReport) -> list[str]:
    """What the machine itself means for PyTorch, said before any build is chosen (the wizard's Hardware
    screen, beside detection's advice): found in use, a Jetson was shown "No known traps", and the next
    screen then refused every CUDA build."""
    if is_jetson(report):
        return [jetson_warning()]
    data = load()
    m = read_machine(report, data)
    released = data.released()
    if m.platform is None or not released:
        return []
    newest = released[0]
    # found in use: a K80 was shown "No known traps", and the next screen refused 44 builds; whatever
    # the driver or the Python, the newest release's wheels carry no kernel that runs on such a GPU
    for g in m.nvidia:
        if g.cc is None:
            continue
        fits = []
        for variant in newest.variants.get(m.platform, []):
            build = data.cuda_build(variant, newest.torch) if family(variant) == "cuda" else None
            kernels = build.kernels.get(m.platform) if build else None
            if kernels is not None and kernel_for(g.cc, kernels) is not None:
                fits.append(variant)
        if not fits:
            return [_("{gpu} (compute capability {cc}) is too old for the newest PyTorch ({torch}): none of its "
                      "CUDA builds carries kernels for it, so only older releases use this GPU (the Combination "
                      "screen and `torch-setup recommend` show which)", gpu=g.name, cc=g.cc_text,
                      torch=newest.torch)]
    return []


# the code of a warning about a driver install (installer.compat.coded): the wizard leaves it out while its driver
# tick is off (found by a tester: Secure Boot and nouveau advice for a driver install no longer in the plan)
DRIVER_INSTALL_WARNING = "driver-install"
# about ROCm wheels, and about the data of the first choice's variant (`variant`): a list without those builds (the
# conda method's, installer.compat.offer) leaves them out
ROCM_WARNING = "rocm"
UNVERIFIED_WARNING = "data-unverified"


def _warnings(m: Machine, report: HardwareReport, choices: Iterable[Choice]) -> list[str]:
    out: list[str] = []
    driver_change = any(c.action("install-driver") for c in choices)
    if m.platform is None:
        out.append(_("PyTorch publishes no wheels for {platform}", platform=m.platform_text))
    if m.wsl:
        out.append(_("WSL: the NVIDIA driver lives on Windows; update it there and never install a Linux NVIDIA "
                     "driver inside WSL"))
    if m.jetson:
        out.append(jetson_warning())
    if m.nvidia and m.driver_loaded and not m.driver:
        out.append(_("the loaded NVIDIA driver's version is unknown: CUDA builds are offered as after a driver "
                     "install; set TORCH_SETUP_DRIVER_VERSION to the version `nvidia-smi` shows to check them "
                     "against the driver you have"))
    elif m.nvidia and not m.driver and not m.wsl:
        out.append(_("no NVIDIA driver is loaded: the GPU cannot be used until one is installed"))
    if report.secure_boot and m.nvidia and (driver_change or not m.driver) and not m.wsl:
        # the plan imports the key before the driver step's reboot, and the MOK Manager enrols it at that boot
        # (installer.plan.kinds.apt, mok_enrolment)
        out.append(Coded(_("Secure Boot is on: the driver's kernel module must be signed with a key the firmware "
                           "trusts (Ubuntu's prebuilt modules are; for a module DKMS builds, the install imports its "
                           "key before the driver's reboot, and you confirm it in the blue MOK Manager screen at that "
                           "boot)"), DRIVER_INSTALL_WARNING))
    if report.nouveau_loaded and m.nvidia and not m.wsl:
        out.append(Coded(_("the nouveau driver is loaded: it must be blacklisted (and the initramfs rebuilt) before "
                           "the NVIDIA driver can load"), DRIVER_INSTALL_WARNING))
    for g in m.nvidia:
        if g.cc_from_table:
            out.append(_("the compute capability of {gpu} ({cc}) comes from NVIDIA's table, not from the driver",
                         gpu=g.name, cc=g.cc_text))
        if g.cc is None:
            out.append(_("the compute capability of {gpu} is unknown: set TORCH_SETUP_GPU_CC to check CUDA builds",
                         gpu=g.name))
    if m.intel:
        out.append(_("Intel GPUs ({gpus}) need the xpu builds, which torch-setup's data does not cover yet; the "
                     "choices here use the CPU", gpus=listed(m.intel)))
    if m.amd and m.platform == "linux_x86_64" and not m.wsl:
        out.append(Coded(_("ROCm wheels need the amdgpu kernel driver and access to /dev/kfd and /dev/dri (the user "
                           "in the render and video groups)"), ROCM_WARNING))
    if m.amd and (m.platform != "linux_x86_64" or m.wsl):
        out.append(_("PyTorch's ROCm wheels exist for Linux x86_64 only; the AMD GPU is not used here"))
    return out


def loaded_driver_ended(report: HardwareReport, today: date | None = None) -> Branch | None:
    """The drivers.yaml row of the loaded driver's branch where NVIDIA's support of it has ended, as `recommend`
    judges it (not under WSL nor on a Jetson); None otherwise. The wizard's Hardware screen says it."""
    data = load()
    return _loaded_driver_support(read_machine(report, data), report, data, today)[0]


def _loaded_driver_support(m: Machine, report: HardwareReport, data: CompatData,
                           today: date | None) -> tuple[Branch | None, str | None]:
    """The drivers.yaml row of the loaded driver's branch where it is past NVIDIA's support (its `eol`, and whether
    that month is only an upper bound), and the warning that says so with the
    supported branch to move to; (None, None) where it is supported or unknown, and no warning where no
    supported branch drives the GPUs (Kepler on R470: the legacy refusals say that). Never under WSL (the Windows driver's numbers are
    not Linux branches) nor on a Jetson (JetPack's driver)."""
    from installer.compat.support_end import (
        branch_of,
        ended_branch,
        loaded_driver_warning,
        supported_successor,
    )
    from installer.hardware.advice import DRIVER_SYSTEMS

    branch = branch_of(m.driver)
    if branch is None or m.wsl or m.jetson or not m.nvidia or m.driver is None:
        return None, None
    ended = ended_branch(branch, data, today)
    if ended is None:
        return None, None
    instead = supported_successor(branch, tuple(g for g in m.nvidia if g.cc is not None), data, today)
    if instead is None:
        return ended, None
    installs_here = report.os.id in DRIVER_SYSTEMS and not report.os.container
    return ended, loaded_driver_warning(m.driver, ended, instead, installs_here=installs_here)


def _data_warnings(best: Choice | None, data: CompatData, platform: str | None, platform_text: str) -> list[str]:
    if best is None or platform is None or family(best.variant) in ("cpu", "mps"):
        # every release has had a CPU build on every platform it has wheels for; the doubt is about GPU builds
        return []
    rel = data.release(best.torch)
    flagged: list[str] = []
    if rel is not None:
        flagged += [f for f in rel.unverified if f == f"variants.{platform}" or f.startswith("pypi_default")]
    if family(best.variant) == "cuda":
        build = data.cuda_build(best.variant, best.torch)
        if build is not None:
            flagged += [f for f in build.unverified if f.startswith(f"kernels.{platform}")]
    if not flagged:
        return []
    # named, not "the first choice": a person who picked another build read it as about theirs (found in use)
    return [Coded(_("torch {torch} ({variant}), the first choice: what torch-setup knows of {fields} is not yet "
                    "confirmed by PyTorch's own pages; check it with `torch-setup verify` after installing",
                    torch=best.torch, variant=best.variant,
                    # joined as the reader's language joins (found in use: "哪些 GPU, 它在…" in Chinese)
                    fields=all_of(dict.fromkeys(_unverified_in_words(f, platform_text) for f in sorted(flagged)))),
                  UNVERIFIED_WARNING, variant=best.variant)]


def _unverified_in_words(field: str, platform: str) -> str:
    """A data file's field name (variants.linux_x86_64) as what it says, for people who never read the file."""
    if field.startswith("variants."):
        return _("which builds it has for {platform}", platform=platform)
    if field.startswith("kernels."):
        return _("which GPUs its kernels cover")
    if field.startswith("pypi_default"):
        return _("which build PyPI serves")
    return field


# ----------------------------------------------------------------------------------------- entry points

def _unknown_version_hint(wanted: Version, text: str, released: list[Release]) -> str:
    """What to write instead of a version the data does not know: the release of the same X.Y a typo
    most likely meant (2.13.5), a close spelling (2.99.0 for 2.9.0), the releases either side of a gap,
    or, past the newest, the newest and how to refresh the data."""
    import difflib

    known = [r.torch for r in released]  # newest first
    newest, oldest = known[0], known[-1]
    same_series = [v for v in known if Version(v).release[:2] == wanted.release[:2]]
    if same_series:
        return _("did you mean {v}? The {series} releases are {all}", v=same_series[0],
                 series=".".join(str(x) for x in wanted.release[:2]), all=listed(reversed(same_series)))
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.8)
    if wanted > Version(newest):
        top = Version(newest).release
        # a release or two past the data (2.16, 3.0) may well be out; 2.99 is a typo far past any release
        far = wanted.release[0] == top[0] and len(wanted.release) > 1 and wanted.release[1] > top[1] + 3
        if close and far:
            return _("did you mean {v}? Known releases run from {oldest} to {newest}", v=close[0], oldest=oldest,
                     newest=newest)
        return _("known releases run from {oldest} to {newest}; run `torch-setup matrix update` if a newer "
                 "one is out", oldest=oldest, newest=newest)
    if wanted < Version(oldest):
        return _("torch-setup knows the releases from {oldest} on (to {newest}): pick one of those",
                 oldest=oldest, newest=newest)
    below = next(v for v in known if Version(v) < wanted)
    above = next(v for v in reversed(known) if Version(v) > wanted)
    if close:
        return _("did you mean {v}? The nearest releases are {below} and {above}", v=close[0], below=below,
                 above=above)
    return _("the nearest releases are {below} and {above}", below=below, above=above)


def select_releases(data: CompatData, torch: str | None, *, key: str = "torch.version") -> list[Release]:
    """The release `torch` names ("latest" or None: every release, newest first). `key`: what an error
    names, the answers key by default (the caller of a command-line option passes the option)."""
    if torch in (None, "", "latest"):
        return data.released()
    assert torch is not None
    try:
        wanted = Version(torch)
    except Exception:
        raise InputError(_("not a torch version: {v!r}", v=torch), key=key,
                         hint=_("write it as X.Y.Z (e.g. 2.13.0) or 'latest'")) from None
    exact = []
    if len(wanted.release) == 2:  # "2.14" means the newest 2.14.x (for packaging, 2.14 == 2.14.0: ask first)
        exact = [r for r in data.released() if Version(r.torch).release[:2] == wanted.release][:1]
    exact = exact or [r for r in data.releases.releases if Version(r.torch) == wanted]
    if not exact:
        raise InputError(_("unknown torch version {v}", v=torch), key=key,
                         hint=_unknown_version_hint(wanted, torch.strip(), data.released()))
    rel = exact[0]
    if rel.status != "released":
        raise InputError(_("torch {v} is planned, not released", v=rel.torch), key=key,
                         hint=_("pick a released version or 'latest'"))
    return [rel]


def _relevant(fam: str, m: Machine) -> bool:
    if fam == "cuda":
        return bool(m.nvidia)
    if fam == "rocm":
        return bool(m.amd) and not m.wsl
    if fam == "xpu":
        return False  # not covered by the data yet: see the warning
    return True


def recommend(report: HardwareReport, *, python: str | None = None, torch: str | None = None,
              variant: str | None = None, keep_driver: bool = False,
              extras: Iterable[str] = DEFAULT_EXTRAS, data: CompatData | None = None,
              torch_key: str = "torch.version", fixed_python: bool = False,
              recorded: bool = False, today: date | None = None) -> Recommendation:
    """Ranked choices for this machine, with reasons, rejections and warnings. Pure. `torch_key`: what an
    error about `torch` names (the answers key by default; `recommend --torch` passes the option).
    `fixed_python`: the Python cannot change (an existing interpreter, or one the answers name), so a build
    that would need another one is refused, with why, rather than offered with an install-python action.
    `recorded`: the report is a recorded one (--hardware), which the reasons call the recorded machine.
    `today`: the day of the plan, which a driver branch past NVIDIA's support is judged on (read from the clock
    by the front-end; None: the day the driver data was checked, installer.compat.rules.support_day)."""
    data = data or load()
    extras_t = tuple(extras)
    m = read_machine(report, data, python, recorded=recorded)
    releases = select_releases(data, torch, key=torch_key)
    if variant in ("auto", ""):
        variant = None
    if variant is not None and not valid_variant(variant):
        raise InputError(_("not a wheel variant: {v!r}", v=variant), key="variant",
                         hint=_("use auto, cpu, cuNNN (cu126), rocmX.Y, xpu or mps"))
    if variant == "cpu" and m.platform == "macos_arm64":
        variant = "mps"  # the one macOS arm64 wheel is the CPU build, with MPS for the GPU
    choices: list[Choice] = []
    rejected: list[Rejection] = []
    python_refused: dict[str, str] = {}  # releases refused only because the Python is fixed -> the Python they need
    if m.platform is not None:
        for rel in releases:
            for v in rel.variants.get(m.platform, []):
                if variant is not None and v != variant:
                    continue
                if variant is None and not _relevant(family(v), m):
                    continue
                out = evaluate_release(rel, v, m, data, extras_t, keep_driver, today)
                need_python = out.choice.action("install-python") if out.choice and fixed_python else None
                if need_python is not None:
                    rejected.append(Rejection(rel.torch, v, need_python.reason))
                    python_refused.setdefault(rel.torch, need_python.version or "?")
                elif out.choice:
                    choices.append(out.choice)
                elif out.rejection:
                    rejected.append(out.rejection)
            if variant is not None and variant not in rel.variants.get(m.platform, []) and torch not in (None, "latest"):
                rejected.append(Rejection(rel.torch, variant, _("torch {t} has no {variant} build for {platform}",
                                                                t=rel.torch, variant=variant,
                                                                platform=m.platform_text)))
    choices = _prune(choices)
    platform = m.platform or ""
    choices.sort(key=lambda c: _rank_key(c, data, platform))
    gpu_choices = [c for c in choices if not _is_cpu(c)]
    if gpu_choices:  # one CPU fallback is enough beside GPU builds
        cpu = [c for c in choices if _is_cpu(c)][:1]
        choices = gpu_choices + cpu
    horizon = Version(choices[0].torch) if choices else None
    if horizon is not None and torch in (None, "latest"):
        rejected = [r for r in rejected if Version(r.torch) >= horizon]
    rejected.sort(key=lambda r: (tuple(-x for x in version_key(r.torch)), r.variant))
    warnings = _warnings(m, report, choices) + _data_warnings(choices[0] if choices else None, data, m.platform, m.platform_text)
    ended_row, support_warning = _loaded_driver_support(m, report, data, today)
    if support_warning:
        warnings.append(support_warning)
    newer = [t for t in python_refused if horizon is None or Version(t) > horizon]
    if newer:
        newest = max(newer, key=Version)
        # the Python to name: the closest one the newest release takes, as its install-python action has it
        warnings.append(_("{n} newer builds need another Python than {python}, the one this install goes into "
                          "(torch {newest} among them): install with Python {needed} to have it", n=len(newer),
                          python=m.python or "?", newest=newest, needed=python_refused[newest]))
    facts = {
        "platform": m.platform, "platform_text": m.platform_text, "python": m.python, "driver": m.driver, "driver_loaded": m.driver_loaded, "driver_cuda": m.driver_cuda,
        "wsl": m.wsl, "jetson": m.jetson,
        # added, never renamed (the --json contract): "2025-06" where the loaded driver's branch is past NVIDIA's
        # support on the plan's day, else null
        "driver_support_ended": ended_row.eol if ended_row else None,
        # beside it (session 27): true where that month is only the one by which support had ended (drivers.yaml
        # eol_upper_bound: NVIDIA's page names the branch ended, with no month), so a tool says "by 2025-08" as the
        # texts do; false for a month NVIDIA gives; null where driver_support_ended is null
        "driver_support_ended_upper_bound": ended_row.eol_upper_bound if ended_row else None,
        "nvidia_gpus": [{"name": g.name, "compute_capability": g.cc_text if g.cc else None, "arch": g.arch,
                         "from_table": g.cc_from_table} for g in m.nvidia],
        "amd_gpus": [{"name": g.name, "gfx": g.gfx} for g in m.amd],
    }
    # once each, in order: a warning per GPU repeats for identical GPUs (found by a re-check: two K80s, the
    # table's compute capability said twice)
    return Recommendation(choices=tuple(choices), rejected=tuple(rejected), warnings=tuple(dict.fromkeys(warnings)),
                          facts=facts)
