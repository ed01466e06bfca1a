"""The interpreter torch-setup last installed torch into, kept in the state dir (paths.state_dir()).

`verify`, `bench` and `doctor` without --python check the active environment, as documented; right after
an install that is usually not the one torch went into (found in use: an admin's `torch-setup verify`
after a good install failed and told them to install). When torch does not import there, they name this
one, and the same command with --python: the rule is here, once, for the three of them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from installer import paths

FILE_NAME = "last-target.json"


def _file(state_dir: Path | None) -> Path:
    return (state_dir if state_dir is not None else paths.state_dir()) / FILE_NAME


def _read(state_dir: Path | None) -> dict[str, Any]:
    try:
        data = json.loads(_file(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_last_target(python: str | None, state_dir: Path | None = None, *, target: str = "",
                       variant: str = "", wheelhouse: str = "") -> None:
    """Keep `python` (a plan's target_python, after its run finished) as the last install's interpreter,
    with the build the plan installed (`variant`: cpu, cu126...), the wheelhouse it installed from with no
    index (`wheelhouse`, method: wheel), and `target` (the plan's target folder or
    interpreter; a wheelhouse build's folder, which has no interpreter) among the targets whose last run
    finished, with when (`finished`).

    Never raises: the record only helps a later `verify`, and an install that worked must not fail
    over it (a state dir that filled up since the journal was written)."""
    from installer.executor.journal import write_atomic_json

    now = time.time()
    data = _read(state_dir)
    kept = data.get("finished")
    finished: dict[str, Any] = dict(kept) if isinstance(kept, dict) else {}
    if target:
        finished[target] = now
    record: dict[str, Any] = {"finished": finished}
    if python:
        record.update(python=os.path.abspath(python), at=now)
        record.update({k: v for k, v in (("variant", variant), ("wheelhouse", wheelhouse)) if v})
    elif isinstance(data.get("python"), str):
        record.update(python=data["python"], at=data.get("at"))
        record.update({k: data[k] for k in ("variant", "wheelhouse") if isinstance(data.get(k), str)})
    # another target's verification that did not end stays; this target's is superseded by this run
    verifying = {t: v for t, v in _verifying(data).items() if t != target}
    if verifying:
        record["verifying"] = verifying
    try:
        write_atomic_json(_file(state_dir), record)
    except OSError:
        pass


# ---- the install's own verification --------------------------------------------------------------------
# `finished` is written when a run's steps are done; `install` verifies after that. Found in use: a run killed
# during its verification left "finished" and nothing else, and doctor said nothing of it. So `install` keeps
# `verifying` ({target: {at, python, pid, boot_id}}) while its verification runs, and drops it at its end; an
# entry left behind is a verification that did not run to the end. `torch-setup verify` of that interpreter,
# run to its end, is the verification it missed, and drops it too.

def _verifying(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = data.get("verifying")
    if not isinstance(found, dict):
        return {}
    return {t: v for t, v in found.items() if isinstance(t, str) and isinstance(v, dict)
            and isinstance(v.get("python"), str) and isinstance(v.get("at"), (int, float))}


def _write_verifying(data: dict[str, Any], verifying: dict[str, dict[str, Any]], state_dir: Path | None) -> None:
    from installer.executor.journal import write_atomic_json

    record = {k: v for k, v in data.items() if k != "verifying"}
    if verifying:
        record["verifying"] = verifying
    try:
        write_atomic_json(_file(state_dir), record)
    except OSError:
        pass  # as record_last_target: the record only helps a later doctor; the install goes on


def verify_started(target: str, python: str, state_dir: Path | None = None) -> None:
    """`install` begins to verify `python` (in `target`, the plan's target folder or interpreter)."""
    from installer.executor.journal import boot_id

    data = _read(state_dir)
    verifying = _verifying(data)
    verifying[target or python] = {"python": os.path.abspath(python), "at": time.time(), "pid": os.getpid(),
                                   "boot_id": boot_id()}
    _write_verifying(data, verifying, state_dir)


def verify_ended(checked: dict[str, Any], state_dir: Path | None = None) -> None:
    """A verification of the interpreter `checked` (verify's `python`: executable and prefix) ran to its end,
    passed or not: an install's verification of it that was cut off is no longer missing."""
    data = _read(state_dir)
    verifying = _verifying(data)
    kept = {t: v for t, v in verifying.items() if not same_environment(checked, v["python"])}
    if kept != verifying:
        _write_verifying(data, kept, state_dir)


def verify_install(target: str, python: str, *, variant: str | None = None, wheelhouse: str | None = None,
                   state_dir: Path | None = None) -> dict[str, Any]:
    """An install's own verification of `python` (in `target`), recorded while it runs (verify_started), so a
    run killed during it is known to have stopped before its end, by `install` and the wizard alike (found in
    use: the steps' "finished" alone said nothing of it, and doctor was silent); its verdict, pass or fail,
    ends the record (verify_ended)."""
    import signal
    import threading

    from installer.probes.host import run_verify

    verify_started(target, python, state_dir)
    # how it was stopped, kept beside its record: doctor says "stopped with Ctrl-C" where it knows (found in use:
    # "killed, or its terminal closed" of a Ctrl-C). SIGTERM stops it as Ctrl-C does, as it stops the steps
    # before it (install's own handler, restored before this)
    by: list[str] = []

    def stop(signum: int, frame: object) -> None:
        by.append(signal.Signals(signum).name)
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if main else None
    try:
        result: dict[str, Any] = run_verify(python, expect_variant=variant, wheelhouse=wheelhouse)
    except KeyboardInterrupt:
        verify_stopped(target or python, by[0] if by else "SIGINT", state_dir)
        raise
    finally:
        if main:  # (None: a handler not set from Python, which Python cannot put back; the default instead)
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    verify_ended(result.get("python") or {"executable": python}, state_dir)
    return result


def verify_stopped(key: str, how: str, state_dir: Path | None = None) -> None:
    """The verification recorded under `key` (verify_started) was stopped by the signal `how` (SIGINT: Ctrl-C)."""
    data = _read(state_dir)
    verifying = _verifying(data)
    if key in verifying:
        verifying[key] = {**verifying[key], "stopped_by": how}
        _write_verifying(data, verifying, state_dir)


def _still_verifying(entry: dict[str, Any]) -> bool:
    """Whether the install that wrote `entry` is still running (its pid, on this boot, is a torch-setup)."""
    from installer.executor.journal import boot_id

    pid = entry.get("pid")
    if not isinstance(pid, int) or pid <= 0 or entry.get("boot_id") != boot_id():
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read()
    except OSError:
        return False
    # a pid taken since by another program is not the install
    return b"installer" in cmdline or b"torch-setup" in cmdline


# (target, python, at, restarted, stopped_by) of a verification cut off: `unverified`
Unverified = tuple[str, str, float, bool, str | None]


def unverified(state_dir: Path | None = None) -> list[Unverified]:
    """(target, python, at, restarted, stopped_by) of each install whose steps finished but whose verification was
    cut off (Ctrl-C, killed, its terminal closed, the machine restarted), newest first; `restarted`: the machine
    has restarted since; `stopped_by`: the signal install recorded it stopped by (verify_stopped), None where it
    left no stop record. An install still verifying is not one of them."""
    from installer.executor.journal import boot_id

    now_boot = boot_id()
    out = [(target, entry["python"], float(entry["at"]),
            bool(entry.get("boot_id")) and bool(now_boot) and entry.get("boot_id") != now_boot,
            entry["stopped_by"] if isinstance(entry.get("stopped_by"), str) and entry["stopped_by"] else None)
           for target, entry in _verifying(_read(state_dir)).items() if not _still_verifying(entry)]
    return sorted(out, key=lambda e: e[2], reverse=True)


def unverified_in(checked: dict[str, Any], state_dir: Path | None = None) -> list[Unverified]:
    """`unverified` of the interpreter `checked` (verify's `python`) alone: read before a check of it ends them
    (verify_ended), so that the check can say it was that verification."""
    return [entry for entry in unverified(state_dir) if same_environment(checked, entry[1])]


def finished_since(target: str, at: float, state_dir: Path | None = None) -> bool:
    """Whether a run into `target` finished after `at`; for a record of an older run that names no target,
    whether any install finished after it (then it is not "the last install")."""
    data = _read(state_dir)
    if not target:
        last = data.get("at")
        return isinstance(last, (int, float)) and last > at
    finished = data.get("finished")
    when = finished.get(target) if isinstance(finished, dict) else None
    return isinstance(when, (int, float)) and when > at


def last_target(state_dir: Path | None = None) -> str | None:
    """The interpreter the last install went into, while it is still there; None when no install
    recorded one, the record is unreadable, or the environment has been removed since."""
    data = _read(state_dir)
    python = data.get("python")
    if not isinstance(python, str) or not os.path.isabs(python) or not os.path.exists(python):
        return None
    from installer.probes.last_run import stopped_run

    stopped = stopped_run(state_dir)
    at = data.get("at")
    if stopped is not None and (not isinstance(at, (int, float)) or stopped.at > at) \
            and not _into_another(stopped.target, stopped.python, python):
        # a later install into this same environment (or into one its record does not name) stopped before
        # its end: it is half changed, and the run to finish is that one (found in use, after a kill -9);
        # doctor and the wizard's first screen name that run and its log instead
        return None
    # a failed run into another folder leaves this one as it was (found in use: one failed install anywhere
    # made verify, bench and doctor forget the working environment); the pointer says that run stopped
    return python


def planned_variant(python: str, state_dir: Path | None = None) -> str | None:
    """The build the last install planned (cpu, cu126...) when `python` is in the environment it went into;
    None for another interpreter, or a record written before session 27 (no expectation then). `verify` and
    `doctor` check it as `install`'s own verification does (found in review: a CPU build where a cu126 one
    was planned passed their checks, and failed install's)."""
    return _of_last_install(python, "variant", state_dir)


def installed_from_wheelhouse(python: str, state_dir: Path | None = None) -> str | None:
    """The wheelhouse the last install took with no index (method: wheel) when `python` is in the environment
    it went into, as `install`'s own verification has it for its `pip install` fixes; None otherwise."""
    return _of_last_install(python, "wheelhouse", state_dir)


def _of_last_install(python: str, key: str, state_dir: Path | None) -> str | None:
    last = last_target(state_dir)
    value = _read(state_dir).get(key)
    if last is None or not isinstance(value, str) or not value:
        return None
    # one bin/ folder (python3 beside python) and one interpreter: a venv's python is a link to the base one
    # that other venvs share, and /usr/bin holds python3.11 beside python3.12
    def where(path: str) -> tuple[str, str]:
        path = os.path.abspath(path)
        return os.path.realpath(os.path.dirname(path)), os.path.realpath(path)

    return value if where(python) == where(last) else None


def _into_another(target: str, stopped_python: str, python: str) -> bool:
    """Whether a run recorded with `target` (its folder or interpreter) and `stopped_python` went into another
    environment than `python`; False when the record names neither (runs before session 22)."""
    if not target and not stopped_python:
        return False
    # the folders resolved, never the interpreter: a venv's python is a link to the base one they share
    env = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(python))))
    if stopped_python and os.path.isabs(stopped_python):
        return os.path.realpath(os.path.dirname(os.path.dirname(stopped_python))) != env
    real = os.path.realpath(target)
    return real != env and real != os.path.realpath(os.path.dirname(os.path.abspath(python)))


