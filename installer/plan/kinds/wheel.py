"""The `wheel` kind: an offline wheelhouse, built on a machine with network, installed on one without.

Build (on the online machine, for the target's platform and Python, e.g. planned with the air-gapped
machine's `detect --json` as `--hardware`):

    pip download --dest WH --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311
                 --platform manylinux_2_28_x86_64 torch==2.13.0+cpu ...
    python -m installer.plan.kinds.wheel manifest WH torch==2.13.0+cpu ...

(the download goes into WH/.torch-setup-downloading, emptied first by `start`, and `manifest` moves the
wheels into WH once every one is there: a build killed half-way leaves no partial wheel where a re-run
or a copy would take it for a whole one)

`manifest` writes WH/requirements.txt (every wheel as `name==version --hash=sha256:...`) and
WH/manifest.json (files, sizes, hashes, target). Install (on the air-gapped machine):

    python -m installer.plan.kinds.wheel check [--python-version=X.Y] [--arch=A] WH PINS
                                            # built for PINS and that Python and arch, every file whole
    uv pip install --no-index --find-links WH --require-hashes -r WH/requirements.txt
      || pip install --no-index --find-links WH --require-hashes -r WH/requirements.txt

`--no-index` and the wheelhouse as pip's only find-links (PIP_FIND_LINKS, which replaces those of
pip's configuration) mean pip never looks at the network; `--require-hashes` means a wheel that changed
on the way (a bad USB copy, a swapped file) is refused before anything is installed.

    kind: wheel
    with: {action: build, wheelhouse: ${wheelhouse}, python: ${tools.python}, packages: ${pins.requirements}}
    with: {action: install, wheelhouse: ${wheelhouse}, python: ${target.python}}
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import field_validator, model_validator

from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import Command, Guard, Step
from installer.plan.values import VType, check

if TYPE_CHECKING:
    from installer.errors import InputError

MANIFEST = "manifest.json"
# where a build downloads (inside the wheelhouse: the same filesystem, so the wheels move in with a rename,
# and no other folder to open in the sandbox); emptied before each download. Found in use: a build killed
# while pip copied the torch wheel left a partial .whl, and every re-run failed on it ("Wheel 'torch' ... is
# invalid": pip takes a file already in --dest as downloaded). The executor's diagnosis also reads this
# name, in the line `start` prints, to tell a build's failure from an install's.
DOWNLOADING = ".torch-setup-downloading"
REQUIREMENTS = "requirements.txt"
# pip's own wheel, downloaded beside the pins, with its hash in a file of its own: an install into the new venv
# installs it too (uv makes a venv without pip, and a person who activates it and types `pip install` got the
# system's pip, as online before the pip kind added it: installer.plan.kinds.pip.with_pip), and an install into
# an existing environment leaves that environment's pip as it is. Wheelhouses built before session 26 have none.
SEED = "pip"
SEED_REQUIREMENTS = "pip.txt"
_PLATFORM = re.compile(r"^[a-z0-9_]+$")
PIP_QUIET = ("--disable-pip-version-check", "--no-input")
# glibc of the oldest distributions torch still supports (torch's own wheels are manylinux_2_28)
DEFAULT_GLIBC_MINOR = 28


class WheelParams(KindParams):
    action: Literal["build", "install"]
    wheelhouse: str
    python: str  # build: the interpreter whose pip downloads; install: the interpreter installed into
    packages: tuple[str, ...] = ()  # build: exact pins; install: pins the guard checks (default: none)
    python_version: str | None = None  # build: the target's X.Y; default: the target Python's
    platforms: tuple[str, ...] = ()  # build: default every manylinux tag a glibc 2.28 <arch> machine runs

    @field_validator("wheelhouse")
    @classmethod
    def _wh(cls, v: str) -> str:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("python")
    @classmethod
    def _py(cls, v: str) -> str:
        return check(VType.COMMAND, v)  # type: ignore[no-any-return]

    @field_validator("packages")
    @classmethod
    def _pins(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return check(VType.PINS, v)  # type: ignore[no-any-return]

    @field_validator("python_version")
    @classmethod
    def _pyver(cls, v: str | None) -> str | None:
        return check(VType.VERSION, v)  # type: ignore[no-any-return]

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            if not _PLATFORM.match(p):
                raise ValueError(f"{p!r} is not a platform tag like manylinux_2_28_x86_64")
        return v

    @model_validator(mode="after")
    def _build_needs_packages(self) -> WheelParams:
        if self.action == "build" and not self.packages:
            raise ValueError("a wheelhouse build needs `packages`, the exact pins to download")
        return self


CHECK = ("-m", "installer.plan.kinds.wheel", "check")  # an install step's first command: CHECK, then the wheelhouse


def _check_args(step: Step) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """The options (`--python-version=3.11`, `--arch=x86_64`, before the folder) and the arguments (the
    folder, then the pins) of a `wheel` install step's manifest check; None for any other step."""
    if step.kind != "wheel":
        return None
    for cmd in step.commands:
        if cmd.argv[1:1 + len(CHECK)] == CHECK:
            rest = cmd.argv[1 + len(CHECK):]
            options = dict(a[2:].split("=", 1) for a in rest if a.startswith("--") and "=" in a)
            return options, tuple(a for a in rest if not a.startswith("--"))
    return None


