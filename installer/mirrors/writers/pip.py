"""pip configuration: pip.conf (pip.ini on Windows) for a venv, or for the user.

Rendering edits the text line by line rather than through configparser, so a person's comments and
other settings survive: only `index-url` (and `trusted-host` for a loopback http index) in [global]
change.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from installer.mirrors.urls import is_loopback


def pip_config_path(scope: str, *, env_prefix: str | Path | None = None,
                    environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> Path | None:
    """Where pip reads its configuration for `scope`: env (the venv's own file), user, or none."""
    env = os.environ if environ is None else environ
    name = "pip.ini" if platform.startswith("win") else "pip.conf"
    if scope == "none":
        return None
    if scope == "env":
        if env_prefix is None:
            raise ValueError("scope env needs the environment's prefix")
        return Path(env_prefix) / name
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "pip" / name
    if platform == "darwin":
        legacy = home / "Library" / "Application Support" / "pip"
        if legacy.is_dir():
            return legacy / name
    return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "pip" / name


def _is_section(line: str) -> str | None:
    s = line.strip()
    return s[1:-1].strip().lower() if s.startswith("[") and s.endswith("]") else None


def render_pip_conf(current: str | None, index_url: str | None, *,
                    extra_index_urls: Sequence[str] = ()) -> str:
    """`current` with [global] index-url set (removed when index_url is None: back to PyPI)."""
    settings: dict[str, str | None] = {"index-url": index_url,
                                       "extra-index-url": " ".join(extra_index_urls) or None}
    host = urlsplit(index_url).hostname if index_url else None
    # pip refuses plain http unless the host is trusted; the URL rules only let loopback http this far
    settings["trusted-host"] = host if index_url and index_url.startswith("http://") and is_loopback(host) else None
    lines = (current or "").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, ln in enumerate(lines) if _is_section(ln) == "global"), None)
    if start is None:
        new = [f"{k} = {v}\n" for k, v in settings.items() if v]
        if not new:
            return "".join(lines)
        sep = ["\n"] if lines and lines[-1].strip() else []
        return "".join(lines + sep + ["[global]\n"] + new)
    end = next((i for i in range(start + 1, len(lines)) if _is_section(lines[i]) is not None), len(lines))
    body = lines[start + 1:end]
    kept: list[str] = []
    for ln in body:
        key = ln.split("=", 1)[0].strip().lower() if "=" in ln and not ln.lstrip().startswith(("#", ";")) else None
        if key in settings:
            continue
        kept.append(ln)
    while kept and not kept[-1].strip():
        kept.pop()
    new = [f"{k} = {v}\n" for k, v in settings.items() if v]
    tail = ["\n"] if end < len(lines) else []
    return "".join(lines[:start + 1] + new + kept + tail + lines[end:])
