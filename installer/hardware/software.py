"""Software on the machine the install builds on: conda-like tools, Pythons, uv, proxies."""

from __future__ import annotations

import os
import re
import sys
from typing import Any, overload
from urllib.parse import urlsplit, urlunsplit

from installer.hardware import root
from installer.hardware import run as _run


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


@overload
def redact(url: str) -> str: ...


@overload
def redact(url: None) -> None: ...


def redact(url: str | None) -> str | None:
    """The URL without its user:token@ part: reports and output are shared, credentials must not be.

    The whole user part goes, not only a password: an index token is often the user name itself
    (https://TOKEN@host/simple). Used for proxies here and for every mirror URL the mirrors print.
    """
    if not url or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # not a URL we can take apart: keep nothing between the scheme and the last @
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}***@{rest.rsplit('@', 1)[-1]}" if sep else "***@" + url.rsplit("@", 1)[1]
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = f"***@{host}" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


HIDDEN = "***"  # what `redact` leaves of a URL's user part

# a URL inside free text (a command line, a tool's output, a note): up to the next blank or quote
_URL_IN_TEXT = re.compile(r"""[A-Za-z][A-Za-z0-9+.-]*://[^\s'"<>]*@[^\s'"<>]*""")


def redact_text(text: str) -> str:
    """`text` with every URL in it redacted: for lines shown or logged (commands, tools' output, notes)."""
    if "@" not in text or "://" not in text:
        return text  # the common case, without the regex
    return _URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)


def redact_data(data: Any) -> Any:
    """A JSON-like document (dicts, lists, strings) with `redact_text` applied to every string: what the
    --json outputs print, so that a report pasted into a forum post carries no index password."""
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, dict):
        return {k: redact_data(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_data(v) for v in data]
    return data


def hidden_credentials(url: str) -> bool:
    """Whether `url` went through `redact`: its user part is the placeholder (a saved report's URL)."""
    try:
        return urlsplit(url).username == HIDDEN
    except ValueError:
        return False


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