def stopped_elsewhere(state_dir: Path | None = None) -> tuple[str, str] | None:
    """(target, step) of a run that stopped after the last install finished, into another environment: said
    beside the pointer at the last install, so a person knows that run is not the one named."""
    from installer.probes.last_run import stopped_run

    data = _read(state_dir)
    stopped, at = stopped_run(state_dir), data.get("at")
    if stopped is None or not stopped.target or (isinstance(at, (int, float)) and stopped.at <= at):
        return None
    return stopped.target, stopped.step_id


def _(text: str, **values: str) -> dict[str, Any]:
    """A message in the probe's own shape (installer/probes/verify.py): the English template and its values,
    translated where it is shown (installer.probes.text.message), so `verify --json` stays in English."""
    return {"text": text, "args": values}


def verify_fix(python: str, fix: str | None = None) -> dict[str, Any]:
    """What a failed torch-import check of another interpreter says to do: check the one torch-setup
    installed into; `fix`, the check's own fix (a torch that is there but broken), is kept after it. The path
    is shell-quoted, as in every command torch-setup suggests (found in use: `--python /tmp/sub dir/my
    venv/bin/python`, pasted, was "unrecognized arguments")."""
    python = shlex.quote(python)
    if fix:
        return _("torch-setup last installed into {path}: run `torch-setup verify --python {path}`; "
                 "to repair this interpreter instead: {fix}", path=python, fix=fix)
    return _("torch-setup last installed into {path}: run `torch-setup verify --python {path}`", path=python)


