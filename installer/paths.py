"""Where torch-setup keeps its own files (XDG through platformdirs): journal, logs, results, cache."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

import platformdirs

APP = "torch-setup"


def state_dir() -> Path:
    """Journals and logs: what a resumed run needs."""
    return Path(platformdirs.user_state_dir(APP))


def data_dir() -> Path:
    """Results kept for comparison (benchmarks, answers written by the wizard)."""
    return Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    """Downloads (runfiles, installers) that may be reused."""
    return Path(platformdirs.user_cache_dir(APP))


def recipes_dir() -> Path:
    """The recipes: top-level `recipes/` in a checkout, `installer/_recipes` inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_recipes", here.parent / "recipes"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the recipes folder is missing from this installation")


def in_own_checkout(cwd: str | os.PathLike[str] | None = None) -> bool:
    """`cwd` (the working directory) is in the git checkout this torch-setup runs from, as after `make run`.
    Found in use: the wizard's default folder and answers file, relative to the working directory, went into
    the checkout (gigabytes of torch, files git then lists as untracked). An installed wheel has no checkout."""
    root = Path(__file__).resolve().parent.parent
    try:  # a checkout this user may not look into (found in a fresh clone under a mode-700 folder) is not theirs
        if not (root / "pyproject.toml").is_file() or not (root / ".git").exists():
            return False
        here = Path(cwd or os.getcwd()).resolve()
    except OSError:
        return False
    return here == root or root in here.parents


def own_venv() -> tuple[str, ...]:
    """The names of the virtual environment torch-setup runs from (as found, and with links resolved), or ()
    when it runs on a system or conda base Python, which is the person's and may be a target
    (installer.probes.last_target.own_environment asks this too). Read at the edge, as the day is: the
    plan refuses to install into it (installer.plan.own_environment), and planning stays pure."""
    import sys

    if os.path.realpath(sys.prefix) == os.path.realpath(getattr(sys, "base_prefix", sys.prefix)):
        return ()
    names = [os.path.abspath(sys.prefix), os.path.realpath(sys.prefix)]
    if sys.executable:  # the folder above bin/ as the interpreter was started (a link to the venv, say)
        names.append(os.path.dirname(os.path.dirname(os.path.abspath(sys.executable))))
    return tuple(dict.fromkeys(names))


def answers_examples() -> str:
    """The folder of the example answers files, ending in `/`, as messages name it: recipes/answers/ of a
    checkout, or its copy inside the installed package (found in use: a user of the wheel was sent to
    recipes/answers/, which only a git checkout has)."""
    return str(recipes_dir() / "answers") + "/"


# $NAME and ${NAME}, as a shell reads them in a word; `$$` is one `$` that is part of a name, as in Makefiles
# and docker-compose (found in use: a folder named `it's $x` could not be given at all: `$x` was taken for a
# variable, and so was `$$x`); `$5` and a lone `$` stay as written
_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def unset_variables(path: str) -> list[str]:
    """The variables `path` names ($NAME or ${NAME}, not $$NAME) that the environment does not set, in order."""
    names = [m[2] or m[3] for m in _VARIABLE.finditer(path) if not m[1]]
    return list(dict.fromkeys(n for n in names if n not in os.environ))


def expand(path: str) -> str:
    """`~` and `~user` (home folders), then $NAME and ${NAME} from the environment, as a shell expands an
    unquoted word: answers files are written by people who type `$HOME/venv`; `$$` is a `$` of the name.
    An unset variable is left as written; installer.answers refuses such a path before anything uses it.
    Expand a path once: what it gives is a name, and a `$` in it is no variable any more."""
    home = os.path.expanduser(path)  # first: `~` in a variable's value stays as it is, as in a shell
    return _VARIABLE.sub(lambda m: "$" if m[1] else os.environ.get(m[2] or m[3], m[0]), home)