def pins_checked_by(step: Step) -> tuple[str, ...]:
    """The pins a `wheel` install step's manifest check holds the wheelhouse to (after its folder)."""
    found = _check_args(step)
    return found[1][1:] if found else ()


def wheelhouse_read_by(step: Step) -> str | None:
    """The wheelhouse a `wheel` install step reads (the folder its manifest check names); None for
    any other step."""
    found = _check_args(step)
    return found[1][0] if found and found[1] else None


def target_checked_by(step: Step) -> tuple[str | None, str | None]:
    """The Python (X.Y) and architecture a `wheel` install step's manifest check holds the wheelhouse to."""
    found = _check_args(step)
    options = found[0] if found else {}
    return options.get("python-version"), options.get("arch")


def _made_by(path: str, steps: Sequence[Step]) -> bool:
    """Whether one of `steps` writes `path` or a folder above it (a wheelhouse build's writable folder),
    or a file or download inside it."""
    def inside(child: str, parent: str) -> bool:
        parent = parent.rstrip("/") or "/"
        return child == parent or child.startswith(parent if parent == "/" else parent + "/")

    for s in steps:
        if any(inside(path, w) for w in s.writable):
            return True
        if any(inside(f.path, path) for f in s.files) or any(inside(d.dest, path) for d in s.downloads):
            return True
    return False


def unfinished_build(path: str) -> bool:
    """Whether a wheelhouse build into `path` stopped before its manifest: the folder it downloads into is
    left until `manifest` moves the wheels in (found in use: such a folder was said to be no wheelhouse build's,
    and the hint was to build one, as if there were none). Only where there is no manifest: a build for other
    pins that stopped leaves the earlier, whole wheelhouse as it was."""
    return os.path.isdir(posixpath.join(path, DOWNLOADING))


def _run_build_again() -> str:
    """What to do with a wheelhouse whose build stopped half-way (`unfinished_build`)."""
    from installer.i18n import _

    return _("run the build again (`torch-setup install --answers <the build's answers>` resumes it) and use the "
             "folder once it has finished; nothing was changed")


