"""Mirror configuration already on the machine for uv, conda and apt; `this_machine()` adds pip's.

One reader per tool, each in the tool's own precedence order and with each value's source (a file,
or a variable's name); pip's is target_python's, as it depends on the target interpreter. The
mirror commands read this machine through `this_machine()`, detection through its probes: the same
readers either way.
"""

from __future__ import annotations

import os
import re
from typing import Any

from installer.hardware import root


def _home() -> str:
    return os.path.expanduser("~")


def _toml(text: str) -> dict[str, Any] | None:
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            return None
    try:
        data = tomllib.loads(text)
    except Exception:
        return None
    return data if isinstance(data, dict) else None


_TRUE = {"1", "true", "t", "yes", "y", "on"}


def uv_config_files() -> list[str]:
    """The uv.toml files uv reads, highest precedence first (uv's configuration-files documentation).

    UV_NO_CONFIG reads none; UV_CONFIG_FILE replaces the discovered ones. Otherwise the user file
    ($XDG_CONFIG_HOME/uv/uv.toml, else ~/.config/uv/uv.toml), then the first system file found among
    $XDG_CONFIG_DIRS/uv/uv.toml (default /etc/xdg) and /etc/uv/uv.toml. A project's own uv.toml or
    pyproject.toml depends on the working folder, not on the machine: it is not read here.
    """
    env = os.environ
    if env.get("UV_NO_CONFIG", "").strip().lower() in _TRUE:
        return []
    if env.get("UV_CONFIG_FILE"):
        return [env["UV_CONFIG_FILE"]] if root.exists(env["UV_CONFIG_FILE"]) else []
    xdg = env.get("XDG_CONFIG_HOME", "")
    user = f"{xdg if os.path.isabs(xdg) else _home() + '/.config'}/uv/uv.toml"
    dirs = [d for d in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":") if d]
    system = next((p for p in [f"{d}/uv/uv.toml" for d in dirs] + ["/etc/uv/uv.toml"] if root.exists(p)), None)
    return [p for p in (user, system) if p and root.exists(p)]


def _uv_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def uv_config() -> dict[str, Any]:
    """What `uv pip install` would use, as uv merges it (checked against `uv pip install --show-settings`).

    Variables first (UV_DEFAULT_INDEX, then UV_INDEX_URL; UV_INDEX and UV_EXTRA_INDEX_URL ahead of
    the files' indexes; UV_FIND_LINKS ahead of theirs), then the files, the user's over the system's:
    a [pip] table's setting over the top-level one, lists joined with the higher file's first. The
    default index is the first `[[index]]` marked default, else `index-url`.
    """
    files: list[str] = []
    loaded: list[tuple[str, dict[str, Any]]] = []
    for path in uv_config_files():
        data = _toml(root.read_text(path) or "")
        if data is not None:
            files.append(path)
            loaded.append((path, data))
    # (value, source) in uv's order of preference
    defaults: list[tuple[str, str]] = []
    extras: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    env = os.environ
    for var in ("UV_DEFAULT_INDEX", "UV_INDEX_URL"):
        if env.get(var, "").strip():
            defaults.append((env[var].strip(), var))
    for var in ("UV_INDEX", "UV_EXTRA_INDEX_URL"):
        extras += [(_index_url(u), var) for u in env.get(var, "").split()]
    links += [(u, "UV_FIND_LINKS") for u in re.split(r"[\s,]+", env.get("UV_FIND_LINKS", "")) if u]
    for path, data in loaded:
        indexes = data.get("index")
        for index in indexes if isinstance(indexes, list) else []:
            if not (isinstance(index, dict) and isinstance(index.get("url"), str)):
                continue
            if index.get("default"):
                defaults.append((index["url"], path))
            elif not index.get("explicit"):  # an explicit index serves only the packages pinned to it
                extras.append((index["url"], path))
    # uv joins the files' [pip] tables, then their top levels, and takes the first: user before system
    index_urls: list[tuple[str, str]] = []
    for path, table in [(p, d.get("pip")) for p, d in loaded] + loaded:
        if not isinstance(table, dict):
            continue
        extras += [(u, path) for u in _uv_list(table.get("extra-index-url"))]
        links += [(u, path) for u in _uv_list(table.get("find-links"))]
        if isinstance(table.get("index-url"), str):
            index_urls.append((table["index-url"], path))
    defaults += index_urls[:1]
    result: dict[str, Any] = {"index_url": None, "extra_index_urls": [u for u, _s in extras],
                              "find_links": [u for u, _s in links], "files": files, "sources": {}}
    if defaults:
        result["index_url"], result["sources"]["index_url"] = defaults[0]
    for field, entries in (("extra_index_urls", extras), ("find_links", links)):
        if entries:
            result["sources"][field] = entries[0][1]
    return result


