"""Software on the machine the install builds on: conda-like tools, Pythons, uv, proxies."""

from __future__ import annotations

import os
import re
import sys

from installer.hardware import root
from installer.hardware import run as _run
from installer.redaction import redact


def home() -> str:
    return os.path.expanduser("~")


def _meta_version(prefix: str, package: str) -> str | None:
    """A package's version in a conda prefix, from its conda-meta record's file name (no conda run)."""
    for name in root.listdir(f"{prefix}/conda-meta"):
        m = re.match(rf"{re.escape(package)}-(\d[^-]*)-[^-]+\.json$", name)
        if m:
            return m.group(1)
    return None


def conda_tools() -> list[dict[str, str | None]]:
    h = home()
    bases = [os.environ.get("CONDA_EXE", "").rsplit("/bin/", 1)[0]] if os.environ.get("CONDA_EXE") and not root.root() else []
    bases += [f"{h}/{d}" for d in ("miniforge3", "mambaforge", "miniconda3", "anaconda3", ".local/share/mamba")]
    bases += ["/opt/conda", "/opt/miniforge3", "/opt/miniconda3", "/opt/anaconda3"]
    found: dict[str, dict[str, str | None]] = {}
    for kind in ("conda", "mamba", "micromamba"):
        paths = []
        if not root.root():
            on_path = _run.which(kind)
            if on_path:
                paths.append(on_path)
        paths += [f"{b}/bin/{kind}" for b in bases if b]
        paths += [f"{h}/.local/bin/{kind}", f"/usr/local/bin/{kind}", f"/usr/bin/{kind}"]
        for p in paths:
            real = root.at(p) if root.root() else p
            if not (os.path.isfile(real) and os.access(real, os.X_OK)):
                continue
            key = os.path.realpath(real)
            if key in found:
                continue
            prefix = os.path.dirname(os.path.dirname(p))
            version = _meta_version(prefix, kind) if kind != "micromamba" else None
            if kind == "micromamba" and not root.root():
                out = _run.run([p, "--version"], timeout=2.0)
                version = out.stdout.strip() if out is not None and out.ok else None
            found[key] = {"kind": kind, "path": p, "version": version}
    return list(found.values())


_PYNAME = re.compile(r"^python(\d+)(?:\.(\d+))?$")


def pythons() -> list[dict[str, str]]:
    """CPython interpreters by their file names (python3.X), without running each one."""
    h = home()
    dirs: list[str] = []
    if not root.root():
        dirs += [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    dirs += ["/usr/bin", "/usr/local/bin", f"{h}/.local/bin"]
    dirs = [d for d in dirs if not d.rstrip("/").endswith("/shims")]  # pyenv shims dispatch, they are not Pythons
    dirs += [f"{d}/bin" for d in root.glob(f"{h}/.pyenv/versions/*")]
    dirs += [f"{d}/bin" for d in root.glob(f"{h}/.local/share/uv/python/*")]
    out: dict[str, dict[str, str]] = {}
    for d in dict.fromkeys(dirs):
        for name in root.listdir(d):
            m = _PYNAME.match(name)
            if not m:
                continue
            path = f"{d}/{name}"
            real_path = os.path.realpath(root.at(path))
            if not os.access(real_path, os.X_OK) or real_path in out:
                continue
            version = f"{m.group(1)}.{m.group(2)}" if m.group(2) else None
            if version is None:
                m2 = _PYNAME.match(os.path.basename(real_path))
                version = f"{m2.group(1)}.{m2.group(2)}" if m2 and m2.group(2) else None
            if version is None:
                continue  # a bare `python3` link to something unnamed: its versioned sibling is listed
            out[real_path] = {"version": version, "executable": path}
    return sorted(out.values(), key=lambda p: [int(x) for x in p["version"].split(".")], reverse=True)


def uv() -> dict[str, str | None] | None:
    exe = _run.which("uv", extra_dirs=(os.path.dirname(sys.executable),))
    if not exe:
        return None
    out = _run.run([exe, "--version"], timeout=2.0)
    version = None
    if out is not None and out.ok:
        m = re.search(r"uv (\d+\.\d+\.\d+)", out.stdout)
        version = m.group(1) if m else None
    return {"path": exe, "version": version}


_APT_PROXY = re.compile(r'Acquire::(https?)::Proxy\s+"([^"]+)"', re.IGNORECASE)


def proxies() -> dict[str, str]:
    out: dict[str, str] = {}
    for var in ("https_proxy", "http_proxy", "all_proxy", "no_proxy"):
        value = os.environ.get(var) or os.environ.get(var.upper())
        if value:
            out[var] = redact(value) if var != "no_proxy" else value
    for conf in ["/etc/apt/apt.conf"] + root.glob("/etc/apt/apt.conf.d/*"):
        for scheme, url in _APT_PROXY.findall(root.read_text(conf, limit=65536) or ""):
            out.setdefault(f"apt_{scheme.lower()}_proxy", redact(url))
    return out
