"""run_plan: the only code that changes the machine. Journaled, resumable, sandboxed; events out.

For each step, in order:
  1. done in the journal (and its guard, if any, still holds) -> unchanged, never applied twice;
  2. its guard holds (`creates` exists and/or `unless` exits 0) -> unchanged;
  3. otherwise: journal `started`, downloads, file writes, commands (each falling back to its
     fallback when it fails), journal `done` or `failed`.
A step that needs a reboot ends the run (reboot_required); the next run after the reboot goes on.
A failing step ends the run with the last lines of its output and the log's path.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from installer.errors import TorchSetupError
from installer.executor import sandbox
from installer.executor.allowlist import check_plan, resolve
from installer.executor.environment import scrubbed
from installer.executor.events import Event, OutputLine, Progress, RunFinished, StepFinished, StepStarted
from installer.executor.journal import Journal, RunLock, boot_id
from installer.executor.process import Child
from installer.i18n import _
from installer.plan.model import Command, Download, Plan, Step

GUARD_TIMEOUT = 120.0
TAIL_LINES = 20


def cache_root() -> Path:
    """Where uv and pip keep their caches (both follow XDG_CACHE_HOME)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


@dataclass
class _StepRun:
    """What one step is doing: its temp dir, its log, the tail of its output."""

    step: Step
    log: IO[str]
    deadline: float
    cancel: threading.Event
    tmpdir: str = ""
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    interrupted: bool = False
    timed_out: bool = False
    detail: str = ""

    def note(self, text: str) -> OutputLine:
        self.log.write(f"[{self.step.id}] {text}\n")
        self.log.flush()
        self.tail.append(text)
        return OutputLine(self.step.id, text, "stderr")


def _sudo_wrap(argv: tuple[str, ...], *, root: bool, env: dict[str, str]) -> tuple[str, ...]:
    if not root:
        return argv
    from installer.executor import sudo

    return sudo.wrap(argv, root=True, env=env)


def _writable(step: Step, tmpdir: str) -> list[str]:
    paths = [str(cache_root()), tmpdir]
    for var in ("UV_CACHE_DIR", "PIP_CACHE_DIR"):
        if os.environ.get(var):
            paths.append(os.environ[var])
    paths += list(step.writable)
    for p in paths:
        try:
            os.makedirs(p, exist_ok=True)
        except OSError as exc:
            raise TorchSetupError(_("cannot create {path}: {why}", path=p, why=exc.strerror or str(exc)),
                                  hint=_("choose a folder you can write to, or run the step as root")) from None
    return paths


def _argv_for(cmd: Command, run: _StepRun, env: dict[str, str], *, guard: bool = False) -> tuple[str, ...]:
    """The argv as it is started: the program resolved on the scrubbed PATH, sudo or the sandbox around it."""
    program = resolve(cmd.argv[0], env.get("PATH"))
    argv = (program, *cmd.argv[1:])
    if run.step.root and not guard:
        return _sudo_wrap(argv, root=True, env=dict(cmd.env))
    bwrap = sandbox.bwrap_path()
    if bwrap is None:
        return argv
    # a guard only looks: it may write its temp dir and nothing else
    writable = [run.tmpdir] if guard else _writable(run.step, run.tmpdir)
    return sandbox.wrap(argv, writable, bwrap=bwrap, cwd=cmd.cwd or run.tmpdir)


def _run_command(cmd: Command, run: _StepRun, *, guard: bool = False,
                 quiet: bool = False) -> Iterator[OutputLine | bool]:
    """Yields output lines, then True/False: whether the command (or its fallback) succeeded."""
    current: Command | None = cmd
    while current is not None:
        env = scrubbed(declared=dict(current.env), tmpdir=run.tmpdir)
        if not quiet:
            yield run.note("$ " + shlex.join(current.argv))
        try:
            argv = _argv_for(current, run, env, guard=guard)
        except FileNotFoundError:
            ok, why = False, _("{program}: not found on PATH", program=current.argv[0])
        except TorchSetupError as exc:
            ok, why = False, exc.render()
        else:
            deadline = min(run.deadline, time.monotonic() + GUARD_TIMEOUT) if guard else run.deadline
            child = Child(argv, env=env, cwd=current.cwd or run.tmpdir, deadline=deadline, cancel=run.cancel)
            for stream, text in child.lines():
                if not quiet:
                    run.log.write(f"[{run.step.id}] {text}\n")
                    run.tail.append(text)
                    yield OutputLine(run.step.id, text, stream)  # type: ignore[arg-type]
            out = child.outcome
            if not quiet:
                run.log.flush()
            if out.cancelled:
                run.interrupted = True
                yield False
                return
            if out.timed_out:
                run.timed_out = True
                run.detail = _("timed out after {s:.0f} s", s=run.step.timeout)
                yield False
                return
            ok = not out.error and out.returncode in current.ok_codes
            why = out.error or _("exit code {code}", code=out.returncode)
        if ok:
            yield True
            return
        run.detail = _("{program} failed: {why}", program=os.path.basename(current.argv[0]), why=why)
        if current.fallback is not None and not quiet:
            yield run.note(run.detail + "; " + _("trying {program} instead",
                                                 program=os.path.basename(current.fallback.argv[0])))
        current = current.fallback
    yield False


