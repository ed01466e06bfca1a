"""The `conda` kind: a conda environment from channels, with PyTorch pinned to the chosen build.

PyTorch comes from conda-forge: the `pytorch` channel published its last release with 2.5
(pytorch/pytorch#138506), and `-c pytorch -c nvidia` lines from old tutorials now resolve to stale
builds. The CPU build is asked for with a `cpu*` build string. conda-forge compiles PyTorch itself, with
CUDA compilers and a GPU list (TORCH_CUDA_ARCH_LIST) of its own, so the PyPI wheel that the release was
chosen by says nothing about its CUDA builds: a build of the release that installer/compat/data/
conda_forge.yaml knows, whose kernels run on every GPU and whose CUDA the driver runs, is pinned by its
build string (`pytorch=2.10.0=cuda129*`) with `cuda-version=12.9` (the CUDA libraries beside it; their
nvcc exports `cuda-version >=X.Y,<X+1`, so `cuda-version` alone does not choose the compiler). For a
release the data does not cover, `cuda-version` is pinned by the wheel's CUDA major only (12), the
way conda-forge's CUDA guide chooses a major, as a `12.8` the feedstock never built for that release
would make the request unsolvable; the plan says that conda-forge's build differs from the wheel. The
plan's notes about the PyPI wheel's kernels and driver are replaced by these.

    kind: conda
    with: {action: create, prefix: ${target.path}, miniforge: /opt/miniforge3}
    with: {action: install, prefix: ${target.path}, torch: true}

Whichever engine there is runs it: conda, mamba and micromamba take the same argv here
(`create|install -y -p PREFIX --override-channels -c CH ... SPEC ...`). A channel with a token
(https://conda.anaconda.org/t/TOKEN/channel) or a password in its URL does not go on that command line,
which any local user can read (`ps`): the channels go in CONDA_CHANNELS instead, which all three read
(conda's `channels` setting; libmamba's Configurable "channels"). `--override-channels` needs `-c`, so
the channels of the person's .condarc files come after these ones (the engines merge the lists), and
the plan says so. The package cache is put in
torch-setup's cache (CONDA_PKGS_DIRS, honoured by all three), so the sandbox knows what the step
writes.

conda-forge's CUDA builds depend on the `__cuda` virtual package, "the maximum version of CUDA supported
by the display driver" (conda's "Managing virtual packages"), which conda finds by loading libcuda and
calling cuInit: that fails when the driver is not loaded yet (installed by this plan, before its reboot)
and inside torch-setup's sandbox, whose fresh /dev has no /dev/nvidia* (executor/sandbox.py). So
CONDA_OVERRIDE_CUDA tells it the driver's CUDA: the branch this plan installs, else the loaded driver's
(the report's `nvidia_driver.cuda`), the same value conda would find outside the sandbox. With no driver
loaded or planned (a plan for another machine, a container build) it is the build's CUDA, so that the
build can be installed now, and the plan says the environment runs CUDA only once such a driver is there.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import field_validator, model_validator

from installer.compat.conda_forge import CondaForgeBuild, conda_forge_builds
from installer.compat.data import CompatData, load
from installer.compat.machine import Machine, NvidiaGpu, read_machine
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
from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command, Guard
from installer.plan.values import VType, check
from installer.redaction import has_credentials

_SPEC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:[ =<>!~,*|.A-Za-z0-9_+-]*)$")
_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?$")

# Exits 0 when every NAME==VERSION given is installed in the prefix (read from conda-meta records).
INSTALLED_CHECK = (
    "import json, pathlib, sys\n"
    "meta = pathlib.Path(sys.argv[1]) / 'conda-meta'\n"
    "have = {}\n"
    "for f in meta.glob('*.json'):\n"
    "    try:\n"
    "        r = json.loads(f.read_text())\n"
    "    except (OSError, ValueError):\n"
    "        continue\n"
    "    have[r.get('name')] = r.get('version')\n"
    "for pin in sys.argv[2:]:\n"
    "    name, _, want = pin.partition('==')\n"
    "    if have.get(name) is None or (want and have[name] != want):\n"
    "        sys.exit(1)\n"
)


class CondaParams(KindParams):
    action: Literal["create", "install"]
    prefix: str
    engine: str | None = None  # conda, mamba or micromamba (a path or a name on PATH)
    # the Miniforge an earlier step installs (default ~/miniforge3): its bin/conda is the engine when
    # `engine` is not given and the machine has none of conda, mamba, micromamba
    miniforge: str | None = None
    channels: tuple[str, ...] = ("conda-forge",)
    packages: tuple[str, ...] = ()
    torch: bool = False  # add pytorch (and the extras) at the chosen version and build
    python: str | None = None  # X.Y for a new environment; default: the target Python's

    @field_validator("prefix", "miniforge")
    @classmethod
    def _paths(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("engine")
    @classmethod
    def _engine(cls, v: str | None) -> str | None:
        return check(VType.COMMAND, v)  # type: ignore[no-any-return]

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("give at least one channel")
        for ch in v:
            if not _CHANNEL_NAME.match(ch):
                check(VType.URL, ch)
        return v

    @field_validator("packages")
    @classmethod
    def _specs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for spec in v:
            if not _SPEC.match(spec):
                raise ValueError(f"{spec!r} is not a conda package spec (name, name=1.2, 'name >=1.2')")
        return v

    @field_validator("python")
    @classmethod
    def _python(cls, v: str | None) -> str | None:
        return check(VType.VERSION, v)  # type: ignore[no-any-return]

    @model_validator(mode="after")
    def _work(self) -> CondaParams:
        if self.action == "install" and not (self.packages or self.torch):
            raise ValueError("an install needs `packages` or `torch: true`")
        return self


def conda_mirror(choice: str) -> tuple[str, str] | None:
    """(channel URL, .condarc layout) of the conda-forge mirror asked for (mirror.conda: a URL or a
    catalog id); None for auto and none. The layout is the one the mirror's help page documents."""
    if choice in ("auto", "none"):
        return None
    if "://" in choice:
        return choice.rstrip("/"), "conda-forge"
    from installer.plan.indexes import catalog_mirror

    mirror = catalog_mirror(choice, "conda", "mirror.conda")
    return mirror.url, mirror.condarc or "conda-forge"


