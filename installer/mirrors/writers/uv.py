"""uv configuration: uv.toml `[[index]] ... default = true` for the user, or UV_* variables for one env.

uv reads no per-venv file, so scope `env` means variables on the install commands (UV_DEFAULT_INDEX);
scope `user` edits ~/.config/uv/uv.toml, keeping everything but the default index table.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path


def uv_config_path(scope: str, *, environ: Mapping[str, str] | None = None,
                   platform: str = sys.platform) -> Path | None:
    env = os.environ if environ is None else environ
    if scope != "user":
        return None
    home = Path(env.get("HOME") or Path.home())
    if platform.startswith("win"):
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "uv" / "uv.toml"
    return Path(env.get("XDG_CONFIG_HOME") or home / ".config") / "uv" / "uv.toml"


def uv_env(index_url: str | None, *, torch_index: str | None = None, torch_flat: bool = False) -> dict[str, str]:
    """Variables for uv commands of one environment (scope env)."""
    out: dict[str, str] = {}
    if index_url:
        out["UV_DEFAULT_INDEX"] = index_url
    if torch_index:
        out["UV_FIND_LINKS" if torch_flat else "UV_INDEX"] = torch_index
    return out


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every `[[index]]` table: from its header to the next header."""
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "[[index]]":
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("["):
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def render_uv_toml(current: str | None, index_url: str | None) -> str:
    """`current` with its default `[[index]]` replaced by `index_url` (removed when None)."""
    lines = (current or "").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    drop: set[int] = set()
    for start, end in _blocks(lines):
        body = "".join(lines[start:end]).replace(" ", "")
        if "default=true" in body:
            drop.update(range(start, end))
    kept = [ln for i, ln in enumerate(lines) if i not in drop]
    # deprecated top-level keys would fight with the new table
    kept = [ln for ln in kept if not ln.replace(" ", "").startswith(("index-url=", "index_url="))]
    while kept and not kept[-1].strip():
        kept.pop()
    if index_url:
        if kept:
            kept.append("\n")
        kept += ["[[index]]\n", f"url = {_toml_str(index_url)}\n", "default = true\n"]
    return "".join(kept)