def _guard_holds(run: _StepRun) -> bool:
    guard = run.step.guard
    if guard is None:
        return False
    if guard.creates and not os.path.exists(guard.creates):
        return False
    if guard.unless:
        result = False
        for item in _run_command(Command(argv=guard.unless), run, guard=True, quiet=True):
            if isinstance(item, bool):
                result = item
        return result
    return True


def _fetch_into(fetch: Any, download: Download, cancel: threading.Event, events: Any,
                error: list[BaseException]) -> None:
    """Runs in a thread: the download, its progress handed to the generator through `events`."""
    try:
        fetch(download, on_progress=lambda done, total, rate: events.put((done, total, rate)), cancel=cancel)
    except BaseException as exc:  # noqa: BLE001 - re-raised as a failed step by the generator's thread
        error.append(exc)
    finally:
        events.put(None)


def _do_downloads(run: _StepRun) -> Iterator[Event | bool]:
    if not run.step.downloads:
        yield True
        return
    try:
        from installer.executor.download import fetch
    except ImportError:
        yield run.note(_("this installation cannot download files (installer.executor.download is missing)"))
        yield False
        return
    import queue

    for d in run.step.downloads:
        yield run.note(_("download {dest}", dest=d.dest))
        events: queue.Queue[tuple[int, int | None, float | None] | None] = queue.Queue()
        error: list[BaseException] = []
        t = threading.Thread(target=_fetch_into, args=(fetch, d, run.cancel, events, error), daemon=True)
        t.start()
        label = os.path.basename(d.dest)
        while True:
            item = events.get()
            if item is None:
                break
            yield Progress(run.step.id, label, item[0], item[1], item[2])
        t.join()
        if run.cancel.is_set():
            run.interrupted = True
            yield False
            return
        if error:
            exc = error[0]
            run.detail = exc.render() if isinstance(exc, TorchSetupError) else str(exc)
            yield run.note(run.detail)
            yield False
            return
    yield True


def _do_files(run: _StepRun) -> Iterator[Event | bool]:
    if not run.step.files:
        yield True
        return
    try:
        from installer.executor.fileedit import write_atomic
    except ImportError:
        yield run.note(_("this installation cannot write files (installer.executor.fileedit is missing)"))
        yield False
        return
    changed = False
    for fw in run.step.files:
        try:
            changed = write_atomic(fw) or changed
        except (OSError, TorchSetupError) as exc:
            run.detail = _("cannot write {path}: {why}", path=fw.path, why=str(exc))
            yield run.note(run.detail)
            yield False
            return
        yield run.note(_("wrote {path}", path=fw.path) if changed else _("{path} already as planned", path=fw.path))
    yield True


def _execute(run: _StepRun) -> Iterator[Event | bool]:
    for part in (_do_downloads(run), _do_files(run)):
        ok = False
        for item in part:
            if isinstance(item, bool):
                ok = item
            else:
                yield item
        if not ok:
            yield False
            return
    for cmd in run.step.commands:
        ok = False
        for item in _run_command(cmd, run):
            if isinstance(item, bool):
                ok = item
            else:
                yield item
        if not ok:
            yield False
            return
    yield True


def _dry_run(plan: Plan) -> Iterator[Event]:
    total = len(plan.steps)
    for i, step in enumerate(plan.steps, 1):
        yield StepStarted(step.id, step.title, i, total, step.root)
        for d in step.downloads:
            yield OutputLine(step.id, _("would download {dest} from {url}", dest=d.dest, url=d.urls[0]))
        for fw in step.files:
            yield OutputLine(step.id, _("would write {path}", path=fw.path))
        for cmd in step.commands:
            yield OutputLine(step.id, _("would run: {cmd}", cmd=shlex.join(cmd.argv)))
        yield StepFinished(step.id, "skipped", _("dry run"))
    yield RunFinished(ok=True, reboot_required=plan.needs_reboot)


def run_plan(plan: Plan, *, dry_run: bool = False, cancel: threading.Event | None = None,
             state_dir: str | Path | None = None, interactive: bool = False) -> Iterator[Event]:
    """Run a plan, yielding events. Programs outside the allowlist are refused before anything runs
    (NotAllowed, a TorchSetupError). A dry run executes nothing and creates nothing."""
    check_plan(plan)
    if dry_run:
        yield from _dry_run(plan)
        return
    from installer import paths

    cancel = cancel or threading.Event()
    state = Path(state_dir) if state_dir is not None else paths.state_dir()
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TorchSetupError(_("cannot keep the journal in {dir}: {why}", dir=str(state), why=exc.strerror or exc),
                              hint=_("set XDG_STATE_HOME to a folder you can write to")) from None
    with RunLock(state):
        if plan.needs_root:
            from installer.executor import sudo

            sudo.preflight(needs_root=True, interactive=interactive,
                           steps=[s.id for s in plan.steps if s.root])
        yield from _run_locked(plan, cancel, state)


