"""How steps that need root are run: as they are when we are root, through `sudo -n` otherwise.

Only steps that declare `root` are ever wrapped; everything else runs as the user (in the sandbox).
`sudo -n` never prompts: a password prompt in the middle of a captured step would hang the run with
nothing on screen. So before the first step, `preflight()` makes sure sudo will not need to ask:
the wizard (a terminal is there) lets sudo ask once with `sudo -v`; an unattended install stops
right away with a message saying what to do, before anything was changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from installer.errors import InputError, TorchSetupError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.model import Command, Plan


def is_root(euid: int | None = None) -> bool:
    return (os.geteuid() if euid is None else euid) == 0


def sudo_path() -> str | None:
    return shutil.which("sudo")


def wrap(argv: Iterable[str], *, root: bool, env: Mapping[str, str] | None = None,
         euid: int | None = None, sudo: str | None = None) -> tuple[str, ...]:
    """The argv that runs `argv` for a step: unchanged unless the step needs root and we are not root.

    sudo resets the environment, so the variables the step declares (DEBIAN_FRONTEND, proxies, an index
    URL with its password) are named in `--preserve-env`: only their names are in argv, which any user
    reads in `ps` for as long as the step runs; their values come from the environment the caller starts
    this argv with, which must hold `env` (the executor's scrubbed environment does). sudoers must allow
    it (a rule for ALL, or the SETENV tag): `preflight` checks, given the names.
    """
    argv = tuple(argv)
    if not root or is_root(euid):
        return argv
    exe = sudo or sudo_path()
    if exe is None:
        raise TorchSetupError(
            _("this step needs root, torch-setup is not running as root, and sudo is not installed"),
            hint=_("run torch-setup as root, or install sudo"))
    keep = _keep_option(env or {})
    return (exe, "-n", keep, "--", *argv) if keep else (exe, "-n", "--", *argv)


def _keep_option(names: Iterable[str]) -> str:
    """`--preserve-env=A,B` for these variable names; "" for none."""
    names = sorted(set(names))
    bad = [n for n in names if not n or "," in n or "=" in n]
    if bad:  # recipes only declare NAME-shaped variables (installer.plan.recipe): a kind's own mistake
        raise ValueError(f"not an environment variable name sudo can pass on: {bad[0]!r}")
    return "--preserve-env=" + ",".join(names) if names else ""


def root_env_names(plan: Plan) -> tuple[str, ...]:
    """The variables the plan's root steps hand to their commands (fallbacks included): what sudo must
    let through, for `preflight`."""
    names: set[str] = set()
    for step in plan.steps:
        if not step.root:
            continue
        for cmd in step.commands:
            current: Command | None = cmd
            while current is not None:
                names.update(k for k, _v in current.env)
                current = current.fallback
    return tuple(sorted(names))


def _probe(exe: str, env_names: tuple[str, ...] = ()) -> tuple[bool, str]:
    """Whether `sudo -n true` runs (with `env_names` passed on, when given), and sudo's words if not."""
    keep = _keep_option(env_names)
    # sudo refuses to pass on a variable only when it is set: set each (empty) so that the answer is real
    env = {**os.environ, **{name: os.environ.get(name, "") for name in env_names}}
    try:
        proc = subprocess.run([exe, "-n", *([keep] if keep else []), "true"], capture_output=True, text=True,
                              timeout=15, stdin=subprocess.DEVNULL, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return proc.returncode == 0, proc.stderr.strip()


def preflight(*, needs_root: bool, interactive: bool, steps: Iterable[str] = (),
              env_names: Iterable[str] = (), euid: int | None = None, sudo: str | None = None) -> None:
    """Make sure the root steps of a plan can run, before the first step of it runs.

    Raises InputError (exit 2: refused before anything ran) when they cannot: no sudo, not allowed,
    (unattended) a password would be needed, or sudo would not pass on the variables the steps declare
    (`env_names`: root_env_names).
    `steps` names the root steps, for the message.
    """
    if not needs_root or is_root(euid):
        return
    exe = sudo or sudo_path()
    names = listed(steps)
    if exe is None:
        raise InputError(
            _("these steps need root: {steps}; torch-setup is not running as root and sudo is not installed",
              steps=names or "?"),
            hint=_("run torch-setup as root, or install sudo"))
    ok, why = _probe(exe)
    if not ok:
        _ask_once(exe, interactive=interactive, names=names, why=why)
    _check_env_passes(exe, tuple(env_names), names)


def _ask_once(exe: str, *, interactive: bool, names: str, why: str) -> None:
    if interactive:
        # a person is at the terminal: sudo asks for the password once, then `sudo -n` works. Said first:
        # a bare "[sudo] password" says neither what for nor that it is asked only once
        print(_("these steps need root: {steps}; sudo asks for your password once, now", steps=names or "?"),
              file=sys.stderr, flush=True)
        if subprocess.run([exe, "-v"]).returncode == 0:  # noqa: S603 - fixed argv, no shell
            return
        raise InputError(_("sudo refused: these steps need root: {steps}", steps=names or "?"),
                         hint=_("check that your user may use sudo (`sudo -l` lists what it may run); "
                                "nothing was changed"))
    # refused before anything ran, as a lock is: exit 2, not the exit 1 of a failed step
    raise InputError(
        _("these steps need root and sudo would ask for a password, which an unattended install cannot "
          "type: {steps} ({why})", steps=names or "?", why=why or "sudo -n failed"),
        hint=_("run `sudo -v` just before `torch-setup install` (in the same terminal), or allow this user "
               "NOPASSWD in sudoers; nothing was changed"))


def _check_env_passes(exe: str, env_names: tuple[str, ...], names: str) -> None:
    """sudoers that name commands without the SETENV tag let them run but refuse `--preserve-env`: say
    so before the first step rather than at the first root step, halfway through the run."""
    if not env_names:
        return
    ok, why = _probe(exe, env_names)
    if ok:
        return
    raise InputError(
        _("sudo would run these steps as root but not pass on their settings ({variables}): {steps} ({why})",
          variables=listed(env_names), steps=names or "?", why=why or "sudo -n failed"),
        hint=_("allow it in sudoers with the SETENV tag (`USER ALL=(root) NOPASSWD:SETENV: ...`), or run "
               "torch-setup as root; nothing was changed"))


def keep_alive(*, euid: int | None = None, sudo: str | None = None) -> bool:
    """Refresh sudo's cached credentials between long steps (the cache lasts ~15 minutes by default)."""
    if is_root(euid):
        return True
    exe = sudo or sudo_path()
    if exe is None:
        return False
    return subprocess.run([exe, "-n", "-v"], capture_output=True, timeout=15).returncode == 0  # noqa: S603


def invoking_user(environ: Mapping[str, str] | None = None, euid: int | None = None) -> tuple[int, str] | None:
    """(uid, name) of the person who started torch-setup through sudo; None when it was not started so."""
    env = os.environ if environ is None else environ
    uid = env.get("SUDO_UID", "")
    if not is_root(euid) or not uid.isdigit() or int(uid) == 0:
        return None
    return int(uid), env.get("SUDO_USER") or uid


def _owner(path: str) -> int | None:
    """Who owns `path`, or the nearest folder above it that exists (where it would be created)."""
    full = Path(os.path.abspath(os.path.expanduser(path)))
    for candidate in (full, *full.parents):
        try:
            return candidate.stat().st_uid
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
    return None


def refuse_root_files_for_the_user(places: Iterable[tuple[str, str]], *, environ: Mapping[str, str] | None = None,
                                   euid: int | None = None) -> None:
    """`sudo torch-setup install` would make the environment, the caches and the journal as root, inside
    folders that belong to the person who typed it: the classic broken install (their own pip then fails
    with "permission denied"). Stop before anything runs, and say how to run it instead.

    places: (what, path) for everything the run writes as itself (the steps that do not need root).
    """
    who = invoking_user(environ, euid)
    if who is None:
        return
    uid, name = who
    for what, path in places:
        if _owner(path) == uid:
            raise InputError(
                _("torch-setup was started with sudo, so {what} would leave files owned by root in {path}, "
                  "which belongs to {user}", what=what, path=path, user=name),
                hint=_("run it as {user}, without sudo: it asks for sudo itself for the steps that need root "
                       "(for an environment outside your folders, `sudo -H` keeps root's files in root's home); "
                       "nothing was changed", user=name))
