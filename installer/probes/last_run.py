"""How the last install run ended, read from the executor's journal: doctor's first explanation when it
did not finish (found in use: after an install that failed at its first step, `torch-setup doctor` said
only "torch is not installed" and never named the step, its reason or its log).

The journal keeps one record per step, each with its time: the newest one is where the last run got to.
A `failed` record there is a step that failed (or was interrupted); a `started` one is a step that never
came back (the run was killed, its terminal closed, the machine restarted) or is still running.
"""

from __future__ import annotations

import os
import shlex
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from installer import paths
from installer.executor.journal import Journal, Record, boot_id
from installer.i18n import _
from installer.probes.doctor import Finding
from installer.probes.last_target import Unverified


def records(state_dir: Path | None = None) -> list[Record]:
    """Every record the journal holds that can be read (none when there is no journal)."""
    journal = Journal(state_dir if state_dir is not None else paths.state_dir())
    try:
        digests = [p.stem for p in journal.dir.glob("*.json")]
    except OSError:
        return []
    return [r for r in map(journal.get, digests) if r is not None]


def last_record(state_dir: Path | None = None) -> Record | None:
    """The journal's newest record, or None when no run has left one (or none can be read)."""
    return max(records(state_dir), key=lambda r: r.at, default=None)


def stopped_run(state_dir: Path | None = None) -> Record | None:
    """The last run's newest record where that run stopped before its end (failed, or never came back), and
    no run into the same target has finished since. Found in use: a run whose steps were all unchanged
    ("done in an earlier run") writes no record, so the newest was still the old failure, which doctor and
    the wizard's first screen called "the last install" after a good one."""
    from installer.probes.last_target import finished_since

    record = last_record(state_dir)
    if record is None or record.status not in ("failed", "started"):
        return None
    return None if finished_since(record.target, record.at, state_dir) else record


def stopped_runs(state_dir: Path | None = None) -> list[Record]:
    """Each target's last run that stopped before its end, where no run into that target has finished since,
    newest first: the newest record of each target decides. Found in use: an install into one folder killed
    part-way, then one into another folder that finished, and doctor said nothing of the first, half-done
    one (the newest record overall was the finished run's)."""
    from installer.probes.last_target import finished_since

    newest: dict[str, Record] = {}
    for record in records(state_dir):
        if record.target not in newest or record.at > newest[record.target].at:
            newest[record.target] = record
    stopped = [r for r in newest.values()
               if r.status in ("failed", "started") and not finished_since(r.target, r.at, state_dir)]
    latest = last_record(state_dir)
    # a half-done environment whose folder has since been deleted is nothing to finish: dropped, so that deleting
    # it is a way to be rid of it (found in use: old failures repeated in every doctor output). Not the newest
    # run's: an install that failed before it made its folder is still the one to explain
    stopped = [r for r in stopped if not r.target or r == latest or os.path.lexists(r.target)]
    return sorted(stopped, key=lambda r: r.at, reverse=True)


def stop_target(state_dir: Path | None = None) -> str | None:
    """The target folder (or interpreter) of the run that stopped, where its records say it (runs before
    session 22 did not)."""
    record = stopped_run(state_dir)
    return record.target or None if record is not None else None


def still_running(record: Record, state_dir: Path | None = None) -> tuple[bool, int | None]:
    """Whether the run of a `started` record is still going: (known, pid) from its run lock (pid 0: running,
    its pid not known; None: not running, or not known when `known` is False)."""
    if record.status != "started":
        return True, None
    from installer.executor.runlock import run_into

    return run_into(record.target, state_dir if state_dir is not None else paths.state_dir())


def stop_running(state_dir: Path | None = None) -> int | None:
    """The pid (0: not known) of the stopped-looking run when it is in fact still going, else None."""
    record = stopped_run(state_dir)
    return None if record is None else still_running(record, state_dir)[1]