def rerun_fix(command: str, python: str, fix: str | None = None) -> dict[str, Any]:
    """verify_fix for `command` (verify, bench, doctor): the same command again, on the last install."""
    if command == "verify":
        return verify_fix(python, fix)
    python = shlex.quote(python)
    if fix:
        return _("torch-setup last installed into {path}: run `torch-setup {command} --python {path}`; "
                 "to repair this interpreter instead: {fix}", path=python, command=command, fix=fix)
    return _("torch-setup last installed into {path}: run `torch-setup {command} --python {path}`",
             path=python, command=command)


def with_stop_note(fix: dict[str, Any], state_dir: Path | None = None) -> dict[str, Any]:
    """`fix` (a pointer at the last install) after a note of a later run into another folder that stopped."""
    from installer.i18n import _ as translate

    stop = stopped_elsewhere(state_dir)
    if stop is None:
        return fix
    return _("the last run, into {target}, stopped at step {step} (`torch-setup doctor` says why); {fix}",
             target=shlex.quote(stop[0]), step=stop[1], fix=translate(fix["text"], **fix["args"]))


def rerun_text(command: str, python: str, fix: str | None = None, state_dir: Path | None = None) -> str:
    """rerun_fix in the reader's language, for a command that prints its own errors (bench, doctor)."""
    from installer.i18n import _ as translate

    msg = rerun_fix(command, python, fix)
    if command != "doctor":  # doctor names that run itself, as its first finding
        msg = with_stop_note(msg, state_dir)
    return translate(msg["text"], **msg["args"])