def missing_wheelhouse(path: str, earlier: Sequence[Step], pins: Sequence[str] = (), *,
                       python_version: str | None = None, arch: str | None = None,
                       given: str | None = None) -> InputError | None:
    """The mistake in installing from a wheelhouse that is not there (and that no earlier step makes),
    that no wheelhouse build made (a folder of wheels gathered by hand: its install would install
    nothing, as it has no requirements.txt), or that was built for other pins than `pins` (its
    requirements.txt, which is what gets installed, would put another torch in), or for another Python
    than `python_version` or another architecture than `arch` (its wheels would not install): a
    person's, said at plan time rather than as a failed step later. `given`: the answer as written,
    when it was a relative path (the message then says where it was taken from). None when it is fine. Reads the manifest, hashes
    nothing: the install step's own check does that when it runs."""
    from installer.errors import InputError
    from installer.i18n import _
    from installer.i18n.phrases import listed
    from installer.paths import answers_examples

    if _made_by(path, earlier):
        return None
    example = answers_examples() + "wheelhouse-build.yaml"  # where this installation has it (a wheel too)
    if not os.path.isdir(path):
        from installer.i18n.phrases import closed_folder_problem

        if closed := closed_folder_problem(path):  # there or not, it cannot be read from
            return InputError(closed[0], key="wheelhouse", hint=closed[1])
        here = os.getcwd()
        # found in use: the shipped build's `wheelhouse: torch-wheelhouse`, run from another folder, was
        # looked for there, and the message did not say so
        message = (_("there is no wheelhouse folder at {path} (a relative wheelhouse is taken from the folder "
                     "torch-setup runs in, {cwd})", path=path, cwd=here)
                   if given else
                   _("there is no wheelhouse folder at {path}", path=path))
        return InputError(message, key="wheelhouse",
                          hint=_("build one on a machine with network (method: wheelhouse-build, see {example} "
                                 "and the README), copy it here and give its path as wheelhouse; nothing was "
                                 "changed", example=example))
    rebuild = _("build the wheelhouse with method: wheelhouse-build ({example}) and give its folder; for wheels "
                "gathered another way, use method: pip with the folder as pip's find-links; nothing was changed",
                example=example)
    manifest_path = posixpath.join(path, MANIFEST)
    try:
        manifest = _manifest_at(path)
    except FileNotFoundError:
        if unfinished_build(path):
            return InputError(_("the wheelhouse build into {path} did not finish (its download folder {folder} "
                                "is still there)", path=path, folder=DOWNLOADING), key="wheelhouse",
                              hint=_run_build_again())
        return InputError(_("{path} was not made by a wheelhouse build: it has no {file}", path=path,
                            file=MANIFEST), key="wheelhouse", hint=rebuild)
    except (OSError, ValueError) as exc:
        return InputError(f"{manifest_path}: {exc}", key="wheelhouse", hint=rebuild)
    if not os.path.isfile(posixpath.join(path, REQUIREMENTS)):
        # a build writes it before the manifest: missing beside one, the folder was not copied whole
        return InputError(_("{path} has no {file}, which its wheelhouse build wrote", path=path,
                            file=REQUIREMENTS), key="wheelhouse",
                          hint=_("copy the whole folder the build made, or build it again; nothing was changed"))
    built = _requirements(manifest)
    other = not_built_for(built, pins)
    if other:
        return InputError(_("the wheelhouse {path} was built for {built}, not for {asked}", path=path,
                            built=listed(built) or "?", asked=listed(other)), key="wheelhouse",
                          hint=_("choose the build it holds (torch.version, torch.variant and torch.extras), or "
                                 "build a wheelhouse for this one; nothing was changed"))
    return other_target(path, manifest, python_version, arch)


def other_target(path: str, manifest: object, python_version: str | None, arch: str | None) -> InputError | None:
    """The mistake in installing a wheelhouse built for another Python or architecture than the target's
    (found in use: one built for 3.12 passed the plan on a 3.11 machine, then failed half-way, told to
    build the same thing again). None when it fits, or when either side does not say."""
    from installer.errors import InputError
    from installer.i18n import _
    from installer.i18n.phrases import listed

    built_py, built_arch = _built_target(manifest)
    if python_version and built_py and built_py != python_version:
        return InputError(_("the wheelhouse {path} was built for Python {built}, and the Python it would install "
                            "into is {version}", path=path, built=built_py, version=python_version),
                          key="wheelhouse",
                          hint=_("build it again for Python {version} (target.python: \"{version}\" in the build's "
                                 "answers file, or this machine's `torch-setup detect --json` as its --hardware), "
                                 "or install into a Python {built} (target.python: \"{built}\"); nothing was changed",
                                 version=python_version, built=built_py))
    if arch and built_arch and arch not in built_arch:
        return InputError(_("the wheelhouse {path} was built for {built}, and this machine is {arch}", path=path,
                            built=listed(built_arch), arch=arch), key="wheelhouse",
                          hint=_("build it again with this machine's report (`torch-setup detect --json` here, "
                                 "then --hardware with that file on the machine with network); nothing was changed"))
    return None


def _built_target(manifest: object) -> tuple[str | None, list[str]]:
    """The Python (X.Y) and the architectures a wheelhouse's manifest says it was built for."""
    if not isinstance(manifest, dict):
        return None, []
    py = manifest.get("python_version")
    platforms = manifest.get("platforms")
    arches: list[str] = []
    for p in platforms if isinstance(platforms, list) else []:
        m = re.match(r"^(?:manylinux_[0-9]+_[0-9]+|manylinux[0-9]+|musllinux_[0-9]+_[0-9]+)_(.+)$", str(p))
        if m and m.group(1) not in arches:
            arches.append(m.group(1))
    return (str(py) if py else None), arches