def stop_answers(state_dir: Path | None = None) -> tuple[str, bool, str] | None:
    """The answers file the stopped run was started from, while it is still there, whether it has changed
    since that run, and the folder the run ran in (relative paths in it were taken from there); None: not
    known, as in records of runs before session 23, or gone."""
    record = stopped_run(state_dir)
    if record is None or not record.answers or not os.path.isfile(record.answers):
        return None
    try:
        changed = os.stat(record.answers).st_mtime > record.at
    except OSError:
        return None
    return record.answers, changed, record.cwd


def stop_summary(state_dir: Path | None = None) -> tuple[str, str, str] | None:
    """(step, when, the first line it said, without its colon) of a run that stopped before its end."""
    record = stopped_run(state_dir)
    if record is None:
        return None
    detail = record.detail_text()
    # a stop (Ctrl-C, SIGTERM) is no failure to mend: said as a run that did not finish its step (found in use, t11:
    # "put right what stopped it" of a closed terminal)
    said = (detail.splitlines()[0].rstrip(":：") if record.status == "failed" and detail and not _interrupted(record)
            else "")
    return record.step_id, when_text(record.at), said


def stop_log(state_dir: Path | None = None) -> str | None:
    """The log of the run that stopped before its end, where it kept one (the wizard's first screen names it)."""
    record = stopped_run(state_dir)
    return record.log if record is not None and record.log else None


