"""conda configuration: .condarc in the layout the mirror's help page documents.

- `anaconda` (TUNA, BFSU, SJTUG, NJU, Aliyun; mirrorz-docs anaconda/usage.zh.md): default_channels
  for pkgs/main, r, msys2 and custom_channels for conda-forge and pytorch under <endpoint>/cloud.
- `conda-forge` (USTC, docs/anaconda.md): only custom_channels conda-forge; `nodefaults`.
- `upstream`: the mirror keys are removed, so conda talks to anaconda.org again.
Scope env writes <prefix>/.condarc (read for that environment only), scope user ~/.condarc.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def condarc_path(scope: str, *, env_prefix: str | Path | None = None,
                 environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    if scope == "env":
        if env_prefix is None:
            raise ValueError("scope env needs the environment's prefix")
        return Path(env_prefix) / ".condarc"
    if scope == "user":
        return Path(env.get("HOME") or Path.home()) / ".condarc"
    return None


def _endpoint(channel_url: str) -> str:
    """https://m/anaconda/cloud/conda-forge -> https://m/anaconda"""
    base = channel_url.rstrip("/").removesuffix("/conda-forge")
    return base.removesuffix("/cloud")


def render_condarc(current: str | None, channel_url: str | None, layout: str) -> str:
    data: dict[str, Any] = {}
    if current and current.strip():
        loaded = yaml.safe_load(current)
        if isinstance(loaded, dict):
            data = dict(loaded)
    custom = dict(data.get("custom_channels") or {})
    for key in ("conda-forge", "pytorch"):
        custom.pop(key, None)
    data.pop("default_channels", None)
    if channel_url is None or layout == "upstream":
        if custom:
            data["custom_channels"] = custom
        else:
            data.pop("custom_channels", None)
    else:
        endpoint = _endpoint(channel_url)
        if layout == "anaconda":
            data.setdefault("channels", ["defaults"])
            data["show_channel_urls"] = True
            data["default_channels"] = [f"{endpoint}/pkgs/{p}" for p in ("main", "r", "msys2")]
            custom.update({"conda-forge": f"{endpoint}/cloud", "pytorch": f"{endpoint}/cloud"})
        else:
            data.setdefault("channels", ["conda-forge", "nodefaults"])
            data["show_channel_urls"] = True
            custom["conda-forge"] = channel_url.rstrip("/").removesuffix("/conda-forge")
        data["custom_channels"] = custom
    if not data:
        return ""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
