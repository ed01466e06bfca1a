"""The `conda` kind: a conda environment from channels, with PyTorch pinned to the chosen build.

PyTorch comes from conda-forge: the `pytorch` channel published its last release with 2.5
(pytorch/pytorch#138506), and `-c pytorch -c nvidia` lines from old tutorials now resolve to stale
builds. The CPU build is asked for with a `cpu*` build string. conda-forge compiles its CUDA builds itself,
so the PyPI wheel the release was chosen by says nothing about them: which build is pinned
(`pytorch=2.10.0=cuda129*` with `cuda-version=12.9`, or `cuda*` with the wheel's CUDA major for a release
the data does not cover), what CONDA_OVERRIDE_CUDA says and the notes that replace the wheel's are chosen by
installer.compat.conda_choice (see there why); this kind gives it the pins, the report and the driver branch
the plan installs, and compiles its answer.

    kind: conda
    with: {action: create, prefix: ${target.path}, miniforge: /opt/miniforge3}
    with: {action: install, prefix: ${target.path}, torch: true}

Whichever engine there is runs it: conda, mamba and micromamba take the same argv here
(`create|install -y -p PREFIX --override-channels -c CH ... SPEC ...`), so the channels of the person's
.condarc files (a `defaults` there) never reach the environment. A channel with a token
(https://conda.anaconda.org/t/TOKEN/channel) or a password in its URL does not go on that command line,
which any local user can read (`ps`): it is given by name (`-c conda-forge`), and its base in
CONDA_CHANNEL_ALIAS and MAMBA_CHANNEL_ALIAS. The package cache is put in
torch-setup's cache (CONDA_PKGS_DIRS, honoured by all three), so the sandbox knows what the step
writes.

CONDA_OVERRIDE_CUDA is set because conda finds the `__cuda` virtual package by calling cuInit, which
fails before the driver this plan installs is loaded and inside torch-setup's sandbox (no /dev/nvidia*).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import field_validator, model_validator

from installer.compat.conda_choice import CudaChoice, TorchPins, conda_cuda_choice
from installer.compat.conda_forge import builds_variant
from installer.compat.data import load
from installer.compat.machine import read_machine
from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command, Guard
from installer.plan.values import VType, check
from installer.redaction import has_credentials

_SPEC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:[ =<>!~,*|.A-Za-z0-9_+-]*)$")
_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?$")

# Exits 0 when every NAME==VERSION given is installed in the prefix (read from conda-meta records), and so is
# every package their records depend on, in turn: conda writes a package's record once its files are linked,
# so a run cut off leaves the later ones without one, and the pins' own records did not show it (found in use
# with pip: installer.plan.kinds.pip._REQUIRES). Names only (a depends entry is "name version build"); the
# virtual packages (__glibc, __cuda) have no record.
INSTALLED_CHECK = (
    "import json, pathlib, sys\n"
    "meta = pathlib.Path(sys.argv[1]) / 'conda-meta'\n"
    "have, needs = {}, {}\n"
    "for f in meta.glob('*.json'):\n"
    "    try:\n"
    "        r = json.loads(f.read_text())\n"
    "    except (OSError, ValueError):\n"
    "        continue\n"
    "    have[r.get('name')] = r.get('version')\n"
    "    needs[r.get('name')] = [d.split()[0] for d in r.get('depends') or [] if d.split()]\n"
    "todo = []\n"
    "for pin in sys.argv[2:]:\n"
    "    name, _, want = pin.partition('==')\n"
    "    if have.get(name) is None or (want and have[name] != want):\n"
    "        sys.exit(1)\n"
    "    todo.append(name)\n"
    "seen = set()\n"
    "while todo:\n"
    "    name = todo.pop()\n"
    "    if name in seen or name.startswith('__'):\n"
    "        continue\n"
    "    seen.add(name)\n"
    "    if name not in have:\n"
    "        sys.exit(1)\n"
    "    todo += needs.get(name, [])\n"
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
        from installer.mirrors.writers.conda import conda_forge_channel

        try:  # the answers file maps it already; the same rule for a choice that did not come through it
            return conda_forge_channel(choice), "conda-forge"
        except ValueError as exc:
            raise InputError(str(exc), key="mirror.conda", hint=str(getattr(exc, "hint", ""))) from None
    from installer.plan.indexes import catalog_mirror

    mirror = catalog_mirror(choice, "conda", "mirror.conda")
    return mirror.url, mirror.condarc or "conda-forge"


def _channel(name: str, ctx: KindContext) -> str:
    """conda-forge through the mirror asked for (mirror.conda: a URL or a catalog id)."""
    mirror = conda_mirror(str(ctx.answers.mirror.conda)) if name == "conda-forge" else None
    return mirror[0] if mirror is not None else name


def _secret_alias(channels: list[str]) -> tuple[str, list[str]] | None:
    """(channel_alias, channels by name) when a channel URL carries a token or password: each such channel
    is <alias>/<name> (a conda-forge mirror always is: conda_forge_channel), all of one alias. None when no
    channel has credentials."""
    if not any(has_credentials(ch) for ch in channels):
        return None
    bases = {ch.rstrip("/").rpartition("/")[0] for ch in channels if has_credentials(ch)}
    if len(bases) > 1:
        raise InputError(_("conda channels with tokens or passwords on more than one site cannot all be kept off the "
                           "command line"), key="mirror.conda",
                         hint=_("give the token in one channel's address only"))
    alias = bases.pop()
    return alias, [ch.rstrip("/").rpartition("/")[2] if has_credentials(ch) else ch for ch in channels]


def _custom_channels(ctx: KindContext) -> dict[str, str]:
    """custom_channels of the person's conda configuration, as detection read it."""
    conda = getattr(getattr(ctx.report, "mirror_config", None), "conda", None)
    return dict(getattr(conda, "custom_channels", None) or {})


