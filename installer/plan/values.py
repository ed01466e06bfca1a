"""Typed template values: what `${torch.version}` may stand for in a recipe, and how each is checked.

Every value a recipe can name has a type. A value is checked against its type before it is put into a
command, and where it may go depends on the type: a path or a URL may hold characters a shell would
read (spaces, `&`, `;`), so it only ever becomes one whole argv item; a version, a package pin or an
identifier cannot, so it may also sit inside a larger item (`torch==${torch.version}`). No value ever
reaches a shell: the executor runs argv lists, and the script renderer quotes every item.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version


class VType(str, Enum):
    VERSION = "version"  # 2.13.0, 12.6, 550.54.14
    IDENT = "identifier"  # cpu, cu126, ubuntu, x86_64
    PIN = "pin"  # torch==2.13.0+cpu
    LOCAL = "local"  # +cpu, +cu126 or empty
    INT = "int"
    BOOL = "bool"
    PATH = "path"  # an absolute path
    COMMAND = "command"  # an interpreter or tool: an absolute path or a bare name found on PATH
    URL = "url"
    TEXT = "text"  # free text: usable in `when` and titles, never in a command
    PINS = "list of pins"
    PATHS = "list of paths"
    URLS = "list of URLs"
    IDENTS = "list of identifiers"
    VERSIONS = "list of versions"
    KERNEL = "kernel release"  # 6.8.0-65-generic, 6.1.0-18-amd64, 6.12.43+deb13-amd64


# Types whose values cannot hold whitespace or shell metacharacters, so they may be embedded.
EMBEDDABLE = frozenset({VType.VERSION, VType.IDENT, VType.PIN, VType.LOCAL, VType.INT, VType.BOOL, VType.KERNEL})
LISTS = {VType.PINS: VType.PIN, VType.PATHS: VType.PATH, VType.URLS: VType.URL,
         VType.IDENTS: VType.IDENT, VType.VERSIONS: VType.VERSION}
# Types that may become (part of) a command. TEXT may not.
SUBSTITUTABLE = frozenset(VType) - {VType.TEXT}

_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9][A-Za-z0-9.+!_-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL = re.compile(r"^(https?|file)://[^\s\"'`\\<>|;$(){}]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
# what `uname -r` prints for any kernel a package could be named after (linux-headers-<release>): nothing a
# shell or apt would read as more than one name
_KERNEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$")


def _check_scalar(vtype: VType, value: Any) -> Any:
    if vtype is VType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if vtype is VType.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a {vtype.value}")
    if vtype is VType.TEXT:
        return value
    if vtype is VType.VERSION:
        try:
            Version(value)
        except InvalidVersion:
            raise ValueError(f"{value!r} is not a version") from None
        if not re.fullmatch(r"[0-9A-Za-z.+!-]+", value):
            raise ValueError(f"{value!r} is not a version")
    elif vtype is VType.IDENT:
        if not _IDENT.match(value):
            raise ValueError(f"{value!r} is not an identifier (letters, digits, . _ -)")
    elif vtype is VType.LOCAL:
        if value and not re.fullmatch(r"\+[A-Za-z0-9.]+", value):
            raise ValueError(f"{value!r} is not a local version label like +cpu")
    elif vtype is VType.PIN:
        if not _PIN.match(value):
            raise ValueError(f"{value!r} is not an exact pin like torch==2.13.0")
        try:
            Requirement(value)
        except InvalidRequirement:
            raise ValueError(f"{value!r} is not an exact pin like torch==2.13.0") from None
    elif vtype is VType.PATH:
        if _CONTROL.search(value) or not value.startswith("/"):
            raise ValueError(f"{value!r} is not an absolute path")
    elif vtype is VType.COMMAND:
        if _CONTROL.search(value) or not (value.startswith("/") or _NAME.match(value)):
            raise ValueError(f"{value!r} is neither an absolute path nor a program name")
    elif vtype is VType.URL:
        if not _URL.match(value):
            raise ValueError(f"{value!r} is not an http(s):// or file:// URL")
    elif vtype is VType.KERNEL:
        if not _KERNEL.match(value):
            raise ValueError(f"{value!r} is not a kernel release (letters, digits, . + _ -)")
    return value


def check(vtype: VType, value: Any) -> Any:
    """`value` if it is a valid `vtype` (None passes: "no value" is reported where it is used)."""
    if value is None:
        return None
    if vtype in LISTS:
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"{value!r} is not a list")
        return tuple(_check_scalar(LISTS[vtype], v) for v in value)
    return _check_scalar(vtype, value)


# A command's sample is a program the allowlist has: `recipes validate` checks a command step's literal
# program against it, and a templated one (${target.python}) is checked when the plan is made and run.
SAMPLES: dict[VType, Any] = {
    VType.VERSION: "1.0", VType.IDENT: "sample", VType.PIN: "sample==1.0", VType.LOCAL: "+cpu",
    VType.INT: 1, VType.BOOL: True, VType.PATH: "/sample/path", VType.COMMAND: "/sample/bin/python3",
    VType.URL: "https://sample.invalid/x", VType.TEXT: "sample", VType.PINS: ("sample==1.0",),
    VType.PATHS: ("/sample/path",), VType.URLS: ("https://sample.invalid/x",), VType.IDENTS: ("sample",),
    VType.VERSIONS: ("1.0",), VType.KERNEL: "6.8.0-1-generic",
}


@dataclass(frozen=True)
class Var:
    vtype: VType
    doc: str


# Every name a recipe may use, with its type. Values come from `namespace()` in planner.py.
VARIABLES: dict[str, Var] = {
    # the run's decisions (answers), after resolution
    "method": Var(VType.IDENT, "pip | conda | wheel | wheelhouse-build"),
    "target.kind": Var(VType.IDENT, "venv | conda | existing"),
    "target.path": Var(VType.PATH, "the environment's folder, absolute (for existing: the interpreter's prefix)"),
    "target.python": Var(VType.COMMAND, "the interpreter torch goes into (the venv's bin/python once created)"),
    "target.base_python": Var(VType.COMMAND, "the interpreter the environment is built from"),
    "target.python_version": Var(VType.VERSION, "X.Y of the target interpreter, when known"),
    "torch.version": Var(VType.VERSION, "the resolved torch release, e.g. 2.13.0"),
    "torch.variant": Var(VType.IDENT, "the resolved variant: cpu, cu126, rocm6.3, ..."),
    "torch.local": Var(VType.LOCAL, "the local version label of the variant (+cpu), empty for PyPI's default"),
    "torch.cuda": Var(VType.VERSION, "the CUDA version of the variant (12.6), none for cpu/rocm"),
    "torch.extras": Var(VType.IDENTS, "the companion packages asked for"),
    "pins.torch": Var(VType.PIN, "the exact torch pin, e.g. torch==2.13.0+cpu"),
    "pins.requirements": Var(VType.PINS, "every exact pin to install (torch and extras)"),
    "pins.torchvision": Var(VType.VERSION, "the torchvision release matching torch, if asked for"),
    "pins.torchaudio": Var(VType.VERSION, "the torchaudio release matching torch, if asked for"),
    "wheelhouse": Var(VType.PATH, "the folder of wheels (method: wheel reads it, wheelhouse-build fills it), absolute"),
    "mirror.region": Var(VType.IDENT, "auto | cn | global"),
    "mirror.scope": Var(VType.IDENT, "env | user | none"),
    "mirror.pypi": Var(VType.TEXT, "as answered: auto | none | id | URL"),
    "mirror.pytorch": Var(VType.TEXT, "as answered: auto | none | id | URL"),
    "mirror.conda": Var(VType.TEXT, "as answered: auto | none | id | URL"),
    "mirror.apt": Var(VType.TEXT, "as answered: auto | none | id | URL"),
    "index.url": Var(VType.URL, "the package index chosen for this run (none: PyPI)"),
    "index.extra_urls": Var(VType.URLS, "extra indexes, the PyTorch index first when the variant needs it"),
    "index.find_links": Var(VType.PATHS, "local wheel folders from the pip configuration"),
    "index.pytorch": Var(VType.URL, "the PyTorch wheel index picked for the variant (none: unreachable or not needed)"),
    "driver.install": Var(VType.BOOL, "install the NVIDIA driver"),
    "driver.branch": Var(VType.IDENT, "driver branch (550) or latest"),
    "driver.source": Var(VType.IDENT, "auto | ubuntu-drivers | nvidia-repo | runfile"),
    "driver.kernel_modules": Var(VType.IDENT, "auto | open | proprietary"),
    "cuda_toolkit.install": Var(VType.BOOL, "install a CUDA toolkit"),
    "cuda_toolkit.version": Var(VType.IDENT, "X.Y or auto"),
    "cuda_toolkit.source": Var(VType.IDENT, "apt | runfile"),
    "cuda_toolkit.prefix": Var(VType.PATH, "where a runfile toolkit goes, absolute (none: the default)"),
    "verify": Var(VType.BOOL, "verify after installing"),
    "bench": Var(VType.IDENT, "none | quick | full"),
    # tools on the machine that plans
    "tools.uv": Var(VType.COMMAND, "the uv binary (none when absent)"),
    "tools.python": Var(VType.COMMAND, "the interpreter torch-setup itself runs on"),
    "tools.conda": Var(VType.COMMAND, "a conda engine already there: conda, mamba or micromamba on PATH, else one "
                       "detection found (~/miniforge3/bin/conda); none when the machine has none"),
    "cache.dir": Var(VType.PATH, "torch-setup's download cache"),
    # facts from the hardware report
    "hw.os_id": Var(VType.IDENT, "ubuntu, debian, ..."),
    "hw.os_version": Var(VType.VERSION, "22.04, 12, ..."),
    "hw.arch": Var(VType.IDENT, "x86_64, aarch64"),
    "hw.kernel": Var(VType.TEXT, "the running kernel's release"),
    "hw.kernel_release": Var(VType.KERNEL, "the running kernel's release where it can be part of a package name "
                             "(linux-headers-${hw.kernel_release}); none when the report has none or it holds "
                             "other characters"),
    "hw.wsl": Var(VType.BOOL, "running under WSL"),
    "hw.container": Var(VType.BOOL, "running in a container"),
    "hw.jetson": Var(VType.BOOL, "a Jetson (Tegra SoC), whose GPU driver comes with JetPack"),
    "hw.gpu_count": Var(VType.INT, "GPUs of any vendor"),
    "hw.nvidia_gpu_count": Var(VType.INT, "NVIDIA GPUs"),
    "hw.gpu_vendors": Var(VType.IDENTS, "vendors of the GPUs found"),
    "hw.min_compute_capability": Var(VType.VERSION, "the lowest NVIDIA compute capability (6.1)"),
    "hw.driver_version": Var(VType.VERSION, "the loaded NVIDIA driver (none when not loaded)"),
    "hw.driver_cuda": Var(VType.VERSION, "the newest CUDA the driver runs"),
    "driver.installed_fits": Var(VType.BOOL, "the loaded NVIDIA driver runs the chosen build on every GPU and is the "
                                 "branch asked for (latest: any): the driver steps keep it"),
    "hw.secure_boot": Var(VType.BOOL, "Secure Boot is on"),
    "hw.nouveau_loaded": Var(VType.BOOL, "the nouveau module is loaded"),
    "hw.cuda_toolkits": Var(VType.VERSIONS, "CUDA toolkits installed on the machine"),
    "hw.python_version": Var(VType.VERSION, "the detected Python"),
}


def checked_namespace(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check every value against its declared type; a wrong one is a bug upstream, said plainly."""
    out: dict[str, Any] = {}
    for name, var in VARIABLES.items():
        value = raw.get(name)
        try:
            out[name] = check(var.vtype, value)
        except ValueError as exc:
            raise ValueError(f"template value {name}: {exc}") from None
    return out


def sample_namespace() -> dict[str, Any]:
    """A value of the right type for every name: used to check recipes without a machine."""
    return {name: SAMPLES[var.vtype] for name, var in VARIABLES.items()}


def closest_name(name: str) -> str | None:
    """The variable a misspelt `name` most likely meant (a recipe's `when:` or `${...}`), or None."""
    import difflib

    close = difflib.get_close_matches(name, list(VARIABLES), n=1, cutoff=0.7)
    return close[0] if close else None
