"""Writing mirror configuration people can trust: shown as a diff first, backed up, written atomically,
restorable byte for byte.

Rendering is pure (current text in, new text out: writers/pip.py, uv.py, conda.py, apt.py). The
`*_file` helpers read what is on disk now and return a ConfigFile; `apply` is the one function that
writes, through the executor's atomic writer (installer.executor.fileedit), which keeps the backup.
Scope: `env` touches only the environment being created, `user` the user's own files, `none` nothing.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from installer.mirrors.writers.apt import DEB822_FILES, ONE_LINE_FILE, render_sources
from installer.mirrors.writers.conda import condarc_path, render_condarc
from installer.mirrors.writers.pip import pip_config_path, render_pip_conf
from installer.mirrors.writers.uv import render_uv_toml, uv_config_path, uv_env
from installer.plan.model import FileWrite

SCOPES = ("env", "user", "none")


@dataclass(frozen=True)
class ConfigFile:
    tool: str  # pip | uv | conda | apt
    path: str
    content: str
    before: str | None  # None: the file does not exist yet
    root: bool = False  # apt sources are the system's
    mode: int = 0o644  # the existing file's mode is kept; a new file with credentials in a URL gets 0600

    @property
    def changed(self) -> bool:
        return self.before != self.content

    def diff(self) -> str:
        """The unified diff a person sees before anything is written ('' when nothing changes)."""
        before = (self.before or "").splitlines(keepends=True)
        after = self.content.splitlines(keepends=True)
        return "".join(difflib.unified_diff(before, after, fromfile="/dev/null" if self.before is None else self.path,
                                            tofile=self.path))

    def to_file_write(self) -> FileWrite:
        return FileWrite(path=self.path, content=self.content, mode=self.mode)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _mode(path: Path, content: str) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        # https://user:token@host/simple: keep a new file holding a secret private
        return 0o600 if re.search(r"://[^/\s]+@", content) else 0o644


def _file(tool: str, path: Path | None, render: Callable[[str | None], str],
          root: bool = False) -> ConfigFile | None:
    if path is None:
        return None
    before = _read(path)
    content = render(before)
    return ConfigFile(tool, str(path), content, before, root, _mode(path, content))


def pip_file(index_url: str | None, scope: str, *, env_prefix: str | Path | None = None,
             extra_index_urls: Iterable[str] = (), environ: Mapping[str, str] | None = None) -> ConfigFile | None:
    path = pip_config_path(scope, env_prefix=env_prefix, environ=environ)
    extras = tuple(extra_index_urls)
    return _file("pip", path, lambda cur: render_pip_conf(cur, index_url, extra_index_urls=extras))


def uv_file(index_url: str | None, scope: str, *, environ: Mapping[str, str] | None = None) -> ConfigFile | None:
    return _file("uv", uv_config_path(scope, environ=environ), lambda cur: render_uv_toml(cur, index_url))


def conda_file(channel_url: str | None, layout: str, scope: str, *, env_prefix: str | Path | None = None,
               environ: Mapping[str, str] | None = None) -> ConfigFile | None:
    path = condarc_path(scope, env_prefix=env_prefix, environ=environ)
    return _file("conda", path, lambda cur: render_condarc(cur, channel_url, layout, scope))


def apt_file(mirror_url: str) -> ConfigFile | None:
    """The system's archive sources pointed at `mirror_url` (TORCH_SETUP_ROOT aware when reading)."""
    from installer.hardware.root import at

    existing = {p: text for p in (*DEB822_FILES, ONE_LINE_FILE) if (text := _read(at(p))) is not None}
    if not existing:
        return None
    path, content = render_sources(existing, mirror_url)
    return ConfigFile("apt", str(at(path)), content, existing.get(path), True, _mode(at(path), content))


def preview(files: Iterable[ConfigFile | None]) -> str:
    return "".join(f.diff() for f in files if f is not None and f.changed)


def apply(files: Iterable[ConfigFile | None], *, backup_dir: str | Path | None = None) -> list[str]:
    """Write every changed file (backup first, atomic replace). Returns the paths written."""
    from installer.executor.fileedit import write_atomic

    written = []
    for f in files:
        if f is None or not f.changed:
            continue
        if write_atomic(f.to_file_write(), backup_dir=backup_dir):
            written.append(f.path)
    return written


def restore(path: str | os.PathLike[str], *, backup_dir: str | Path | None = None) -> bool:
    """Put back, byte for byte, what `path` held before the latest apply (removes a file apply created)."""
    from installer.executor.fileedit import restore as restore_file

    return restore_file(os.fspath(path), backup_dir=backup_dir)


__all__ = ["SCOPES", "ConfigFile", "apply", "apt_file", "conda_file", "pip_file", "preview", "restore",
           "render_condarc", "render_pip_conf", "render_sources", "render_uv_toml", "uv_env", "uv_file"]