# what the probes' stderr and verify's import_error say when torch is simply not in the interpreter
NO_TORCH = "No module named 'torch'"


def torch_missing(error: str | None) -> bool:
    """Whether a failed `import torch` found no torch at all (not a torch that is there but broken)."""
    return NO_TORCH in str(error or "")


def same_environment(checked: dict[str, Any], python: str) -> bool:
    """Whether the interpreter checked (verify's `python`: executable and prefix) is `python`, or another
    name of it (python3 beside python in the same bin/ folder): then naming it would send the person
    round in a circle."""
    executable, prefix = checked.get("executable"), checked.get("prefix")
    if isinstance(executable, str) and os.path.dirname(os.path.normpath(executable)) == os.path.dirname(python):
        return True  # one bin/ folder is one environment; bench knows only the executable, not the prefix
    return isinstance(prefix, str) and os.path.normpath(prefix) == os.path.dirname(os.path.dirname(python))


def elsewhere(checked: dict[str, Any], state_dir: Path | None = None) -> str | None:
    """The last install's interpreter, when there is one and it is not the one `checked` (verify's
    `python` shape): where a check of the active environment that found no working torch should point."""
    last = last_target(state_dir)
    if last is None or same_environment(checked, last):
        return None
    return last


def point_at_last_install(result: dict[str, Any], command: str = "verify",
                          state_dir: Path | None = None) -> str | None:
    """When torch does not import in the interpreter `result` (a verify verdict) checked, and torch-setup
    installed into another one, the torch-import check's fix names that one and `command` with --python;
    `result` gains `last_installed_python`. The check still fails (the default stays the active
    environment). A torch simply missing drops the check's "install it"; a broken one keeps its fix after
    the pointer. Returns the interpreter named, or None when nothing was changed."""
    from installer.probes.text import message

    check = next((c for c in result.get("checks") or [] if c.get("name") == "torch-import"), None)
    if check is None or check.get("ok"):
        return None
    last = elsewhere(result.get("python") or {}, state_dir)
    if last is None:
        return None
    fix = rerun_fix(command, last, None if torch_missing(result.get("import_error")) else message(check, "fix"))
    if command != "doctor":  # doctor names that run itself, as its first finding
        fix = with_stop_note(fix, state_dir)
    check["fix_msg"] = fix
    check["fix"] = fix["text"].format(**fix["args"])
    result["last_installed_python"] = last
    return last


# ---- torch-setup's own environment ------------------------------------------------------------------------