def built_for(path: str) -> list[str]:
    """The pins the wheelhouse at `path` was built for (its manifest's); [] where it has no readable one."""
    try:
        return _requirements(_manifest_at(path))
    except (OSError, ValueError):
        return []


def built_platforms(path: str) -> tuple[str | None, list[str]]:
    """The Python (X.Y) and the platform tags the wheelhouse at `path` was built for; (None, []) where it has
    no readable manifest."""
    try:
        manifest = _manifest_at(path)
    except (OSError, ValueError):
        return None, []
    if not isinstance(manifest, dict):
        return None, []
    py, platforms = manifest.get("python_version"), manifest.get("platforms")
    return (str(py) if py else None), [str(p) for p in platforms] if isinstance(platforms, list) else []


def _manifest_at(path: str) -> object:
    with open(posixpath.join(path, MANIFEST), encoding="utf-8") as f:
        return json.load(f)


def _requirements(manifest: object) -> list[str]:
    reqs = manifest.get("requirements") if isinstance(manifest, dict) else None
    return [str(r) for r in reqs] if isinstance(reqs, list) else []


def not_built_for(built: Sequence[str], pins: Sequence[str]) -> list[str]:
    """The pins a wheelhouse built for `built` (its manifest's requirements) does not hold as pinned."""
    from packaging.utils import canonicalize_name

    listed = {canonicalize_name(r.split("==")[0]): r for r in built}
    return [r for r in pins if listed.get(canonicalize_name(r.split("==")[0])) != r]


def manylinux_platforms(arch: str, glibc_minor: int = DEFAULT_GLIBC_MINOR) -> tuple[str, ...]:
    """Every manylinux tag a glibc 2.<glibc_minor> machine runs, newest first.

    pip's --platform does not widen `manylinux_2_28` to the older tags a wheel may carry (only the
    legacy manylinux2014/2010 aliases get that), so a wheel tagged only manylinux_2_17 would be
    missed; the target's whole range is listed instead (PEP 600: a manylinux_2_Y wheel runs on any
    glibc >= 2.Y).
    """
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, 16, -1)]
    tags.append(f"manylinux2014_{arch}")
    if arch in ("x86_64", "i686"):
        tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return tuple(tags)


def for_target(major_minor: str | None, platforms: Sequence[str]) -> tuple[str, ...]:
    """`pip download`'s flags for wheels of another machine: binary only, its CPython X.Y (left out when not
    known: this one's) and each of its platform tags (pip's --platform takes exact tags: manylinux_platforms)."""
    flags: tuple[str, ...] = ("--only-binary=:all:",)
    if major_minor:
        flags += ("--python-version", major_minor, "--implementation", "cp", "--abi", "cp" + major_minor.replace(".", ""))
    for p in platforms:
        flags += ("--platform", p)
    return flags


