"""The programs a plan is built around, found on the machine that plans: uv, this interpreter, and a
conda engine when there is one; and where uv keeps the Pythons it downloads.

uv comes with torch-setup (the `uv` package on PyPI ships the binary); pip is the fallback when uv is
absent or fails. pip can install into another interpreter with `--python` (pip >= 22.3), so the host's
own pip also serves environments that have no pip of their own (a venv made by uv has none).
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tools:
    uv: str | None = None  # absolute path of the uv binary, None when absent
    python: str = sys.executable  # the interpreter torch-setup runs on
    host_pip: bool = False  # `python -m pip --python TARGET` works (pip >= 22.3 beside this interpreter)
    conda: str | None = None  # conda, mamba or micromamba on PATH (absolute), None when none is
    # where `uv venv --python 3.12` puts a CPython it downloads when the machine has none: the venv step
    # must be able to write there from inside the sandbox
    uv_python_dir: str | None = None

    @classmethod
    def discover(cls) -> Tools:
        return cls(uv=find_uv(), python=sys.executable, host_pip=host_pip_works(),
                   conda=find_conda(), uv_python_dir=uv_python_dir())


def host_pip_works() -> bool:
    """Whether `python -m pip --python TARGET` works beside this interpreter (pip 22.3 or newer): not where
    torch-setup was installed with `uv tool install`, whose environment has no pip."""
    return _host_pip_version() >= (22, 3)


def uv_python_dir(environ: Mapping[str, str] | None = None) -> str:
    """uv's own rule (`uv python dir`): UV_PYTHON_INSTALL_DIR, else $XDG_DATA_HOME/uv/python, else
    ~/.local/share/uv/python."""
    env = os.environ if environ is None else environ
    if env.get("UV_PYTHON_INSTALL_DIR"):
        return os.path.abspath(os.path.expanduser(env["UV_PYTHON_INSTALL_DIR"]))
    data = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(os.path.abspath(data), "uv", "python")


# The engines the conda kind drives; all three take the same `create|install -y -p PREFIX -c CH SPEC` argv.
CONDA_ENGINES = ("conda", "mamba", "micromamba")


def find_conda(path: str | None = None) -> str | None:
    """The first conda engine on PATH (conda, then mamba, then micromamba), as an absolute path."""
    for name in CONDA_ENGINES:
        found = shutil.which(name, path=path)
        if found:
            return str(Path(found).absolute())
    return None


def find_uv() -> str | None:
    try:
        import uv  # the PyPI package: only a locator for its binary

        path = uv.find_uv_bin()
        if path and Path(path).is_file():
            return str(Path(path).absolute())
    except (ImportError, FileNotFoundError):
        pass
    return shutil.which("uv")


@functools.lru_cache(maxsize=8)
def uv_system_certs_flag(uv: str) -> str:
    """The flag that makes `uv` trust the system's certificate store, where a TLS-inspecting proxy's root
    lives (uv trusts only its bundled roots otherwise: "invalid peer certificate: UnknownIssuer", found as a
    normal user here): `--system-certs` from uv 0.11.0, which added it (uv's environment reference for
    UV_SYSTEM_CERTS; astral-sh/uv#18705 deprecated the old name), `--native-tls` before it; 0.11 on still take
    that one, with a warning. A uv whose version cannot be read is taken to be current."""
    import subprocess

    from packaging.version import InvalidVersion, Version

    try:
        out = subprocess.run([uv, "--version"], capture_output=True, text=True, timeout=5).stdout.split()
        old = Version(out[1]) < Version("0.11") if len(out) > 1 else False
    except (OSError, subprocess.SubprocessError, InvalidVersion):
        old = False
    return "--native-tls" if old else "--system-certs"


def _host_pip_version() -> tuple[int, ...]:
    """The version of the pip beside this interpreter, read from its metadata (not imported: it is slow)."""
    from importlib import metadata

    try:
        text = metadata.version("pip")
    except metadata.PackageNotFoundError:
        return (0,)
    parts: list[int] = []
    for part in text.split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)
