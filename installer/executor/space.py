"""Free space, checked before anything runs: a run that would fill a disk half-way through (uv out of
space in the middle of torch's 12,000 files, then pip's fallback on top) is refused at the start instead,
naming the folder, what it needs there and what is free.

The needs are installer.plan.space's estimate. Folders on one file system add up (uv's cache and the
environment, when both are on it, hold the same files once: uv links them). Space is what statvfs gives
an unprivileged user at the nearest folder that exists. A step already done (a rerun) needs nothing: its
guard is looked at, as the runner does, only when some file system is short (the guards of a complete
install read every file's presence, which need not be paid for on every run).
TORCH_SETUP_SKIP_SPACE_CHECK=1 turns the check off, for an estimate that is wrong.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from installer.errors import InputError
from installer.executor.allowlist import isolated_python, resolve
from installer.executor.environment import scrubbed
from installer.executor.journal import Journal
from installer.executor.process import Child
from installer.executor.skip import skip_decision
from installer.i18n import _
from installer.i18n.phrases import all_of
from installer.plan.model import Plan, Step
from installer.plan.space import Caches, Need, counted, needs, pins_of, size_text

SKIP_VARIABLE = "TORCH_SETUP_SKIP_SPACE_CHECK"
GUARD_TIMEOUT = 120.0  # as the runner's


def current_caches() -> Caches:
    """Where uv and pip will keep their caches in this run's steps (the variables pass to them)."""
    from installer.executor.runner import cache_root

    root = cache_root()
    # with its cache turned off, uv unpacks into a cache of its own under TMPDIR, which the runner points at
    # the step's temp folder (in torch-setup's scratch folder, installer.executor.runner._scratch), and pip
    # downloads there too: that is the file system the space comes from
    scratch = str(root / "torch-setup" / "tmp")
    uv = scratch if _on(os.environ.get("UV_NO_CACHE")) else os.environ.get("UV_CACHE_DIR") or str(root / "uv")
    pip = scratch if _on(os.environ.get("PIP_NO_CACHE_DIR")) else os.environ.get("PIP_CACHE_DIR") or str(root / "pip")
    return Caches(uv=uv, pip=pip)


def _on(value: str | None) -> bool:
    """A boolean variable as uv and pip read it: set to anything but an empty or false value."""
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


# uv's cache keeps each wheel it installed unpacked in archive-v0/<id>/, its files with their NAME-VERSION.dist-info
# folder (uv crates/uv-cache/src/lib.rs, CacheBucket::Archive => "archive-v0"; seen here with uv 0.13.9: a cache
# after an install of torch 2.13.0+cpu has archive-v0/<id>/torch-2.13.0+cpu.dist-info)
_UV_ARCHIVE = "archive-v0"


def unpacked_in_uv_cache(cache: str, names: Sequence[str]) -> frozenset[str]:
    """Which of `names` ("torch-2.13.0+cpu") uv's cache at `cache` holds unpacked. A cache of another layout
    holds none, as far as this can tell: the space is then counted as for a cold cache."""
    if not names:
        return frozenset()
    try:
        entries = os.scandir(os.path.join(cache, _UV_ARCHIVE))
    except OSError:
        return frozenset()
    found: set[str] = set()
    with entries:
        for entry in entries:
            found.update(n for n in names if n not in found and os.path.isdir(os.path.join(entry.path, f"{n}.dist-info")))
            if len(found) == len(names):
                break
    return frozenset(found)


def existing_folder(path: str) -> str:
    """The nearest folder at or above `path` that exists: where its space will come from."""
    p = os.path.realpath(os.path.expanduser(path))
    while not os.path.isdir(p) and p != os.path.dirname(p):
        p = os.path.dirname(p)
    return p


@dataclass
class Shortfall:
    folders: list[str]  # the folders of the plan on this file system, as the plan names them
    what: list[str]
    need: int  # MiB
    free: int  # MiB


def _linked() -> bool:
    """Whether uv links the environment's files to its cache (its default on Linux), rather than copying."""
    return os.environ.get("UV_LINK_MODE", "").lower() not in ("copy",)


