"""The mirror configuration already on this machine: pip (files, PIP_* and `pip config list`),
uv (uv.toml, UV_*), conda (.condarc).

What a person configured is offered as a choice, probed like any catalog mirror, and kept by
default: torch-setup only changes it when asked.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from installer.mirrors.catalog import Mirror
from installer.mirrors.urls import redact


@dataclass
class CurrentConfig:
    pip_index: str | None = None
    pip_source: str | None = None
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


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def _config_home(env: Mapping[str, str]) -> Path:
    return Path(env.get("XDG_CONFIG_HOME") or _home(env) / ".config")


def pip_config_files(env: Mapping[str, str] | None = None) -> list[Path]:
    """pip's files in load order (later wins), as its configuration docs list them for Unix."""
    env = os.environ if env is None else env
    files = [Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf"),
             _home(env) / ".pip" / "pip.conf", _config_home(env) / "pip" / "pip.conf"]
    if env.get("VIRTUAL_ENV"):
        files.append(Path(env["VIRTUAL_ENV"]) / "pip.conf")
    if env.get("PIP_CONFIG_FILE") and env["PIP_CONFIG_FILE"] != os.devnull:
        files.insert(0, Path(env["PIP_CONFIG_FILE"]))
    return files


def _pip_from_files(env: Mapping[str, str]) -> tuple[str | None, str | None, list[str]]:
    if env.get("PIP_CONFIG_FILE") == os.devnull:
        return None, None, []
    index: str | None = None
    source: str | None = None
    extra: list[str] = []
    for path in pip_config_files(env):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            if not parser.read(path, encoding="utf-8"):
                continue
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in ("global", "install"):
            if parser.has_option(section, "index-url"):
                index, source = parser.get(section, "index-url").strip(), str(path)
            if parser.has_option(section, "extra-index-url"):
                extra = parser.get(section, "extra-index-url").split()
    return index, source, extra


def pip_config_list(python: str | None = None, timeout: float = 5.0) -> dict[str, str]:
    """`pip config list` of the given interpreter: what pip itself says it reads."""
    from installer.hardware.run import run

    proc = run([python or sys.executable, "-m", "pip", "config", "list"], timeout=timeout,
               env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    if proc is None:
        return {}
    out: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip().strip("'\"")
    return out


def _uv_from_files(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    for var in ("UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        if env.get(var):
            return env[var].strip(), var
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the stdlib; uv.toml is then not read
        return None, None
    for path in (_config_home(env) / "uv" / "uv.toml", Path("/etc/uv/uv.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        for index in data.get("index", []) or []:
            if isinstance(index, dict) and index.get("default") and index.get("url"):
                return str(index["url"]), str(path)
        if data.get("index-url"):
            return str(data["index-url"]), str(path)
    return None, None


def condarc_files(env: Mapping[str, str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    files = [Path("/etc/conda/.condarc"), Path("/etc/conda/condarc"), _config_home(env) / "conda" / ".condarc",
             _home(env) / ".conda" / ".condarc", _home(env) / ".condarc"]
    if env.get("CONDARC"):
        files.append(Path(env["CONDARC"]))
    return files


def _conda_from_files(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    found: tuple[str | None, str | None] = (None, None)
    for path in condarc_files(env):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        custom = data.get("custom_channels") or {}
        if isinstance(custom, dict) and custom.get("conda-forge"):
            found = (str(custom["conda-forge"]).rstrip("/") + "/conda-forge", str(path))
            continue
        for ch in data.get("channels") or []:
            if isinstance(ch, str) and "://" in ch and ch.rstrip("/").endswith("/conda-forge"):
                found = (ch.rstrip("/"), str(path))
        if data.get("channel_alias"):
            found = (str(data["channel_alias"]).rstrip("/") + "/conda-forge", str(path))
    return found


def current_config(env: Mapping[str, str] | None = None, *, ask_pip: bool = False) -> CurrentConfig:
    env = os.environ if env is None else env
    cfg = CurrentConfig()
    cfg.pip_index, cfg.pip_source, cfg.pip_extra = _pip_from_files(env)
    if ask_pip:
        listed = pip_config_list()
        for key in ("global.index-url", "install.index-url"):
            if listed.get(key) and not cfg.pip_index:
                cfg.pip_index, cfg.pip_source = listed[key], "pip config list"
    if env.get("PIP_INDEX_URL"):
        cfg.pip_index, cfg.pip_source = env["PIP_INDEX_URL"].strip(), "PIP_INDEX_URL"
    if env.get("PIP_EXTRA_INDEX_URL"):
        cfg.pip_extra = env["PIP_EXTRA_INDEX_URL"].split()
    cfg.uv_index, cfg.uv_source = _uv_from_files(env)
    cfg.conda_forge, cfg.conda_source = _conda_from_files(env)
    return cfg


def current_pip_index(env: Mapping[str, str] | None = None) -> str | None:
    return current_config(env).pip_index


def current_urls(env: Mapping[str, str] | None = None) -> set[str]:
    cfg = current_config(env)
    return {u.rstrip("/") for u in (cfg.pip_index, cfg.uv_index, cfg.conda_forge) if u}


def current_as_mirrors(kinds: Iterable[str] | None = None, env: Mapping[str, str] | None = None,
                       *, ask_pip: bool = False) -> list[Mirror]:
    """The configured indexes as candidates. Built without validation on purpose: a plain-http index
    someone configured is still shown, and the probe says why it is refused."""
    cfg = current_config(env, ask_pip=ask_pip)
    wanted = set(kinds) if kinds else {"pypi", "conda"}
    out: list[Mirror] = []
    seen: set[str] = set()
    for mid, kind, url, source, name in (
        ("current-pip", "pypi", cfg.pip_index, cfg.pip_source, "your pip configuration"),
        ("current-uv", "pypi", cfg.uv_index, cfg.uv_source, "your uv configuration"),
        ("current-conda", "conda", cfg.conda_forge, cfg.conda_source, "your conda configuration"),
    ):
        if not url or kind not in wanted or url.rstrip("/") in seen:
            continue
        seen.add(url.rstrip("/"))
        out.append(Mirror.model_construct(id=mid, kind=kind, name=name, url=url.rstrip("/"), region="global",
                                          upstream=False, source=source or "", notes="", layout=None,
                                          variants=None, distro=None, repo=None,
                                          condarc="conda-forge" if kind == "conda" else None, enabled=True))
    return out