class WheelKind(Kind):
    name = "wheel"
    Params = WheelParams

    def compile(self, params: WheelParams, ctx: KindContext) -> Compiled:
        if params.action == "build":
            return self._build(params, ctx)
        return self._install(params, ctx)

    def _build(self, params: WheelParams, ctx: KindContext) -> Compiled:
        from installer.errors import InputError
        from installer.i18n import _

        version = params.python_version or ctx.values.get("target.python_version") or ctx.values.get("hw.python_version")
        if not version:
            raise InputError(_("the wheelhouse needs the target's Python version"), key="target.python",
                             hint=_("give target.python (e.g. 3.11), or plan with the target's `detect --json`"))
        major_minor = ".".join(str(version).split(".")[:2])
        arch = ctx.report.os.arch or "x86_64"
        platforms = params.platforms or manylinux_platforms(arch)
        wh = params.wheelhouse
        # as the pip kind: a list of sources with a password or token goes in pip's variables, not on
        # the command line, which any local user can read (`ps`)
        sources, env = ctx.indexes.pip_args()
        if ctx.answers.mirror.pypi != "auto":  # as the pip kind's install: the chosen mirror alone
            from installer.plan.kinds.pip import only_the_plans_sources

            env = only_the_plans_sources(env)
        partial = posixpath.join(wh, DOWNLOADING)
        start = (ctx.tools.python, "-m", "installer.plan.kinds.wheel", "start", wh)
        pip: tuple[str, ...] = (params.python, "-m", "pip")
        if params.python == ctx.tools.python and not ctx.tools.host_pip and ctx.tools.uv:
            # torch-setup with no pip of its own (`uv tool install`; found in use: "No module named pip"), and
            # uv has no `pip download`: pip in an environment of uv's cache (not `uv tool run`, which writes
            # beside the installed tools, outside the sandbox's writable folders), fetched from the same
            # sources (uv reads no pip.conf, so the configuration's go as flags, as for its installs)
            from installer.plan.kinds.pip import UV_SYSTEM_CERTS

            uv_flags, uv_env = ctx.indexes.uv_args()
            pip = (ctx.tools.uv, "run", "--no-project", "--python", ctx.tools.python, *uv_flags, "--with", "pip",
                   "python", "-m", "pip")
            env = (*UV_SYSTEM_CERTS, *env, *uv_env)  # the system's certificates, as for uv's installs
        download = (*pip, "download", *PIP_QUIET, "--dest", partial, *for_target(major_minor, platforms), *sources)
        seed = _seed(params.packages)
        manifest = (ctx.tools.python, "-m", "installer.plan.kinds.wheel", "manifest", "--move-from", partial,
                    "--python-version", major_minor, *[f"--platform={p}" for p in platforms],
                    *(("--seed", SEED) if seed else ()), wh, *params.packages)
        # pip on its own, and allowed to fail (pip's exit 1): a private index or a partial mirror that holds
        # the pins but not pip still gives a wheelhouse (found in testing), whose new venvs then have no pip
        # (said by the manifest step, and by the plan that installs from it)
        get_seed = (Command(argv=(*download, *seed), env=env, ok_codes=(0, 1)),) if seed else ()
        # a wheelhouse built before builds tried to put pip in it is built again (from pip's cache, mostly)
        guard = Guard(unless=(ctx.tools.python, "-I", "-m", "installer.plan.kinds.wheel", "check",
                              *(("--with-seed",) if seed else ()), wh, *params.packages))
        return Compiled(commands=(Command(argv=start), Command(argv=(*download, *params.packages), env=env),
                                  *get_seed, Command(argv=manifest)),
                        writable=(wh,),
                        guard=guard)

    def missing_input(self, step: Step, earlier: Sequence[Step]) -> InputError | None:
        """For installer.plan.kinds.base.check_inputs: the wheelhouse an install step reads is there,
        or an earlier step of the plan makes it."""
        wh = wheelhouse_read_by(step)
        python_version, arch = target_checked_by(step)
        given = (_check_args(step) or ({}, ()))[0].get("as-given")
        return missing_wheelhouse(wh, earlier, pins_checked_by(step), python_version=python_version,
                                  arch=arch, given=given) if wh else None

    def _install(self, params: WheelParams, ctx: KindContext) -> Compiled:
        from installer.plan.existing_python import install_flags
        from installer.plan.kinds.pip import INSTALLED_CHECK, pip_runs_for, repair_command

        wh = params.wheelhouse
        req = posixpath.join(wh, REQUIREMENTS)
        py = params.python
        allow, notes = install_flags(py, ctx)
        offline = (*allow, "--no-index", "--find-links", wh, "--require-hashes", "-r", req,
                   *_seed_requirements(wh, py, ctx))
        pip_argv: tuple[str, ...]
        if ctx.tools.host_pip:
            pip_argv = (ctx.tools.python, "-m", "pip", "--python", py, "install", *PIP_QUIET, *offline)
        else:
            pip_argv = (py, "-m", "pip", "install", *PIP_QUIET, *offline)
        pip_cmd = Command(argv=pip_argv, env=only_these_links(wh))
        # uv first, as online: a CUDA build from a wheelhouse installs in seconds with uv, minutes with pip
        # (torch 2.13.0+cpu here: 2.6 s against 26 s). It checks --require-hashes as pip does, and reads
        # no pip.conf, so only the wheelhouse is looked in.
        install = (Command(argv=(ctx.tools.uv, "pip", "install", "--python", py, *offline),
                           fallback=pip_cmd if pip_runs_for(py, ctx) else None)
                   if ctx.tools.uv else pip_cmd)
        pins = params.packages or tuple(ctx.values.get("pins.requirements") or ())
        # the target's Python and architecture, for the check to hold the manifest to (at plan time too)
        version = ctx.values.get("target.python_version")
        arch = ctx.report.os.arch if ctx.report and ctx.report.os else None
        target = (*((f"--python-version={version}",) if version else ()), *((f"--arch={arch}",) if arch else ()))
        raw = ctx.answers.wheelhouse or ""
        if raw and not raw.startswith(("/", "~", "$")):  # said where it was looked for, should it not be there
            target += (f"--as-given={raw}",)
        verify = Command(argv=(ctx.tools.python, *CHECK, *target, wh, *pins))
        guard = Guard(unless=(py, "-I", "-c", INSTALLED_CHECK, *pins)) if pins else None
        prefix = posixpath.dirname(posixpath.dirname(py)) if py.startswith("/") else None
        repair = (repair_command(py, pins),) if pins else ()
        return Compiled(commands=(verify, *repair, install), writable=(prefix,) if prefix and prefix != "/" else (),
                        guard=guard, notes=(*notes, *_no_seed_note(wh, py, ctx)))