def _index_url(item: str) -> str:
    """UV_INDEX takes `name=url` as well as a bare URL."""
    name, sep, url = item.partition("=")
    return url if sep and "/" not in name and ":" not in name else item


_YAML_SUFFIXES = (".yml", ".yaml")


def _condarc_search_path() -> list[str]:
    """conda's SEARCH_PATH (conda/base/constants.py, documented in "Using the .condarc file"), lowest
    precedence first, with its variables filled in; a folder entry (condarc.d/) stands for its YAML files.

    $CONDA_ROOT is the base install of the conda that will run: without the variable, the usual
    places a base install lives stand in for it.
    """
    env = os.environ
    h = _home()
    xdg = env.get("XDG_CONFIG_HOME") or f"{h}/.config"
    roots = [env["CONDA_ROOT"]] if env.get("CONDA_ROOT") else [
        *([os.path.dirname(os.path.dirname(env["CONDA_EXE"]))] if env.get("CONDA_EXE") else []),
        "/opt/conda", "/opt/miniforge3", "/opt/miniconda3", "/opt/anaconda3",
        f"{h}/miniforge3", f"{h}/mambaforge", f"{h}/miniconda3", f"{h}/anaconda3"]
    dirs = ["/etc/conda", "/var/lib/conda", *roots, f"{xdg}/conda", f"{h}/.config/conda", f"{h}/.conda"]
    path = [entry for d in dirs for entry in (f"{d}/.condarc", f"{d}/condarc", f"{d}/condarc.d/")]
    path.append(f"{h}/.condarc")
    if env.get("CONDA_PREFIX"):
        path += [f"{env['CONDA_PREFIX']}/{name}" for name in (".condarc", "condarc", "condarc.d/")]
    if env.get("CONDARC"):
        path.append(env["CONDARC"])
    return path


def _condarc_name(path: str) -> bool:
    # conda ignores a file by any other name, $CONDARC included
    return os.path.basename(path) in (".condarc", "condarc") or path.endswith(_YAML_SUFFIXES)


def condarc_files() -> list[str]:
    """The condarc files conda loads, lowest precedence first (each once, at its first place, as conda's set)."""
    found: dict[str, None] = {}
    for entry in _condarc_search_path():
        if entry.endswith("/"):
            for name in root.listdir(entry):
                if name.endswith(_YAML_SUFFIXES) and os.path.isfile(root.at(entry + name)):
                    found.setdefault(os.path.normpath(entry + name), None)
        elif _condarc_name(entry) and os.path.isfile(root.at(entry)):
            found.setdefault(os.path.normpath(entry), None)
    return list(found)


# the settings that say where packages come from, with the other names conda accepts for them
_CONDA_KEYS = {"channels": ("channels", "channel"), "default_channels": ("default_channels",),
               "channel_alias": ("channel_alias",), "custom_channels": ("custom_channels",)}
_FINAL = re.compile(r"^([A-Za-z_]+):[^\n#]*#!final", re.MULTILINE)
_Source = tuple[str, dict[str, Any], set[str]]


def _conda_variables() -> list[_Source]:
    """CONDA_CHANNELS="a,b" and the like: conda reads them after every file. No mapping comes from a variable."""
    out: list[_Source] = []
    for key, names in _CONDA_KEYS.items():
        for name in names:
            var = f"CONDA_{name.upper()}"
            raw = os.environ.get(var, "")
            if key == "custom_channels" or not raw.strip():
                continue
            value: Any = raw.split("!important")[0].strip()
            if key in ("channels", "default_channels"):
                value = [v.strip() for v in raw.split(",") if v.strip()]
            out.append((var, {name: value}, {name} if "!important" in raw else set()))
    return out


