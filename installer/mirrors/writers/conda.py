"""conda configuration: a .condarc that sends conda-forge to the chosen mirror, and nothing else.

torch-setup's conda environments are conda-forge only (created with --override-channels -c
<mirror>/conda-forge, installer.plan.kinds.conda), so the file keeps them there:
- scope env (<prefix>/.condarc, read for that environment only): `channels: [conda-forge]` and
  `custom_channels: {conda-forge: <endpoint>/cloud}`. No `default_channels` and no `defaults`: the
  mirrors' generic template (TUNA's `channels: [defaults]` with default_channels under pkgs/main, r,
  msys2) would send a later plain `conda install` in the environment to Anaconda's repositories
  (other packages, and Anaconda's terms of service for organisations; research/mirrors.md 3.2 notes).
- scope user (~/.condarc, read by every environment): only `custom_channels.conda-forge`. Its channels
  and default_channels are the person's: `channels: [defaults]` there would come before Miniforge's
  own `channels: [conda-forge]` (conda merges the lists, the user's file first) and move every other
  environment of a Miniforge user to Anaconda's repositories.
- `upstream`, or no mirror: the conda-forge mapping is removed, so conda talks to anaconda.org again.
Both documented layouts agree on the conda-forge line, `custom_channels: conda-forge: <endpoint>/cloud`:
TUNA, BFSU, SJTUG, NJU, Aliyun (condarc: anaconda; mirrorz-org/mirrorz-docs anaconda/usage.zh.md) and
USTC (condarc: conda-forge; ustclug/mirrorhelp docs/anaconda.md), both in research/mirrors.md 3.1-3.2.
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


def _cloud(channel_url: str) -> str:
    """https://m/anaconda/cloud/conda-forge -> https://m/anaconda/cloud: what custom_channels maps
    conda-forge to (conda asks <that>/conda-forge)."""
    return channel_url.rstrip("/").removesuffix("/conda-forge")


def render_condarc(current: str | None, channel_url: str | None, layout: str, scope: str = "env") -> str:
    data: dict[str, Any] = {}
    if current and current.strip():
        loaded = yaml.safe_load(current)
        if isinstance(loaded, dict):
            data = dict(loaded)
    custom = dict(data.get("custom_channels") or {})
    custom.pop("conda-forge", None)
    if scope == "env":
        # what the mirrors' Anaconda template put in an environment's file: never part of a conda-forge one
        custom.pop("pytorch", None)
        data.pop("default_channels", None)
    if channel_url is not None and layout != "upstream":
        custom["conda-forge"] = _cloud(channel_url)
        if scope == "env":
            others = [c for c in data.get("channels") or [] if c not in ("conda-forge", "defaults")]
            data["channels"] = ["conda-forge", *others]
            data["show_channel_urls"] = True
    if custom:
        data["custom_channels"] = custom
    else:
        data.pop("custom_channels", None)
    if not data:
        return ""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
