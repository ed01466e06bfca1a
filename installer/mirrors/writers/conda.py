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
from urllib.parse import urlsplit, urlunsplit

import yaml

from installer.i18n import _
from installer.yamlfile import HintedValueError

# A channel's platform folders, which people copy along with the channel from a browser
# (.../conda-forge/linux-64/): conda's KNOWN_SUBDIRS (conda/conda conda/base/constants.py)
_SUBDIRS = frozenset({"noarch", "linux-32", "linux-64", "linux-aarch64", "linux-armv6l", "linux-armv7l",
                      "linux-ppc64", "linux-ppc64le", "linux-riscv64", "linux-s390x", "osx-64", "osx-arm64",
                      "win-32", "win-64", "win-arm64", "emscripten-wasm32", "wasi-wasm32", "zos-z"})


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


def conda_forge_channel(url: str) -> str:
    """The conda-forge channel a hand-typed mirror.conda URL stands for (<base>/conda-forge), or a
    HintedValueError saying what to write instead.

    Everything downstream needs that form: `-c <it>` on the engine's command line, and the .condarc's
    `custom_channels: {conda-forge: <base>}`, to which conda appends the channel's name (so a channel
    served under another name cannot be conda-forge's mirror). The mirrors' own pages give the other
    forms people copy: the mirrorz endpoint `<site>/anaconda`, whose conda-forge is
    `{{endpoint}}/cloud/conda-forge`, and `<endpoint>/cloud`, the custom_channels value itself (TUNA,
    BFSU, SJTUG, NJU, Aliyun: mirrorz-org/mirrorz-docs anaconda/usage.zh.md; USTC: ustclug/mirrorhelp
    docs/anaconda.md; research/mirrors.md 3.1-3.2); `<endpoint>/pkgs/main` is Anaconda's own
    repository there, not conda-forge."""
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise HintedValueError(_("{value}: a conda channel's address has no ?query or #fragment: conda adds folders "
                                 "to its end", value=repr(url)), _conda_hint())
    segs = [s for s in parts.path.split("/") if s]
    if segs and segs[-1].endswith(".json"):  # .../conda-forge/noarch/repodata.json
        segs.pop()
    if segs and segs[-1] in _SUBDIRS:
        segs.pop()

    def at(*path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(path), "", ""))

    last = segs[-1] if segs else ""
    if last == "conda-forge":
        return at(*segs)
    if last == "cloud":
        return at(*segs, "conda-forge")
    if last == "anaconda":
        return at(*segs, "cloud", "conda-forge")
    if "pkgs" in segs[-2:]:
        base = segs[:segs.index("pkgs", len(segs) - 2)]
        raise HintedValueError(_("{value} is one of Anaconda's own repositories (the defaults channel), not "
                                 "conda-forge", value=repr(url)),
                               _("write {url}, the same mirror's conda-forge channel", url=at(*base, "cloud",
                                                                                               "conda-forge")))
    if not segs:
        raise HintedValueError(_("{value} names a site, not a conda channel", value=repr(url)),
                               _("write the address of the site's conda-forge channel; on a mirror laid out "
                                 "like TUNA's it is {url}", url=at("anaconda", "cloud", "conda-forge")))
    hint = (_("write {url}, the same mirror's conda-forge channel", url=at(*segs[:-1], "conda-forge"))
            if len(segs) > 1 and segs[-2] == "cloud" else
            _("give the address of the mirror's conda-forge channel, which ends in /conda-forge, or serve your own "
              "channel under the name conda-forge"))
    raise HintedValueError(_("{value} is a channel named {name}, not conda-forge: conda looks for conda-forge's mirror "
                             "at an address that ends in /conda-forge", value=repr(url), name=repr(last)), hint)


def _conda_hint() -> str:
    return _("give the address of the mirror's conda-forge channel, which ends in /conda-forge (such as "
             "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge), or a mirror id from `torch-setup mirrors` "
             "(ustc-conda)")


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