def shortfalls(wanted: Sequence[Need]) -> list[Shortfall]:
    """The file systems that have less free space than the needs on them add up to."""
    systems: dict[int, tuple[int, dict[str, int], list[Need]]] = {}
    for need in wanted:
        folder = existing_folder(need.folder)
        try:
            device = os.stat(folder).st_dev
            st = os.statvfs(folder)
            if need.linked_from and _linked() and os.stat(existing_folder(need.linked_from)).st_dev == device:
                continue  # links to the files uv's cache holds on this file system: no new space
        except OSError:
            continue  # cannot be told from here: the step itself will say
        free = st.f_bavail * st.f_frsize // 2**20
        _free, shared, listed = systems.setdefault(device, (free, {}, []))
        key = need.shared if need.shared and _linked() else f"#{len(listed)}"
        shared[key] = max(shared.get(key, 0), need.mib)
        listed.append(need)
    out = []
    for free, shared, listed in systems.values():
        total = sum(shared.values())
        if total > free:
            out.append(Shortfall(folders=list(dict.fromkeys(n.folder for n in listed)),
                                 what=list(dict.fromkeys(n.what for n in listed)), need=total, free=free))
    return out


def _guard_holds(step: Step) -> bool:
    """The step's guard, as the runner checks it: its `creates` path exists and its `unless` check (a
    `python -I` reading metadata, as every kind writes it) exits 0. Any other check: not known here."""
    guard = step.guard
    if guard is None:
        return False
    if guard.creates and not os.path.exists(guard.creates):
        return False
    if guard.unless:
        if not isolated_python(guard.unless):
            return False
        env = scrubbed()
        try:
            argv = (resolve(guard.unless[0], env.get("PATH")), *guard.unless[1:])
        except FileNotFoundError:
            return False
        child = Child(argv, env=env, cwd="/", deadline=time.monotonic() + GUARD_TIMEOUT, cancel=None)
        for _line in child.lines():
            pass
        out = child.outcome
        return not (out.error or out.timed_out or out.cancelled) and out.returncode == 0
    return True


def done_before(step: Step, journal: Journal) -> bool:
    """Whether the runner will skip `step` (done in an earlier run, or already in place): its rule
    (installer.executor.skip), with the guard asked here, as a plain child."""
    record = journal.get(step.digest())
    status = record.status if record is not None else None
    return skip_decision(status, step.guard, lambda: _guard_holds(step)) is not None


def refuse_short_space(plan: Plan, *, state: Path, caches: Caches | None = None) -> None:
    """InputError (nothing has run yet) when a file system the plan writes to has less free space than
    the plan needs there; the steps a rerun will skip need none."""
    if os.environ.get(SKIP_VARIABLE, "").strip() not in ("", "0"):
        return
    caches = caches or current_caches()
    wanted = needs(plan, caches)
    short = shortfalls(wanted)
    if not short:
        return
    # what uv's cache holds already needs no new space: looked at only now, as the guards below are
    names = [n for step in plan.steps for n in counted(pins_of(step))]
    unpacked = unpacked_in_uv_cache(caches.uv, list(dict.fromkeys(names)))
    if unpacked:
        caches = replace(caches, unpacked=unpacked)
        wanted = needs(plan, caches)
        short = shortfalls(wanted)
        if not short:
            return
    journal = Journal(state)
    short_steps = {n.step for n in wanted for s in short if n.folder in s.folders}
    done = {s.id for s in plan.steps if s.id in short_steps and done_before(s, journal)}
    short = shortfalls([n for n in wanted if n.step not in done])
    if not short:
        return
    first = short[0]
    # the environment's folder is the answers' target.path: the error points at that line
    env = os.path.dirname(os.path.dirname(plan.target_python)) if plan.target_python else None
    said = {"need": size_text(first.need), "what": _("; ").join(first.what), "free": size_text(first.free)}
    if len(first.folders) == 1:
        message = _("not enough free space in {folder}: this install needs about {need} there ({what}), and "
                    "{free} is free", folder=first.folders[0], **said)
    else:
        message = _("not enough free space in {folders}, on one file system: this install needs about {need} "
                    "there ({what}), and {free} is free", folders=all_of(first.folders), **said)
    raise InputError(
        message,
        key="target.path" if env in first.folders else None,
        hint=_("free some space there, or choose another folder with target.path; the cache can be moved with "
               "XDG_CACHE_HOME / UV_CACHE_DIR. If the estimate is wrong for this machine, {var}=1 skips this "
               "check. Refused before anything ran: nothing was changed", var=SKIP_VARIABLE))