def _open_log(state: Path) -> tuple[IO[str], str]:
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / time.strftime(f"run-%Y%m%d-%H%M%S-{os.getpid()}.log")
    return open(path, "a", encoding="utf-8"), str(path)  # noqa: SIM115 - closed by the caller


_WAITING_FOR_REBOOT = "waiting-for-reboot"


def _already_done(run: _StepRun, journal: Journal, digest: str, log_path: str) -> str | None:
    """Why the step needs no run (the detail shown), or None when it must run."""
    step = run.step
    record = journal.get(digest)
    if record is not None and record.status == "done" and (step.guard is None or _guard_holds(run)):
        if step.reboot and record.boot_id and record.boot_id == boot_id():
            return _WAITING_FOR_REBOOT
        return _("done in an earlier run")
    # a step cut off half-way may have made its `creates` path already: only a check that runs
    # something (`unless`) can tell such a step is really complete
    interrupted_before = record is not None and record.status == "started"
    trust_guard = not (interrupted_before and step.guard and not step.guard.unless)
    if trust_guard and _guard_holds(run):
        journal.record(digest, "done", step.id, detail="guard held", log=log_path)
        return _("already in place")
    return None


def _run_step(run: _StepRun, journal: Journal, log_path: str, started: float) -> Iterator[Event | bool]:
    """One step: its events, then True to go on with the next step or False to end the run here."""
    step, digest = run.step, run.step.digest()
    done = _already_done(run, journal, digest, log_path)
    if done == _WAITING_FOR_REBOOT:
        yield StepFinished(step.id, "unchanged", _("done; waiting for the reboot"), time.monotonic() - started)
        yield RunFinished(ok=True, reboot_required=True, log_path=log_path)
        yield False
        return
    if done is not None:
        yield StepFinished(step.id, "unchanged", done, time.monotonic() - started)
        yield True
        return
    ok = False
    if not run.interrupted:  # Ctrl-C may have come while the guard ran
        journal.record(digest, "started", step.id, log=log_path)
        for item in _execute(run):
            if isinstance(item, bool):
                ok = item
            else:
                yield item
    if not ok:
        yield from _stop(run, journal, digest, started, log_path)
        yield False
        return
    journal.record(digest, "done", step.id, log=log_path)
    yield StepFinished(step.id, "changed", "", time.monotonic() - started)
    if step.reboot:
        yield RunFinished(ok=True, reboot_required=True, log_path=log_path)
        yield False
        return
    yield True


def _run_locked(plan: Plan, cancel: threading.Event, state: Path) -> Iterator[Event]:
    journal = Journal(state)
    log, log_path = _open_log(state)
    scratch = cache_root() / "torch-setup" / "tmp"
    total = len(plan.steps)
    try:
        for i, step in enumerate(plan.steps, 1):
            if cancel.is_set():
                yield RunFinished(ok=False, failed_step=step.id, log_path=log_path, interrupted=True)
                return
            yield StepStarted(step.id, step.title, i, total, step.root)
            started = time.monotonic()
            scratch.mkdir(parents=True, exist_ok=True)
            run = _StepRun(step=step, log=log, deadline=started + step.timeout, cancel=cancel,
                           tmpdir=tempfile.mkdtemp(prefix=f"{step.id}-", dir=scratch))
            go_on = False
            try:
                for item in _run_step(run, journal, log_path, started):
                    if isinstance(item, bool):
                        go_on = item
                    else:
                        yield item
            except KeyboardInterrupt:
                cancel.set()
                run.interrupted = True
                yield from _stop(run, journal, step.digest(), started, log_path)
                return
            finally:
                shutil.rmtree(run.tmpdir, ignore_errors=True)
            if not go_on:
                return
        yield RunFinished(ok=True, log_path=log_path)
    finally:
        log.close()


def _stop(run: _StepRun, journal: Journal, digest: str, started: float, log_path: str) -> Iterator[Event]:
    step = run.step
    if run.interrupted:
        detail = _("interrupted")
    else:
        detail = run.detail or _("failed")
    journal.record(digest, "failed", step.id, detail=detail, log=log_path)
    run.log.write(f"[{step.id}] {detail}\n")
    yield StepFinished(step.id, "failed", detail, time.monotonic() - started, tuple(run.tail))
    yield RunFinished(ok=False, failed_step=step.id, log_path=log_path, interrupted=run.interrupted)
