"""The journal: what each step of a run has done, kept so that a run killed at any moment resumes.

One small JSON file per step, named by the step's digest (a hash of everything the step will do, with
credentials in URLs hidden: installer.plan.model.Step.digest), in the XDG state dir. Each record is
written atomically: a temp file in the same folder, fsync, rename over the old one, fsync of the folder.
A kill (SIGKILL included) therefore leaves either the old record or the new one, never half of one.
Records:

    started  the step began; if no `done` follows, the run died in it: run it again on resume
    done     the step finished; a later run reports it unchanged and never applies it twice
    failed   the step failed; a later run tries it again

Run locks (installer.executor.runlock) keep apart the runs that would write the same places, or that
both have steps that need root; runs into different environments go ahead at the same time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from installer.redaction import redact_text


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def write_atomic_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Record:
    status: str  # started | done | failed
    step_id: str
    at: float
    boot_id: str = ""
    detail: str = ""
    log: str = ""
    # what the run installed into (the plan's target folder, or interpreter) and its interpreter: doctor and
    # the wizard name them beside a run that stopped, and a later run into the same target that finished
    # supersedes the stop (found in use: an old failure was "the last install" after a good run whose steps
    # were all unchanged, which writes no record). Empty in records of older runs.
    target: str = ""
    python: str = ""
    # the answers file the run was started from (absolute): the wizard offers to resume a stopped run with it
    # (found in use: "make the same choices and it goes on from there", and the screens offered other ones)
    answers: str = ""
    cwd: str = ""  # the folder it ran in, which relative paths in those answers were taken from
    # whether it was started with --yes: the command doctor gives to go on with it has it too (found in review:
    # a run from a script, resumed as printed, asked for a confirmation no one was there to give)
    yes: bool = False
    # and the rest of how it was started that changes what it does: --hardware (the report it planned for,
    # absolute), --quiet, --probe-timeout (None: the default); records before session 27 do not say
    hardware: str = ""
    quiet: bool = False
    probe_timeout: float | None = None
    # the PyTorch index the run installed from (credentials hidden) and its layout (pep503, flat): doctor's
    # reinstall commands name it (found in use: they named download.pytorch.org after a run from a mirror,
    # on a machine that cannot reach it). Empty: the run needed none, or an older run.
    index: str = ""
    index_layout: str = ""
    # the labelled build (cpu, cu126) the run installed with pip: with `index` empty, it took it from the pip
    # configuration alone (no PyTorch index answered; find-links, a mirror in pip.conf), which doctor's reinstall
    # commands then use too (found in use: they named download.pytorch.org, which that machine cannot reach).
    # Empty for conda and wheelhouse runs, and in older records.
    variant: str = ""
    # `detail` line by line as its messages' English templates and values (installer.i18n.said.to_json), so
    # that it is said in the reader's language, not the run's (found in use: a run stopped under LANG=zh_CN was
    # explained in Chinese by `doctor` in English). None in records of older runs: `detail` is shown as it is.
    detail_msg: list[Any] | None = None

    def detail_text(self) -> str:
        """`detail` in the current language, where the record keeps its messages; as it was kept otherwise."""
        from installer.i18n.said import from_json

        if isinstance(self.detail_msg, list) and self.detail_msg:
            lines = [from_json(line) for line in self.detail_msg]
            if all(line is not None for line in lines):
                return "\n".join(line for line in lines if line is not None)
        return self.detail


class Journal:
    def __init__(self, state_dir: Path, *, target: str = "", python: str = "", answers: str = "",
                 cwd: str = "", index: str = "", index_layout: str = "", yes: bool = False,
                 hardware: str = "", quiet: bool = False, probe_timeout: float | None = None,
                 variant: str = "") -> None:
        self.dir = Path(state_dir) / "journal"
        self.target, self.python, self.answers, self.cwd, self.yes = target, python, answers, cwd, yes
        self.hardware, self.quiet, self.probe_timeout = hardware, quiet, probe_timeout
        self.index, self.index_layout, self.variant = redact_text(index), index_layout, variant

    def path(self, digest: str) -> Path:
        return self.dir / f"{digest}.json"

    def get(self, digest: str) -> Record | None:
        try:
            data = json.loads(self.path(digest).read_text(encoding="utf-8"))
            return Record(**{k: data[k] for k in Record.__dataclass_fields__ if k in data})
        except (OSError, ValueError, TypeError, KeyError):
            return None  # no record, or one from an older format: the step's guard decides

    def record(self, digest: str, status: str, step_id: str, *, detail: str = "", log: str = "",
               detail_msg: list[Any] | None = None) -> None:
        write_atomic_json(self.path(digest), {"status": status, "step_id": step_id, "at": time.time(),
                                              "boot_id": boot_id(), "detail": redact_text(detail), "log": log,
                                              "target": self.target, "python": self.python,
                                              "answers": self.answers, "cwd": self.cwd, "yes": self.yes,
                                              "hardware": self.hardware, "quiet": self.quiet,
                                              "probe_timeout": self.probe_timeout,
                                              "index": self.index,
                                              "index_layout": self.index_layout, "variant": self.variant,
                                              "detail_msg": detail_msg})
