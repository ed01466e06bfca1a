"""The `file` kind: a config file written atomically by the executor, with a backup and a diff shown first.

This replaces the tutorials' `echo 'export PATH=...' >> ~/.bashrc` and hand-edited modprobe files.
The content is built here from structured parameters, never pasted from a template into text that a
shell will later read: values go through shlex.quote, so a path holding `$(...)` or a quote stays a
path when /etc/profile.d sources the snippet.

    kind: file
    with:
      path: /etc/modprobe.d/blacklist-nouveau.conf
      lines: [blacklist nouveau, options nouveau modeset=0]

    kind: file
    with:
      path: /etc/profile.d/cuda-12.6.sh
      shell_env:
        base: ${cuda_toolkit.prefix}          # an absolute folder; relative entries are below it
        set: {CUDA_HOME: .}                   # "." is the base itself
        prepend: {PATH: [bin], LD_LIBRARY_PATH: [lib64]}
"""

from __future__ import annotations

import posixpath
import re
import shlex

from pydantic import Field, field_validator, model_validator

from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import FileWrite
from installer.plan.values import VType, check

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are fine in file content
HEADER = "Written by torch-setup; the previous version of this file is in torch-setup's backups."


class ShellEnv(KindParams):
    base: str | None = None
    set: dict[str, str] = Field(default_factory=dict)
    prepend: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("base")
    @classmethod
    def _base(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("set", "prepend")
    @classmethod
    def _names(cls, v: dict) -> dict:
        for name, value in v.items():
            if not _ENV_NAME.match(name):
                raise ValueError(f"{name!r} is not an environment variable name")
            for item in (value if isinstance(value, tuple) else (value,)):
                if "\n" in item or _CONTROL.search(item):
                    raise ValueError(f"{name}: a value cannot hold control characters")
        return v

    @model_validator(mode="after")
    def _something(self) -> ShellEnv:
        if not self.set and not self.prepend:
            raise ValueError("shell_env needs `set` or `prepend`")
        relative = [p for dirs in self.prepend.values() for p in dirs if not p.startswith("/")]
        relative += [v for v in self.set.values() if v == "." or v.startswith("./")]
        if relative and self.base is None:
            raise ValueError(f"{relative[0]!r} is relative: give `base`, the folder it is relative to")
        return self

    def resolve(self, item: str) -> str:
        if item.startswith("/") or self.base is None:
            return item
        return posixpath.normpath(posixpath.join(self.base, item))


class FileParams(KindParams):
    path: str | None = None
    dir: str | None = None  # or: the folder (a path value may not be glued to more text) ...
    name: str | None = None  # ... and the file's name in it
    mode: int = Field(0o644, ge=0, le=0o7777)
    text: str | None = None
    lines: tuple[str, ...] | None = None
    shell_env: ShellEnv | None = None
    comment: str | None = None  # one line said at the top of a shell or lines file

    @field_validator("path", "dir")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", v):
            raise ValueError(f"{v!r} is not a plain file name")
        return v

    @field_validator("lines")
    @classmethod
    def _lines(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for line in v or ():
            if "\n" in line or _CONTROL.search(line):
                raise ValueError("a line cannot hold a line break or control characters")
        return v

    @field_validator("text", "comment")
    @classmethod
    def _text(cls, v: str | None) -> str | None:
        if v is not None and _CONTROL.search(v):
            raise ValueError("the text cannot hold control characters")
        return v

    @model_validator(mode="after")
    def _one_source(self) -> FileParams:
        given = [k for k in ("text", "lines", "shell_env") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `text`, `lines` or `shell_env`")
        if (self.path is None) == (self.dir is None and self.name is None) or (
                self.path is None and (self.dir is None or self.name is None)):
            raise ValueError("give `path`, or `dir` and `name`")
        if self.comment is not None and "\n" in self.comment:
            raise ValueError("the comment is one line")
        return self


def render_shell_env(env: ShellEnv, comment: str | None = None) -> str:
    """A POSIX sh snippet: sourcing it twice leaves PATH-like variables as after sourcing it once."""
    out = [f"# {HEADER}"]
    if comment:
        out.append(f"# {comment}")
    for name, value in env.set.items():
        out.append(f"export {name}={shlex.quote(env.resolve(value))}")
    for name, dirs in env.prepend.items():
        # prepend in reverse so the first listed folder ends up first
        for d in reversed(dirs):
            q = shlex.quote(env.resolve(d))
            out.append(f'case ":${{{name}:-}}:" in *:{q}:*) ;; '
                       f'*) export {name}={q}"${{{name}:+:${name}}}" ;; esac')
    return "\n".join(out) + "\n"


def render(params: FileParams) -> str:
    if params.shell_env is not None:
        return render_shell_env(params.shell_env, params.comment)
    if params.lines is not None:
        head = [f"# {HEADER}"] + ([f"# {params.comment}"] if params.comment else [])
        return "\n".join(head + list(params.lines)) + "\n"
    text = params.text or ""
    return text if text.endswith("\n") or not text else text + "\n"


class FileKind(Kind):
    name = "file"
    Params = FileParams

    def compile(self, params: FileParams, ctx: KindContext) -> Compiled:
        path = params.path or posixpath.join(params.dir or "/", params.name or "")
        fw = FileWrite(path=path, content=render(params), mode=params.mode)
        return Compiled(files=(fw,))


KIND = FileKind()