def _channel(name: str, ctx: KindContext) -> str:
    """conda-forge through the mirror asked for (mirror.conda: a URL or a catalog id)."""
    mirror = conda_mirror(str(ctx.answers.mirror.conda)) if name == "conda-forge" else None
    return mirror[0] if mirror is not None else name


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
    """The NVIDIA driver the environment will run on: the one this plan installs, else the loaded one."""

    version: str | None  # its version (a planned branch: the branch's first release)
    cuda: str | None  # the newest CUDA it runs, "12.4"
    branch: str | None = None  # set when this plan installs it


def torch_specs(values: Mapping[str, Any], cuda: CudaChoice | None = None) -> tuple[list[str], list[str]]:
    """(specs, pins for the guard) for the chosen PyTorch on conda-forge: the CPU build, or the CUDA
    build `cuda` says (see `cuda_choice`)."""
    version = values.get("torch.version")
    variant = str(values.get("torch.variant") or "")
    if not version:
        raise InputError(_("no PyTorch version was resolved for the conda environment"), key="torch.version")
    if variant.startswith(("rocm", "xpu")):
        raise InputError(_("conda-forge has no {variant} builds of PyTorch", variant=variant), key="method",
                         hint=_("use method: pip for this variant"))
    if cuda is not None:
        specs = [f"pytorch={version}={cuda.build}*", f"cuda-version={cuda.cuda_version}"]
    else:
        specs = [f"pytorch={version}=cpu*"]
    pins = [f"pytorch=={version}"]
    for extra in ("torchvision", "torchaudio"):
        pinned = values.get(f"pins.{extra}")
        if pinned and extra in (values.get("torch.extras") or ()):
            specs.append(f"{extra}={pinned}")
            pins.append(f"{extra}=={pinned}")
    return specs, pins


def _planned_or_loaded_driver(ctx: KindContext, machine: Machine, data: CompatData) -> _Driver | None:
    """The driver branch this plan installs (recipes/driver-ubuntu.yaml: `driver.install`, never under WSL,
    in a container or on a Jetson), else the loaded driver, else None."""
    values = ctx.values
    planned = (values.get("driver.install") and values.get("hw.nvidia_gpu_count")
               and not (values.get("hw.wsl") or values.get("hw.container") or values.get("hw.jetson")))
    if planned:
        from installer.plan.kinds.apt import branch_the_build_needs

        asked = str(values.get("driver.branch") or "latest")
        # `latest`: the branch the driver step installs for the wheel's CUDA (NVIDIA's repository may
        # install a newer one, which runs at least as much CUDA)
        branch = branch_the_build_needs(ctx) if asked == "latest" else asked.split(".")[0]
        if branch:
            row = next((b for b in data.drivers.branches if b.branch == branch), None)
            if row is not None:
                return _Driver(row.first, row.cuda, branch)
            toolkits = [t for t in data.drivers.toolkits if t.linux and t.linux.split(".")[0] == branch]
            if toolkits:
                top = max(toolkits, key=lambda t: version_key(t.cuda))
                return _Driver(top.linux, top.cuda, branch)
            return _Driver(None, None, branch)
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
                 "cubins that run on it", gpu=gpu.name, cc=gpu.cc_text, cuda=build.cuda, t=torch,
                 sm=sm_name(match.cc))
    return _("{gpu} is compute capability {cc}: conda-forge's CUDA {cuda} build of pytorch {t} has no {major}.x "
             "cubin, only PTX for {sm} that the driver compiles at first use", gpu=gpu.name, cc=gpu.cc_text,
             cuda=build.cuda, t=torch, major=gpu.cc[0] if gpu.cc else "?", sm=sm_name(match.cc))


