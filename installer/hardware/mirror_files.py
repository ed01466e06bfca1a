"""Mirror configuration already on the machine for uv, conda and apt (pip's comes from the target interpreter)."""

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


def uv_config() -> dict[str, Any]:
    """uv's user and system uv.toml, then UV_* variables (which win, as in uv)."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or f"{_home()}/.config"
    dirs = [d for d in os.environ.get("XDG_CONFIG_DIRS", "/etc/xdg").split(":") if d]
    candidates = [f"{d}/uv/uv.toml" for d in dirs] + ["/etc/uv/uv.toml", f"{xdg}/uv/uv.toml"]
    if os.environ.get("UV_CONFIG_FILE"):
        candidates.append(os.environ["UV_CONFIG_FILE"])
    result: dict[str, Any] = {"index_url": None, "extra_index_urls": [], "find_links": [], "files": []}
    for path in candidates:
        text = root.read_text(path)
        if text is None:
            continue
        data = _toml(text)
        if data is None:
            continue
        result["files"].append(path)
        if isinstance(data.get("index-url"), str):
            result["index_url"] = data["index-url"]
        if isinstance(data.get("extra-index-url"), list):
            result["extra_index_urls"] = [str(u) for u in data["extra-index-url"]]
        if isinstance(data.get("find-links"), list):
            result["find_links"] = [str(u) for u in data["find-links"]]
        for index in data.get("index", []) if isinstance(data.get("index"), list) else []:
            if isinstance(index, dict) and isinstance(index.get("url"), str):
                if index.get("default"):
                    result["index_url"] = index["url"]
                else:
                    result["extra_index_urls"].append(index["url"])
    env = os.environ
    if env.get("UV_DEFAULT_INDEX") or env.get("UV_INDEX_URL"):
        result["index_url"] = env.get("UV_DEFAULT_INDEX") or env.get("UV_INDEX_URL")
    if env.get("UV_INDEX") or env.get("UV_EXTRA_INDEX_URL"):
        result["extra_index_urls"] = (env.get("UV_INDEX") or env.get("UV_EXTRA_INDEX_URL") or "").split()
    if env.get("UV_FIND_LINKS"):
        result["find_links"] = [u for u in re.split(r"[\s,]+", env["UV_FIND_LINKS"]) if u]
    return result


def condarc_files() -> list[str]:
    """conda's search path for condarc files, lowest precedence first (conda's documented order)."""
    h = _home()
    xdg = os.environ.get("XDG_CONFIG_HOME") or f"{h}/.config"
    paths = ["/etc/conda/.condarc", "/etc/conda/condarc"] + root.glob("/etc/conda/condarc.d/*.y*ml")
    paths += ["/var/lib/conda/.condarc", "/var/lib/conda/condarc"]
    for base in ("/opt/conda", f"{h}/miniforge3", f"{h}/miniconda3", f"{h}/anaconda3"):
        paths.append(f"{base}/.condarc")
    paths += [f"{xdg}/conda/.condarc", f"{xdg}/conda/condarc", f"{h}/.conda/.condarc", f"{h}/.conda/condarc",
              f"{h}/.condarc"]
    if os.environ.get("CONDARC") and not root.root():
        paths.append(os.environ["CONDARC"])
    return [p for p in paths if root.exists(p)]


def conda_config() -> dict[str, Any]:
    result: dict[str, Any] = {"channels": [], "default_channels": [], "channel_alias": None,
                              "custom_channels": {}, "files": []}
    files = condarc_files()
    if not files:
        return result
    import yaml

    for path in files:
        try:
            data = yaml.safe_load(root.read_text(path) or "")
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict):
            continue
        result["files"].append(path)
        for key in ("channels", "default_channels"):
            if isinstance(data.get(key), list):
                result[key] = [str(c) for c in data[key]]
        if isinstance(data.get("channel_alias"), str):
            result["channel_alias"] = data["channel_alias"]
        if isinstance(data.get("custom_channels"), dict):
            result["custom_channels"].update({str(k): str(v) for k, v in data["custom_channels"].items()})
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