def no_such_user(path: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) when `path` begins `~name` and this system has no user `name`: expanduser
    leaves it alone, and it becomes a folder called `~name` in the working directory, which nobody meant (answers
    files and the command line's paths say it alike); None otherwise."""
    if not path.startswith("~"):
        return None
    user = path[1:].split("/", 1)[0]
    if not user:
        return None
    import pwd

    try:
        pwd.getpwnam(user)
    except KeyError:
        from installer.i18n import _

        rest = path[1 + len(user):].lstrip("/")
        return (_("no user {user} for ~{name}", user=repr(user), name=user),
                _("write the full path (/home/{name}/{rest}), or ~/{rest} for a path in your own home",
                  name=user, rest=rest or "..."))
    return None


def unexpanded(name: str) -> str:
    """`name` written so that `expand` gives it back: each `$` doubled (a folder's real name, such as the
    working directory, joined to a path answer that is expanded later)."""
    return name.replace("$", "$$")


def with_unset_escaped(path: str) -> str:
    """`path` with the $ of each variable the environment does not set doubled: the path as it is written
    when those `$` are part of the name."""
    return _VARIABLE.sub(lambda m: "$" + m[0] if not m[1] and (m[2] or m[3]) not in os.environ else m[0], path)


def absolute(path: str, cwd: str) -> str:
    """Relative paths are taken from the working directory; `~` is the home folder, $NAME a variable."""
    expanded = expand(path)
    return posixpath.normpath(expanded if posixpath.isabs(expanded) else posixpath.join(cwd, expanded))


def own_base_python(python: str | None) -> str | None:
    """The interpreter a new environment made from `python` is built from, where `python` is the one torch-setup
    runs on in a venv of its own (`uv tool install`, pipx, make's .venv): its base interpreter,
    sys._base_executable, which `uv venv --python` and `python -m venv` build from (uv: astral-sh/uv PR #8433,
    "if we're in a virtual environment, resolve symlinks until we find a non-virtual interpreter"; venv: the
    standard library's EnvBuilder). None for another interpreter, or torch-setup on a base Python. Found as a
    normal user: the Hardware screen named ~/.local/share/uv/tools/torch-setup/bin/python, Review
    /usr/bin/python3.11, for one Python."""
    import sys

    if not python or not sys.executable or not same_path(python, sys.executable) or not own_venv():
        return None
    base = getattr(sys, "_base_executable", None)
    return base if base and not same_path(base, sys.executable) else None


def same_path(a: str, b: str) -> bool:
    """The same path as written, `a/./b` and `a//b` as `a/b` (no file system access: plans are pure)."""
    return posixpath.normpath(a) == posixpath.normpath(b)


def _first_there(path: str) -> Path | None:
    """`path`, or the nearest of its parents, that is there at all (a folder, a file, a dangling link)."""
    for candidate in (Path(path), *Path(path).parents):
        if candidate.is_dir() or candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def blocking_file(path: str) -> str | None:
    """The file (not a folder; a dangling link too) that sits at `path` or at one of its parents, so
    that `path` can never be a folder; None when nothing is in the way."""
    there = _first_there(path)
    return None if there is None or there.is_dir() else str(there)


def closed_folder(path: str) -> str | None:
    """The folder above `path`, nearest the root, that this user may not enter (no search permission), so
    that nothing under it can be looked at or made; None when every folder on the way is open. Looked
    for only after a stat failed with EACCES, which names no folder."""
    for parent in reversed(Path(path).parents):
        if not parent.is_dir():  # missing, or a file: nothing closed on the way (its parent was entered)
            return None
        if not os.access(parent, os.X_OK):
            return str(parent)
    return None


def env_interpreter(folder: str | os.PathLike[str]) -> str | None:
    """The interpreter of the environment at `folder` (a venv's or conda env's bin/python, Windows'
    python.exe), or None when it has none: given the folder where its interpreter is meant. `folder` may
    also be the environment's bin/ itself (found in use: `--python .venv-torch/bin`, tab completion stops
    there), which holds python directly."""
    base = Path(folder)
    for candidate in (base / "bin" / "python", base / "bin" / "python3", base / "python.exe",
                      base / "python", base / "python3"):
        if candidate.is_file():  # not a folder named python (a project's package) beside the code
            return str(candidate)
    return None


def owned_by_me(path: str) -> bool:
    """Whether this user owns `path` (False when it cannot be looked at): what to tell them then is chmod,
    not "ask the owner"."""
    try:
        return os.stat(path).st_uid == os.geteuid()
    except OSError:
        return False


def nearest_folder(path: str) -> str | None:
    """`path` itself when it is a folder, else the nearest folder above it: where a run would create it.
    None when a file is in the way (blocking_file names it)."""
    there = _first_there(path)
    return str(there) if there is not None and there.is_dir() else None


def backup_prefix(path: str) -> str:
    """How the names of `path`'s backups in torch-setup's backups folder start: `etc%profile.d%cuda.sh.`,
    then the time in nanoseconds. One flat folder, the original path readable in each name. Shared by the
    executor's writer, the printed script (which names its copies the same way, so restore finds them) and
    the header that tells a person reading a written file where the old one went."""
    return path.strip("/").replace("/", "%") + "."


def from_home(path: str, home: str | None = None) -> str:
    """A whole `path` said as `~/...` when it is in this user's home folder (`home`, else $HOME): where a
    command is for a recorded machine, whose user's home is not this one (found by a tester: a recorded
    H200's Done said `install --answers /home/t9/h200.yaml`, t9 being the user who ran the wizard)."""
    home = posixpath.normpath(home or os.path.expanduser("~"))
    rest = posixpath.relpath(path, home) if posixpath.isabs(path) and home != "/" else ".."
    return path if rest == ".." or rest.startswith("../") else posixpath.join("~", rest) if rest != "." else "~"


def shell_word(path: str) -> str:
    """`path` quoted for a shell, with a leading `~/` left bare: quoted, the shell would not expand it."""
    import shlex

    if path == "~" or path.startswith("~/"):
        rest = path[2:]
        return "~/" + shlex.quote(rest) if rest else "~"
    return shlex.quote(path)


def hardware_word(path: str | None) -> str | None:
    """The --hardware file as the commands a message gives name it, to paste where torch-setup ran: as typed
    (a relative path, from that folder), `~/...` in this user's home, quoted for a shell; None when there is
    none, or none a command can hold (the messages then say REPORT). Read at the edge, as $HOME is (found in
    use: a K80's refusal said `recommend --hardware REPORT` of the k80.json the command had just been given)."""
    if not path or not path.isprintable():
        return None
    return shell_word(from_home(path))
