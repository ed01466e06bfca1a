"""Which of conda-forge's CUDA builds of PyTorch a conda environment gets on a machine, what
CONDA_OVERRIDE_CUDA tells conda, and the notes that say so. A pure function over the machine's facts, the
compatibility data, the torch pins and the driver branch a plan installs; the conda step kind
(installer/plan/kinds/conda.py) turns the answer into specs and environment.

conda-forge compiles PyTorch itself, with CUDA compilers and a GPU list (TORCH_CUDA_ARCH_LIST) of its own, so
the PyPI wheel that the release was chosen by says nothing about its CUDA builds: a build of the release that
data/conda_forge.yaml knows, whose kernels run on every GPU and whose CUDA the driver runs, is pinned by its
build string (`pytorch=2.10.0=cuda129*`) with `cuda-version=12.9` (the CUDA libraries beside it; their nvcc
exports `cuda-version >=X.Y,<X+1`, so `cuda-version` alone does not choose the compiler). For a release the
data does not cover, `cuda-version` is pinned by the wheel's CUDA major only (12), the way conda-forge's CUDA
guide chooses a major, as a `12.8` the feedstock never built for that release would make the request
unsolvable; the notes say that conda-forge's build differs from the wheel. The pins' notes about the PyPI
wheel's kernels and driver are replaced by these (`CudaChoice.supersedes`).

conda-forge's CUDA builds depend on the `__cuda` virtual package, "the maximum version of CUDA supported by
the display driver" (conda's "Managing virtual packages"), which conda finds by loading libcuda and calling
cuInit: that fails when the driver is not loaded yet (installed by the plan, before its reboot) and inside
torch-setup's sandbox, whose fresh /dev has no /dev/nvidia* (executor/sandbox.py). So CONDA_OVERRIDE_CUDA
tells it the driver's CUDA: the branch the plan installs, else the loaded driver's (the report's
`nvidia_driver.cuda`), the same value conda would find outside the sandbox. With no driver loaded or planned
(a plan for another machine, a container build) it is the build's CUDA, so that the build can be installed
now, and the notes say the environment runs CUDA only once such a driver is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from installer.compat.conda_forge import CondaForgeBuild, conda_forge_builds
from installer.compat.data import CompatData
from installer.compat.machine import Machine, NvidiaGpu
from installer.compat.rules import (
    DriverNeed,
    KernelMatch,
    cuda_minor,
    driver_meets,
    driver_need,
    kernel_for,
    kernel_span,
    sm_name,
    version_key,
)
from installer.i18n import _
from installer.i18n.phrases import listed


@dataclass(frozen=True)
class TorchPins:
    """The chosen PyTorch (the pins): the release, the PyPI variant it was chosen by and that wheel's CUDA."""

    version: str  # "2.10.0"
    variant: str  # "cu128"
    cuda: str  # the wheel's CUDA, "12.8"
    extras: tuple[str, ...] = ()  # torchvision, torchaudio


@dataclass(frozen=True)
class CudaChoice:
    """How the CUDA build of PyTorch is asked of conda-forge, and what the plan says about it."""

    build: str  # the build string's start: cuda129 (that compiler's build), or cuda (any CUDA build)
    cuda_version: str  # the cuda-version pin: 12.9, or the major alone (12)
    override: str | None  # CONDA_OVERRIDE_CUDA
    notes: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()  # the PyPI wheel's notes these replace


@dataclass(frozen=True)
class _Driver:
    """The NVIDIA driver the environment will run on: the one the plan installs, else the loaded one."""

    version: str | None  # its version (a planned branch: the branch's first release)
    cuda: str | None  # the newest CUDA it runs, "12.4"
    branch: str | None = None  # set when the plan installs it


def _planned_or_loaded_driver(planned_branch: str | None, machine: Machine, data: CompatData) -> _Driver | None:
    """The driver branch the plan installs (drivers.yaml's branch row, else the newest toolkit that names
    it), else the loaded driver, else None."""
    if planned_branch:
        row = next((b for b in data.drivers.branches if b.branch == planned_branch), None)
        if row is not None:
            return _Driver(row.first, row.cuda, planned_branch)
        toolkits = [t for t in data.drivers.toolkits if t.linux and t.linux.split(".")[0] == planned_branch]
        if toolkits:
            top = max(toolkits, key=lambda t: version_key(t.cuda))
            return _Driver(top.linux, top.cuda, planned_branch)
        return _Driver(None, None, planned_branch)
    if machine.driver or machine.driver_cuda or machine.driver_loaded:
        return _Driver(machine.driver, machine.driver_cuda)
    return None


