"""The plain-text front-end of a run: one line when a step starts, one when it finishes (status and
seconds), the step's output indented beneath (or only into the log, with `quiet`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from installer.executor.events import Event, OutputLine, Progress, RunFinished, StepFinished, StepStarted
from installer.executor.units import size_text
from installer.i18n import _


def _status(status: str) -> str:
    names = {"changed": _("changed"), "unchanged": _("unchanged"), "failed": _("FAILED"), "skipped": _("skipped")}
    return names.get(status, status)


class PlainProgress:
    def __init__(self, out: TextIO | None = None, *, quiet: bool = False) -> None:
        self.out = out or sys.stdout
        self.quiet = quiet
        self.finished: RunFinished | None = None
        self.results: list[StepFinished] = []
        self._last_progress: dict[str, int] = {}
        self._last_output: dict[str, str] = {}  # step id -> its latest line of output, printed or in its tail

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _indented(self, prefix: str, text: str) -> None:
        """`text` under `prefix`, every line of it: a note of several lines (a download's reasons, one per
        URL) stays in the step's column instead of its later lines starting at the margin."""
        for line in text.split("\n"):
            self._print(prefix + line)

    def handle(self, event: Event) -> None:
        if isinstance(event, StepStarted):
            root = " [root]" if event.root else ""
            self._print(f"[{event.index}/{event.total}]{root} {event.step_id}: {event.title}")
        elif isinstance(event, OutputLine):
            self._last_output[event.step_id] = event.line
            if not self.quiet:
                self._indented("    ", event.line)
        elif isinstance(event, Progress):
            # a line per 10% at most: a log, not an animation
            if event.total:
                tenth = int(event.done * 10 / event.total)
                if self._last_progress.get(event.label) != tenth:
                    self._last_progress[event.label] = tenth
                    self._print(f"    {event.label}: {size_text(event.done)} / {size_text(event.total)}")
        elif isinstance(event, StepFinished):
            self.results.append(event)
            status = _status(event.status)
            detail = f" ({self._summary(event)})" if event.detail else ""
            self._print(f"    -> {status} {event.seconds:.1f} s{detail}")
            if event.status == "failed" and event.tail and self.quiet:
                for line in event.tail:
                    self._indented("    | ", line)
            if event.status == "failed" and event.cause:
                self._print("    " + _("likely cause: {cause}", cause=event.cause))
                self._print(f"    -> {event.hint}")
        elif isinstance(event, RunFinished):
            self.finished = event
            if event.interrupted:
                self._print(_("interrupted: run the same command again to go on from here"))
            elif not event.ok:
                self._print(_("failed at step {step}", step=event.failed_step or "?"))
            elif event.reboot_required:
                self._print(_("reboot now, then run the same command again to finish"))
            if event.log_path:
                self._print(_("log: {path}", path=event.log_path))

    def _summary(self, event: StepFinished) -> str:
        """The step's detail for its last line. A detail that is the step's own last line of output (a failed
        download: each URL's reason, and what to do) is not said again, only its first line: the rest is
        just above, or in the tail printed beneath (found in use: the whole block printed twice, the second
        time inside "FAILED (...)")."""
        if self._last_output.get(event.step_id) == event.detail:
            return event.detail.split("\n", 1)[0].rstrip(":")
        return event.detail

    def consume(self, events: Iterable[Event]) -> RunFinished | None:
        for event in events:
            self.handle(event)
        return self.finished
