"""run_plan: the only code that changes the machine. Journaled, resumable, sandboxed; events out.

For each step, in order:
  1. done in the journal (and its guard, if any, still holds) -> unchanged, never applied twice;
  2. its guard holds (`creates` exists and/or `unless` exits 0) -> unchanged;
  3. otherwise: journal `started`, downloads, file writes, commands (each falling back to its
     fallback when it fails), journal `done` or `failed`.
A step that needs a reboot ends the run (reboot_required); the next run after the reboot goes on.
A failing step ends the run with the last lines of its output (and of the installer's own log, when
its kind names one: the CUDA runfile's) and the log's path.

A dry run executes nothing and creates nothing; where a kind can say what a step would do without
doing it (`simulate`: apt's `apt-get -s`), that simulation runs, so packages resolve for real.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shlex
import shutil
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from installer.errors import InputError, StepFailed, TorchSetupError
from installer.executor import sandbox, sudo
from installer.executor.allowlist import check_plan, isolated_python, name_allowed, resolve
from installer.executor.diagnose import Diagnoser
from installer.executor.environment import scrubbed
from installer.executor.events import Event, OutputLine, Progress, RunFinished, StepFinished, StepStarted
from installer.executor.fileedit import default_backup_dir, diff_for, write_atomic
from installer.executor.journal import Journal, boot_id
from installer.executor.process import Child
from installer.executor.runlock import RunLock
from installer.executor.skip import skip_decision
from installer.executor.units import size_text
from installer.i18n.phrases import os_error
from installer.i18n.said import said as _  # messages that keep their templates: see _record_failed
from installer.i18n.said import to_json
from installer.paths import blocking_file, nearest_folder, owned_by_me
from installer.plan.model import Command, Download, FileWrite, Plan, Step
from installer.plan.script import shown_command
from installer.plan.tools import uv_python_dir
from installer.redaction import redact_text
from installer.shells import user_shell

GUARD_TIMEOUT = 120.0
TAIL_LINES = 20
JOURNAL_LINES = 5  # of a failed step's output kept in its journal record, for `torch-setup doctor`
DIFF_LINES = 40  # of a file's diff in a dry run
# a log file counts as written by the step when its mtime is at most this much before the step began
# (file systems with coarse timestamps round down)
MTIME_SLACK = 1.0


def program_name(argv: tuple[str, ...] | list[str]) -> str:
    """The program a person knows a command by: `python -m pip ...` is pip (found in use: "uv failed;
    trying python instead", where pip was the fallback). torch-setup's own helpers, run as modules of its
    package, are torch-setup (found in use: "installer.plan.kinds.wheel failed" on the Welcome screen)."""
    options = list(argv[1:])
    while options and options[0].startswith("-") and options[0] != "-m":
        options.pop(0)  # -I, -u, ... before -m
    if len(options) > 1 and options[0] == "-m":
        module = options[1]
        return "torch-setup" if module == "installer" or module.startswith("installer.") else module
    return os.path.basename(argv[0])


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
    backup_dir: str = ""  # where file writes keep what they replace
    started_at: float = field(default_factory=time.time)  # wall clock: compared with log files' mtimes
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    diagnoser: Diagnoser = field(init=False)  # reads every line, keeps only its verdict
    interrupted: bool = False
    timed_out: bool = False
    detail: str = ""
    fell_back: bool = False  # a command failed and its fallback ran (uv -> pip)
    index_origins: tuple[tuple[str, str], ...] = ()  # Plan.index_origins: where its pip sources were set
    shell: str | None = None  # the user's $SHELL, by its basename: the advice says its command to unset a variable

    def __post_init__(self) -> None:
        self.diagnoser = Diagnoser(self.step.kind, self.index_origins, self.shell)

    def note(self, text: str) -> OutputLine:
        text = redact_text(text)  # the log and the screen are shared: no index password in them
        self.log.write(f"[{self.step.id}] {text}\n")
        self.log.flush()
        self.tail.append(text)
        return OutputLine(self.step.id, text, "stderr")


def folder_error(path: str, exc: OSError) -> StepFailed:
    """What to do about a folder that cannot be made, in words (never a traceback)."""
    in_the_way = blocking_file(path)
    if in_the_way is not None:
        return StepFailed(_("cannot create the folder {path}: {file} is a file, not a folder",
                            path=path, file=in_the_way),
                          hint=_("move {file} aside, or choose another folder", file=in_the_way))
    hint = (_("choose another folder: not even root can write there") if os.geteuid() == 0 else
            _("choose a folder you can write to, or run the step as root"))
    return StepFailed(_("cannot create {path}: {why}", path=path, why=exc.strerror or str(exc)), hint=hint)


def _makedirs(path: str | Path) -> None:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:  # NotADirectoryError, FileExistsError, PermissionError, a read-only disk
        raise folder_error(str(path), exc) from None


def _caches() -> list[str]:
    """Where uv and pip keep their caches: what every sandboxed step may write besides its own paths."""
    paths = [str(cache_root())]
    for var in ("UV_CACHE_DIR", "PIP_CACHE_DIR"):
        if os.environ.get(var):
            paths.append(os.environ[var])
    return paths


def _writable(step: Step, tmpdir: str) -> list[str]:
    paths = [*_caches(), tmpdir, *step.writable]
    for p in paths:
        _makedirs(p)
    return paths


def _argv_for(cmd: Command, run: _StepRun, env: dict[str, str], *, guard: bool = False) -> tuple[str, ...]:
    """The argv as it is started: the program resolved on the scrubbed PATH, sudo or the sandbox around it.

    `guard`: a check that only looks (a guard, a dry run's simulation): never through sudo. The kinds'
    guards are `python -I -c CODE` reading package metadata; those run as they are (setting up the
    sandbox costs more than the check itself, and it writes nothing); any other check runs in the
    sandbox with only its temp dir writable.
    """
    program = resolve(cmd.argv[0], env.get("PATH"))
    argv = (program, *cmd.argv[1:])
    if run.step.root and not guard:
        return sudo.wrap(argv, root=True, env=dict(cmd.env))
    if guard and isolated_python(argv):
        return argv
    bwrap = sandbox.usable_bwrap()[0]
    if bwrap is None:
        return argv
    writable = [run.tmpdir] if guard else _writable(run.step, run.tmpdir)
    return sandbox.wrap(argv, writable, bwrap=bwrap, cwd=cmd.cwd or run.tmpdir)


def _run_command(cmd: Command, run: _StepRun, *, guard: bool = False,
                 quiet: bool = False) -> Iterator[OutputLine | bool]:
    """Yields output lines, then True/False: whether the command (or its fallback) succeeded."""
    current: Command | None = cmd
    while current is not None:
        env = scrubbed(declared=dict(current.env), tmpdir=run.tmpdir)
        if not quiet:
            yield run.note("$ " + shown_command(current))
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
                    text = redact_text(text)  # pip shows bob:****@, which still names the account
                    run.log.write(f"[{run.step.id}] {text}\n")
                    run.tail.append(text)
                    run.diagnoser.feed(text)
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
        run.detail = _("{program} failed: {why}", program=program_name(current.argv), why=why)
        if current.fallback is not None and not quiet:
            yield run.note(_("{failed}; {then}", failed=run.detail,
                             then=_("trying {program} instead", program=program_name(current.fallback.argv))))
        current = current.fallback
        run.fell_back = run.fell_back or current is not None
    yield False


def _relay(items: Iterator[Event | bool]) -> Generator[Event, None, bool]:
    """Pass on the events of a part that ends with a bool (`yield from`); return that bool (False if none)."""
    ok = False
    for item in items:
        if isinstance(item, bool):
            ok = item
        else:
            yield item
    return ok


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
    import queue

    from installer.executor.download import fetch  # here: httpx is only imported when a step downloads

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


def _write_through_sudo(fw: FileWrite, run: _StepRun) -> bool:
    """A root step's file when torch-setup is not root: the same atomic writer, in a process of its own
    started through `sudo -n` (installer.executor.fileedit), the FileWrite as JSON on its stdin.
    True when the file was written, False when it already was as planned; StepFailed otherwise."""
    # -I: an interpreter running as root must not import from the working directory or PYTHONPATH
    argv = sudo.wrap((sys.executable, "-I", "-m", "installer.executor.fileedit", "write",
                      "--backup-dir", run.backup_dir), root=True)
    payload = json.dumps({"path": fw.path, "content": fw.content, "mode": fw.mode}).encode()
    child = Child(argv, env=scrubbed(tmpdir=run.tmpdir), cwd=run.tmpdir,
                  deadline=min(run.deadline, time.monotonic() + GUARD_TIMEOUT), cancel=run.cancel, input=payload)
    said = [text for _stream, text in child.lines()]
    out = child.outcome
    if out.cancelled:
        run.interrupted = True
        raise StepFailed(_("interrupted"))
    answer = said[-1].strip() if said else ""
    if out.returncode == 0 and answer in ("changed", "unchanged"):
        return answer == "changed"
    why = " ".join(line.strip() for line in said if line.strip())
    raise StepFailed(why or out.error or _("exit code {code}", code=out.returncode))


def _present(program: str) -> bool:
    """Whether `program` is on the PATH the step's commands get: looked up, never run (a shell's `-c` is
    refused by the allowlist). The printed script asks the same with `command -v` (installer.plan.script)."""
    try:
        resolve(program, scrubbed().get("PATH"))
    except FileNotFoundError:
        return False
    return True


def _do_files(run: _StepRun) -> Iterator[Event | bool]:
    if not run.step.files:
        yield True
        return
    through_sudo = run.step.root and not sudo.is_root()
    if not run.backup_dir:
        run.backup_dir = str(default_backup_dir())
    for fw in run.step.files:
        changed = False
        if fw.needs and not _present(fw.needs):
            yield run.note(_("{path} not written: {program} is not installed here", path=fw.path, program=fw.needs))
            continue
        try:
            # made by the user first: a folder sudo made would be root's, and later writes of the
            # user's own files could not keep their backups there
            _makedirs(run.backup_dir)
            if through_sudo:
                yield run.note(_("writing {path} through sudo (backup in {dir})", path=fw.path, dir=run.backup_dir))
                changed = _write_through_sudo(fw, run)
            else:
                changed = write_atomic(fw, backup_dir=run.backup_dir)
        except (OSError, TorchSetupError) as exc:
            if run.interrupted:
                yield False
                return
            why = exc.render() if isinstance(exc, TorchSetupError) else str(exc)
            run.detail = _("cannot write {path}: {why}", path=fw.path, why=why)
            yield run.note(run.detail)
            yield False
            return
        yield run.note(_("wrote {path}", path=fw.path) if changed else _("{path} already as planned", path=fw.path))
    yield True


def _execute(run: _StepRun) -> Iterator[Event | bool]:
    """Downloads, then file writes, then commands; the first part that fails ends the step."""
    parts = (_do_downloads(run), _do_files(run), *(_run_command(cmd, run) for cmd in run.step.commands))
    for part in parts:
        if not (yield from _relay(part)):
            yield False
            return
    guard = run.step.guard
    if run.fell_back and guard is not None and guard.unless and not _guard_holds(run):
        # pip after a failed uv can call a package uv left half-made "already satisfied" (found in use:
        # uv out of disk, then pip "succeeded", and torch did not import): the step's own check decides
        run.detail = _("the fallback reported success, but the step's check finds its result incomplete")
        yield False
        return
    for d in run.step.downloads:
        if d.discard:
            yield run.note(_discard(d.dest))
    yield True


def _discard(path: str) -> str:
    """Remove a download its step no longer needs; what happened, as a line of the step's output (a file
    that stays is no reason to fail a step that did its work)."""
    try:
        size = os.stat(path).st_size
        os.remove(path)
    except FileNotFoundError:
        return _("{path} is already gone", path=path)
    except OSError as exc:
        return _("{path} stays: it cannot be removed ({why}); remove it yourself to free the space",
                 path=path, why=os_error(exc, writing=True))
    return _("removed {path} ({size}): nothing needs it now", path=path, size=size_text(size))


def _kind_hook(step: Step, name: str) -> Any:
    """An optional method of the step's kind (`simulate`, `failure_logs`), or None."""
    from installer.plan.kinds.base import get_kind

    try:
        return getattr(get_kind(step.kind), name, None)
    except KeyError:
        return None