def _wheel_reasons(values: Mapping[str, Any], machine: Machine, data: CompatData) -> tuple[str, ...]:
    """The notes the compatibility data gives for the PyPI wheel's GPU kernels and driver (the same code
    made the pins' reasons): what the chosen cuNNN wheel adds to what its CPU wheel says (the Python)."""
    from installer.compat.solver import DEFAULT_EXTRAS, evaluate_release

    rel = data.release(str(values.get("torch.version")))
    if rel is None or machine.platform is None:
        return ()
    extras = tuple(e for e in (values.get("torch.extras") or ()) if e in DEFAULT_EXTRAS)

    def said(variant: str) -> set[str]:
        choice = evaluate_release(rel, variant, machine, data, extras, keep_driver=False).choice
        return set(choice.reasons) | {a.reason for a in choice.actions} if choice else set()

    return tuple(sorted(said(str(values.get("torch.variant"))) - said("cpu")))


def cuda_choice(ctx: KindContext) -> CudaChoice:
    """conda-forge's CUDA build for the chosen release on this machine, CONDA_OVERRIDE_CUDA, and the notes
    that say so (module docstring)."""
    values = ctx.values
    data = load()
    torch = str(values.get("torch.version"))
    variant = str(values.get("torch.variant"))
    wheel_cuda = cuda_minor(str(values.get("torch.cuda")))
    machine = read_machine(ctx.report, data, values.get("target.python_version"))
    windows = machine.wsl
    driver = _planned_or_loaded_driver(ctx, machine, data)
    builds = conda_forge_builds(torch) if machine.platform == "linux_x86_64" else []
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
                      supersedes=_wheel_reasons(values, machine, data))


class CondaKind(Kind):
    name = "conda"
    Params = CondaParams

    def compile(self, params: CondaParams, ctx: KindContext) -> Compiled:
        from installer.plan.existing_python import check_conda_target
        from installer.plan.kinds.runfile import default_miniforge

        check_conda_target(ctx)

        # an engine the recipe names, else one already on the machine (tools.conda), else Miniforge's
        engine = params.engine or ctx.values.get("tools.conda") or getattr(ctx.tools, "conda", None)
        miniforge = params.miniforge or (default_miniforge() if not engine else None)
        if not engine:
            engine = posixpath.join(miniforge or default_miniforge(), "bin", "conda")
        cache = str(ctx.values.get("cache.dir") or "/var/cache/torch-setup")
        pkgs_dir = posixpath.join(cache, "conda-pkgs")
        env: list[tuple[str, str]] = [("CONDA_PKGS_DIRS", pkgs_dir)]
        specs: list[str] = []
        pins: list[str] = []
        tspecs: list[str] = []
        if params.action == "create":
            python = params.python or ctx.values.get("target.python_version")
            if python:
                specs.append(f"python={'.'.join(str(python).split('.')[:2])}")
        cuda: CudaChoice | None = None
        if params.torch:
            variant = str(ctx.values.get("torch.variant") or "")
            if ctx.values.get("torch.cuda") and not variant.startswith(("rocm", "xpu")):
                cuda = cuda_choice(ctx)
            tspecs, pins = torch_specs(ctx.values, cuda)
            specs += tspecs
            if cuda is not None and cuda.override:
                env.append(("CONDA_OVERRIDE_CUDA", cuda.override))
        specs += params.packages
        channels = [_channel(ch, ctx) for ch in params.channels]
        notes: tuple[str, ...] = cuda.notes if cuda is not None else ()
        if any(has_credentials(ch) for ch in channels):
            env.append(("CONDA_CHANNELS", ",".join(channels)))
            channel_flags: list[str] = []
            notes += (_("a conda channel with a token or password reaches {engine} in CONDA_CHANNELS, not on its "
                        "command line (which any local user can read); the channels in your .condarc files are "
                        "searched after it", engine=posixpath.basename(engine)),)
        else:
            channel_flags = ["--override-channels"]
            for ch in channels:
                channel_flags += ["-c", ch]
        argv = (engine, params.action, "-y", "-p", params.prefix, *channel_flags, *specs)
        if params.action == "create":
            guard = Guard(creates=posixpath.join(params.prefix, "conda-meta", "history"))
        else:
            names = pins + [s for s in params.packages if _SPEC.match(s) and re.fullmatch(r"[A-Za-z0-9_.-]+", s)]
            guard = Guard(unless=(ctx.tools.python, "-I", "-c", INSTALLED_CHECK, params.prefix, *names))
        writable = [params.prefix, pkgs_dir] + ([miniforge] if miniforge else [])
        return Compiled(commands=(Command(argv=argv),), env=tuple(env), writable=tuple(writable), guard=guard,
                        notes=notes, packages=tuple(tspecs), supersedes=cuda.supersedes if cuda is not None else ())


KIND = CondaKind()
