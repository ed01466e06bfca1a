"""Our reading of uv's configuration equals uv's own, layout by layout.

uv prints the settings it resolved (`uv pip install --show-settings`, the flag uv's own test suite
uses) without resolving anything; its index list, in order, with each entry's default / explicit
marks, and its find-links are compared with `mirror_files.uv_config()` in the same environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from installer.hardware import mirror_files

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
pytestmark = pytest.mark.skipif(UV is None, reason="uv is not installed next to this Python")


def _uv_settings(env: dict[str, str], cwd: Path) -> dict:
    """uv's resolved index_locations: the default index (None: PyPI), the other indexes, the find-links."""
    out = subprocess.run([UV, "pip", "install", "--show-settings", "--dry-run", "--python", sys.executable, "sympy"],
                         env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    text = out.stdout + out.stderr
    block = text[text.index("index_locations: IndexLocations {"):text.index("no_index:", text.index("index_locations"))]
    indexes_part, _sep, flat_part = block.partition("flat_index:")
    entries = []
    for chunk in indexes_part.split("Index {")[1:]:
        given = re.search(r'given: Some\(\s*"([^"]*)"', chunk)
        entries.append({"url": given.group(1) if given else None, "default": "default: true" in chunk,
                        "explicit": "explicit: true" in chunk})
    default = next((e["url"] for e in entries if e["default"]), None)
    return {"index_url": default,
            "extra_index_urls": [e["url"] for e in entries if not e["default"] and not e["explicit"]],
            "find_links": re.findall(r'given: Some\(\s*"([^"]*)"', flat_part)}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A home, a system folder (through XDG_CONFIG_DIRS: /etc is not ours to write) and a clean environment."""
    for var in list(os.environ):
        if var.startswith(("UV_", "XDG_", "VIRTUAL_ENV", "TORCH_SETUP_")):
            monkeypatch.delenv(var)
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "sys"))
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "work").mkdir()  # uv would read a project's uv.toml from the working folder: an empty one
    return tmp_path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


USER = "home/.config/uv/uv.toml"
SYSTEM = "sys/uv/uv.toml"
LAYOUTS = {
    "user index-url": ({USER: 'index-url = "https://user.example/simple"\n'}, {}),
    "a system [[index]] default beats a user index-url": (
        {USER: 'index-url = "https://user.example/simple"\n',
         SYSTEM: '[[index]]\nurl = "https://sys.example/simple"\ndefault = true\n'}, {}),
    "a user [[index]] default beats the system's": (
        {USER: '[[index]]\nurl = "https://userdef.example/simple"\ndefault = true\n',
         SYSTEM: '[[index]]\nurl = "https://sys.example/simple"\ndefault = true\n'}, {}),
    "a system [pip] index-url beats a user top-level one": (
        {USER: 'index-url = "https://usertop.example/simple"\n',
         SYSTEM: '[pip]\nindex-url = "https://syspip.example/simple"\n'}, {}),
    "UV_DEFAULT_INDEX over UV_INDEX_URL over the files": (
        {USER: '[[index]]\nurl = "https://userdef.example/simple"\ndefault = true\n'},
        {"UV_DEFAULT_INDEX": "https://envdef.example/simple", "UV_INDEX_URL": "https://envurl.example/simple"}),
    "UV_INDEX_URL over the files": ({USER: 'index-url = "https://user.example/simple"\n'},
                                    {"UV_INDEX_URL": "https://envurl.example/simple"}),
    "UV_CONFIG_FILE replaces the discovered files": (
        {USER: 'index-url = "https://user.example/simple"\n', "other.toml": 'index-url = "https://file.example/simple"\n'},
        {"UV_CONFIG_FILE": "{base}/other.toml"}),
    "UV_NO_CONFIG reads no file": ({USER: 'index-url = "https://user.example/simple"\n'}, {"UV_NO_CONFIG": "1"}),
    "extra indexes and find-links, variables first, [pip] before the top level": (
        {USER: 'extra-index-url = ["https://top.example/simple"]\nfind-links = ["/srv/top"]\n'
               '[[index]]\nname = "named"\nurl = "https://named.example/simple"\n'
               '[[index]]\nname = "pinned"\nurl = "https://pinned.example/simple"\nexplicit = true\n'
               '[pip]\nextra-index-url = ["https://pip.example/simple"]\nfind-links = ["/srv/pip"]\n',
         SYSTEM: 'extra-index-url = ["https://sysx.example/simple"]\n'},
        {"UV_INDEX": "https://envidx.example/simple named2=https://envnamed.example/simple",
         "UV_EXTRA_INDEX_URL": "https://envx.example/simple", "UV_FIND_LINKS": "/srv/e1,/srv/e2"}),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_same_answer_as_uv(name, place, monkeypatch):
    files, extra = LAYOUTS[name]
    for rel, text in files.items():
        _write(place / rel, text)
    for var, value in extra.items():
        monkeypatch.setenv(var, value.replace("{base}", str(place)))
    uv = _uv_settings(dict(os.environ), place / "work")
    ours = mirror_files.uv_config()
    assert {k: ours[k] for k in uv} == uv


def test_sources_and_files(place, monkeypatch):
    _write(place / USER, 'index-url = "https://user.example/simple"\nfind-links = ["/srv/w"]\n')
    _write(place / SYSTEM, '[[index]]\nurl = "https://sys.example/simple"\ndefault = true\n'
                           '[[index]]\nurl = "https://sysx.example/simple"\n')
    monkeypatch.setenv("UV_EXTRA_INDEX_URL", "https://envx.example/simple")
    ours = mirror_files.uv_config()
    assert ours["files"] == [str(place / USER), str(place / SYSTEM)]
    assert ours["sources"] == {"index_url": str(place / SYSTEM), "extra_index_urls": "UV_EXTRA_INDEX_URL",
                               "find_links": str(place / USER)}


def test_only_the_first_system_file_counts(place, monkeypatch):
    """uv reads one system file: the first XDG_CONFIG_DIRS one found, else /etc/uv/uv.toml."""
    _write(place / "sys2/uv/uv.toml", 'index-url = "https://second.example/simple"\n')
    _write(place / SYSTEM, 'extra-index-url = ["https://first.example/simple"]\n')
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{place / 'sys'}:{place / 'sys2'}")
    uv = _uv_settings(dict(os.environ), place / "work")
    ours = mirror_files.uv_config()
    assert ours["index_url"] is None and uv["index_url"] is None
    assert ours["files"] == [str(place / SYSTEM)]
    assert ours["extra_index_urls"] == uv["extra_index_urls"] == ["https://first.example/simple"]