def _repository_caveat(plan: Plan, upto: int) -> str | None:
    """Why a failed simulation of step `upto` may still work for real: an apt repository that this step
    or an earlier one adds (a keyring package installed with dpkg -i), or package lists the step
    refreshes before installing. A simulation can only use the package lists as they are now."""
    for step in plan.steps[:upto + 1]:
        for cmd in step.commands:
            program = os.path.basename(cmd.argv[0])
            if (program == "dpkg" and "-i" in cmd.argv) or program == "add-apt-repository":
                return _("packages from the repository that step {step} adds cannot be resolved before it is "
                         "added", step=step.id)
    if any(cmd.argv[:2] == ("apt-get", "update") for cmd in plan.steps[upto].commands):
        return _("this step refreshes the package lists first; the simulation used them as they are now")
    return None


def _simulate(plan: Plan, index: int, cancel: threading.Event) -> Iterator[Event | tuple[bool, str, tuple[str, ...]]]:
    """Run the step's simulation (no root, read-only); yields its output, then (ok, detail, tail)."""
    step = plan.steps[index]
    hook = _kind_hook(step, "simulate")
    commands = tuple(hook(step)) if hook is not None else ()
    if not commands:
        yield True, _("dry run"), ()
        return
    tmpdir = tempfile.mkdtemp(prefix=f"torch-setup-sim-{step.id}-")
    run = _StepRun(step=step, log=io.StringIO(), deadline=time.monotonic() + step.timeout, cancel=cancel,
                   tmpdir=tmpdir)
    try:
        for cmd in commands:
            if not name_allowed(cmd.argv[0]):
                raise TorchSetupError(_("step {step}: its simulation runs {program}, which is not on the list of "
                                        "programs torch-setup runs", step=step.id, program=cmd.argv[0]))
            ok = yield from _relay(_run_command(cmd, run, guard=True))
            if run.interrupted:
                yield False, _("interrupted"), tuple(run.tail)
                return
            if not ok:
                caveat = _repository_caveat(plan, index)
                detail = _("dry run; the simulation failed: {why}", why=run.detail)
                if caveat:
                    yield True, detail + " (" + caveat + ")", tuple(run.tail)
                else:
                    yield False, detail, tuple(run.tail)
                return
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    yield True, _("dry run; simulated: {how}", how=", ".join(redact_text(shlex.join(c.argv[:3])) for c in commands)), ()


