"""Welcome: what will happen, install or dry run, and the language."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import RadioButton, RadioSet, Static

from installer.executor.sudo import invoking_user
from installer.i18n import _, chosen_language, console_drops_chinese, current_language
from installer.tui.screens.base import WizardScreen, error_text
from installer.tui.widgets import Choices, Radio

STEPS = (
    "Look at this machine: GPUs, driver, CUDA, operating system, Python.",
    "Find the fastest mirrors for the downloads.",
    "Choose the PyTorch build that fits, with the reasons.",
    "Show the exact plan, every command, before anything runs.",
    "Install, with progress and a log; a stopped run resumes.",
    "Check that torch works here, on the GPU if there is one, and measure it.",
)


RECORDED_FIRST_STEP = "Look at the recorded machine: GPUs, driver, CUDA, system, Python."  # one line at 80 columns
# a recorded machine's plan is never run here: the last steps are what it leaves for that machine (found in use:
# "Install …" and "Check that torch works here" promised on a screen that can only plan)
RECORDED_STEPS = (
    RECORDED_FIRST_STEP,
    *STEPS[1:4],
    "Save the answers file (and the script) to install with on that machine.",
)


def recorded_note() -> str:
    """Why a recorded machine's wizard is a dry run, in the language shown now."""
    return _("A recorded machine's plan is shown, not run: run torch-setup on that machine to install.")


