"""The wizard application and its factory.

`make_app(...)` builds the same app for `torch-setup`, for the Pilot tests and for the screenshots, so
what the tests drive is what people get. The app holds the state and the engine; screens are built
afresh each time they are shown (so a change of language re-renders them) and keep nothing themselves.
"""

from __future__ import annotations

import os
import termios
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from installer.i18n import _, current_language, set_language
from installer.tui.engine import Engine
from installer.tui.screens.base import SCREEN_TITLES, WizardScreen
from installer.tui.state import WizardState
from installer.tui.translate import CommandPalette, translate_bindings

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport


def interpreter_stamp(python: str) -> tuple[str, int, int, int] | None:
    """What tells one interpreter file at `python` from another put there later: its resolved path, device,
    inode and mtime (a venv made again, an interpreter upgraded, gives another). None when it cannot be read."""
    try:
        st = os.stat(python)
        return os.path.realpath(python), st.st_dev, st.st_ino, st.st_mtime_ns
    except OSError:
        return None


def _screen_class(name: str) -> type[WizardScreen]:
    # Imported on first use: the Welcome screen must be interactive before the rest is loaded.
    import importlib

    module = importlib.import_module(f"installer.tui.screens.{name}")
    return module.SCREEN  # type: ignore[no-any-return]


class WizardApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "torch-setup"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Textual adds this one itself when absent; declared here so its footer label is translated
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True),
    ]

    def __init__(self, *, state: WizardState, engine: Engine) -> None:
        super().__init__()
        from installer.tui import cjk_wrap

        cjk_wrap.install()
        translate_bindings(self)
        self.state = state
        self.engine = engine
        self.run_active = False  # an install is running: leaving asks first
        self._draft_lock = threading.Lock()
        self._report_lock = threading.Lock()
        self.input_error: Exception | None = None
        self.exit_note: str | None = None  # printed in the terminal once the wizard has quit (launch.py)
        self.exit_summary: str | None = None  # what Done said, printed on stdout once the wizard has quit
        self.exit_code = 0

    # navigation ------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        # the Welcome screen is the first screen itself: no blank screen drawn before it
        return _screen_class("welcome")()

    def on_mount(self) -> None:
        # The files named on the command line, and the answers model, load after the first screen is up
        # and off the UI thread (pydantic alone takes a third of the start-up budget). launch.py has
        # already checked they exist and parse as YAML; a deeper problem ends the app with exit code 2.
        # The worker waits until the first screen is drawn and has had a moment for its first keys: the
        # import holds the interpreter's lock for most of its time, and would slow that first screen.
        self.call_after_refresh(self.set_timer, 0.2, self.start_loading)
        if not self.is_headless:
            threading.Thread(target=self.watch_terminal, name="terminal-watch", daemon=True).start()

    def watch_terminal(self, interval: float = 1.0, grace: float = 10.0, fd: int = 0,
                       leave: Callable[[int], object] = os._exit) -> None:
        """End the process when its terminal is gone and no SIGHUP came to say so (an SSH connection
        that died silently; `su -c`, whose shell had the signal). Textual's input thread would spin on the
        dead terminal at 100% CPU for ever (Textualize/textual#6690), and its own shutdown blocks writing
        to it (both seen here), so this runs in a thread of its own and leaves with os._exit: a running
        install is cancelled first, as "Stop and quit" does, and resumes from its step when run again."""
        while True:
            time.sleep(interval)
            try:
                termios.tcgetattr(fd)  # launch.py starts the wizard only with a terminal on fd 0
            except (termios.error, OSError):  # EIO: the terminal hung up
                break
        for screen in list(self.screen_stack):
            cancel = getattr(screen, "cancel_event", None)
            if cancel is not None:
                cancel.set()
        deadline = time.monotonic() + grace
        while self.run_active and time.monotonic() < deadline:
            time.sleep(0.1)
        leave(130)

    def start_loading(self) -> None:
        self.run_worker(self.load_inputs, thread=True, group="inputs")

    def load_inputs(self) -> None:
        from installer.errors import InputError

        try:
            self.ensure_draft()
            if self.state.hardware_path:
                self.obtain_report()
        except InputError as exc:
            self.call_from_thread(self.fail_input, exc)

    def fail_input(self, exc: Exception) -> None:
        """A file named on the command line is wrong: leave, and let launch.py print where and why."""
        self.input_error = exc
        self.exit(2, return_code=2)

    def ensure_draft(self) -> None:
        """Fill the draft once: from the --answers file, else every documented default (screens then
        edit it in place). Safe from any thread."""
        from installer.errors import InputError

        with self._draft_lock:  # the background preload and a screen may ask at the same moment
            if self.state.draft:
                return
            try:
                if self.state.answers_path:
                    self.state.draft = self.engine.load_answers(self.state.answers_path).model_dump(mode="json")
                else:
                    self.state.draft = self.engine.default_answers()
            except InputError:
                raise
            except Exception:  # the screens that need answers say what is missing when they use them
                return

    def obtain_report(self) -> HardwareReport:
        """The machine: the one known, else the --hardware file, else a live detection (slow: call it
        from a worker)."""
        with self._report_lock:
            if self.state.report is None:
                path = self.state.hardware_path
                self.state.report = self.engine.load_hardware(path) if path else self.engine.detect()
                self.state.report_detected = not path
            return self.state.report

    def report_for(self, target_python: str | None) -> HardwareReport:
        """The report the choices and the plan for a `target.python` answer are made from, as `plan
        --answers F` has it: with an interpreter named by path examined (its Python version picks the
        wheels; its facts say whether pip may install there). A recorded report (--hardware) is used as it
        is. InputError (key target.python) for a path with no interpreter. Slow: call it from a worker."""
        from installer.errors import InputError

        report = self.obtain_report()
        if not self.state.report_detected:
            return report
        python = self.engine.interpreter_to_examine(target_python, report)
        if python is None:
            return report
        with self._report_lock:
            stamp = interpreter_stamp(python)
            kept = self.state.target_reports.get(python)
            found = kept[1] if kept is not None and stamp is not None and kept[0] == stamp else None
            if found is None:
                try:
                    found = self.engine.detect(python=python)
                    if stamp is not None:
                        self.state.target_reports[python] = (stamp, found)
                except InputError as exc:
                    if exc.key != "--python":
                        raise
                    # the wizard has no --python: the interpreter is the Python field's answer, which
                    # Review then sends the person back to (as `plan --answers` names its line)
                    raise InputError(f"{python}: {exc.message}", key="target.python", hint=exc.hint) from None
            return found

    def offer_for(self, key: tuple[Any, ...]) -> dict[str, Any]:
        """The builds the Combination screen lists for a `state.recommendation_wanted()` key, as `plan
        --answers` would pin them: for the interpreter a path names (examined), or the version asked
        for; once the answers name the target's Python, a build that needs another one is refused, not
        offered (`plan` refuses it too). Every screen that needs the list makes it here, so that the one
        kept under the key is the one that screen would show. Slow: call it from a worker."""
        _report, python, version, variant, extras, from_disk, conda, wheelhouse = key
        version_like = self.engine.version_asked(python)
        report = self.target_report(python)
        # fixed when its version is known: asked for, or that of the interpreter the report describes (a
        # recorded machine's report says nothing of another interpreter named by path)
        fixed = bool(version_like) or (bool(python) and self.engine.interpreter_to_examine(python, report) is None)
        return self.engine.offer(report, python=version_like, torch=version, variant=variant, fixed_python=fixed,
                                 extras=extras, recorded=self.state.recorded,
                                 on_disk={v: list(builds) for v, builds in from_disk}, conda_forge=conda,
                                 wheelhouse=wheelhouse)

    def target_report(self, target_python: str | None) -> HardwareReport:
        """`report_for`, or the machine's report while the path names no interpreter (yet): Review names
        the field to fix. Slow: call it from a worker."""
        from installer.errors import InputError

        try:  # an interpreter named by path: its Python version is the one that counts
            return self.report_for(target_python)
        except InputError:
            return self.obtain_report()

    @property
    def current_name(self) -> str:
        return self.screen.name or ""

    def go(self, name: str) -> None:
        """Show screen `name`, built afresh from the state."""
        screen = _screen_class(name)()
        # the first Welcome is the bottom of the stack (the default screen), which cannot be switched
        # away: the wizard's screens go on top of it, replacing each other
        if isinstance(self.screen, WizardScreen) and len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def go_next(self) -> None:
        names = self.state.screens()
        here = self.current_name
        if here in names and names.index(here) + 1 < len(names):
            self.go(names[names.index(here) + 1])

    def go_back(self) -> None:
        names = self.state.screens()
        here = self.current_name
        if here in names and names.index(here) > 0:
            self.go(names[names.index(here) - 1])

    def set_lang(self, lang: str) -> None:
        """Switch the language and re-render the current screen in it."""
        set_language(lang)
        translate_bindings(self)
        self.go(self.current_name or "welcome")

    # actions ---------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from installer.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        if not self.run_active:
            self.leave()
            return
        from installer.tui.screens.dialogs import ConfirmScreen

        def decided(yes: bool | None) -> None:
            if yes:
                self.request_cancel()
                self.exit_note = self.stopped_note()
                self.exit(130, return_code=130)

        self.push_screen(ConfirmScreen(_("An install is running. Stop it and quit? It will resume from "
                                         "the step it stopped at when run again."),
                                       yes=_("Stop and quit"), no=_("Keep running")), decided)

    def leave(self) -> None:
        """Quit with the run's exit code; from the Done screen (q, its button, Ctrl+Q, a dialog over it), with
        what it said kept for the terminal: its commands are the ones to use the environment or to replay."""
        from installer.tui.screens.done import DoneScreen, summary

        shown = next((s for s in reversed(self.screen_stack) if isinstance(s, WizardScreen)), None)
        if isinstance(shown, DoneScreen):
            self.exit_summary = summary(shown.says())
        self.exit(self.exit_code, return_code=self.exit_code)

    def action_command_palette(self) -> None:
        # as Textual's own, with the search field's placeholder and "No matches found" in the wizard's language
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]  # App[int]
            self.push_screen(CommandPalette(placeholder=_("Search for commands…"), id="--command-palette"))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the menu a dropdown opens is Textual's own widget, made by the Select: its key ("esc Dismiss menu")
        # shows in the footer while it has the focus
        from textual.widgets import Select

        if isinstance(event.widget.parent, Select):
            translate_bindings(event.widget)
            self.screen.refresh_bindings()

    def action_help_quit(self) -> None:
        # Textual's answer to Ctrl+C (which copies in a text field, so does not quit), in the wizard's
        # language: Textual's own toast is English only
        self.notify(_("Press Ctrl+Q to quit the wizard."), title=_("Do you want to quit?"))

    def stopped_note(self) -> str:
        """What the terminal shows once the wizard has quit in the middle of an install: how to go on (found in
        use: only the exit code was left, where the command line prints the resume command and the log)."""
        from installer.tui.answers_file import answers_command

        text = _("The install was stopped; the steps already done stay done.")
        if self.state.answers_written is not None:
            text += "\n" + _("To go on from the step it stopped at, run:") + "\n  " + answers_command(
                self.state.answers_written, self.state.answers_cwd)
        return text + "\n" + _("`torch-setup doctor` names the stopped run and its log.")

    def request_cancel(self) -> None:
        screen = self.screen
        cancel = getattr(screen, "cancel_event", None)
        if cancel is not None:
            cancel.set()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        names = self.state.screens()
        here = screen.name or ""  # the screen the palette was opened on (the palette is on top now)
        if here in names and not self.run_active:
            # Jumping is allowed backwards, and forwards only to the next screen: later screens need
            # the decisions of the ones before them.
            reachable = names[: names.index(here) + 2]
            for name in reachable:
                if name != here and name not in ("install", "verify", "bench", "done"):
                    title = _(SCREEN_TITLES[name])
                    yield SystemCommand(_("Go to {screen}", screen=title),
                                        _("show the {screen} screen", screen=title),
                                        lambda n=name: self._jump(n))
        yield SystemCommand(_("Help"), _("what this screen does and its keys"), self.action_help)
        if here == "review":
            yield SystemCommand(_("Save the plan as a script"), _("a bash script that does what install does"),
                                lambda: screen.run_action("save_script"))
        if isinstance(screen, WizardScreen) and screen.check_action("save_answers", ()):
            # every screen from Mirrors on (found in use: "save" in the palette on Mirrors matched nothing)
            yield SystemCommand(_("Save the answers file"), _("replay this run with install --answers"),
                                lambda: screen.run_action("save_answers"))
        if here == "welcome":
            other = "zh" if current_language() == "en" else "en"
            yield SystemCommand(_("Switch language"), "English / 中文", lambda: self.set_lang(other))
            yield SystemCommand(_("Toggle dry run"), _("execute nothing, show everything"),
                                lambda: screen.run_action("toggle_dry_run"))
        yield SystemCommand(_("Quit"), _("leave the wizard"), self.action_quit)

    def _jump(self, name: str) -> None:
        if isinstance(self.screen, WizardScreen):
            self.screen.save()
        self.go(name)


def make_app(*, hardware: HardwareReport | None = None, hardware_path: str | None = None,
             answers: Answers | None = None, answers_path: str | None = None, dry_run: bool = False,
             lang: str | None = None, engine: Engine | None = None) -> WizardApp:
    """The wizard, ready to run. `hardware` skips live detection (a recorded machine); `answers`
    pre-fills every screen; `engine` is the seam into the engine (tests give it a mirror catalog)."""
    set_language(lang)
    engine = engine or Engine()
    # a recorded machine's plan (its driver, its apt sources) would change this machine if run here
    state = WizardState(dry_run=dry_run or hardware_path is not None, hardware_path=hardware_path,
                        answers_path=answers_path, report=hardware)
    if answers is not None:
        state.draft = answers.model_dump(mode="json")
    return WizardApp(state=state, engine=engine)


def default_answers_path(cwd: Path | None = None) -> Path:
    """Where a new answers file goes: the working directory (the home folder when that cannot be written),
    never over an existing file (installer.tui.answers_file)."""
    from installer.tui.answers_file import answers_folder, fresh_path

    return fresh_path(answers_folder(cwd))