def _dry_run(plan: Plan, cancel: threading.Event, simulate: bool = True) -> Iterator[Event]:
    """Every step shown, nothing executed. A step whose simulation fails (for a reason a real run would
    meet too) is reported failed; the dry run still shows the steps after it. `simulate`: False for a
    recorded machine of another system, whose packages this one's apt cannot tell of."""
    total = len(plan.steps)
    first_failed: str | None = None
    for i, step in enumerate(plan.steps, 1):
        if cancel.is_set():
            yield RunFinished(ok=False, failed_step=step.id, interrupted=True)
            return
        yield StepStarted(step.id, step.title, i, total, step.root)
        started = time.monotonic()
        for d in step.downloads:
            yield OutputLine(step.id, _("would download {dest} from {url}", dest=d.dest,
                                        url=redact_text(d.urls[0])))
        for fw in step.files:
            if fw.needs and not _present(fw.needs):
                yield OutputLine(step.id, _("would not write {path}: {program} is not installed here",
                                            path=fw.path, program=fw.needs))
                continue
            yield OutputLine(step.id, _("would write {path}", path=fw.path))
            yield from (OutputLine(step.id, redact_text(line)) for line in _diff_lines(fw))
        for cmd in step.commands:
            yield OutputLine(step.id, _("would run: {cmd}", cmd=shown_command(cmd)))
        result: tuple[bool, str, tuple[str, ...]] = (True, _("dry run"), ())
        for item in _simulate(plan, i - 1, cancel) if simulate else ():
            if isinstance(item, tuple):
                result = item
            else:
                yield item
        ok, detail, tail = result
        if cancel.is_set():
            yield StepFinished(step.id, "failed", _("interrupted"), time.monotonic() - started, tail)
            yield RunFinished(ok=False, failed_step=step.id, interrupted=True)
            return
        if not ok:
            first_failed = first_failed or step.id
        yield StepFinished(step.id, "skipped" if ok else "failed", detail, time.monotonic() - started, tail)
    yield RunFinished(ok=first_failed is None, reboot_required=plan.needs_reboot, failed_step=first_failed)


