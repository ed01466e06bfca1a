"""The `pip` kind: create a virtual environment, or install exact pins into an interpreter.

uv is the engine (fast, and always there: it ships with torch-setup); pip is the fallback, run as the
step's second command when uv is absent or fails. Both get the same package sources, as explicit flags
(uv reads no pip.conf), or as their variables for a list with a password or token in it
(installer.plan.indexes). With a PyPI mirror chosen in the answers (anything but `auto`), pip and uv are
kept from adding the machine's pip or uv configuration to them (only_the_plans_sources). The step is
idempotent by its guard: an environment whose interpreter runs is not created again, and exact pins
already installed (read from package metadata, torch is never imported) are not installed again.

    kind: pip
    with: {venv: ${target.path}, python: ${target.base_python}}       # create the environment
    with: {python: ${target.python}, packages: ${pins.requirements}}   # install into it
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Literal

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pydantic import field_validator, model_validator

from installer.errors import InputError
from installer.i18n import _
from installer.paths import same_path
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import SAID_PREFIX, Command, Guard
from installer.plan.values import VType, check

if TYPE_CHECKING:
    from installer.hardware.report import HardwareReport

# Exits 0 when every NAME==VERSION given is installed at exactly that version. Reads metadata only:
# importing torch would take seconds and could crash on a broken install. First from the names of the
# `NAME-VERSION.dist-info` folders on sys.path (what pip and uv write; no file is opened), which settles
# it when every pin is there, or when one is missing and nothing else could hold it (no .egg-info);
# otherwise importlib.metadata reads the metadata itself (it takes several times as long).
# An installer writes a package's metadata before its files or after them (uv: RECORD, then METADATA,
# then some 12,000 files of torch, then INSTALLER; pip: files, then RECORD last), so a run cut off
# half-way, or out of disk, leaves the metadata of a package that is not all there. A package counts as
# installed only when every file its RECORD lists exists (compiled .pyc files aside: they come and go);
# with no RECORD, only when another tool than uv or pip (conda) installed it, as they always write one.
_COMPLETE = """\
import csv, os, re, sys
key = lambda s: re.sub(r"[-_.]+", "-", s).lower()
def installer(info):
    try:
        with open(os.path.join(info, "INSTALLER"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""
def complete(folder, name):
    info = os.path.join(folder, name)
    if not os.path.exists(os.path.join(info, "METADATA")):
        return False
    try:
        with open(os.path.join(info, "RECORD"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError:
        return installer(info) not in ("", "uv", "pip")
    return all(os.path.exists(os.path.join(folder, r[0])) for r in rows if r and not r[0].endswith(".pyc"))
def entries():
    for folder in sys.path:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            yield folder, name
"""
# What the pins need besides themselves: the Requires-Dist of each, and theirs in turn (with the extras named),
# as (name, who needs it) of those not installed, or half installed by uv or pip. Found in use: an install
# killed 0.4 s into uv left torch, filelock and mpmath half installed; a reinstall of torch with --no-deps
# mended torch alone, and the guard, which looked at the pins only, called the step "already in place" for
# good while `import sympy` failed. It runs in the target, where `packaging` may not be: its markers are then
# read by the small reader below (PEP 508's grammar); a marker it cannot read counts as met by nothing, so
# an odd one never makes a step run again and again.
_REQUIRES = r"""
def marker_env():
    import platform
    v = platform.python_version_tuple()
    i = sys.implementation
    return {"implementation_name": i.name, "implementation_version": "%d.%d.%d" % tuple(i.version[:3]),
            "os_name": os.name, "platform_machine": platform.machine(), "platform_release": platform.release(),
            "platform_system": platform.system(), "platform_version": platform.version(),
            "python_full_version": platform.python_version(), "python_version": v[0] + "." + v[1],
            "platform_python_implementation": platform.python_implementation(), "sys_platform": sys.platform}
TOKEN = re.compile(r'\s*(\(|\)|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|' "'[^']*'" r'|"[^"]*"|[a-z_.]+)')
def vt(s):
    parts = re.match(r"[0-9]+(\.[0-9]+)*", s)
    return tuple(int(x) for x in parts.group(0).split(".")) if parts else None
def compare(a, op, b):
    if op in ("in", "not in"):
        return (a in b) == (op == "in")
    x, y = vt(a), vt(b)
    if op in ("<", "<=", ">", ">=", "~=") or (x is not None and y is not None and op != "==="):
        if x is None or y is None:
            raise ValueError(op)
        n = max(len(x), len(y))
        x, y = x + (0,) * (n - len(x)), y + (0,) * (n - len(y))
        a, b, op = x, y, ">=" if op == "~=" else op
    return {"==": a == b, "===": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
def evaluate(text, env):
    tokens, pos = [], 0
    while text[pos:].strip():
        m = TOKEN.match(text, pos)
        if not m:
            raise ValueError(text)
        tokens.append(m.group(1))
        pos = m.end()
    def value(t):
        if t[:1] in ("'", '"'):
            return t[1:-1]
        return env[t]
    def atom(i):
        if tokens[i] == "(":
            r, i = either(i + 1)
            if tokens[i] != ")":
                raise ValueError(text)
            return r, i + 1
        op = re.sub(r"\s+", " ", tokens[i + 1])
        return compare(value(tokens[i]), op, value(tokens[i + 2])), i + 3
    def both(i):
        r, i = atom(i)
        while i < len(tokens) and tokens[i] == "and":
            s, i = atom(i + 1)
            r = r and s
        return r, i
    def either(i):
        r, i = both(i)
        while i < len(tokens) and tokens[i] == "or":
            s, i = both(i + 1)
            r = r or s
        return r, i
    r, i = either(0)
    if i != len(tokens):
        raise ValueError(text)
    return r
try:
    from packaging.requirements import Requirement
except Exception:
    Requirement = None
NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
def needed(text, extras, env):
    # (name, its extras) when the requirement applies here; None when it does not, or cannot be read
    try:
        if Requirement is not None:
            r = Requirement(text)
            if r.marker is not None and not any(r.marker.evaluate(dict(env, extra=e)) for e in ("", *extras)):
                return None
            return key(r.name), frozenset(key(e) for e in r.extras)
        head, _, marker = text.partition(";")
        m = NAME.match(head)
        if marker.strip() and not any(evaluate(marker, dict(env, extra=e)) for e in ("", *extras)):
            return None
        return key(m.group(1)), frozenset(key(e) for e in (m.group(2) or "").split(",") if e.strip())
    except Exception:
        return None
def first_infos():
    # {name: (folder, dist-info)} of the first of each name on sys.path: the one Python imports
    first = {}
    for folder, name in entries():
        if name.endswith(".dist-info"):
            first.setdefault(key(name[:-10].partition("-")[0]), (folder, name))
    return first
def missing_requirements(roots, first):
    # `first`: {name: (folder, dist-info)} as Python finds them; yields (name, what needs it)
    import importlib.metadata as m, pathlib
    env, todo, seen = marker_env(), [(r, frozenset(), "") for r in roots], set()
    while todo:
        name, extras, by = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        place = first.get(name)
        try:
            if place is not None:
                info = os.path.join(*place)
                if by and installer(info) in ("", "uv", "pip") and not complete(*place):
                    yield name, by
                    continue
                dist = m.PathDistribution(pathlib.Path(info))
            else:
                dist = m.distribution(name)
            requires = dist.requires or ()
        except Exception:
            yield name, by
            continue
        for text in requires:
            got = needed(text, extras, env)
            if got is not None:
                todo.append((got[0], got[1], name))
"""
INSTALLED_CHECK = _COMPLETE + _REQUIRES + """\
want = {key(n): v.lower() for n, _, v in (p.partition("==") for p in sys.argv[1:])}
have, eggs = {}, False
for folder, name in entries():
    if name.endswith(".dist-info"):
        n, _, v = name[:-10].partition("-")
        have.setdefault(key(n), (v.lower(), folder, name))
    elif name.endswith((".egg-info", ".egg")):
        eggs = True
if all(k in have and have[k][0] == v for k, v in want.items()):
    if not all(complete(*have[k][1:]) for k in want):
        sys.exit(1)
    sys.exit(int(next(missing_requirements(list(want), {k: p[1:] for k, p in have.items()}), None) is not None))
if not eggs and any(k not in have for k in want):
    sys.exit(1)
import importlib.metadata as m
have = {}
for d in m.distributions():
    have.setdefault(key(d.metadata["Name"] or ""), d.version.lower())
if any(have.get(k) != v for k, v in want.items()):
    sys.exit(1)
first = first_infos()
sys.exit(int(next(missing_requirements(list(want), first), None) is not None))
"""
# What REPAIR says of each record it removes: the catalog is not there in the target, so repair_command gives
# it in the reader's language (TORCH_SETUP_SAY_REINSTALLED), only where that is not English: an English plan
# reads as it did.
REINSTALLED = "{name}: half installed (files are missing), so it is installed again"
# Run first in an install step: the record of a pinned package left half-installed (by uv or pip, or cut
# off before its INSTALLER was written) is removed, so that the install puts it in again; uv and pip would
# otherwise call it installed. So is that of a package the pins need (filelock, mpmath under sympy), which
# the same install put there and cut off. Only those, only what uv or pip installed: another package's
# metadata, or conda's, is never touched. A pin with no record at all (a new environment) has nothing under it
# to mend, as without an .egg-info on sys.path importlib.metadata finds no other record of it (the guard's
# reasoning): it is left out of the walk, which then does not import importlib.metadata (some 40 ms, measured
# on the first install into a new venv, recipes/answers/cpu-venv.yaml).
REPAIR = _COMPLETE + _REQUIRES + f"""\
import shutil
said = os.environ.get("{SAID_PREFIX}REINSTALLED") or {REINSTALLED!r}
""" + """\
want = {key(p.partition("==")[0]) for p in sys.argv[1:]}
first = first_infos()
roots = sorted(want)
if any(k not in first for k in roots) and not any(n.endswith((".egg-info", ".egg")) for _, n in entries()):
    roots = [k for k in roots if k in first]
for dep, by in list(missing_requirements(roots, first) if roots else ()):
    place = first.get(dep)
    if dep not in want and place is not None and installer(os.path.join(*place)) in ("", "uv", "pip"):
        shutil.rmtree(os.path.join(*place))
        print(said.replace("{name}", place[1]))
for folder, name in entries():
    if not name.endswith(".dist-info") or key(name[:-10].partition("-")[0]) not in want:
        continue
    if installer(os.path.join(folder, name)) in ("", "uv", "pip") and not complete(folder, name):
        shutil.rmtree(os.path.join(folder, name))
        print(said.replace("{name}", name))
"""


def repair_command(python: str, pins: tuple[str, ...]) -> Command:
    """REPAIR run by `python` for `pins`, saying what it removes in the reader's language."""
    said = _(REINSTALLED)
    env = ((SAID_PREFIX + "REINSTALLED", said),) if said != REINSTALLED else ()
    return Command(argv=(python, "-I", "-c", REPAIR, *pins), env=env)


RUNS_CHECK = "import sys"
# the base interpreter as the planner writes a version asked for (target.python: "3.12")
_VERSION_REQUEST = re.compile(r"python([0-9]+\.[0-9]+)")


def _minor(version: str | None) -> str | None:
    return ".".join(version.split(".")[:2]) if version else None


class PipParams(KindParams):
    python: str  # create: the interpreter to build from; install: the interpreter to install into
    venv: str | None = None  # create a virtual environment at this absolute path
    packages: tuple[str, ...] = ()  # exact pins (name==version)
    engine: Literal["auto", "uv", "pip"] = "auto"  # auto: uv, falling back to pip

    @field_validator("python")
    @classmethod
    def _python(cls, v: str) -> str:
        return check(VType.COMMAND, v)  # type: ignore[no-any-return]

    @field_validator("venv")
    @classmethod
    def _venv(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("packages")
    @classmethod
    def _packages(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return check(VType.PINS, v)  # type: ignore[no-any-return]

    @model_validator(mode="after")
    def _one_job(self) -> PipParams:
        if (self.venv is None) == (not self.packages):
            raise ValueError("give either `venv` (create an environment) or `packages` (install), not both")
        return self


# uv trusts only its bundled roots; pip (24.2+) trusts the system's store, as do the machines behind a
# company's or a campus's TLS-inspecting proxy, whose root is installed there. Found as a normal user
# here: uv failed with "invalid peer certificate: UnknownIssuer" and only the pip fallback got through.
# Both names: UV_SYSTEM_CERTS for uv 0.11 on (which added it), UV_NATIVE_TLS for the uv releases before it.
UV_SYSTEM_CERTS = (("UV_NATIVE_TLS", "1"), ("UV_SYSTEM_CERTS", "1"))


# pip adds what its configuration names (pip.conf, and these variables, which the executor passes on) to
# the sources its flags name. uv reads no pip.conf, but it does read its own configuration (uv.toml,
# [tool.uv]) and its variables, and adds them the same way (uv 0.13: UV_EXTRA_INDEX_URL, UV_INDEX and
# UV_DEFAULT_INDEX were each asked beside --index-url). With a mirror chosen in the answers, either would
# ask the machine's own indexes too.
PIP_SOURCE_VARIABLES = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")
UV_SOURCE_VARIABLES = ("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_FIND_LINKS")
# what keeps each from reading a configuration file: PIP_CONFIG_FILE=os.devnull (pip 1.5.3 and later loads
# no file at all: global, user, the venv's); UV_NO_CONFIG=1. Not pip's `--isolated`: it would ignore the
# variables that carry the plan's own credentials, and it still loads /etc/pip.conf.
NO_CONFIG = {"pip": ("PIP_CONFIG_FILE", os.devnull), "uv": ("UV_NO_CONFIG", "1")}
SOURCE_VARIABLES = {"pip": PIP_SOURCE_VARIABLES, "uv": UV_SOURCE_VARIABLES}


def only_the_plans_sources(env: tuple[tuple[str, str], ...], tool: Literal["pip", "uv"] = "pip"
                           ) -> tuple[tuple[str, str], ...]:
    """The environment of a pip or uv command that must take packages from the plan's sources alone (its
    flags, and `env`, where a list with credentials goes): no configuration file read, and each source
    variable the plan does not set itself set empty, which replaces the user's and which both tools take
    as not set. The plan's --trusted-host flags and the variables it sets itself are untouched."""
    mine = {name for name, _value in env}
    blank = tuple((name, "") for name in SOURCE_VARIABLES[tool] if name not in mine)
    return (NO_CONFIG[tool], *blank, *env)


# pip retries each request 5 times by default, with a back-off (0.5, 1, 2, 4 s), for every page it asks
# of every source: against an index answering 503 that was some 7.5 s for torch and again for each of its
# dependencies (some 100 s of a 145 s install that took its wheels from this disk). Run after uv, pip asks
# sources uv has just asked, with retries of its own (3 by default): it is there for what uv fails on and
# pip does not (uv trusts only its bundled certificates, above), not for an outage that 3 retries did not
# outlast. One retry, made at once (urllib3 waits only before the second), still covers a single dropped
# connection or passing 5xx of a source that works. pip's socket timeout (15 s, per read: a slow download
# that keeps sending never reaches it) is left as it is: shortening it is what would fail a slow source.
FALLBACK_RETRIES = "1"


def fallback_network_flags(report: HardwareReport) -> tuple[str, ...]:
    """What a pip run after uv's failure adds to its flags: --retries, unless the user set pip's retries
    (pip.conf, PIP_RETRIES): a flag would replace theirs. Only when the report says they did not: one
    that does not read pip's retries (a saved report from an earlier torch-setup) keeps pip's own."""
    pip = report.mirror_config.pip
    if "retries" not in pip.model_fields_set or pip.retries:
        return ()
    return ("--retries", FALLBACK_RETRIES)


def venv_python(venv: str) -> str:
    return posixpath.join(venv, "bin", "python")


def pip_runs_for(py: str, ctx: KindContext) -> bool:
    """Whether a pip fallback can run for the interpreter `py`: the host's pip does (`--python`), else only
    the target's own, which the venv this plan makes with uv has not. Without it the fallback only added
    "No module named pip" below uv's real error (found in use, torch-setup installed with uv)."""
    if ctx.tools.host_pip or not ctx.tools.uv:
        return True
    return not is_new_venv(py, ctx)


def is_new_venv(py: str, ctx: KindContext) -> bool:
    """Whether `py` is the interpreter of the venv this plan makes (target.kind venv)."""
    path = ctx.values.get("target.path")
    return ctx.values.get("target.kind") == "venv" and bool(path) and same_path(py, venv_python(str(path)))


def with_pip(py: str, packages: tuple[str, ...], ctx: KindContext) -> tuple[str, ...]:
    """("pip",) when `py` is the venv this plan makes: uv makes it without pip, and a person who activates
    it and types `pip install` (every tutorial's next line) got the system's pip instead: PEP 668's refusal,
    or on older systems packages in ~/.local that the environment does not see (found in use). In the torch
    step's own command it costs next to nothing (one resolution, downloads side by side); `python -m venv`,
    the fallback, brings pip too."""
    # from an index only: an offline wheelhouse holds what was asked for, and nothing else
    if ctx.values.get("method") != "pip" or not is_new_venv(py, ctx):
        return ()
    if any(canonicalize_name(Requirement(p).name) == "pip" for p in packages):
        return ()
    return ("pip",)


def _missing_python_note(version: str, folder: str, ctx: KindContext) -> str:
    """What uv does when the Python asked for by version is not the machine's. A recorded machine's report
    names one Python (the one detection examined there), and the note says which, not "this machine"
    (found in use: `plan --hardware` of a machine with Python 3.8 said Python 3.10 "was not found on this
    machine", of the machine the plan was only made on)."""
    found = ctx.report.python
    if ctx.recorded and found is not None:
        return _("the recorded machine's Python is {found} ({executable}), not {version}: unless Python {version} "
                 "is on its PATH when the plan runs there, uv downloads a standalone CPython {version} "
                 "(python-build-standalone, a GitHub release) into {folder} for the new environment. Where GitHub "
                 "is slow or blocked, install Python {version} from that machine's system packages first, or set "
                 "UV_PYTHON_INSTALL_MIRROR to a mirror of those releases", found=found.version,
                 executable=found.executable, version=version, folder=folder)
    if ctx.recorded:
        return _("the recorded machine's report names no Python: unless Python {version} is on its PATH when the "
                 "plan runs there, uv downloads a standalone CPython {version} (python-build-standalone, a GitHub "
                 "release) into {folder} for the new environment. Where GitHub is slow or blocked, install Python "
                 "{version} from that machine's system packages first, or set UV_PYTHON_INSTALL_MIRROR to a "
                 "mirror of those releases", version=version, folder=folder)
    return _("Python {version} was not found on this machine: unless it is on PATH when the plan "
             "runs, uv downloads a standalone CPython {version} (python-build-standalone, a GitHub "
             "release) into {folder} for the new environment. Where GitHub is slow or blocked, "
             "install Python {version} from the system's packages first, or set "
             "UV_PYTHON_INSTALL_MIRROR to a mirror of those releases", version=version, folder=folder)


class PipKind(Kind):
    name = "pip"
    Params = PipParams

    def compile(self, params: PipParams, ctx: KindContext) -> Compiled:
        if params.venv is not None:
            return self._create(params, ctx)
        return self._install(params, ctx)

    def _create(self, params: PipParams, ctx: KindContext) -> Compiled:
        venv = params.venv or ""
        fallback = Command(argv=(params.python, "-m", "venv", venv))
        uv = ctx.tools.uv if params.engine != "pip" else None
        if uv:
            # --allow-existing: the executor makes the folder first (the sandbox binds it writable),
            # and a re-run after a kill must be able to finish a half-made environment
            cmd = Command(argv=(uv, "venv", "--allow-existing", "--no-project", "--python", params.python, venv),
                          fallback=fallback)
        else:
            cmd = fallback
        guard = Guard(creates=posixpath.join(venv, "pyvenv.cfg"), unless=(venv_python(venv), "-I", "-c", RUNS_CHECK))
        writable: tuple[str, ...] = (venv,)
        notes: tuple[str, ...] = ()
        wanted = _VERSION_REQUEST.fullmatch(params.python)
        if uv and wanted and ctx.tools.uv_python_dir:
            # a Python asked for by version: where the machine has none, uv downloads one into its own
            # folder, which the sandbox must then let it write
            writable += (ctx.tools.uv_python_dir,)
            if _minor(ctx.report.python.version if ctx.report.python else None) != wanted.group(1):
                notes = (_missing_python_note(wanted.group(1), ctx.tools.uv_python_dir, ctx),)
        return Compiled(commands=(cmd,), writable=writable, guard=guard, notes=notes)

    def _install(self, params: PipParams, ctx: KindContext) -> Compiled:
        from installer.plan.existing_python import install_flags

        py = params.python
        packages = params.packages
        allow, notes = install_flags(py, ctx)
        uv = ctx.tools.uv if params.engine != "pip" else None
        installed = (*packages, *with_pip(py, packages, ctx))  # the guard and the repair look at the pins only
        # pip alone keeps its own retries; after uv, it gives up sooner on what uv found failing
        pip_cmd = self._pip_command(py, (*allow, *installed), ctx,
                                    network=fallback_network_flags(ctx.report) if uv else ())
        if params.engine == "uv" and not uv:
            raise InputError(_("this step asks for uv, and uv is not installed"),
                             hint=_("reinstall torch-setup (uv is one of its dependencies)"))
        if uv:
            flags, env = ctx.indexes.uv_args()  # a list of sources with credentials: in env, out of `ps`
            if ctx.answers.mirror.pypi != "auto":  # as for pip: the chosen mirror, not the user's uv settings
                env = only_the_plans_sources(env, "uv")
            uv_argv = (uv, "pip", "install", "--python", py, *allow, *flags, *installed)
            cmd = Command(argv=uv_argv, env=UV_SYSTEM_CERTS + env, fallback=pip_cmd if pip_runs_for(py, ctx) else None)
        else:
            cmd = pip_cmd
        guard = Guard(unless=(py, "-I", "-c", INSTALLED_CHECK, *packages))
        prefix = posixpath.dirname(posixpath.dirname(py)) if py.startswith("/") else None
        repair = repair_command(py, packages)
        return Compiled(commands=(repair, cmd), writable=(prefix,) if prefix and prefix != "/" else (),
                        guard=guard, notes=notes)

    @staticmethod
    def _pip_command(py: str, packages: tuple[str, ...], ctx: KindContext,
                     network: tuple[str, ...] = ()) -> Command:
        sources, env = ctx.indexes.pip_args()
        if ctx.answers.mirror.pypi != "auto":  # auto alone means "the pip configuration on this machine"
            env = only_the_plans_sources(env)
        flags = ("--disable-pip-version-check", "--no-input", *network, *sources)
        if ctx.tools.host_pip:
            # the host's pip installs into the target: a venv made by uv has no pip of its own
            argv = (ctx.tools.python, "-m", "pip", "--python", py, "install", *flags, *packages)
        else:
            argv = (py, "-m", "pip", "install", *flags, *packages)
        return Command(argv=argv, env=env)


KIND = PipKind()