class WelcomeScreen(WizardScreen):
    NAME = "welcome"
    AUTO_FOCUS = "#mode"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("d", "toggle_dry_run", "Dry run"),
        Binding("l", "toggle_language", "中文/English"),
        Binding("j", "jump_review", "To Review"),
        Binding("r", "resume", "Resume"),
    ]
    _resume_file: str | None = None
    _resume_changed = False  # the file was changed after that run stopped
    _resume_cwd = ""  # the folder that run ran in
    _resume_checked = False  # the journal is read once: the screen asks at every key

    def body(self) -> ComposeResult:
        # a recorded machine's wizard plans for that machine (found in use: "on this machine" under --hardware)
        recorded = self.state.recorded
        yield Static(_("Plan PyTorch for the recorded machine") if recorded else _("Install PyTorch on this machine"),
                     classes="title")
        steps = "\n".join(f"  {i}. {escape(_(s))}" for i, s in enumerate(RECORDED_STEPS if recorded else STEPS, 1))
        yield Static(_("What will happen:") + "\n" + steps, id="steps")
        # a recorded machine's plan is never run here (found in use: "until you confirm" read as if it would be)
        yield Static(_("Nothing is installed on this machine: the plan is for the recorded one; only its answers file "
                       "(and what you save) is written here.") if recorded else
                     _("Nothing changes on this machine until you confirm the plan on the Review screen."),
                     classes="muted")
        yield Static(_("Mode"), classes="section")
        with Choices(id="mode", compact=True):
            yield Radio(_("Install"), value=not self.state.dry_run, id="mode-install",
                        disabled=self.state.recorded)
            yield Radio(_("Dry run: decide and show everything, execute nothing"),
                              value=self.state.dry_run, id="mode-dry")
        if self.state.recorded:
            yield Static(escape(recorded_note()), classes="note", id="recorded-dry-run")
        stop = None if self.state.recorded else self.engine.last_stop()
        running = self.engine.last_stop_running() if stop is not None else None
        if stop is not None and running is not None:  # found in use: r offered, and Install refused for that run
            text = _("An install into {target} is running now (pid {pid}, at step {step}): wait for it to finish "
                     "before starting another.", target=self.engine.last_stop_target() or "?",
                     pid=str(running or "?"), step=stop[0])
            yield Static(escape(text), classes="warning", id="last-stop")
            stop, self._resume_file, self._resume_checked = None, None, True
        if stop is not None:  # found in use: after a failed install, nothing said where it had got to
            step, when, said = stop
            # the cause first: the same choices alone fail the same way at a step that failed (found in use)
            then = _("Put right what stopped it (`torch-setup doctor` says what and how), then make the same choices "
                     "and it goes on from there, the finished steps skipped.")
            # a run stopped, not failed (Ctrl-C, killed, its terminal closed): nothing to put right (found in use,
            # t11: a closed terminal, then "put right what stopped it")
            text = (_("The last install stopped at step {step} ({when}): {said}. {then}", step=step, when=when,
                      said=said, then=then) if said else
                    _("The last install did not finish step {step} ({when}): it was stopped before that step ended "
                      "(Ctrl-C, killed, or its terminal closed), and nothing needs mending. Make the same choices and "
                      "it goes on from there, the finished steps skipped.", step=step, when=when))
            log = self.engine.last_stop_log()
            if log:  # README: the first screen names the step, why, and its log
                text = _("{text} Its output: {log}.", text=text, log=log)
            target = self.engine.last_stop_target()
            if target:  # found in use: a lab admin with several environments could not tell which one it was
                text = _("{text} It was installing into {target}.", text=text, target=target)
            if self.resume_file():  # found in use: nothing on the screens was those choices
                text = _("{text} Press r to take its choices again from {file}.", text=text, file=self.resume_file())
                if self._resume_changed:  # found in use: an edited file gave a mix of old and new choices
                    text = _("{text} That file has changed since the run stopped: r takes it as it is now.",
                             text=text)
            yield Static(escape(text), classes="warning", id="last-stop")
        yield Static(_("Language"), classes="section")
        with Choices(id="lang", compact=True):
            yield Radio("English", value=current_language() == "en", id="lang-en")
            yield Radio("简体中文", value=current_language() == "zh", id="lang-zh")
        if chosen_language() is None and console_drops_chinese():
            yield Static(_("This is the Linux text console, which cannot draw Chinese characters, so the wizard "
                           "speaks English here. In a graphical terminal, or in fbterm, start it with --lang zh."),
                         classes="note", id="console-english")
        started_by = invoking_user()
        if started_by is not None:  # said now, not after every screen has been walked through
            yield Static(_("You started torch-setup with sudo. An install into {user}'s own folders would "
                           "leave them owned by root, so it will be refused: quit (Ctrl+Q) and run "
                           "`torch-setup` as {user}; it asks for sudo itself for the steps that need root.",
                           user=escape(started_by[1])), classes="warning", id="started-with-sudo")
        if self.state.answers_path:
            yield Static(_("Pre-filled from {file}. Press j to jump straight to Review, or walk "
                           "through the screens to change anything.", file=escape(self.state.answers_path)),
                         classes="note", id="prefilled")

    def resume_file(self) -> str | None:
        """The answers file of the stopped run, to take its choices again from (None: not known, gone, or
        this wizard was started with answers of its own, or for a recorded machine)."""
        if self.state.recorded or self.state.answers_path:
            return None
        if not self._resume_checked:
            self._resume_checked = True
            found = self.engine.last_stop_answers() if self.engine.last_stop() is not None else None
            self._resume_file, self._resume_changed, self._resume_cwd = found if found is not None else (None, False, "")
        return self._resume_file

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "jump_review":
            return bool(self.state.answers_path)
        if action == "resume":
            return self.resume_file() is not None
        if action == "toggle_dry_run" and self.state.recorded:
            return False  # a recorded machine's wizard is always a dry run: a key that only says so is noise
        return super().check_action(action, parameters)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "mode":
            self.state.dry_run = event.pressed.id == "mode-dry" or self.state.recorded
            self.show_mode()
        elif event.radio_set.id == "lang":
            lang = "zh" if event.pressed.id == "lang-zh" else "en"
            if lang != current_language():
                self.wizard.set_lang(lang)

    def show_mode(self) -> None:
        """The header says whether this is a dry run."""
        base = (self.sub_title or "").split(" · ")[0]
        self.sub_title = base + (" · " + _("dry run") if self.state.dry_run else "")

    def action_toggle_dry_run(self) -> None:
        if self.state.recorded:
            self.notify(recorded_note(), severity="warning")
            return
        target = "#mode-install" if self.state.dry_run else "#mode-dry"
        self.query_one(target, RadioButton).value = True

    def action_toggle_language(self) -> None:
        self.wizard.set_lang("en" if current_language() == "zh" else "zh")

    def action_resume(self) -> None:
        """The stopped run's answers, as if given with --answers: to Review, where Install goes on from the
        step it stopped at (the finished ones are skipped)."""
        path = self.resume_file()
        if path is None:
            return
        from installer.tui.engine import anchored

        try:
            answers = self.engine.load_answers(path)
        except Exception as exc:  # changed since, and wrong now: said, and the screens stay as they are
            self.notify(error_text(exc), title=_("The answers cannot be read"), severity="error")
            return
        # a relative folder is taken from the folder that run ran in, not from here (found in use: started
        # from ~, the wizard would have made ~/.venv-torch)
        self.state.draft = anchored(answers, self._resume_cwd or None).model_dump(mode="json")
        self.state.answers_path = path
        self.wizard.go("review")

    def action_jump_review(self) -> None:
        if self.state.answers_path:
            self.wizard.go("review")


SCREEN = WelcomeScreen