def _diff_lines(fw: FileWrite) -> list[str]:
    """The change a file write would make, as diff lines (a file only root may read: nothing)."""
    try:
        lines = diff_for(fw).splitlines()
    except (OSError, TorchSetupError):
        return []
    if len(lines) > DIFF_LINES:
        lines = lines[:DIFF_LINES] + [_("... ({n} more lines)", n=len(lines) - DIFF_LINES)]
    return lines


def check_folders(plan: Plan) -> None:
    """Before anything runs: every folder the plan writes into can be a folder. A regular file where a
    folder must go (a target path below a file) is bad input; nothing has been changed yet."""
    for step in plan.steps:
        wanted = [] if step.root else list(step.writable)
        wanted += [os.path.dirname(os.path.realpath(os.path.expanduser(fw.path))) for fw in step.files]
        for path in wanted:
            in_the_way = blocking_file(path)
            if in_the_way is not None:
                raise InputError(_("step {step} needs the folder {path}, and {file} is a file, not a folder",
                                   step=step.id, path=path, file=in_the_way),
                                 hint=_("move {file} aside, or choose another path in the answers file; "
                                        "nothing was changed", file=in_the_way))


def _resolved(path: str) -> str:
    return os.path.realpath(os.path.expanduser(path))


def locked_places(plan: Plan) -> list[str]:
    """The places no other run may write while this one runs: every folder and file its non-root steps
    write, resolved (a link and where it points are one place). Less the folders runs share on purpose:
    uv's own Pythons (uv locks that folder itself) and /var/log (where installers append their logs).
    The root steps' places are kept by the machine-wide lock instead (RunLock)."""
    shared = {_resolved(uv_python_dir()), _resolved("/var/log")}
    places = [p for s in plan.steps if not s.root for p in (*s.writable, *(fw.path for fw in s.files))]
    return sorted({_resolved(p) for p in places} - shared)