def torch_specs(values: Mapping[str, Any], cuda: CudaChoice | None = None) -> tuple[list[str], list[str]]:
    """(specs, pins for the guard) for the chosen PyTorch on conda-forge: the CPU build, or the CUDA
    build `cuda` says (see `cuda_choice`)."""
    version = values.get("torch.version")
    variant = str(values.get("torch.variant") or "")
    if not version:
        raise InputError(_("no PyTorch version was resolved for the conda environment"), key="torch.version")
    if not builds_variant(variant):
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


def _planned_driver_branch(ctx: KindContext) -> str | None:
    """The NVIDIA driver branch this plan installs (recipes/driver-ubuntu.yaml: `driver.install`, never under
    WSL, in a container or on a Jetson), or None."""
    values = ctx.values
    planned = (values.get("driver.install") and values.get("hw.nvidia_gpu_count")
               and not (values.get("hw.wsl") or values.get("hw.container") or values.get("hw.jetson")))
    if not planned:
        return None
    from installer.plan.kinds.apt import branch_the_build_needs

    asked = str(values.get("driver.branch") or "latest")
    # `latest`: the branch the driver step installs for the wheel's CUDA (NVIDIA's repository may
    # install a newer one, which runs at least as much CUDA)
    return (branch_the_build_needs(ctx) if asked == "latest" else asked.split(".")[0]) or None


def cuda_choice(ctx: KindContext) -> CudaChoice:
    """conda-forge's CUDA build for the chosen release on this machine (installer.compat.conda_choice), from
    what the plan knows: the pins, the report, the driver branch it installs."""
    values = ctx.values
    data = load()
    pins = TorchPins(version=str(values.get("torch.version")), variant=str(values.get("torch.variant")),
                     cuda=str(values.get("torch.cuda")), extras=tuple(values.get("torch.extras") or ()))
    machine = read_machine(ctx.report, data, values.get("target.python_version"))
    return conda_cuda_choice(pins, machine, data, planned_branch=_planned_driver_branch(ctx))


def _cpu_coverage(torch: str) -> tuple[str, ...]:
    """A note when no source in data/conda_forge.yaml shows conda-forge building `torch` (its CPU and CUDA
    builds come from one feedstock, so a CUDA row stands for both): conda-forge follows PyPI by weeks, and
    `latest` is PyPI's. Found in use: the wizard's conda method offered 2.15.0, and the plan said nothing."""
    from installer.compat.conda_forge import conda_forge_builds, newest_known

    if conda_forge_builds(torch):
        return ()
    return (_("torch-setup has no record of pytorch {t} on conda-forge (its data reaches {newest}): the install "
              "step asks conda-forge, and stops there if it has no such build yet; choose "
              "{newest}, or method: pip for the PyPI wheel", t=torch, newest=newest_known() or "?"),)


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
            if ctx.values.get("torch.cuda") and builds_variant(variant):
                cuda = cuda_choice(ctx)
            tspecs, pins = torch_specs(ctx.values, cuda)
            specs += tspecs
            if cuda is not None and cuda.override:
                env.append(("CONDA_OVERRIDE_CUDA", cuda.override))
        specs += params.packages
        channels = [_channel(ch, ctx) for ch in params.channels]
        notes: tuple[str, ...] = cuda.notes if cuda is not None else ()
        if params.torch and cuda is None:
            notes += _cpu_coverage(str(ctx.values.get("torch.version")))
        # --override-channels: only the -c channels are searched, never the `channels` of the person's
        # .condarc files, which conda merges (a `defaults` there would reach this environment). conda:
        # "From the command line use --override-channels to only search the specified channel(s), rather
        # than any channels configured in .condarc" (docs.conda.io conda user-guide/concepts/channels.html,
        # "Specifying channels when installing packages"); `conda create` and `conda install` both take it
        # (docs.conda.io commands/create.html: "-c ... Then, the defaults or channels from .condarc are
        # searched (unless --override-channels is given)"); mamba and micromamba share the flag.
        channel_flags = ["--override-channels"]
        secret = _secret_alias(channels)
        if secret is not None:
            # a token or password stays off the command line, which any local user can read (ps): the
            # channel goes by its name, and its base comes from channel_alias, set in the environment
            # (CONDA_CHANNEL_ALIAS for conda; libmamba reads MAMBA_CHANNEL_ALIAS: mamba-org/mamba
            # libmamba/src/api/configuration.cpp, `channel_alias` .set_env_var_names())
            alias, channels = secret
            env += [("CONDA_CHANNEL_ALIAS", alias), ("MAMBA_CHANNEL_ALIAS", alias)]
            notes += (_("a conda channel with a token or password reaches {engine} through CONDA_CHANNEL_ALIAS, "
                        "not on its command line (which any local user can read)", engine=posixpath.basename(engine)),)
            mapped = sorted(set(channels) & set(_custom_channels(ctx)))
            if mapped:
                notes += (_("your conda configuration maps {names} in custom_channels, which comes before "
                            "CONDA_CHANNEL_ALIAS: conda takes {names} from there, not from the mirror with the "
                            "token", names=listed(mapped)),)
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
