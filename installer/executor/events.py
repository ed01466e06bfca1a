"""Events the executor emits. The plain-text front-end and the wizard both render these."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

StepStatus = Literal["changed", "unchanged", "failed", "skipped"]


class Cancel(threading.Event):
    """A run's cancel event that keeps the signal that set it (`by`: SIGINT, SIGTERM; None: not a signal, or not
    known), which the journal's record of the stop keeps: doctor says "with Ctrl-C" or "by a signal (SIGTERM)"
    (found in use, t10: "with Ctrl-C, or by a signal" of a `kill PID`)."""

    by: str | None = None


@dataclass(frozen=True)
class StepStarted:
    step_id: str
    title: str
    index: int  # 1-based
    total: int
    root: bool = False


@dataclass(frozen=True)
class OutputLine:
    step_id: str
    line: str
    stream: Literal["stdout", "stderr"] = "stdout"


@dataclass(frozen=True)
class Progress:
    step_id: str
    label: str
    done: int
    total: int | None = None  # bytes, when known
    rate: float | None = None  # bytes per second


@dataclass(frozen=True)
class StepFinished:
    step_id: str
    status: StepStatus
    detail: str = ""
    seconds: float = 0.0
    tail: tuple[str, ...] = ()  # last lines of output, for a failed step
    cause: str = ""  # for a failed step, what its output says went wrong, when it is a known cause
    hint: str = ""  # and what to do about it


@dataclass(frozen=True)
class RunFinished:
    ok: bool
    reboot_required: bool = False
    failed_step: str | None = None
    log_path: str | None = None
    interrupted: bool = False


Event = StepStarted | OutputLine | Progress | StepFinished | RunFinished