def _driver_runs(driver: _Driver, need: DriverNeed) -> bool:
    if driver.version is not None:
        return driver_meets(driver.version, driver.cuda, need)
    return driver.cuda is not None and version_key(driver.cuda) >= version_key(need.cuda)


def _fits(build: CondaForgeBuild, gpus: tuple[NvidiaGpu, ...], driver: _Driver | None, data: CompatData,
          windows: bool) -> tuple[list[KernelMatch], DriverNeed] | None:
    """The kernel each GPU runs from `build` and the driver it needs, or None where a GPU has none or the
    driver (when known) is too old."""
    matches: list[KernelMatch] = []
    for gpu in gpus:
        match = kernel_for(gpu.cc, build.kernels) if gpu.cc else None
        if match is None:
            return None
        matches.append(match)
    need = driver_need(build.cuda, any(m.kind == "ptx" for m in matches), data, windows=windows)
    if driver is not None and (driver.version or driver.cuda) and not _driver_runs(driver, need):
        return None
    return matches, need


def _kernel_note(gpu: NvidiaGpu, match: KernelMatch, build: CondaForgeBuild, torch: str) -> str:
    if match.kind == "cubin" and match.cc == gpu.cc:
        return _("{gpu} is compute capability {cc}: conda-forge's CUDA {cuda} build of pytorch {t} carries {sm} "
                 "kernels", gpu=gpu.name, cc=gpu.cc_text, cuda=build.cuda, t=torch, sm=sm_name(match.cc))
    if match.kind == "cubin":
        return _("{gpu} is compute capability {cc}: conda-forge's CUDA {cuda} build of pytorch {t} carries {sm} "
                 "kernels, which run on it", gpu=gpu.name, cc=gpu.cc_text, cuda=build.cuda, t=torch,
                 sm=sm_name(match.cc))
    return _("{gpu} is compute capability {cc}: conda-forge's CUDA {cuda} build of pytorch {t} has no {major}.x "
             "kernels, only PTX for {sm} that the driver compiles at first use", gpu=gpu.name, cc=gpu.cc_text,
             cuda=build.cuda, t=torch, major=gpu.cc[0] if gpu.cc else "?", sm=sm_name(match.cc))


def _wheel_reasons(pins: TorchPins, machine: Machine, data: CompatData) -> tuple[str, ...]:
    """The notes the compatibility data gives for the PyPI wheel's GPU kernels and driver (the same code
    made the pins' reasons): what the chosen cuNNN wheel adds to what its CPU wheel says (the Python)."""
    from installer.compat.solver import DEFAULT_EXTRAS, evaluate_release

    rel = data.release(pins.version)
    if rel is None or machine.platform is None:
        return ()
    extras = tuple(e for e in pins.extras if e in DEFAULT_EXTRAS)

    def said(variant: str) -> set[str]:
        choice = evaluate_release(rel, variant, machine, data, extras, keep_driver=False).choice
        return set(choice.reasons) | {a.reason for a in choice.actions} if choice else set()

    return tuple(sorted(said(pins.variant) - said("cpu")))