def run_plan(plan: Plan, *, dry_run: bool = False, cancel: threading.Event | None = None,
             state_dir: str | Path | None = None, interactive: bool = False,
             simulate: bool = True) -> Iterator[Event]:
    """Run a plan, yielding events. Programs outside the allowlist are refused before anything runs
    (NotAllowed, a TorchSetupError), and so is a plan whose folders cannot be made or whose input (a
    wheelhouse) is missing (InputError), and so is a run that would write where another run is writing,
    or run root steps while another run does (RunLocked, an InputError: nothing was changed). A dry run
    executes nothing and creates nothing (a kind's simulation, such as `apt-get -s`, may run, unless
    `simulate` is False)."""
    check_plan(plan)
    check_folders(plan)
    # the kinds' registry, loaded on first use (as in _kind_hook)
    from installer.plan.kinds.base import check_inputs

    check_inputs(plan)  # a wheelhouse that is not there: bad input, before anything runs
    cancel = cancel or threading.Event()
    if dry_run:
        yield from _dry_run(plan, cancel, simulate)
        return
    from installer import paths

    state = Path(state_dir) if state_dir is not None else paths.state_dir()
    places = [(_("step {step}", step=s.id), p) for s in plan.steps if not s.root for p in s.writable]
    places += [(_("the download cache"), p) for p in _caches()]
    sudo.refuse_root_files_for_the_user([*places, (_("the journal"), str(state))])
    from installer.executor.space import refuse_short_space

    refuse_short_space(plan, state=state)  # a disk the plan would fill: refused before anything runs
    own_folders(state)  # the journal's, the logs', the caches': exit 2 when one cannot be written, as a refusal
    with RunLock(locked_places(plan), root_steps=[s.id for s in plan.steps if s.root], fallback_dir=state):
        if plan.needs_root:
            sudo.preflight(needs_root=True, interactive=interactive,
                           steps=[s.id for s in plan.steps if s.root], env_names=sudo.root_env_names(plan))
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
    skip = skip_decision(record.status if record is not None else None, step.guard, lambda: _guard_holds(run))
    if skip == "done":
        if step.reboot and record is not None and record.boot_id and record.boot_id == boot_id():
            return _WAITING_FOR_REBOOT
        return _("done in an earlier run")
    if skip == "in place":
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
        ok = yield from _relay(_execute(run))
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


