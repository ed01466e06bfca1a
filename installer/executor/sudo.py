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
from collections.abc import Iterable, Mapping
from pathlib import Path

from installer.errors import InputError, TorchSetupError
from installer.i18n import _


def is_root(euid: int | None = None) -> bool:
    return (os.geteuid() if euid is None else euid) == 0


def sudo_path() -> str | None:
    return shutil.which("sudo")


def wrap(argv: Iterable[str], *, root: bool, env: Mapping[str, str] | None = None,
         euid: int | None = None, sudo: str | None = None) -> tuple[str, ...]:
    """The argv that runs `argv` for a step: unchanged unless the step needs root and we are not root.

    sudo resets the environment, so the variables the step declares (DEBIAN_FRONTEND, proxies, ...)
    are handed over explicitly through `env`, as argv items: nothing passes through a shell.
    """
    argv = tuple(argv)
    if not root or is_root(euid):
        return argv
    exe = sudo or sudo_path()
    if exe is None:
        raise TorchSetupError(
            _("this step needs root, torch-setup is not running as root, and sudo is not installed"),
            hint=_("run torch-setup as root, or install sudo"))
    pairs = tuple(f"{k}={v}" for k, v in sorted((env or {}).items()))
    return (exe, "-n", "--", "env", *pairs, *argv) if pairs else (exe, "-n", "--", *argv)


def _probe(exe: str) -> tuple[bool, str]:
    try:
        proc = subprocess.run([exe, "-n", "true"], capture_output=True, text=True, timeout=15,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return proc.returncode == 0, proc.stderr.strip()


def preflight(*, needs_root: bool, interactive: bool, steps: Iterable[str] = (),
              euid: int | None = None, sudo: str | None = None) -> None:
    """Make sure the root steps of a plan can run, before the first step of it runs.

    Raises TorchSetupError when they cannot: no sudo, not allowed, or (unattended) a password
    would be needed. `steps` names the root steps, for the message.
    """
    if not needs_root or is_root(euid):
        return
    exe = sudo or sudo_path()
    names = ", ".join(steps)
    if exe is None:
        raise TorchSetupError(
            _("these steps need root: {steps}; torch-setup is not running as root and sudo is not installed",
              steps=names or "?"),
            hint=_("run torch-setup as root, or install sudo"))
    ok, why = _probe(exe)
    if ok:
        return
    if interactive:
        # a person is at the terminal: sudo asks for the password once, then `sudo -n` works
        if subprocess.run([exe, "-v"]).returncode == 0:  # noqa: S603 - fixed argv, no shell
            return
        raise TorchSetupError(_("sudo refused: these steps need root: {steps}", steps=names or "?"),
                              hint=_("check that your user may use sudo, or run torch-setup as root"))
    raise TorchSetupError(
        _("these steps need root and sudo would ask for a password, which an unattended install cannot "
          "type: {steps} ({why})", steps=names or "?", why=why or "sudo -n failed"),
        hint=_("run `sudo -v` just before `torch-setup install`, run it as root, or allow this user "
               "NOPASSWD in sudoers; nothing was changed"))


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