def conda_cuda_choice(pins: TorchPins, machine: Machine, data: CompatData, *, planned_branch: str | None = None,
                      builds: Sequence[CondaForgeBuild] | None = None) -> CudaChoice:
    """conda-forge's CUDA build of `pins.version` on `machine`, CONDA_OVERRIDE_CUDA, and the notes that say
    so (module docstring). `planned_branch`: the NVIDIA driver branch ("580") the plan installs, which the
    environment will run on instead of the loaded driver. `builds`: conda-forge's builds of the release
    (default: those data/conda_forge.yaml knows)."""
    torch = pins.version
    variant = pins.variant
    wheel_cuda = cuda_minor(pins.cuda)
    windows = machine.wsl
    driver = _planned_or_loaded_driver(planned_branch, machine, data)
    if machine.platform != "linux_x86_64":
        builds = []
    elif builds is None:
        builds = conda_forge_builds(torch)
    fitting = [(b, fit) for b in builds if (fit := _fits(b, machine.nvidia, driver, data, windows))]
    notes: list[str] = []
    if fitting:
        # precompiled code for every GPU before PTX, then the newest CUDA
        build, (matches, need) = max(fitting, key=lambda bf: (all(m.kind == "cubin" for m in bf[1][0]),
                                                              version_key(bf[0].cuda)))
        seen: set[tuple[str, str]] = set()
        for gpu, match in zip(machine.nvidia, matches, strict=True):
            if (gpu.name, gpu.cc_text) not in seen:
                seen.add((gpu.name, gpu.cc_text))
                notes.append(_kernel_note(gpu, match, build, torch))
        notes.append(_("conda-forge compiles pytorch {t} itself, for CUDA {cudas}, not as the PyPI {variant} wheel "
                       "(CUDA {wheel}): its CUDA {cuda} build is pinned (pytorch={t}={build}*, cuda-version={cuda})",
                       t=torch, cudas=listed(b.cuda for b in builds), variant=variant, wheel=wheel_cuda,
                       cuda=build.cuda, build=build.build_prefix))
        choice_build, pin, build_cuda = build.build_prefix, build.cuda, build.cuda
        if driver is not None and driver.branch is None and (driver.version or driver.cuda):
            need_text = (_("driver >= {v}", v=need.version) if need.version
                         else _("a driver that runs CUDA {c}", c=need.cuda))
            if driver.version is None:
                drv = _("the loaded driver")
            elif windows:
                drv = _("the Windows driver {v}", v=driver.version)
            else:
                drv = _("driver {v}", v=driver.version)
            notes.append(_("{drv} runs conda-forge's CUDA {cuda} build (it needs {need})", drv=drv,
                           cuda=build.cuda, need=need_text) if need.via == "toolkit" else
                         _("{drv} runs conda-forge's CUDA {cuda} build through minor-version compatibility (it "
                           "needs {need}; precompiled GPU code only)", drv=drv, cuda=build.cuda, need=need_text))
    else:
        major = wheel_cuda.split(".")[0]
        build_cuda = wheel_cuda
        wheel = data.cuda_build(variant, torch)
        kernels = wheel.kernels.get(machine.platform or "") if wheel else None
        wheel_text = (_("CUDA {cuda}, kernels {span}", cuda=wheel_cuda, span=kernel_span(kernels)) if kernels
                      else _("CUDA {cuda}", cuda=wheel_cuda))
        if builds:
            known = listed(_("CUDA {cuda}: {span}", cuda=b.cuda, span=kernel_span(b.kernels)) for b in builds)
            gpus = listed(dict.fromkeys(f"{g.name} ({g.cc_text})" for g in machine.nvidia))
            notes.append(_("the builds of pytorch {t} that torch-setup knows on conda-forge ({known}) have no kernel "
                           "for {gpus}, or need a newer driver; the PyPI {variant} wheel it was chosen by has "
                           "{wheel}. cuda-version={major} leaves the CUDA {major}.x build to conda, which may find "
                           "none that runs here: method: pip installs that wheel", t=torch, known=known, gpus=gpus,
                           variant=variant, wheel=wheel_text, major=major))
        else:
            notes.append(_("conda-forge compiles pytorch {t} itself, with a CUDA version and GPU list of its own "
                           "that torch-setup has no data on, so they may differ from the PyPI {variant} wheel it was "
                           "chosen by ({wheel}): cuda-version={major} leaves the CUDA {major}.x build to conda, and "
                           "whether its kernels run on this GPU is not checked", t=torch, variant=variant,
                           wheel=wheel_text, major=major))
        choice_build, pin = "cuda", major
    if driver is not None and driver.branch is not None:
        override = driver.cuda or build_cuda
        notes.append(_("CONDA_OVERRIDE_CUDA={cuda}: the CUDA of the R{branch} driver this plan installs, which conda "
                       "cannot ask before that driver is loaded", cuda=override, branch=driver.branch))
    elif driver is not None and driver.cuda:
        override = driver.cuda
    elif driver is not None:
        override = build_cuda
        notes.append(_("the loaded driver's CUDA version is unknown: CONDA_OVERRIDE_CUDA={cuda} is the build's, so "
                       "conda does not check the driver", cuda=override))
    else:
        override = build_cuda
        notes.append(_("no NVIDIA driver is loaded or planned: CONDA_OVERRIDE_CUDA={cuda} lets conda install the "
                       "CUDA {cuda} build now; the environment runs CUDA only once a driver supporting CUDA {cuda} "
                       "is installed", cuda=override))
    return CudaChoice(build=choice_build, cuda_version=pin, override=override, notes=tuple(notes),
                      supersedes=_wheel_reasons(pins, machine, data))