def _sandbox_refused() -> str | None:
    why = sandbox.usable_bwrap()[1]
    if why is None:
        return None
    return _("note: the sandbox cannot start here ({why}), so the steps run without it, as they do where "
             "bubblewrap is not installed. On Ubuntu 23.10 and later AppArmor refuses bubblewrap the user "
             "namespaces it needs: an AppArmor profile for /usr/bin/bwrap that allows userns brings it back; "
             "TORCH_SETUP_NO_SANDBOX=1 turns it off on purpose and silences this note", why=why)


def _scratch() -> Path:
    """Where each step's temp dir is made: in the cache, not /tmp (often a small tmpfs, or noexec)."""
    scratch = cache_root() / "torch-setup" / "tmp"
    _own_folder(scratch, _("the steps' temporary files"), "XDG_CACHE_HOME", "~/.cache", make=True)
    return scratch


# the variables that place the caches the steps write (uv's and pip's), with their defaults, as said to a person
_CACHE_VARIABLES = (("UV_CACHE_DIR", "~/.cache/uv"), ("PIP_CACHE_DIR", "~/.cache/pip"))


def own_folders(state: Path) -> None:
    """Before anything runs: torch-setup's own folders (the journal and the logs in `state`, the steps'
    temporary files, uv's and pip's caches) can be written by this user, or made where they are missing.
    One that cannot refuses the run with exit 2, naming the variable that places it (found in use:
    XDG_STATE_HOME or XDG_CACHE_HOME pointing at a read-only folder ended the run with exit 1, "a step
    failed, run again", before any step had run). Only `state` is made here, where the run lock may go;
    the others are made by the run, after its lock is taken, as before."""
    _own_folder(state, _("the journal and the logs"), "XDG_STATE_HOME", "~/.local/state", make=True)
    for folder in (state / "journal", state / "logs"):
        _own_folder(folder, _("the journal and the logs"), "XDG_STATE_HOME", "~/.local/state")
    _own_folder(cache_root() / "torch-setup" / "tmp", _("the steps' temporary files"), "XDG_CACHE_HOME", "~/.cache")
    _own_folder(cache_root(), _("the download cache"), "XDG_CACHE_HOME", "~/.cache")
    for variable, default in _CACHE_VARIABLES:
        if os.environ.get(variable):
            _own_folder(Path(os.environ[variable]), _("the download cache"), variable, default)