def _conda_sources(files: list[str]) -> tuple[list[str], list[_Source]]:
    """(files read, [(source, settings, names marked #!final)]) lowest precedence first."""
    import yaml

    read: list[str] = []
    sources: list[_Source] = []
    for path in files:
        text = root.read_text(path) or ""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict):
            read.append(path)
            sources.append((path, data, set(_FINAL.findall(text))))
    return read, sources + _conda_variables()


def _matches(key: str, sources: list[_Source]) -> list[tuple[str, Any]]:
    """(source, value) of one setting, lowest precedence first, cut after the first one marked #!final
    (an administrator's lock: the sources after it cannot change the setting)."""
    out: list[tuple[str, Any]] = []
    for source, data, final in sources:
        name = next((n for n in _CONDA_KEYS[key] if data.get(n) is not None), None)
        if name is None:
            continue
        out.append((source, data[name]))
        if name in final:
            break
    return out


def conda_config() -> dict[str, Any]:
    """What conda would use, merged as conda merges its sources (conda/common/configuration.py): lists
    joined with the higher-precedence source's items first and repeats dropped, mappings merged key by
    key, a plain value from the highest-precedence source; values get conda's $VARIABLE expansion."""
    result: dict[str, Any] = {"channels": [], "default_channels": [], "channel_alias": None,
                              "custom_channels": {}, "files": [], "sources": {}}
    files = condarc_files()
    if not files and not _conda_variables():
        return result  # importing yaml is the slow part: not for a machine without conda settings
    result["files"], sources = _conda_sources(files)
    for key in ("channels", "default_channels"):
        matches = [(src, v) for src, v in _matches(key, sources) if isinstance(v, list)]
        merged: dict[str, None] = {}
        for _src, items in reversed(matches):
            for item in items:
                merged.setdefault(os.path.expandvars(str(item)), None)
        result[key] = list(merged)
        if matches:
            result["sources"][key] = matches[-1][0]
    alias = [(src, v) for src, v in _matches("channel_alias", sources) if isinstance(v, str)]
    if alias:
        result["channel_alias"] = os.path.expandvars(alias[-1][1])
        result["sources"]["channel_alias"] = alias[-1][0]
    for src, mapping in _matches("custom_channels", sources):
        if isinstance(mapping, dict):
            for name, url in mapping.items():
                result["custom_channels"][str(name)] = os.path.expandvars(str(url))
                result["sources"][f"custom_channels.{name}"] = src
    return result


def apt_config() -> dict[str, Any]:
    one_line = ["/etc/apt/sources.list"] + root.glob("/etc/apt/sources.list.d/*.list")
    deb822 = root.glob("/etc/apt/sources.list.d/*.sources")
    uris: dict[str, None] = {}
    files: list[str] = []
    for path in one_line:
        text = root.read_text(path)
        if text is None:
            continue
        files.append(path)
        for line in text.splitlines():
            # "deb [arch=amd64 signed-by=...] URI suite components": drop comments and the options block
            fields = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0]).split()
            if len(fields) >= 2 and fields[0] in ("deb", "deb-src"):
                uris[fields[1]] = None
    for path in deb822:
        text = root.read_text(path)
        if text is None:
            continue
        files.append(path)
        for m in re.finditer(r"^URIs:\s*(.+)$", text, re.MULTILINE):
            for uri in m.group(1).split():
                uris[uri] = None
    return {"uris": list(uris), "deb822": bool(deb822), "files": files}


def this_machine() -> dict[str, Any]:
    """`mirror_config` of a report for this machine and the interpreter running torch-setup, by the
    readers detection uses: for the commands that have no report at hand."""
    from installer.hardware import target_python

    return {"pip": target_python.pip_config_here(), "uv": uv_config(), "conda": conda_config(),
            "apt": apt_config()}
