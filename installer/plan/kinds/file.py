"""The `file` kind: a config file written atomically by the executor, with a backup and a diff shown first
(the printed script keeps the same backup: installer.plan.script).

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
      fish_path: /etc/fish/conf.d/cuda-12.6.fish   # or fish_name: NAME, in `dir`

fish reads neither /etc/profile.d nor sh syntax, so a shell_env file may have a fish twin, written from the
same variables by the same step: `fish_path`, or `fish_name` beside a `dir` + `name` file. Both are planned
and named whatever the shell of whoever plans: a plan stays the same for the same answers and report
(installer.shells). A fish one in a conf.d folder (read by fish itself) is written only where `fish` is on PATH
when the step runs (FileWrite.needs; the printed script tests `command -v fish`): the machine that runs it
decides, not the one that plans.

Its path is the recipe's (/etc/fish/conf.d), not asked of fish at run time (`fish -c 'echo
$__fish_sysconf_dir'`), for three reasons: the allowlist runs no shell with `-c` (installer.executor.allowlist);
Nix's fish answers its own read-only store folder (nixpkgs pkgs/shells/fish/default.nix: "When building
through Nix, $__fish_sysconfdir gets set to $out/etc/fish"), where nothing may be written; and a path known
when planning is what the plan shows, the journal hashes and the backups are named by. The cost: a fish
built into /usr/local reads /usr/local/etc/fish/conf.d instead, and Nix's reads neither; the step's title
names the file, which its user can link there.

The mirrors chosen in the answers, kept for later installs (mirror.scope), written by
installer.mirrors.writers so that a person's other settings and comments in the file survive:

    kind: file
    with:
      mirror_config: {tool: pip, scope: env, prefix: ${target.path}}    # <prefix>/pip.conf
      mirror_config: {tool: pip, scope: user}                           # ~/.config/pip/pip.conf
      mirror_config: {tool: conda, scope: env, prefix: ${target.path}}  # <prefix>/.condarc

pip, scope env: the PyPI mirror (index-url) and the PyTorch index (extra-index-url) asked for by hand.
pip, scope user: the PyPI mirror only; a PyTorch index of one variant (+cpu) in the user's own file
would steer every environment's torch to that variant. conda: the conda-forge channel mirror. A mirror
left at `auto` or `none` is not written: there is nothing the person chose to keep.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from installer.i18n import _
from installer.i18n.phrases import listed
from installer.paths import backup_prefix
from installer.plan.kinds.base import Compiled, Kind, KindContext, KindParams
from installer.plan.model import FileWrite
from installer.plan.values import VType, check

if TYPE_CHECKING:
    from installer.errors import InputError
    from installer.mirrors.catalog import Mirror

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are fine in file content


def header(path: str) -> list[str]:
    """The comment a shell or lines file starts with: who wrote it, and where what was there before went.
    Both writers keep it there: the executor (installer.executor.fileedit) and the printed script's
    put_file (installer.plan.script), each in the backups folder of whoever runs it. English whatever the
    language: the content must not change with the locale, or a second run would replace the file (and
    back up torch-setup's own copy) for a comment's sake."""
    return ["# Written by torch-setup. The file that was here before (if any) is kept as",
            f"# {backup_prefix(path)}<time> in the backups folder of whoever ran torch-setup or its",
            "# printed script: $XDG_STATE_HOME/torch-setup/backups (by default ~/.local/state/torch-setup/backups)."]


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


class MirrorConfig(KindParams):
    tool: Literal["pip", "conda", "apt"]
    scope: Literal["env", "user", "system"]  # apt's sources are the system's: scope system, and only it
    prefix: str | None = None  # the environment whose own file it is (scope env)

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @model_validator(mode="after")
    def _env_needs_prefix(self) -> MirrorConfig:
        if self.scope == "env" and self.prefix is None:
            raise ValueError("scope env needs `prefix`, the environment's folder")
        if (self.tool == "apt") != (self.scope == "system"):
            raise ValueError("apt's sources are the system's: tool apt goes with scope system, and only it")
        return self


class FileParams(KindParams):
    path: str | None = None
    dir: str | None = None  # or: the folder (a path value may not be glued to more text) ...
    name: str | None = None  # ... and the file's name in it
    mode: int = Field(0o644, ge=0, le=0o7777)
    text: str | None = None
    lines: tuple[str, ...] | None = None
    shell_env: ShellEnv | None = None
    comment: str | None = None  # one line said at the top of a shell or lines file
    fish_path: str | None = None  # with shell_env: the same variables for fish, in this file ...
    fish_name: str | None = None  # ... or in this file in `dir`
    mirror_config: MirrorConfig | None = None  # or: the chosen mirrors in pip's / conda's own file

    @field_validator("path", "dir", "fish_path")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        return check(VType.PATH, v)  # type: ignore[no-any-return]

    @field_validator("name", "fish_name")
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
        if self.mirror_config is not None:
            if any(getattr(self, k) is not None for k in ("path", "dir", "name", "text", "lines", "shell_env",
                                                          "fish_path", "fish_name")):
                raise ValueError("`mirror_config` names its own file and content: give it alone")
            return self
        given = [k for k in ("text", "lines", "shell_env") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `text`, `lines`, `shell_env` or `mirror_config`")
        if (self.path is None) == (self.dir is None and self.name is None) or (
                self.path is None and (self.dir is None or self.name is None)):
            raise ValueError("give `path`, or `dir` and `name`")
        if self.comment is not None and "\n" in self.comment:
            raise ValueError("the comment is one line")
        self._fish_twin()
        return self

    def _fish_twin(self) -> None:
        if self.fish_path is None and self.fish_name is None:
            return
        if self.shell_env is None:
            raise ValueError("`fish_path` and `fish_name` go with `shell_env`: the fish file sets the same variables")
        if self.fish_path is not None and self.fish_name is not None:
            raise ValueError("give `fish_path`, or `fish_name` (in `dir`), not both")
        if self.fish_name is not None and self.dir is None:
            raise ValueError("`fish_name` is a file in `dir`: give `dir`, or `fish_path`")
        # fish splits a variable whose name ends in PATH on colons, and joins it with them when it exports it
        # (fish 3.0+, "Path variables" in fish's language documentation); another name would be exported
        # joined with spaces
        other = [name for name in self.shell_env.prepend if not name.endswith("PATH")]
        if other:
            raise ValueError(f"{other[0]}: fish prepends only to a variable whose name ends in PATH")

    def fish_file(self) -> str | None:
        """Where the fish twin goes, or None for none."""
        if self.fish_path is not None:
            return self.fish_path
        if self.fish_name is not None:
            return posixpath.join(self.dir or "/", self.fish_name)
        return None


def render_shell_env(env: ShellEnv, path: str, comment: str | None = None) -> str:
    """A POSIX sh snippet: sourcing it twice leaves PATH-like variables as after sourcing it once."""
    out = header(path)
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


_FISH_PLAIN = re.compile(r"[\w@+=:,./-]+", re.ASCII)  # shlex.quote's safe characters, none special to fish


def fish_quote(value: str) -> str:
    """`value` as one word of fish: inside single quotes fish takes only \\ and \' as escapes (fish's language
    documentation, "Quotes"), so shlex.quote's '"'"' would do, but not its backslashes."""
    if _FISH_PLAIN.fullmatch(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def render_fish_env(env: ShellEnv, path: str, sh_path: str, comment: str | None = None) -> str:
    """The fish twin of render_shell_env: the same variables, and sourcing it twice leaves PATH-like variables
    as after sourcing it once. An empty PATH-like variable is replaced, not prepended to (`dir:` would add the
    current folder), as `${NAME:+:$NAME}` does in the sh one."""
    out = header(path)
    if comment:
        out.append(f"# {comment}")
    out.append(f"# For fish: the same as {sh_path} for bash, zsh and sh.")
    for name, value in env.set.items():
        out.append(f"set -gx {name} {fish_quote(env.resolve(value))}")
    for name, dirs in env.prepend.items():
        for d in reversed(dirs):
            q = fish_quote(env.resolve(d))
            out += [f"if not contains -- {q} ${name}",
                    f'    if test -n "${name}"',
                    f"        set -gx {name} {q} ${name}",
                    "    else",
                    f"        set -gx {name} {q}",
                    "    end",
                    "end"]
    return "\n".join(out) + "\n"


def render(params: FileParams, path: str) -> str:
    if params.shell_env is not None:
        return render_shell_env(params.shell_env, path, params.comment)
    if params.lines is not None:
        head = header(path) + ([f"# {params.comment}"] if params.comment else [])
        return "\n".join(head + list(params.lines)) + "\n"
    text = params.text or ""
    return text if text.endswith("\n") or not text else text + "\n"


class FileKind(Kind):
    name = "file"
    Params = FileParams

    def compile(self, params: FileParams, ctx: KindContext) -> Compiled:
        if params.mirror_config is not None:
            return mirror_file(params.mirror_config, ctx)
        path = params.path or posixpath.join(params.dir or "/", params.name or "")
        fw = FileWrite(path=path, content=render(params, path), mode=params.mode)
        fish = params.fish_file()
        if fish is None or params.shell_env is None:
            return Compiled(files=(fw,))
        # one in a conf.d folder, which fish reads by itself, is written only where fish is installed: where there
        # is none it is a file nothing reads. One beside a toolkit of the user's is sourced by hand, and the step's
        # `why` names it: it is there for the day fish is.
        own = posixpath.basename(posixpath.dirname(fish)) == "conf.d"
        twin = FileWrite(path=fish, content=render_fish_env(params.shell_env, fish, path, params.comment),
                         mode=params.mode, needs="fish" if own else None)
        return Compiled(files=(fw, twin))


# An "environment" that is the system's own Python: its pip.conf would be the whole system's.
SYSTEM_PREFIXES = ("/", "/usr", "/usr/local")


def _chosen(value: str) -> bool:
    return value not in ("auto", "none")


def mirror_file(mc: MirrorConfig, ctx: KindContext) -> Compiled:
    """The FileWrite that keeps the chosen mirrors, or nothing (with a note saying why) when there is
    nothing to keep. Reads the file as it is now, so what else it holds stays."""
    from installer.mirrors.writers import conda_file, pip_file

    mirror = ctx.answers.mirror
    if mc.tool == "apt":
        return apt_mirror_file(str(mirror.apt), ctx)
    if mc.scope == "env" and (mc.prefix or "/").rstrip("/") in ("", *SYSTEM_PREFIXES):
        return Compiled(notes=(_("the chosen mirror is not written to {prefix}: that is the system's Python, not an "
                                 "environment of its own (use mirror.scope: user)", prefix=mc.prefix),))
    if mc.tool == "pip":
        index_url = ctx.indexes.index_url if _chosen(mirror.pypi) else None
        extras: tuple[str, ...] = ()
        notes: list[str] = []
        pytorch = ctx.indexes.pytorch_index if _chosen(mirror.pytorch) else None
        if pytorch and ctx.indexes.pytorch_layout != "pep503":
            # pip.conf's find-links would do, but the writer keeps only indexes: said, not half-written
            notes.append(_("the PyTorch wheel page {url} (a page of links, not an index) is used for this run "
                           "only", url=pytorch))
        elif pytorch and mc.scope == "env":
            extras = (pytorch,)
        elif pytorch:
            notes.append(_("the PyTorch index {url} is used for this run only: in your own pip configuration it "
                           "would steer every environment's torch to the {variant} build", url=pytorch,
                           variant=ctx.values.get("torch.variant") or "?"))
        if not index_url and not extras:
            return Compiled(notes=tuple(notes))
        cfg = pip_file(index_url, mc.scope, env_prefix=mc.prefix, extra_index_urls=extras)
    else:
        from installer.plan.kinds.conda import conda_mirror

        channel = conda_mirror(str(mirror.conda))
        if channel is None:
            return Compiled()
        cfg = conda_file(channel[0], channel[1], mc.scope, env_prefix=mc.prefix)
        notes = []
        conda = getattr(getattr(ctx.report, "mirror_config", None), "conda", None)
        theirs = [c for c in getattr(conda, "channels", None) or () if c != "conda-forge"]
        if mc.scope == "env" and theirs:
            # conda merges `channels` across every .condarc it reads, the environment's last: its
            # `channels: [conda-forge]` cannot take away the person's own, and their file is theirs to edit
            notes.append(_("your conda configuration also lists {channels}: a later `conda install` in this "
                           "environment searches them after conda-forge unless it is given --override-channels "
                           "-c conda-forge", channels=listed(theirs)))
    if cfg is None:
        return Compiled(notes=tuple(notes))
    return Compiled(files=(cfg.to_file_write(),), notes=tuple(notes))


def apt_mirror_file(choice: str, ctx: KindContext) -> Compiled:
    """The system's archive sources pointed at the apt mirror asked for (mirror.apt: a URL or a catalog
    id), or nothing for auto and none. A catalog mirror of another distribution's archive is the answers'
    mistake: apt would fail on it at the driver's first `apt-get update`, so it is refused here."""
    if not _chosen(choice):
        return Compiled()
    from installer.errors import InputError
    from installer.hardware import osinfo
    from installer.hardware.same_machine import first_difference
    from installer.mirrors.writers import apt_file

    # a report of another system than this one's: its apt sources cannot be read from here
    recorded = first_difference(ctx.report.os, osinfo.probe()) is not None
    if "://" in choice:
        url = choice.rstrip("/")
    else:
        from installer.mirrors.catalog import load_catalog
        from installer.plan.indexes import catalog_mirror

        distro = ctx.report.os.id
        entry = catalog_mirror(choice, "apt", "mirror.apt", distro=distro)
        wrong_processor = _ports_mismatch(choice, entry, ctx, ctx.recorded or recorded)
        if wrong_processor is not None:
            raise wrong_processor
        if entry.distro and distro and entry.distro != distro and not (
                distro == "ubuntu" and entry.distro == "ubuntu-ports"):  # whether it fits: _ports_mismatch
            # `torch-setup mirrors` lists the mirrors of this computer's distribution, not the recorded one's:
            # the ids are named here, from the catalog
            ids = [m.id for m in load_catalog().of_kind("apt") if m.distro == distro]
            said = (_("{id} is a mirror of the {archive} archive; the recorded machine runs {distro}", id=choice,
                      archive=entry.distro.capitalize(), distro=distro.capitalize()) if ctx.recorded or recorded else
                    _("{id} is a mirror of the {archive} archive; this machine runs {distro}", id=choice,
                      archive=entry.distro.capitalize(), distro=distro.capitalize()))
            hint = (_("choose one of the catalog's {distro} mirrors: {ids}; or auto", distro=distro.capitalize(),
                      ids=listed(ids)) if ids else
                    _("the catalog has no {distro} mirror: give its URL, or auto", distro=distro.capitalize()))
            raise InputError(said, key="mirror.apt", hint=hint)
        url = entry.url
    if recorded:
        # the edit is made from the file as it is (installer.mirrors.writers.apt keeps the rest of it, and shows
        # a diff first): another machine's sources cannot be read from here, so this plan has no such step, and
        # the script must not read as if it switched apt (found in use: the note said it was written)
        return Compiled(notes=(_apt_by_hand(url, ctx),))
    cfg = apt_file(url)
    if cfg is None:
        return Compiled(notes=(_("the apt mirror {url} is not written: this machine has neither "
                                 "/etc/apt/sources.list nor a {files} file", url=url,
                                 files="/etc/apt/sources.list.d/*.sources"),))
    return Compiled(files=(cfg.to_file_write(),))


def _ports_mismatch(choice: str, entry: Mirror, ctx: KindContext, recorded: bool) -> InputError | None:
    """An Ubuntu mirror of the archive this machine's processor is not in: the ports archive (arm64 and every
    other processor but x86) on an x86 machine, or Ubuntu's own main archive, archive.ubuntu.com (amd64 and
    i386 only: the others are on ports.ubuntu.com), on an arm64 one. Found in use: ubuntu-ports on an x86_64
    machine was called "a mirror of Ubuntu-ports; the recorded machine runs Ubuntu", the same distribution.
    Another mirror's /ubuntu is fine on arm64: the sources' edit moves the ports entries to its
    /ubuntu-ports (installer.mirrors.writers.apt)."""
    from installer.errors import InputError
    from installer.mirrors.catalog import load_catalog
    from installer.mirrors.writers.apt import ubuntu_ports

    arch = ctx.report.os.arch
    if ctx.report.os.id != "ubuntu" or not arch:
        return None
    ports = ubuntu_ports(arch)
    if entry.distro == "ubuntu-ports" and not ports:
        said = (_("{id} is a mirror of Ubuntu's ports archive, which carries arm64 and the other processors that "
                  "are not x86; the recorded machine's processor is {arch}, whose packages are in Ubuntu's main "
                  "archive", id=choice, arch=arch) if recorded else
                _("{id} is a mirror of Ubuntu's ports archive, which carries arm64 and the other processors that "
                  "are not x86; this machine's processor is {arch}, whose packages are in Ubuntu's main archive",
                  id=choice, arch=arch))
        wanted, shown = "ubuntu", "Ubuntu"
    elif entry.distro == "ubuntu" and entry.upstream and ports:
        said = (_("{id} is Ubuntu's main archive, which carries x86 processors only (amd64, i386); the recorded "
                  "machine's processor is {arch}, whose packages are in the ports archive", id=choice, arch=arch)
                if recorded else
                _("{id} is Ubuntu's main archive, which carries x86 processors only (amd64, i386); this machine's "
                  "processor is {arch}, whose packages are in the ports archive", id=choice, arch=arch))
        wanted, shown = "ubuntu-ports", "Ubuntu ports"
    else:
        return None
    ids = [m.id for m in load_catalog().of_kind("apt") if m.distro == wanted]
    return InputError(said, key="mirror.apt", hint=_("choose one of the catalog's {distro} mirrors: {ids}; or auto",
                                                     distro=shown, ids=listed(ids)))


def _apt_by_hand(url: str, ctx: KindContext) -> str:
    """What a plan for a recorded machine says of its apt mirror: not switched by this plan, and how to."""
    from installer.mirrors.writers.apt import DEB822_FILES, ONE_LINE_FILE, archive_on_mirror

    distro = ctx.report.os.id or ""
    deb822 = next((f for f in DEB822_FILES if f.endswith(f"/{distro}.sources")), DEB822_FILES[0])
    return _("this plan does not switch apt to the mirror {url}: the change is made from that machine's apt "
             "sources, which cannot be read from here. On that machine, `torch-setup install --answers F` makes it "
             "(and shows it first); or, by hand before this script runs: in {file} (or {fallback} where that file "
             "is missing) point the {distro} archive's URIs at {archive}, leaving the security ones as they are, "
             "then run `sudo apt-get update`", url=url, file=deb822, fallback=ONE_LINE_FILE,
             distro=distro.capitalize(), archive=archive_on_mirror(url, distro, ctx.report.os.arch))


KIND = FileKind()