def _own_folder(folder: Path, what: str, variable: str, default: str, *, make: bool = False) -> None:
    """`folder` writable by this user (made first, with `make`), or, while it is missing, the folder above
    it where it would be made; else an InputError (exit 2: nothing has run yet) that says which `variable`
    places it and what to do."""
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        there = nearest_folder(str(folder))  # the folder itself, or where it would be made
        if there is None:  # a file in the way, said below
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        if not os.access(there, os.W_OK | os.X_OK):  # there already, but not this user's to write
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), there)
        return
    except OSError as exc:
        why = os_error(exc, writing=True)
    in_the_way = blocking_file(str(folder))
    value = os.environ.get(variable)
    if in_the_way is not None:
        why, fix = _("{file} is a file, not a folder", file=in_the_way), _("move {file} aside", file=in_the_way)
    else:
        closed = nearest_folder(str(folder)) or str(folder)
        if owned_by_me(closed):
            fix = _("make {folder} writable for you (`ls -ld {folder}` shows its owner and mode)", folder=closed)
        else:  # another's folder (found in use: "make / writable" for XDG_STATE_HOME=/nonexist/x): never that
            fix = _("{folder} is not yours to write in", folder=closed)
    if value:
        hint = _("{variable} is set to {value}, which places it: {fix}, or point {variable} at a folder you can "
                 "write to, or unset it for the default ({default})", variable=variable, value=value, fix=fix,
                 default=default)
    else:
        hint = _("{fix}, or set {variable} to a folder you can write to", fix=fix, variable=variable)
    raise InputError(_("cannot keep {what} in {dir}: {why}; refused before anything ran, nothing was changed",
                       what=what, dir=str(folder), why=why), hint=hint) from None


def _probe_timeout(text: str) -> float | None:
    """install's --probe-timeout as plan.meta keeps it (text); None where it was not given."""
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _run_locked(plan: Plan, cancel: threading.Event, state: Path) -> Iterator[Event]:
    target = dict(plan.summary).get("target") or plan.target_python or ""
    answers = plan.meta.get("answers_file", "")
    journal = Journal(state, target=target, python=plan.target_python or "", answers=answers,
                      cwd=os.getcwd() if answers else "", yes=plan.meta.get("yes") == "yes",
                      hardware=plan.meta.get("hardware_file", ""), quiet=plan.meta.get("quiet") == "yes",
                      probe_timeout=_probe_timeout(plan.meta.get("probe_timeout", "")),
                      index=plan.meta.get("pytorch_index", ""),
                      index_layout=plan.meta.get("pytorch_layout", ""), variant=plan.meta.get("pytorch_variant", ""))
    _scratch()  # before the log: a cache folder that cannot be made stops the run before it starts
    log, log_path = _open_log(state)
    total = len(plan.steps)
    unsandboxed = _sandbox_refused() if any(not s.root for s in plan.steps) else None
    try:
        for i, step in enumerate(plan.steps, 1):
            if cancel.is_set():
                yield RunFinished(ok=False, failed_step=step.id, log_path=log_path, interrupted=True)
                return
            yield StepStarted(step.id, step.title, i, total, step.root)
            if unsandboxed and not step.root:  # said once, where it first matters
                log.write(f"[{step.id}] {unsandboxed}\n")
                yield OutputLine(step.id, unsandboxed, "stderr")
                unsandboxed = None
            started = time.monotonic()
            run = _StepRun(step=step, log=log, deadline=started + step.timeout, cancel=cancel,
                           tmpdir=tempfile.mkdtemp(prefix=f"{step.id}-", dir=_scratch()),
                           backup_dir=str(state / "backups"), index_origins=plan.index_origins,
                           shell=user_shell())
            try:
                go_on = yield from _relay(_run_step(run, journal, log_path, started))
            except KeyboardInterrupt:
                cancel.set()
                run.interrupted = True
                yield from _stop(run, journal, step.digest(), started, log_path)
                return
            finally:
                shutil.rmtree(run.tmpdir, ignore_errors=True)
            if not go_on:
                return
        # for verify, bench and doctor without --python, whichever front-end ran the plan (found in use:
        # after the wizard's install, `torch-setup verify` in a new shell was not pointed at it); and a run
        # into this target that stopped before is over (a run whose steps were all unchanged writes no record)
        from installer.probes.last_target import record_last_target

        # with the build planned: verify and doctor expect it there, as install's own verification does
        record_last_target(plan.target_python, state, target=target, variant=plan.meta.get("variant", ""),
                           wheelhouse=plan.meta.get("wheelhouse", ""))
        yield RunFinished(ok=True, log_path=log_path)
    finally:
        log.close()


