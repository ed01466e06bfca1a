"""Install: runs the plan in a worker and draws its events: a line per step, the download bar with
speed and time left, the live log; cancel asks first; a failure, a reboot or a cancel says how to resume."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar, RichLog, Static

from installer.errors import InputError
from installer.executor.events import OutputLine, Progress, RunFinished, StepFinished, StepStarted
from installer.executor.runlock import RunLocked
from installer.executor.units import size_text
from installer.i18n import _
from installer.i18n.linebreak import cells
from installer.tui.screens.base import WizardScreen, error_text, hanging
from installer.tui.screens.review import go_back_text

if TYPE_CHECKING:
    from rich.table import Table

    from installer.executor.events import Event
    from installer.plan.model import Step
    from installer.tui.screens.dialogs import ConfirmScreen

ICONS = {"pending": "○", "running": "◐", "changed": "✓", "unchanged": "=", "failed": "✗", "skipped": "–"}
STATES = tuple(ICONS)


def time_left(done: int, total: int | None, rate: float | None) -> str:
    if not total or not rate or rate <= 0 or done >= total:
        return ""
    seconds = int((total - done) / rate)
    return _("{t} left", t=f"{seconds // 60}:{seconds % 60:02d}")


def ending_line(detail: str, last_output: str | None) -> str:
    """The line the log ends a step with: its detail, but only the first line of a detail that is the step's
    own last output (a failed download: each URL's reason and what to do, just logged above), as the plain
    front-end says it (installer/executor/plain.py). Found in use: the whole block logged twice."""
    if detail == last_output:
        return detail.split("\n", 1)[0].rstrip(":")
    return detail


class InstallScreen(WizardScreen):
    NAME = "install"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("c", "cancel", "Cancel"),
        Binding("l", "toggle_log", "Log"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cancel_event = threading.Event()
        self.status: dict[str, str] = {}
        self.tails: dict[str, tuple[str, ...]] = {}
        self.causes: dict[str, tuple[str, str]] = {}  # step id -> (likely cause, what to do), when known
        self.details: dict[str, str] = {}  # step id -> how it ended, in the executor's words
        self.last_output: dict[str, str] = {}  # step id -> its latest line of output
        self.held_lines: list[str] = []  # written while the log was hidden (log_line)
        self.not_simulated: str | None = None  # a recorded machine's system, when its packages were not simulated
        self.run_error: str | None = None  # the run could not go on (not a step's failure)
        self.locked_out = False  # because another run holds the folder (no answer is the cause)
        self.refused: InputError | None = None  # the run refused before its first step: nothing was changed
        self.cancel_question: ConfirmScreen | None = None  # "Cancel the install?", while it is asked

    def body(self) -> ComposeResult:
        plan = self.state.plan
        if self.state.dry_run:
            yield Static(_("Dry run: these are the steps and commands that would run. Nothing is executed."),
                         classes="note")
        with Horizontal(id="overall"):
            yield Label(_("Steps") + " ", id="overall-label")
            yield ProgressBar(total=len(plan.steps) if plan else 1, show_eta=False, id="overall-bar")
        # a state is a word or two, read at a glance: in a column of its own, as wide as the widest this
        # run can show, so that it never breaks (Chinese may break between any two characters, and
        # after a title of the wrong length "已跳过" did, as "已" and "跳过")
        state_width = max(cells(self.state_label(s)) for s in STATES) + 1  # + its blank, the padding
        with Vertical(id="steps-list"):
            for i, step in enumerate(plan.steps if plan else (), 1):
                with Horizontal(classes="run-step"):
                    yield Static(self.step_line(i, step, "pending"), id=f"run-step-{i}", classes="run-step-title")
                    state = Static("", id=f"run-state-{i}", classes="run-step-state")
                    state.styles.width = state_width
                    yield state
        with Vertical(id="download"):
            yield Static("", id="download-label")
            yield ProgressBar(total=None, show_eta=False, id="download-bar")
        yield Static("", id="outcome")
        # min_width: Textual's default (78) wrapped lines wider than the log at 80 columns, and their ends
        # were lost under the border (found in use: "+cu126" cut from the command a person copies)
        yield RichLog(id="log", max_lines=2000, wrap=True, markup=False, auto_scroll=True, min_width=20)

    def step_line(self, i: int, step: Step, status: str) -> Table:
        """The step's icon, number and title; a title too long for the line goes on under itself."""
        title = Text(step.title)
        if step.root:
            title.append(" ").append(f" {_('root')} ", style="bold reverse")
        return hanging([(f"{ICONS.get(status, '?')} {i}.", title)])

    def state_label(self, status: str) -> str:
        if status == "pending":
            return ""
        # a dry run runs no step: "skipped" would read as "its guard found it done"
        return _("not run (dry run)") if status == "skipped" and self.state.dry_run else _(status)

    def state_markup(self, status: str) -> str:
        label = self.state_label(status)
        return f"[dim]{escape(label)}[/dim]" if label else ""

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#download").display = False
        self.query_one("#outcome").display = False
        if self.state.run_result is not None:
            self.run_error = self.state.run_error
            for event in self.state.run_events:
                self.draw_event(event)
            self.show_outcome(self.state.run_result)
        elif self.state.plan is not None and not self.state.run_started:
            self.wizard.exit_code = 0  # an earlier run's failure is not this one's
            if not self.state.dry_run and not self.root_ready():
                return
            self.state.run_started = True
            self.wizard.run_active = True
            self.refresh_nav(_("running…"))
            self.execute()

    def root_ready(self) -> bool:
        """Before a run with root steps: let sudo ask for the password in the real terminal (the
        wizard steps aside for it), so no step waits on a prompt nobody can see."""
        from textual.app import SuspendNotSupported

        plan = self.state.plan
        assert plan is not None
        try:
            if self.engine.sudo_would_ask(plan):
                try:
                    with self.app.suspend():
                        print(_("Some steps need root: sudo asks for your password once."), flush=True)
                        self.engine.prepare_root(plan, interactive=True)
                except SuspendNotSupported:
                    self.engine.prepare_root(plan, interactive=False)
        except Exception as exc:  # shown as the run's outcome: nothing was run
            self.run_error = self.state.run_error = error_text(exc)
            self.state.run_started = True
            self.run_done(RunFinished(ok=False))
            return False
        return True

    # the run --------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="install")
    def execute(self) -> None:
        plan = self.state.plan
        assert plan is not None
        finished: RunFinished | None = None
        try:
            # never a recorded machine's plan on this one, whatever the mode says
            dry_run = self.state.dry_run or self.state.recorded
            report = self.state.report
            # only a plan with package steps (apt's are the ones simulated) has anything to leave unsimulated
            packages = any(step.kind == "apt" for step in plan.steps)
            elsewhere = (self.engine.other_system(report) if self.state.recorded and report is not None and packages
                         else None)
            self.not_simulated = elsewhere
            if self.state.answers_written is not None:  # the journal keeps it: Welcome offers to resume from it
                plan.meta["answers_file"] = str(self.state.answers_written)
            for event in self.engine.run_plan(plan, dry_run=dry_run, cancel=self.cancel_event,
                                              simulate=elsewhere is None):
                self.app.call_from_thread(self.on_run_event, event)
                if isinstance(event, RunFinished):
                    finished = event
        except Exception as exc:  # the run stops; the screen says what happened and how to resume
            # another run holds the folder: no answer is the cause (found in use: "change the Folder answer"),
            # and nothing started: said once, as a refusal, without the command line's "run this command again"
            # so is any refusal before the first step (a journal folder that cannot be written, a disk too full):
            # found in use, "The install stopped: … refused before anything ran … run this to resume"
            self.locked_out = isinstance(exc, RunLocked)
            self.refused = exc if isinstance(exc, InputError) else None
            self.run_error = self.state.run_error = self.refused.message if self.refused else error_text(exc)
            if not self.refused:
                self.app.call_from_thread(self.on_run_event, OutputLine("", self.run_error, "stderr"))
            finished = RunFinished(ok=False, failed_step=None)
        if finished is None:
            finished = RunFinished(ok=False, interrupted=self.cancel_event.is_set())
        self.app.call_from_thread(self.run_done, finished)

    def index_of(self, step_id: str) -> int:
        plan = self.state.plan
        for i, step in enumerate(plan.steps if plan else (), 1):
            if step.id == step_id:
                return i
        return 0

    def set_status(self, step_id: str, status: str) -> None:
        i = self.index_of(step_id)
        if not i or self.state.plan is None:
            return
        self.status[step_id] = status
        self.query_one(f"#run-step-{i}", Static).update(self.step_line(i, self.state.plan.steps[i - 1], status))
        self.query_one(f"#run-state-{i}", Static).update(self.state_markup(status))

    def log_line(self, text: str) -> None:
        """A line of the log, wrapped at spaces to the log's width. While the log is hidden (l) it has no width, and
        RichLog would wrap at its min_width (20), mid-word (found by a tester: "typing-extensions==4" / ".16.0"):
        such lines wait, and are written once the log is shown again."""
        log = self.query_one("#log", RichLog)
        if not log.display or self.held_lines:
            self.held_lines.append(text)
            if log.display:
                self.call_after_refresh(self.write_held_lines)
            return
        log.write(text)

    def write_held_lines(self) -> None:
        log = self.query_one("#log", RichLog)
        if not log.display or log.scrollable_content_region.width < log.min_width:
            return  # still hidden (or not laid out): the next showing writes them
        held, self.held_lines = self.held_lines, []
        for text in held:
            log.write(text)

    def on_run_event(self, event: Event) -> None:
        self.state.run_events.append(event)
        self.draw_event(event)
        if isinstance(event, RunFinished):
            self.state.run_result = event

    def draw_event(self, event: Event) -> None:
        if isinstance(event, StepStarted):
            self.set_status(event.step_id, "running")
            self.query_one("#download").display = False
            self.log_line(f"── {event.index}/{event.total} {event.title}")
        elif isinstance(event, OutputLine):
            self.last_output[event.step_id] = event.line
            self.log_line(event.line)
        elif isinstance(event, Progress):
            self.show_progress(event)
        elif isinstance(event, StepFinished):
            self.set_status(event.step_id, event.status)
            if event.tail:
                self.tails[event.step_id] = event.tail
            if event.cause:
                self.causes[event.step_id] = (event.cause, event.hint)
            self.details[event.step_id] = event.detail
            # a failed step is not done: the bar stops before it, and its label says where. A dry run goes on
            # past a simulation that fails (every step is simulated), so there every finished step counts
            finished = ("changed", "unchanged", "skipped", *(("failed",) if self.state.dry_run else ()))
            done = sum(1 for s in self.status.values() if s in finished)
            self.query_one("#overall-bar", ProgressBar).update(progress=done)
            if event.status == "failed" and not self.state.dry_run:
                self.query_one("#overall-label", Label).update(
                    _("Steps: stopped at step {n} of {total}", n=self.index_of(event.step_id),
                      total=len(self.state.plan.steps) if self.state.plan else 0) + " ")
            if event.detail:
                self.log_line(ending_line(event.detail, self.last_output.get(event.step_id)))

    def show_progress(self, event: Progress) -> None:
        box = self.query_one("#download")
        box.display = True
        bar = self.query_one("#download-bar", ProgressBar)
        bar.update(total=event.total, progress=event.done)
        bits = [event.label]
        size = size_text(event.done) + (f" / {size_text(event.total)}" if event.total else "")
        bits.append(size)
        if event.rate:
            bits.append(size_text(event.rate) + "/s")
        left = time_left(event.done, event.total, event.rate)
        if left:
            bits.append(left)
        self.query_one("#download-label", Static).update(escape(" · ".join(bits)))

    def run_done(self, result: RunFinished) -> None:
        self.state.run_result = result
        self.wizard.run_active = False
        question = self.cancel_question
        if question is not None and question in self.app.screen_stack:
            # found in use: the run ended while "Cancel the install?" was open, which then still asked
            question.dismiss(False)
        if result.interrupted:
            self.wizard.exit_code = 130
        elif not result.ok:
            self.wizard.exit_code = 1
        self.show_outcome(result)

    def show_outcome(self, result: RunFinished) -> None:
        box = self.query_one("#outcome", Static)
        box.display = True
        from installer.tui.answers_file import answers_command

        resume = answers_command(self.state.answers_written or "ANSWERS.yaml", self.state.answers_cwd)
        # the text Done shows, so that Chinese has its own colon (found in use: "日志: " here, "日志：" there)
        log = "\n" + escape(_("Log: {path}", path=result.log_path)) if result.log_path else ""
        if self.state.dry_run:
            box.update(self.dry_run_outcome(result) + log)
            box.set_classes("note" if result.ok else "warning")
            hint = _("finished") if result.ok else _("a step would fail")
        elif result.interrupted:
            box.update(escape(_("Cancelled. The steps already done stay done; to continue, run:"))
                       + f"\n  {escape(resume)}" + log)
            box.set_classes("warning")
            hint = _("cancelled")
        elif result.reboot_required:
            text = _("A reboot is needed before the next steps. After the reboot, run:") + f"\n  {resume}\n"
            text += _("It resumes after the last step that finished.")
            if self.state.report is not None and self.state.report.secure_boot:
                # the run cannot ask for the one-time password (no terminal): the person runs mokutil
                text += "\n" + _("Secure Boot is on: if the plan's notes name a `sudo mokutil --import` command, "
                                 "run it before rebooting and choose a one-time password; at the blue MOK screen "
                                 "during boot, choose Enroll MOK and type it, or the driver will not load.")
            box.update(escape(text) + log)
            box.set_classes("warning")
            hint = _("reboot needed")
        elif self.refused is not None and not result.ok:
            text = _("The install did not start, and nothing was changed: {why}", why=self.run_error or "")
            key = None if self.locked_out else self.answer_named(self.run_error or "")
            if self.locked_out:
                text += "\n" + _("Wait for that run to finish, then run this to go on:") + f"\n  {resume}"
            elif key:
                text += "\n" + self.answer_advice(key, resume)
            else:
                if self.refused.hint:
                    text += "\n" + _("What to do: {hint}", hint=self.refused.hint)
                text += "\n" + _("Once that is done, run this to go on:") + f"\n  {resume}"
            box.update(escape(text))
            box.set_classes("warning")
            hint = _("not started")
        elif not result.ok and result.failed_step is None:
            text = _("The install stopped:") + "\n" + (self.run_error or _("see the log"))
            key = self.answer_named(self.run_error or "")
            text += "\n" + (self.answer_advice(key, resume) if key else
                            _("Once the cause is fixed, run this to resume:") + f"\n  {resume}")
            box.update(escape(text) + log)
            box.set_classes("error")
            hint = _("failed")
        elif not result.ok:
            failed = result.failed_step or ""
            i = self.index_of(failed)
            title = self.state.plan.steps[i - 1].title if i and self.state.plan else failed
            text = _("The step “{step}” failed.", step=title)
            tail = self.failed_tail(failed)
            if tail:
                text += "\n" + "\n".join("  " + line for line in tail)
            known = self.causes.get(failed)
            # the executor's own words only: a tool's output names the environment's folder in passing
            key = self.answer_named(self.details.get(failed, ""))
            if known:
                text += "\n" + _("Likely cause: {cause}", cause=known[0]) + "\n" + _("What to do: {hint}", hint=known[1])
            if key:
                text += "\n" + self.answer_advice(key, resume)
            elif known:
                text += "\n" + _("Once that is done, run this to resume from that step:") + f"\n  {resume}"
            else:
                text += "\n" + _("Fix the cause shown above, then run this to resume from that step:") + f"\n  {resume}"
            box.update(escape(text) + log)
            box.set_classes("error")
            hint = _("failed")
        else:
            box.update(escape(_("Dry run finished: nothing was executed.") if self.state.dry_run
                              else _("All steps finished.")) + log)
            box.set_classes("note")
            hint = _("finished")
        self.refresh_nav(hint)
        box.scroll_visible()

    def dry_run_outcome(self, result: RunFinished) -> str:
        """What a dry run found, as markup: nothing was executed either way."""
        if result.interrupted:
            return escape(_("Dry run cancelled: nothing was executed."))
        if result.failed_step:
            i = self.index_of(result.failed_step)
            title = self.state.plan.steps[i - 1].title if i and self.state.plan else result.failed_step
            text = _("Dry run: the step “{step}” would fail. Nothing was executed.", step=title)
            tail = self.failed_tail(result.failed_step)
            if tail:
                text += "\n" + "\n".join("  " + line for line in tail)
            if self.state.hardware_path:
                text += "\n" + _("The simulation ran on this computer, not on the recorded machine: a package "
                                  "or file that machine has may be missing here.")
            return escape(text)
        said = [_("Dry run finished: nothing was executed.")]
        if self.not_simulated:
            said.append(_("The package steps were not simulated: the recorded machine runs {system}, and this "
                          "computer's package manager knows another release's packages.", system=self.not_simulated))
        if result.reboot_required:
            said.append(_("A real run stops for a reboot after the driver steps, and resumes when run again after it."))
        # sentences joined as the language joins them: no blank after "。" in Chinese (found in use)
        text = said[0]
        for sentence in said[1:]:
            text = _("{first} {then}", first=text, then=sentence)
        return escape(text)

    def answer_advice(self, key: str, resume: str) -> str:
        """What to do when the failure names an answer: resuming replays the same answers, so it fails the
        same way unless the cause lies elsewhere (a file that appeared in the folder's way)."""
        return (go_back_text(key) + "\n" + _("If the cause is not that answer, fix it, then run this to resume:")
                + f"\n  {resume}")

    def answer_named(self, failure: str) -> str | None:
        """The answers key of a folder chosen in the wizard that `failure` names (the Folder field's, for
        one that could not be made): the cause is then that answer, not something outside the wizard."""
        import os

        from installer.paths import absolute

        d = self.state.draft
        chosen = (("target.path", self.state.section("target").get("path")), ("wheelhouse", d.get("wheelhouse")),
                  ("cuda_toolkit.prefix", self.state.section("cuda_toolkit").get("prefix")))
        for key, path in chosen:
            if isinstance(path, str) and path and absolute(path, os.getcwd()) in failure:
                return key
        return None

    def failed_tail(self, step_id: str) -> tuple[str, ...]:
        return self.tails.get(step_id, ())[-8:]

    # keys -----------------------------------------------------------------------------------------
    def can_go_back(self) -> bool:
        # once the run has ended, an answer can be changed and the new plan run (Review runs it again)
        return self.state.run_result is not None and not self.wizard.run_active

    def can_go_next(self) -> bool:
        return self.state.run_result is not None and not self.wizard.run_active

    def next_label(self) -> str:
        r = self.state.run_result
        return _("Next") if r is None or self.finished(r) else _("Finish")

    def action_next(self) -> None:
        """Checks only make sense after a finished run; otherwise straight to Done, which says what next."""
        r = self.state.run_result
        if not self.can_go_next() or r is None:
            return
        if self.finished(r):
            self.wizard.go_next()
        else:
            self.wizard.go("done")

    def finished(self, r: RunFinished) -> bool:
        """The run went to its end (a dry run always does, unless a step failed): checks can follow.
        A stop for a reboot, a failure or a cancel goes straight to Done, which says how to resume."""
        if self.state.dry_run:
            return r.ok
        return r.ok and not r.reboot_required

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            # hidden once the run is over: a greyed "Cancel" beside Next read as if something still ran
            return self.wizard.run_active
        if action in ("back", "next") and self.wizard.run_active:
            # hidden while the steps run: a "b Back" and "n Next" that did nothing read as broken (found by a tester)
            return False
        return super().check_action(action, parameters)

    def action_cancel(self) -> None:
        if not self.wizard.run_active:
            return
        from installer.tui.screens.dialogs import ConfirmScreen

        def decided(yes: bool | None) -> None:
            if yes and self.wizard.run_active:
                self.cancel_event.set()
                self.log_line(_("cancelling: the current step is stopped…"))

        self.cancel_question = ConfirmScreen(_("Cancel the install? The step that is running is stopped; the "
                                               "steps already done stay done, and a later run resumes."),
                                             yes=_("Cancel the install"), no=_("Keep going"))
        self.app.push_screen(self.cancel_question, decided)

    def action_toggle_log(self) -> None:
        log = self.query_one("#log", RichLog)
        log.display = not log.display
        if log.display and self.held_lines:
            self.call_after_refresh(self.write_held_lines)  # laid out at its width first


SCREEN = InstallScreen
