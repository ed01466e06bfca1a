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
from dataclasses import dataclass
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
from installer.plan.space import Caches, Need, needs, size_text

SKIP_VARIABLE = "TORCH_SETUP_SKIP_SPACE_CHECK"
GUARD_TIMEOUT = 120.0  # as the runner's


def current_caches() -> Caches:
    """Where uv and pip will keep their caches in this run's steps (the variables pass to them)."""
    from installer.executor.runner import cache_root

    root = cache_root()
    return Caches(uv=os.environ.get("UV_CACHE_DIR") or str(root / "uv"),
                  pip=os.environ.get("PIP_CACHE_DIR") or str(root / "pip"))


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
    wanted = needs(plan, caches or current_caches())
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