def own_environment(python: str) -> bool:
    """Whether `python` is the interpreter torch-setup runs on, or another in the same environment (python3
    beside python). Found in use: with torch-setup's venv active (or its bin/ on PATH), doctor and verify
    without --python judged it as a place for torch: "[PROBLEM] torch is not installed" right after a good
    install elsewhere. Only a virtual environment is torch-setup's own: a system or conda base Python that
    torch-setup happens to run on is the person's, and may be a target (kind: existing)."""
    if not paths.own_venv():  # torch-setup runs on a base Python: none of its own
        return False
    folder = os.path.dirname(os.path.abspath(python))
    if folder == os.path.dirname(os.path.abspath(sys.executable)):
        return True
    # the bin/ folders resolved, never the interpreter: a venv's python is a link to the base one
    return os.path.realpath(folder) == os.path.realpath(os.path.join(sys.prefix, "bin"))


def own_not_target(python: str, state_dir: Path | None = None) -> bool:
    """`python` is torch-setup's own, and torch-setup did not install into it (an answers file with
    `kind: existing` may name it: then it is a target like any other)."""
    if not own_environment(python):
        return False
    last = last_target(state_dir)
    return last is None or not own_environment(last)


def instead_of_own(python: str, state_dir: Path | None = None, *, stopped: bool = False) -> str | None:
    """For a check without --python that landed on torch-setup's own interpreter `python`: the interpreter
    torch-setup last installed into, to check instead; None when it is not its own, or no install elsewhere
    is recorded (then torch-setup's own is checked, and said to be so)."""
    if not own_environment(python):
        return None
    last = last_target(state_dir)
    if last is None:
        # no install finished yet, and the first one stopped after it made its environment: that environment is
        # the one doctor checks (torch missing there, the stopped install's resume the fix), as README promises;
        # found in use (t10): torch-setup's own Python checked, and a second problem beside the stopped install's
        return stopped_python(state_dir) if stopped else None
    return None if own_environment(last) else last


def stopped_python(state_dir: Path | None = None) -> str | None:
    """The interpreter the newest install, which stopped before its end, was installing into, where it exists
    (its venv step finished) and is not torch-setup's own; None otherwise."""
    from installer.probes.last_run import stopped_run

    record = stopped_run(state_dir)
    python = record.python if record is not None else ""
    if not python or not os.path.isabs(python) or not os.path.isfile(python) or own_environment(python):
        return None
    return python


def environment_of(python: str) -> str:
    """The folder of the environment `python` belongs to (a venv's or a conda environment's), as a person
    named it when they installed; the interpreter itself when it belongs to none."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    if any(os.path.exists(os.path.join(folder, mark)) for mark in ("pyvenv.cfg", "conda-meta")):
        return folder
    return python


def own_note(python: str, instead: str | None, state_dir: Path | None = None) -> dict[str, Any]:
    """The line said before the checks: which environment is checked instead of torch-setup's own `python`
    (`instead`), or that the one checked is torch-setup's own."""
    if instead is not None and instead != last_target(state_dir):
        # the stopped first install's environment (instead_of_own): "last finished installing into" is not true
        return _("checking {env}, the environment the install that stopped was installing into; torch-setup's own "
                 "Python ({python}) is not a place for torch", env=shlex.quote(environment_of(instead)),
                 python=shlex.quote(python))
    if instead is not None:
        # "last finished installing into": "last installed into" read as the newest install, after a later one
        # had stopped half way (found in use)
        return _("checking {env}, the environment torch-setup last finished installing into; torch-setup's own Python "
                 "({python}) is not a place for torch", env=shlex.quote(environment_of(instead)),
                 python=shlex.quote(python))
    return _("{python} is torch-setup's own Python, not a place for torch", python=shlex.quote(python))


def own_checked_note(python: str) -> dict[str, Any]:
    """The line said before doctor's checks of torch-setup's own `python` while the newest install stopped before
    it made an environment with torch (whose resume, under findings, is the fix)."""
    return _("{python} is torch-setup's own Python, not a place for torch; doctor checked it because the install "
             "that stopped has no environment with torch yet", python=shlex.quote(python))


def answers_target(python: str, kind: str = "existing") -> str:
    """The `target:` line of an answers file that installs into the interpreter `python` (the keys of
    installer/answers.py's Target: kind existing, python), or with `kind: venv` into a new venv made from it,
    quoted for YAML where the path needs it."""
    plain = re.fullmatch(r"[A-Za-z0-9_./~+-]+", python) is not None
    return f"target: {{kind: {kind}, python: {python if plain else json.dumps(python)}}}"