def failure_log_tail(step: Step, since: float, lines: int = TAIL_LINES) -> tuple[str, list[str]] | None:
    """(path, last lines) of the newest log the step's kind names (`failure_logs`: the CUDA installer's)
    that was written since `since` (wall clock); None when there is none. A stale log from an earlier
    run explains nothing, so it is not shown."""
    hook = _kind_hook(step, "failure_logs")
    found: list[tuple[float, str]] = []
    for path in (hook(step) if hook is not None else ()):
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        if mtime >= since - MTIME_SLACK:
            found.append((mtime, path))
    if not found:
        return None
    path = max(found)[1]
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))  # the end is what explains; logs can be large
            text = fh.read().decode("utf-8", errors="replace")
    except OSError as exc:
        return path, [_("(cannot read it: {why})", why=exc.strerror or str(exc))]
    return path, [line.rstrip("\r") for line in text.splitlines() if line.strip()][-lines:]


def _journal_detail(detail: str, tail: tuple[str, ...], cause: list[str]) -> list[str]:
    """A failed step's record: what failed, and its likely cause (the log's lines) or else its last lines
    of output. Its lines stay Saids where they are (the output's own lines are not): see _record_failed."""
    if cause:
        return [detail, *cause]
    last = [line for line in tail if line.strip() and line not in detail][-JOURNAL_LINES:]
    return [detail, _("its last lines of output:"), *(f"  {line}" for line in last)] if last else [detail]


def _record_failed(journal: Journal, digest: str, step: Step, lines: list[str], log_path: str) -> None:
    """The failed record: its text as said now, and each line's template and values (`detail_msg`), so that
    doctor and the wizard say it in their own language (found in use: a run stopped under LANG=zh_CN was
    explained in Chinese by `doctor` run in English)."""
    journal.record(digest, "failed", step.id, detail="\n".join(redact_text(line) for line in lines),
                   log=log_path, detail_msg=[to_json(line) for line in lines])


def _stop(run: _StepRun, journal: Journal, digest: str, started: float, log_path: str) -> Iterator[Event]:
    step = run.step
    # the signal that stopped it, kept as a value of the same "interrupted" (older records have none, and read
    # as they did): last_run says which
    by = getattr(run.cancel, "by", None)
    said = ((_("interrupted", signal=by) if by else _("interrupted")) if run.interrupted
            else (run.detail or _("failed")))
    detail = redact_text(said)
    _record_failed(journal, digest, step, [said], log_path)
    tail = tuple(run.tail)
    found = None if run.interrupted else failure_log_tail(step, run.started_at)
    if found is not None:
        path, lines = found
        extra = [_("--- the last lines of {path} ---", path=path), *(redact_text(line) for line in lines)]
        for line in extra:
            run.diagnoser.feed(line)
            run.log.write(f"[{step.id}] {line}\n")
            yield OutputLine(step.id, line, "stderr")
        tail += tuple(extra)
    run.log.write(f"[{step.id}] {detail}\n")
    why = None if run.interrupted else run.diagnoser.result()
    cause = [_("likely cause: {cause}", cause=why.cause), _("-> {hint}", hint=why.hint)] if why is not None else []
    run.log.write("".join(f"[{step.id}] {line}\n" for line in cause))
    run.log.flush()
    if not run.interrupted:  # the record again, now with why: what `torch-setup doctor` shows of this run
        _record_failed(journal, digest, step, _journal_detail(said, tail, cause), log_path)
    yield StepFinished(step.id, "failed", detail, time.monotonic() - started, tail,
                       cause=why.cause if why else "", hint=why.hint if why else "")
    yield RunFinished(ok=False, failed_step=step.id, log_path=log_path, interrupted=run.interrupted)
