"""The mirror configuration already on the machine, as choices: what pip, uv and conda use now.

What a person configured is offered as a choice, probed like any catalog mirror, and kept by
default: torch-setup only changes it when asked. Nothing here reads a file: the values come from
a hardware report's `mirror_config` (detection's readers), or, for a command with no report at hand,
from the same readers run on this machine (`installer.hardware.mirror_files.this_machine`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from installer.mirrors.catalog import Mirror
from installer.redaction import redact

if TYPE_CHECKING:
    from installer.hardware.report import CondaConfig, MirrorConfig

DEFAULT_CHANNEL_ALIAS = "https://conda.anaconda.org"


@dataclass
class CurrentConfig:
    pip_index: str | None = None
    pip_source: str | None = None  # the file or the variable it came from
    pip_extra: list[str] = field(default_factory=list)
    uv_index: str | None = None
    uv_source: str | None = None
    conda_forge: str | None = None  # the URL conda would fetch conda-forge from
    conda_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pip": {"index_url": redact(self.pip_index), "extra_index_urls": [redact(u) for u in self.pip_extra],
                    "source": self.pip_source},
            "uv": {"index_url": redact(self.uv_index), "source": self.uv_source},
            "conda": {"conda_forge": redact(self.conda_forge), "source": self.conda_source},
        }

    def urls(self) -> set[str]:
        return {u.rstrip("/") for u in (self.pip_index, self.uv_index, self.conda_forge) if u}

    def as_mirrors(self, kinds: Iterable[str] | None = None) -> list[Mirror]:
        """The configured indexes as candidates. Built without validation on purpose: a plain-http index
        someone configured is still shown, and the probe says why it is refused."""
        wanted = set(kinds) if kinds else {"pypi", "conda"}
        out: list[Mirror] = []
        seen: set[str] = set()
        for mid, kind, url, source, name in (
            ("current-pip", "pypi", self.pip_index, self.pip_source, "your pip configuration"),
            ("current-uv", "pypi", self.uv_index, self.uv_source, "your uv configuration"),
            ("current-conda", "conda", self.conda_forge, self.conda_source, "your conda configuration"),
        ):
            if not url or kind not in wanted or url.rstrip("/") in seen:
                continue
            seen.add(url.rstrip("/"))
            out.append(Mirror.model_construct(id=mid, kind=kind, name=name, url=url.rstrip("/"), region="global",
                                              upstream=False, source=source or "", notes="", layout=None,
                                              variants=None, distro=None, repo=None,
                                              condarc="conda-forge" if kind == "conda" else None, enabled=True))
        return out


def conda_forge_url(conda: CondaConfig) -> tuple[str | None, str | None]:
    """(URL, source) conda would fetch conda-forge from, when it is not conda's own default.

    A custom_channels entry for conda-forge decides first (conda resolves the name through it), then
    a channel given as a URL ending in /conda-forge, then a channel_alias that is not anaconda.org's.
    """
    custom = conda.custom_channels.get("conda-forge")
    if custom:
        return custom.rstrip("/") + "/conda-forge", conda.sources.get("custom_channels.conda-forge")
    for channel in conda.channels:  # highest precedence first
        if "://" in channel and channel.rstrip("/").endswith("/conda-forge"):
            return channel.rstrip("/"), conda.sources.get("channels")
    alias = (conda.channel_alias or "").rstrip("/")
    if alias and alias != DEFAULT_CHANNEL_ALIAS:
        return alias + "/conda-forge", conda.sources.get("channel_alias")
    return None, None


def from_mirror_config(mc: MirrorConfig) -> CurrentConfig:
    conda_forge, conda_source = conda_forge_url(mc.conda)
    return CurrentConfig(pip_index=mc.pip.index_url, pip_source=mc.pip.sources.get("index_url"),
                         pip_extra=list(mc.pip.extra_index_urls), uv_index=mc.uv.index_url,
                         uv_source=mc.uv.sources.get("index_url"), conda_forge=conda_forge,
                         conda_source=conda_source)


def current_config(mirror_config: MirrorConfig | None = None) -> CurrentConfig:
    """From a report's `mirror_config`; without one, this machine read for the running interpreter."""
    if mirror_config is None:
        from installer.hardware.mirror_files import this_machine
        from installer.hardware.report import MirrorConfig

        mirror_config = MirrorConfig.model_validate(this_machine())
    return from_mirror_config(mirror_config)


def current_pip_index() -> str | None:
    """The index this machine's pip uses now (pip's reader alone: uv's and conda's files are not needed)."""
    from installer.hardware.target_python import pip_config_here

    index: str | None = pip_config_here()["index_url"]
    return index