def system_refusal(python: str, report: Any) -> Any:
    """`plan`'s refusal of `python` as an existing interpreter to install into (PEP 668: it belongs to the
    operating system; installer.plan.existing_python), from `report` (a hardware report with `python`
    examined), its hint naming the venv made from it in the wizard's fields and the answers file's keys; None
    where pip may install there, or the report describes another interpreter. Found in use (t9): doctor of
    /usr/bin/python3 advised `target: {kind: existing, ...}`, which `plan` then refused."""
    from installer.i18n import _ as translate
    from installer.plan.existing_python import system_python_refusal

    info = getattr(report, "python", None)
    if info is None or not info.externally_managed:
        return None
    if os.path.realpath(info.executable) != os.path.realpath(python) and not (
            info.prefix and os.path.dirname(os.path.dirname(python)) == info.prefix):
        return None  # a saved report of another interpreter
    venv = translate(
        "run `torch-setup`, and on its Combination screen choose Target environment: a new virtual environment, "
        "with {python} in the Python field as its base; or put `{answers}` in an answers file and run "
        "`torch-setup install --answers FILE`", python=shlex.quote(python), answers=answers_target(python, "venv"))
    return system_python_refusal(python, info.externally_managed,
                                 allowed=report.mirror_config.pip.break_system_packages, venv_hint=venv)


def install_here(python: str, refusal: Any = None) -> dict[str, Any]:
    """How to put torch into the interpreter `python` itself. Found in use: "`torch-setup install` installs
    one" (which refuses without --answers), and "--answers FILE" with the person's file, which installs into
    its own folder: neither said how to name this interpreter. `refusal` (system_refusal): pip may not install
    into it; the way round, a venv made from it, instead."""
    if refusal is not None:
        return _("{why}; to use torch with this Python, {hint}", why=refusal.message, hint=str(refusal.hint or ""))
    return _("to install torch into {python}: run `torch-setup`, and on its Combination screen choose Target "
             "environment: an existing Python interpreter, with Python: {python}; or put `{answers}` in an "
             "answers file and run `torch-setup install --answers FILE`", python=shlex.quote(python),
             answers=answers_target(python))


def make_one() -> dict[str, Any]:
    """The fix where the interpreter checked is torch-setup's own and no install elsewhere is recorded."""
    return _("run `torch-setup` (the wizard): it makes an environment for torch and installs it there")


def advise_missing(result: dict[str, Any], command: str, *, named: bool, state_dir: Path | None = None,
                   report: Any = None) -> None:
    """A torch simply missing from the interpreter `result` (a verify verdict) checked: the torch-import
    check's fix, in place, says how to put torch into that interpreter, and, when `named` (--python) and
    torch-setup installed elsewhere, names that environment first; for torch-setup's own interpreter, where
    torch goes instead. A check already pointed at the last install (point_at_last_install) is kept."""
    from installer.i18n import _ as translate

    check = next((c for c in result.get("checks") or [] if c.get("name") == "torch-import"), None)
    if check is None or check.get("ok") or not torch_missing(result.get("import_error")) \
            or result.get("last_installed_python"):
        return
    checked = result.get("python") or {}
    python = str(checked.get("executable") or "python")
    last = elsewhere(checked, state_dir)
    if own_not_target(python, state_dir):
        fix = rerun_fix(command, last) if last is not None else make_one()
        if last is not None:
            result["last_installed_python"] = last
    else:
        fix = install_here(python, system_refusal(python, report))
        if named and last is not None:
            fix = _("torch-setup last installed into {path}: run `torch-setup {command} --python {path}`; {fix}",
                    path=shlex.quote(last), command=command, fix=translate(fix["text"], **fix["args"]))
            result["last_installed_python"] = last
    check["fix_msg"] = fix
    check["fix"] = fix["text"].format(**fix["args"])


def choose_checked(python: str, *, named: bool, stopped: bool = False) -> tuple[str, str | None, dict[str, Any] | None]:
    """What `verify` and `doctor` check for `python` (resolved from --python, or the default when not
    `named`): (the interpreter to check, the last install checked instead of torch-setup's own, the line
    that says so or that the one checked is torch-setup's own; None when neither). `stopped` (doctor): with no
    install finished, the environment a stopped first install made is checked instead (stopped_python)."""
    instead = instead_of_own(python, stopped=stopped) if not named else None
    note = own_note(python, instead) if instead is not None or own_not_target(python) else None
    return instead or python, instead, note

