"""The `runfile` kind: a self-extracting installer, downloaded and checked by the executor, then run.

Two flavours share the path: NVIDIA's CUDA runfile (toolkit only) and the Miniforge installer (the
conda engine, when the machine has none). The download is the executor's (resume, sha256 checked
before the file exists under its name, the next mirror on failure); the installer runs as argv.

    kind: runfile
    with:
      flavor: cuda
      version: ${cuda_toolkit.version}     # X.Y, or auto: the CUDA of the chosen PyTorch build
      prefix: /opt/cuda-12.6               # optional: default /usr/local/cuda-X.Y (needs root)
      releases:
        "12.6":
          version: 12.6.3
          x86_64: {file: cuda_12.6.3_560.35.05_linux.run, sha256: 81d6...}

CUDA runfile options (NVIDIA CUDA Installation Guide for Linux, "Runfile Installer" advanced options;
the list the binary accepts is in EESSI/software-layer#372): --silent (no questions; accepts the EULA),
--toolkit (toolkit only: never the driver, which this tool installs from packages, and which CUDA
13.4 runfiles no longer carry at all), --toolkitpath=DIR, --override (skip the compiler check),
--tmpdir=DIR (the runfile extracts several GB; /tmp is often a small tmpfs), --no-man-page.
Its log is /var/log/cuda-installer.log as root and /tmp/cuda-installer.log otherwise
(easybuilders/easybuild-easyblocks#1835): the step lists both so a failure shows the tail.
Miniforge: `bash Miniforge3-*.sh -b -f -p PREFIX` (batch, no PATH edits; spack's miniforge3 package).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Literal

from packaging.version import InvalidVersion, Version
from pydantic import Field, field_validator, model_validator

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.mirrors.region import download_region
from installer.plan.kinds.apt import (
    Artifact,
    catalog_bases,
    cuda_minor,
    plain_file_name,
    sha256_hex,
)
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command, Download, Guard, Step
from installer.plan.values import VType, check

ARCHES = ("x86_64", "aarch64")
# Extra installer options a recipe may add: the documented ones that change nothing outside the prefix.
CUDA_OPTIONS = frozenset({"--no-man-page", "--no-drm", "--no-opengl-libs", "--override"})
CUDA_LOGS = ("/var/log/cuda-installer.log", "/tmp/cuda-installer.log")
NO_DRIVER_FROM = Version("13.4")  # from CUDA 13.4 the runfile carries no driver at all


# where the runfile extracts when it installs into /usr/local as root
SYSTEM_TMPDIR = "/var/tmp/torch-setup-runfile"

class FileRef(KindParams):
    file: str
    sha256: str
    size: int | None = Field(default=None, gt=0)

    _file = field_validator("file")(classmethod(lambda cls, v: plain_file_name(v)))
    _sha = field_validator("sha256")(classmethod(lambda cls, v: sha256_hex(v)))


class Release(KindParams):
    version: str  # the full release the files install, e.g. 12.6.3 or 26.1.1-3
    x86_64: FileRef | None = None
    aarch64: FileRef | None = None

    @model_validator(mode="after")
    def _some_file(self) -> Release:
        if self.x86_64 is None and self.aarch64 is None:
            raise ValueError("a release needs a file for x86_64 or aarch64")
        return self


class RunfileParams(KindParams):
    flavor: Literal["cuda", "miniforge"]
    version: str  # cuda: X.Y or auto; miniforge: a key of `releases`
    releases: dict[str, Release] = Field(min_length=1)
    mirrors: tuple[str, ...] = ()  # base URLs tried in order; default: the mirror catalog's
    prefix: str | None = None  # where it installs; default: /usr/local/cuda-X.Y (cuda), ~/miniforge3
    tmpdir: str | None = None  # default: a folder in torch-setup's cache
    options: tuple[str, ...] = ()

    @field_validator("mirrors")
    @classmethod
    def _mirrors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return check(VType.URLS, v)  # type: ignore[no-any-return]

    @field_validator("prefix", "tmpdir")
    @classmethod
    def _paths(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @model_validator(mode="after")
    def _options(self) -> RunfileParams:
        allowed = CUDA_OPTIONS if self.flavor == "cuda" else frozenset()
        for opt in self.options:
            if opt not in allowed:
                raise ValueError(f"option {opt!r} is not allowed for a {self.flavor} runfile"
                                 + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""))
        return self


def same_major_below(minor: str, releases: dict[str, Release]) -> str | None:
    """The newest release key of the same major version as `minor`, not newer than it."""
    want = Version(minor)
    keys = [k for k in releases if _is_version(k) and Version(k).major == want.major and Version(k) <= want]
    return max(keys, key=Version) if keys else None


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def default_miniforge() -> str:
    """Where Miniforge goes when the recipe does not say: its own default, ~/miniforge3."""
    return posixpath.expanduser("~/miniforge3")


def _miniforge_base(base: str, release: str) -> str:
    """A catalog URL points at the latest release; a pinned one lives beside it."""
    if base.endswith("/releases/latest/download"):
        return base.removesuffix("/latest/download") + f"/download/{release}"
    if base.endswith("/LatestRelease"):
        return base.removesuffix("/LatestRelease") + f"/{release}"
    return f"{base}/{release}"


class RunfileKind(Kind):
    name = "runfile"
    Params = RunfileParams

    def compile(self, params: RunfileParams, ctx: KindContext) -> Compiled:
        system = ctx.report.os.system
        if system and system != "Linux":
            # the answer that asked for it is the one to change: the error points there, not at the recipe
            if params.flavor == "cuda":
                raise InputError(_("NVIDIA's CUDA toolkit runfiles are for Linux, and the recorded machine runs "
                                   "{system}", system=system) if ctx.recorded else
                                 _("NVIDIA's CUDA toolkit runfiles are for Linux, and this machine runs {system}",
                                   system=system), key="cuda_toolkit.install",
                                 hint=_("set cuda_toolkit.install: false (PyTorch's wheels bring the CUDA "
                                        "libraries they need; on macOS the GPU is used through MPS, with no "
                                        "CUDA at all)"))
            raise InputError(_("this method needs conda, none was found, and torch-setup installs Miniforge "
                               "on Linux only (the recorded machine runs {system})", system=system) if ctx.recorded else
                             _("this method needs conda, none was found, and torch-setup installs Miniforge "
                               "on Linux only (this machine runs {system})", system=system), key="method",
                             hint=_("install Miniforge yourself (conda-forge's installer for your system), open a "
                                    "new terminal so that conda is on PATH, then run again; or use method: pip"))
        arch = ctx.report.os.arch or "x86_64"
        notes: list[str] = []
        if params.flavor == "cuda":
            from installer.plan.toolkit_checks import refuse_on_a_jetson

            refuse_on_a_jetson(ctx)
        key = cuda_minor(params.version, ctx) if params.flavor == "cuda" else params.version
        if params.flavor == "cuda" and params.version == "auto" and key not in params.releases:
            nearest = same_major_below(key, params.releases)
            if nearest is not None:
                notes.append(_("no CUDA {want} runfile with a known checksum: CUDA {got} instead (same major "
                               "version, which PyTorch's extension builder accepts)", want=key, got=nearest))
                key = nearest
        if params.flavor == "cuda":
            from installer.plan.toolkit_checks import toolkit_notes

            notes.extend(toolkit_notes(key, ctx))
        release = params.releases.get(key)
        ref = getattr(release, arch, None) if release is not None and arch in ARCHES else None
        if release is None or ref is None:
            known = listed(sorted(params.releases))
            raise InputError(
                _("no {flavor} runfile with a known checksum for {key} on {arch} (known: {known})",
                  flavor=params.flavor, key=key, arch=arch, known=known),
                key="cuda_toolkit.version" if params.flavor == "cuda" else None,
                hint=_("choose one of those versions, or install the toolkit from NVIDIA's apt repository "
                       "(cuda_toolkit.source: apt)") if params.flavor == "cuda" else None)
        region = download_region(ctx.answers)
        cache = str(ctx.values.get("cache.dir") or "/var/cache/torch-setup")
        if params.flavor == "cuda":
            bases = list(params.mirrors) or catalog_bases("cuda", repo="runfile", region=region)
            urls = tuple(f"{b.rstrip('/')}/{release.version}/local_installers/{ref.file}" for b in bases)
        else:
            bases = list(params.mirrors) or catalog_bases("miniforge", repo=None, region=region)
            urls = tuple(f"{_miniforge_base(b.rstrip('/'), release.version)}/{ref.file}" for b in bases)
        if not urls:
            raise InputError(_("no mirror is known for {flavor} runfiles", flavor=params.flavor),
                             hint=_("give `mirrors` in the recipe"))
        artifact = Artifact(file=ref.file, urls=urls, sha256=ref.sha256, size=ref.size)
        download = artifact.download(posixpath.join(cache, "downloads"))
        if params.flavor == "cuda":
            compiled = self._cuda(params, release, download.dest, key, cache, download)
        else:
            compiled = self._miniforge(params, download.dest, download)
        return replace(compiled, notes=tuple(notes) + compiled.notes)

    def _cuda(self, params: RunfileParams, release: Release, runfile: str, minor: str, cache: str,
              download: Download) -> Compiled:
        prefix = params.prefix or f"/usr/local/cuda-{minor}"
        # The system install runs as root: a folder it made in the user's cache would be root's, and the
        # user's own runfile install (or `rm -rf ~/.cache`) could then not write or remove it. Root
        # extracts under /var/tmp instead (on disk, unlike a /tmp that is often a small tmpfs).
        tmpdir = params.tmpdir or (posixpath.join(cache, "runfile-tmp") if params.prefix else SYSTEM_TMPDIR)
        options = list(dict.fromkeys(("--override", "--no-man-page", *params.options)))
        argv = ("sh", runfile, "--silent", "--toolkit", f"--toolkitpath={prefix}", *options, f"--tmpdir={tmpdir}")
        notes = []
        if Version(release.version) >= NO_DRIVER_FROM:
            notes.append(_("CUDA {v} runfiles carry no driver: the driver comes from its own step",
                           v=release.version))
        return Compiled(
            commands=(Command(argv=("mkdir", "-p", tmpdir)), Command(argv=argv)),
            downloads=(replace(download, discard=True),),  # 3-5 GiB that nothing needs once nvcc is there
            # the folders of its log (CUDA_LOGS): the installer insists on writing it and fails without it,
            # /var/log/cuda-installer.log as root (EESSI/software-layer#372), /tmp/cuda-installer.log as a
            # user (found in use: "cannot create /tmp/cuda-installer.log: Read-only file system" once one
            # was there from an earlier run, the sandbox binding existing files read-only)
            writable=(prefix, tmpdir, *dict.fromkeys(posixpath.dirname(p) for p in CUDA_LOGS)),
            guard=Guard(creates=posixpath.join(prefix, "bin", "nvcc")),
            notes=tuple(notes),
        )

    def failure_logs(self, step: Step) -> tuple[str, ...]:
        """Files whose last lines explain a failure of `step` (the executor shows their tail)."""
        if any("--toolkit" in c.argv for c in step.commands):
            return CUDA_LOGS
        return ()

    def _miniforge(self, params: RunfileParams, installer: str, download: Download) -> Compiled:
        prefix = params.prefix or default_miniforge()
        return Compiled(
            commands=(Command(argv=("bash", installer, "-b", "-f", "-p", prefix)),),
            downloads=(download,),
            writable=(prefix,),
            guard=Guard(creates=posixpath.join(prefix, "bin", "conda")),
        )


KIND = RunfileKind()