def _seed(packages: Sequence[str]) -> tuple[str, ...]:
    """("pip",) for a build whose pins do not name pip already."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    for p in packages:
        try:
            if canonicalize_name(Requirement(p).name) == SEED:
                return ()
        except InvalidRequirement:
            continue
    return (SEED,)


def _seed_requirements(wheelhouse: str, py: str, ctx: KindContext) -> tuple[str, ...]:
    """("-r", WH/pip.txt) for an install into the venv this plan makes, from a wheelhouse that holds pip."""
    from installer.plan.kinds.pip import is_new_venv

    seed = posixpath.join(wheelhouse, SEED_REQUIREMENTS)
    return ("-r", seed) if is_new_venv(py, ctx) and os.path.isfile(seed) else ()


def _no_seed_note(wheelhouse: str, py: str, ctx: KindContext) -> tuple[str, ...]:
    """A note when the new venv will have no pip: its wheelhouse was built before wheelhouses held pip."""
    from installer.i18n import _
    from installer.plan.kinds.pip import is_new_venv

    if not is_new_venv(py, ctx) or not os.path.isfile(posixpath.join(wheelhouse, MANIFEST)) \
            or os.path.isfile(posixpath.join(wheelhouse, SEED_REQUIREMENTS)):
        return ()
    return (_("the wheelhouse {wheelhouse} holds no pip (built before torch-setup put pip in wheelhouses, or from "
              "sources that had none), so the new environment will have none: `pip install` there would run the "
              "system's pip. Build the wheelhouse again to have pip in it, or afterwards run `{python} -m ensurepip` "
              "where the system's Python has ensurepip", wheelhouse=wheelhouse, python=py),)


def only_these_links(wheelhouse: str) -> tuple[tuple[str, str], ...]:
    """pip's environment for an offline install: the wheelhouse as its only find-links.

    `--no-index` drops the indexes, not the find-links of pip's configuration, and `--find-links` on the
    command line is added to them. A pip.conf with `find-links = https://mirrors.aliyun.com/pytorch-wheels/
    cpu/torch_stable.html` (the usual advice in China) then has an air-gapped install try the network
    first: 46 s of retries here with DNS failing, far longer where a firewall drops the packets. pip's
    variable replaces the configured list instead. It is split on blanks, so a folder with one in its
    name (a USB stick's label) goes as a file: URL."""
    if any(c.isspace() for c in wheelhouse) and wheelhouse.startswith("/"):
        return (("PIP_FIND_LINKS", Path(wheelhouse).as_uri()),)
    return (("PIP_FIND_LINKS", wheelhouse),)


# ---------------------------------------------------------------- run time: `python -m installer.plan.kinds.wheel`

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            h.update(block)
    return h.hexdigest()


def start_download(wheelhouse: Path) -> Path:
    """Empty the folder a build downloads into (what a stopped build left there is not known to be whole)
    and make it: pip then downloads every wheel afresh (from its cache, mostly)."""
    import shutil

    partial = wheelhouse / DOWNLOADING
    if partial.is_symlink() or partial.is_file():
        partial.unlink()
    elif partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    return partial


def move_in(partial: Path, wheelhouse: Path) -> list[Path]:
    """Move every wheel a finished download left in `partial` into the wheelhouse (a rename each: a wheel
    there is always whole), then remove `partial`. The wheels moved, in the wheelhouse."""
    import shutil

    moved = []
    for wheel in sorted(partial.glob("*.whl")):
        target = wheelhouse / wheel.name
        os.replace(wheel, target)
        moved.append(target)
    shutil.rmtree(partial, ignore_errors=True)  # what is left is not a wheel the build asked for
    return moved


def write_manifest(wheelhouse: Path, requirements: list[str], *, python_version: str | None = None,
                   platforms: list[str] | None = None, move_from: Path | None = None,
                   seed: Sequence[str] = ()) -> dict:
    """Hash every wheel in the wheelhouse and write requirements.txt and manifest.json beside them.
    With `move_from` (where the build downloaded), the wheels there are moved in first, and only they
    are described: wheels an earlier build for other pins left are not installed with these. `seed`
    (pip): wheels downloaded for the new venv's own use, whose pins and hashes go to pip.txt instead."""
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

    files = []
    by_pin: dict[str, list[str]] = {}
    wheels = move_in(move_from, wheelhouse) if move_from is not None else sorted(wheelhouse.glob("*.whl"))
    for wheel in wheels:
        try:
            name, version, _build, _tags = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename as exc:
            raise SystemExit(f"{wheel}: {exc}") from None
        digest = _sha256(wheel)
        files.append({"file": wheel.name, "sha256": digest, "size": wheel.stat().st_size})
        by_pin.setdefault(f"{canonicalize_name(name)}=={version}", []).append(digest)
    if not files:
        raise SystemExit(f"{wheelhouse}: no wheels to describe (did the download step run?)")
    have = {p.split("==")[0] for p in by_pin}
    missing = [r for r in requirements if canonicalize_name(r.split("==")[0]) not in have]
    if missing:
        raise SystemExit(f"{wheelhouse}: these were asked for and are not there: {', '.join(missing)}")
    seeded = {canonicalize_name(n) for n in seed}
    seeds = {pin: d for pin, d in by_pin.items() if pin.split("==")[0] in seeded}
    by_pin = {pin: d for pin, d in by_pin.items() if pin not in seeds}
    if seeds:
        (wheelhouse / SEED_REQUIREMENTS).write_text(
            "# written by torch-setup: pip, for a new virtual environment (installed with requirements.txt)\n"
            + "".join(pin + "".join(f" --hash=sha256:{d}" for d in sorted(set(digests))) + "\n"
                      for pin, digests in sorted(seeds.items())))
    lines = ["# written by torch-setup: install with",
             "#   uv pip install --no-index --find-links THIS_FOLDER --require-hashes -r THIS_FILE",
             "# or, with pip (its variable, not --find-links: that adds to pip.conf's, which may be URLs):",
             "#   PIP_FIND_LINKS=THIS_FOLDER pip install --no-index --require-hashes -r THIS_FILE"]
    for pin, digests in sorted(by_pin.items()):
        lines.append(pin + "".join(f" --hash=sha256:{d}" for d in sorted(set(digests))))
    manifest = {"format": 1, "python_version": python_version, "platforms": platforms or [],
                "requirements": requirements, "files": files}
    if seed:  # asked for, whether it came or not: a build that tried is not made again for it (check --with-seed)
        manifest["seed"] = sorted(seeded)
    (wheelhouse / REQUIREMENTS).write_text("\n".join(lines) + "\n")
    (wheelhouse / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def check_wheelhouse(wheelhouse: Path, requirements: Sequence[str] = (), *, python_version: str | None = None,
                     arch: str | None = None, with_seed: bool = False) -> list[str]:
    """Problems with the wheelhouse: missing, incomplete or changed files, requirements it does not hold, a
    Python or architecture other than the target's; with `with_seed`, no pip in it. [] when sound."""
    from installer.i18n import _

    path = wheelhouse / MANIFEST
    try:
        manifest = _manifest_at(str(wheelhouse))
    except FileNotFoundError:
        if unfinished_build(str(wheelhouse)):
            return [_("the wheelhouse build into {path} did not finish (its download folder {folder} is still "
                      "there): {what_to_do}", path=wheelhouse, folder=DOWNLOADING, what_to_do=_run_build_again())]
        return [_("{path} is missing: this folder was not made by a wheelhouse build", path=path)]
    except (OSError, ValueError) as exc:
        return [f"{path}: {exc}"]
    if not isinstance(manifest, dict):
        return [_("{path}: not a wheelhouse manifest", path=path)]
    problems: list[str] = []
    for entry in manifest.get("files", []):
        f = wheelhouse / entry["file"]
        if not f.is_file():
            problems.append(_("{path} is missing: copy it from the wheelhouse the build made", path=f))
            continue
        size = f.stat().st_size
        if size < entry["size"]:  # the usual failure of a copy to a USB stick: cut short, not changed
            problems.append(_("{path}: {size} of {expected} bytes: the copy is incomplete; copy it again",
                              path=f, size=size, expected=entry["size"]))
        elif size != entry["size"] or _sha256(f) != entry["sha256"]:
            problems.append(_("{path} changed since the wheelhouse was built (sha256 mismatch): copy it again "
                              "from the wheelhouse the build made", path=f))
    for r in not_built_for(_requirements(manifest), requirements):
        problems.append(_("{pin} is not what this wheelhouse was built for", pin=r))
    other = other_target(str(wheelhouse), manifest, python_version, arch)
    if other is not None:
        problems.append(other.message)
    if not (wheelhouse / REQUIREMENTS).is_file():
        problems.append(_("{path} is missing: copy it from the wheelhouse the build made", path=wheelhouse / REQUIREMENTS))
    if with_seed and "seed" not in manifest:
        problems.append(_("{path} was written before wheelhouses held pip for a new environment", path=path))
    return problems


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m installer.plan.kinds.wheel")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("manifest", help="hash the wheels and write requirements.txt and manifest.json")
    m.add_argument("wheelhouse", type=Path)
    m.add_argument("requirements", nargs="*")
    m.add_argument("--python-version")
    m.add_argument("--platform", action="append", default=[])
    m.add_argument("--move-from", type=Path, help="move the wheels downloaded there in first")
    m.add_argument("--seed", action="append", default=[], help=f"a package for a new venv (pip), in {SEED_REQUIREMENTS}")
    s = sub.add_parser("start", help=f"empty WHEELHOUSE/{DOWNLOADING}, where a build downloads")
    s.add_argument("wheelhouse", type=Path)
    c = sub.add_parser("check", help="exit 0 when every wheel is there and unchanged")
    c.add_argument("wheelhouse", type=Path)
    c.add_argument("requirements", nargs="*")
    c.add_argument("--python-version", help="the target's X.Y: the wheelhouse must be built for it")
    c.add_argument("--arch", help="the target's architecture (uname -m)")
    c.add_argument("--as-given", help="the wheelhouse as the answers file gave it (relative): for messages only")
    c.add_argument("--with-seed", action="store_true", help=f"{SEED_REQUIREMENTS} (pip) must be there too")
    args = parser.parse_args(argv)
    if args.command == "start":
        from installer.i18n import _

        partial = start_download(args.wheelhouse)
        print(_("downloading into {folder}; the wheels are moved into {wheelhouse} once every one is there",
                folder=partial, wheelhouse=args.wheelhouse))
        return 0
    if args.command == "manifest":
        manifest = write_manifest(args.wheelhouse, args.requirements, python_version=args.python_version,
                                  platforms=args.platform, move_from=args.move_from, seed=args.seed)
        print(f"{args.wheelhouse}: {len(manifest['files'])} wheels, hashes in {REQUIREMENTS}")
        if args.seed and not (args.wheelhouse / SEED_REQUIREMENTS).is_file():
            from installer.i18n import _

            print(_("note: pip could not be downloaded from these sources, so an environment made from this "
                    "wheelhouse will have no pip of its own"))
        return 0
    problems = check_wheelhouse(args.wheelhouse, args.requirements, python_version=args.python_version,
                                arch=args.arch, with_seed=args.with_seed)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


KIND = WheelKind()

if __name__ == "__main__":
    raise SystemExit(main())