def when_text(at: float, now: float | None = None) -> str:
    """The time of a record as a person asks it: when, and how long ago while that is short."""
    now = time.time() if now is None else now
    minutes = max(0, int((now - at) // 60))
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(at))
    if minutes == 0:
        return _("{stamp}, less than a minute ago", stamp=stamp)
    if minutes < 120:
        return _("{stamp}, {n} min ago", stamp=stamp, n=str(minutes))
    return _("{stamp}, {n} h ago", stamp=stamp, n=str(minutes // 60)) if minutes < 48 * 60 else stamp


def _elsewhere(record: Record, checked: dict[str, Any] | None) -> str | None:
    """A line saying that the stopped run went into another interpreter than the one doctor checked
    (`checked`: verify's `python`, executable and prefix); None when it is the same, or not known."""
    if checked is None or into_checked(record, checked) is not False:
        return None
    # said as what doctor did, not as a fragment: "that is not the interpreter checked here", after "it was
    # stopped with Ctrl-C, or by a signal", read as if it were about the signal (found in use, t10)
    from installer.probes.last_target import own_environment

    python = str(checked.get("executable") or "?")
    if own_environment(python):
        return _("doctor checked {python} (torch-setup's own Python), not that environment", python=python)
    return _("doctor checked {python}, not that environment", python=python)


def into_checked(record: Record, checked: dict[str, Any]) -> bool | None:
    """Whether the run of `record` installed into the interpreter `checked` (verify's `python`: executable and
    prefix); None when its record does not say (runs before session 22). A wheelhouse build has a folder and no
    interpreter: its folder decides (found in use: its block lacked the "doctor checked ..., not that environment"
    line every other had)."""
    from installer.probes.last_target import same_environment

    if record.python and os.path.isabs(record.python):
        return same_environment(checked, record.python)
    if not record.target:
        return None
    real = os.path.realpath(record.target)
    executable, prefix = checked.get("executable"), checked.get("prefix")
    return (isinstance(prefix, str) and real == os.path.realpath(prefix)) or \
        (isinstance(executable, str) and real in (os.path.realpath(executable),
                                                  os.path.realpath(os.path.dirname(os.path.dirname(executable)))))


def stopped_into(checked: dict[str, Any], state_dir: Path | None = None) -> Record | None:
    """The stopped run (`stopped_runs`) that installed into the interpreter `checked`, if one did: its resume is
    the fix of what is missing there (found in use: doctor told to install torch into it with the wizard, beside
    the command that finishes the install it was in the middle of)."""
    return next((r for r in stopped_runs(state_dir) if into_checked(r, checked)), None)


def compact_text(record: Record, now: float | None = None) -> str:
    """A stopped run into another environment than the one checked, in one line with what goes on with it (found
    in use: every old half-done install as a full block in every doctor output, whatever --python named)."""
    return _("{target}: stopped at step {step} ({when}), not the environment checked here; to finish it, {again}",
             target=record.target or "?", step=record.step_id, when=when_text(record.at, now), again=_again(record))


def _again(record: Record) -> str:
    """What goes on with the stopped run of `record`: its resume command, or the same install run again."""
    command = resume_command(record)
    if command is not None:
        return _("run `{command}`", command=command)
    return _("run the same install again (the same answers file, or the wizard with the same choices)")


def resume_text(record: Record) -> str:
    """The fix of torch missing (or half there) in the environment a stopped run was installing into: go on with
    that run, and nothing else."""
    return _("torch-setup was installing into this environment and stopped at step {step}: {again} and it goes "
             "on from there", step=record.step_id, again=_again(record))


def last_run_finding(state_dir: Path | None = None, *, now: float | None = None,
                     checked: dict[str, Any] | None = None) -> Finding | None:
    """A warning naming the step the last run stopped at, why, its target and its log; None when it finished
    (or a later run into the same target did). `checked`: verify's `python` (executable, prefix) of the
    interpreter doctor looks at, so that a stop elsewhere is said to be elsewhere."""
    record = stopped_run(state_dir)
    return None if record is None else _finding(record, state_dir, now, checked)


def last_run_findings(state_dir: Path | None = None, *, now: float | None = None,
                      checked: dict[str, Any] | None = None) -> list[Finding]:
    """last_run_finding for every environment whose last run stopped before its end (`stopped_runs`), newest
    first: a run that finished elsewhere since does not make a half-done environment whole."""
    return [_finding(record, state_dir, now, checked) for record in stopped_runs(state_dir)]


def resume_command(record: Record) -> str | None:
    """The command that goes on with a stopped run, as `install` said it ("run the same command again"): its
    answers file, from the folder it ran in (relative paths in the file were taken from there), and --yes when
    that run had it (a run from a script; records before session 26 do not say, and get none), and its
    --hardware, --quiet and --probe-timeout (records before session 27 do not say); None when the record names
    no answers file (runs before session 23) or the file is gone."""
    if not record.answers or not os.path.isfile(record.answers):
        return None
    words = ["torch-setup", "install", "--answers", record.answers]
    if isinstance(record.hardware, str) and record.hardware:
        words += ["--hardware", record.hardware]
    words += ["--yes"] if record.yes is True else []
    words += ["--quiet"] if record.quiet is True else []
    if isinstance(record.probe_timeout, (int, float)) and not isinstance(record.probe_timeout, bool):
        words += ["--probe-timeout", f"{record.probe_timeout:g}"]
    command = shlex.join(words)
    return f"cd {shlex.quote(record.cwd)} && {command}" if record.cwd else command


def rerun_installing(checked: dict[str, Any], needs: set[str], state_dir: Path | None = None) -> str | None:
    """The command that runs the newest install into the environment `checked` again, from its answers file
    (the journal keeps it), where that install puts in every package of `needs` (torch and the extras it
    names; its step's check looks at those alone: found in review, "run the install again" for a pillow
    missing under a torchvision the answers never named left it missing); None where no run into it names
    such a file that is still there."""
    from installer.answers import load_answers
    from installer.errors import InputError

    for record in sorted(records(state_dir), key=lambda r: r.at, reverse=True):
        if into_checked(record, checked):
            command = resume_command(record)
            if command is None:
                continue
            try:
                installs = {"torch", *load_answers(record.answers).torch.extras}
            except (InputError, OSError):
                return None  # a file changed since, which would not run as it did
            return command if needs <= installs else None
    return None


def half_done(checked: dict[str, Any], *, named: bool, state_dir: Path | None = None,
              now: float | None = None) -> list[tuple[Finding, str | None]]:
    """doctor's findings of the stopped runs, each with its line where it is said in one (`compact_text`): a full
    block only for the run into the interpreter checked, and, for doctor without --python (`named` False), for
    the newest run when it is the one that stopped. That one is a problem, not a warning: found in use, plain
    `doctor` after a Ctrl-C said "[ok] nothing else to mend" (exit 0) of the environment an earlier install
    finished, and the install just stopped was a warning further down."""
    latest = stopped_run(state_dir)
    out = []
    for record in stopped_runs(state_dir):
        finding = _finding(record, state_dir, now, checked)
        newest = not named and record == latest
        if newest:
            finding = replace(finding, severity="error")
        # compact only where the record says it went elsewhere: an older record, without a target, keeps its block
        elsewhere = not newest and into_checked(record, checked) is False
        out.append((finding, compact_text(record, now) if elsewhere else None))
    return out


def _first_message(record: Record) -> Any:
    """The first message of a record's detail as it was kept ({text, args}), None where it kept none."""
    return record.detail_msg[0] if isinstance(record.detail_msg, list) and record.detail_msg else None


def _interrupted(record: Record) -> bool:
    """Whether a failed record is the executor's "interrupted" (runner._stop): a Ctrl-C or SIGTERM it saw."""
    first = _first_message(record)
    if isinstance(first, dict):
        return first.get("text") == "interrupted" and len(record.detail_msg or []) == 1
    return record.detail_msg is None and record.detail.strip() == "interrupted"  # an older record: as it was kept


def _stopped_by(record: Record) -> str | None:
    """The signal an "interrupted" record says stopped its run (SIGINT: Ctrl-C); None where it does not say
    (records before session 28, a stop that was not a signal)."""
    first = _first_message(record)
    args = first.get("args") if isinstance(first, dict) else None
    how = args.get("signal") if isinstance(args, dict) else None
    return how if isinstance(how, str) and how else None


def _finding(record: Record, state_dir: Path | None, now: float | None,
             checked: dict[str, Any] | None) -> Finding:
    when = when_text(record.at, now)
    elsewhere = _elsewhere(record, checked)
    command = resume_command(record)
    if command is not None:
        again = _("run `{command}`: the steps that finished are skipped, and it goes on from this one",
                  command=command)
    else:
        again = _("run the same install again (the same answers file, or the wizard with the same choices): the "
                  "steps that finished are skipped, and it goes on from this one")
    if record.log:
        again = _("{fix}. Its whole output: {log}", fix=again, log=record.log)
    evidence = (record.log,) if record.log else ()
    if record.status == "failed" and _interrupted(record):
        # the executor's record of a Ctrl-C (or SIGTERM: install handles both alike): nothing failed, nothing to
        # mend (found in use: "interrupted", then "where it says why, mend that"). Which signal, where the record
        # says (found in use, t10: "with Ctrl-C, or by a signal" of a `kill PID`)
        how = _stopped_by(record)
        title = (_("the install into {target} stopped at step {step}", target=record.target, step=record.step_id)
                 if record.target else _("the last install stopped at step {step}", step=record.step_id))
        return Finding("last-run-failed", "warning", title,
                       "\n".join([_("{when}: {why}", when=when, why=_verify_stop(False, how)
                                    if how else _("it was stopped with Ctrl-C, or by a signal")),
                                  *([elsewhere] if elsewhere else [])]),
                       again, evidence)
    if record.status == "failed":
        # the target named: a person with several environments (or answers files) could not tell which
        # run this was (found in use, on the wizard's first screen and in doctor)
        title = (_("the install into {target} stopped at step {step}", target=record.target, step=record.step_id)
                 if record.target else _("the last install stopped at step {step}", step=record.step_id))
        return Finding("last-run-failed", "warning", title,
                       "\n".join([when, *([elsewhere] if elsewhere else []),
                                  *(record.detail_text() or _("failed")).splitlines()]),
                       _("where it says why, mend that; then {again}", again=again), evidence)
    restarted = bool(record.boot_id) and bool(boot_id()) and record.boot_id != boot_id()
    if restarted:
        why = _("the machine has restarted since")
    else:
        # the run's lock says which: a killed run leaves its lock file unheld (found in use: "or it is still
        # running" after a kill -9, with nothing running)
        known, pid = still_running(record, state_dir)
        if pid is not None:  # found in use: "run the same install again" beside a run that was still going
            again = (_("wait for it to finish; if it hangs, stop it (`kill {pid}`), then run the same install "
                       "again", pid=str(pid)) if pid else
                     _("wait for it to finish; if it hangs, stop it, then run the same install again"))
        if pid:
            why = _("it is still running (pid {pid})", pid=str(pid))
        elif pid is not None:
            why = _("it is still running")
        elif known:
            why = _("it was stopped (killed, or its terminal closed)")
        else:
            why = _("it was stopped (killed, or its terminal closed), or it is still running")
    title = (_("the install into {target} did not finish step {step}", target=record.target, step=record.step_id)
             if record.target else _("the last install did not finish step {step}", step=record.step_id))
    return Finding("last-run-unfinished", "warning", title,
                   "\n".join([_("{when}: {why}", when=when, why=why), *([elsewhere] if elsewhere else [])]),
                   again, evidence)


def _verify_stop(restarted: bool, how: str | None) -> str:
    """How an install's verification was cut off: by the signal install recorded (`how`: SIGINT is Ctrl-C), else
    the machine's restart, else what a run that left no stop record leaves to guess. Found in use: a Ctrl-C the
    install had seen was "killed, or its terminal closed"."""
    if how == "SIGINT":
        return _("it was stopped with Ctrl-C")
    if how:
        return _("it was stopped by a signal ({signal})", signal=how)
    return (_("the machine has restarted since") if restarted
            else _("it was stopped (killed, or its terminal closed)"))


def verified_now_findings(entries: list[Unverified], *, ok: bool, now: float | None = None) -> list[Finding]:
    """An install whose own verification was cut off (`entries`: last_target.unverified_in), of the interpreter
    doctor has just checked: its checks were the verification that install missed, said so. Found in use (t9):
    Ctrl-C during install's verification, then plain `doctor` (which checks the last install) said "nothing to
    mend" and nothing of the stop, as its checks had ended the record silently."""
    return [Finding(
        "install-verified-now", "info",
        _("the install into {target} was stopped during its own verification: the checks above are the "
          "verification it missed", target=target),
        "\n".join([_("{when}: {why}", when=when_text(at, now), why=_verify_stop(restarted, how)),
                    _("its steps had all finished; the checks passed, so nothing is left of that install to do")
                    if ok else _("its steps had all finished; what the checks found is below")]),
        "") for target, _python, at, restarted, how in entries]


def unverified_findings(state_dir: Path | None = None, *, now: float | None = None) -> list[Finding]:
    """A warning for each install whose steps all finished but whose own verification did not run to its end
    (the run was killed during it, or its terminal closed): found in use, such a run left no trace, and
    last-target.json called it finished. The fix is the verification it missed."""
    from installer.probes.last_target import unverified

    found = []
    for target, python, at, restarted, how in unverified(state_dir):
        why = _verify_stop(restarted, how)
        found.append(Finding(
            "last-run-unverified", "warning",
            _("the install into {target} finished its steps, but its verification did not run to the end",
              target=target),
            "\n".join([_("{when}: {why}", when=when_text(at, now), why=why),
                       _("whether torch works in {python} has not been checked since", python=python)]),
            _("run `torch-setup verify --python {python}`", python=shlex.quote(python))))
    return found
