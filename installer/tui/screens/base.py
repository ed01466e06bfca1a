"""What every wizard screen shares: the header with the step, a scrolling body, Back / Next, the footer."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, LoadingIndicator, Static

from installer.i18n import _
from installer.tui.state import SCREENS
from installer.tui.translate import relabel_binding, translate_bindings

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

    from installer.tui.app import WizardApp
    from installer.tui.engine import Engine
    from installer.tui.state import WizardState

# The screen names as people read them (kept here so the step line and the palette agree).
SCREEN_TITLES: dict[str, str] = {
    "welcome": "Welcome",
    "hardware": "Hardware",
    "mirrors": "Mirrors",
    "combination": "Combination",
    "review": "Review",
    "install": "Install",
    "verify": "Verify",
    "bench": "Benchmark",
    "done": "Done",
}


class WizardScreen(Screen[None]):
    NAME: ClassVar[str] = ""
    # The body itself takes the focus, so arrows and PageUp / PageDown scroll a long plan or log;
    # screens with fields to fill focus their first field instead.
    AUTO_FOCUS = "#body"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("b", "back", "Back"),
        Binding("escape", "leave", "Back", show=False),
        Binding("n", "next", "Next"),
        # from the Mirrors screen on (check_action); Ctrl+P offers it too
        Binding("a", "save_answers", "Save answers"),
    ]

    def __init__(self) -> None:
        super().__init__(name=self.NAME)
        translate_bindings(self)

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    @property
    def state(self) -> WizardState:
        return self.wizard.state

    @property
    def engine(self) -> Engine:
        return self.wizard.engine

    # what a screen fills in ------------------------------------------------------------------------
    def body(self) -> ComposeResult:
        yield from ()

    def next_label(self) -> str:
        return _("Next")

    def save(self) -> None:
        """Write what this screen decided into the state (called before leaving it either way)."""

    def can_go_next(self) -> bool:
        return True

    def can_go_back(self) -> bool:
        return self.NAME != "welcome"

    def back_stays_closed(self) -> bool:
        """Back can never work on this screen (not merely not now): its key and button are hidden rather
        than greyed, which reads as "wait"."""
        return self.NAME == "welcome"

    # layout ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body"):
            yield from self.body()
        with Horizontal(id="nav"):
            yield Button("◀ " + _("Back"), id="nav-back", compact=True)
            yield Static("", id="nav-hint")
            yield Button(self.next_label() + " ▶", id="nav-next", variant="primary", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.NAME != "welcome":
            from installer.errors import InputError

            try:
                self.wizard.ensure_draft()
            except InputError as exc:
                self.wizard.fail_input(exc)
        # every screen counted, the ones this run skips too: the total stays the same all the way (found
        # in use: "of 8" became "of 9" once a benchmark was chosen), and a screen keeps its number
        step = SCREENS.index(self.NAME) + 1 if self.NAME in SCREENS else 0
        title = _(SCREEN_TITLES.get(self.NAME, self.NAME))
        self.title = "torch-setup"
        sub = _("Step {n} of {total}: {title}", n=step, total=len(SCREENS), title=title)
        if self.state.dry_run:
            sub += " · " + _("dry run")
        self.sub_title = sub
        self.refresh_nav()

    def refresh_nav(self, hint: str | None = None) -> None:
        """Grey out Back / Next when they cannot be used now (the footer follows check_action)."""
        from textual.css.query import NoMatches

        try:
            back = self.query_one("#nav-back", Button)
        except NoMatches:  # not composed yet
            return
        back.disabled = not self.can_go_back()
        back.display = not self.back_stays_closed()
        nxt = self.query_one("#nav-next", Button)
        nxt.disabled = not self.can_go_next()
        nxt.label = self.next_label() + " ▶"
        # found in use: "n Next" in the footer on Review, where n starts the install
        relabel_binding(self, "next", self.next_label())
        if hint is not None:
            self.query_one("#nav-hint", Static).update(hint)
        self.refresh_bindings()
        self.call_after_refresh(self.focus_body_if_idle)

    def focus_body_if_idle(self) -> None:
        """Content arrived (a plan, a log): with nothing focused, the body takes the focus so the keys
        scroll it (a body with nothing to scroll yet could not take it when the screen opened)."""
        if self.is_current and self.focused is None:
            self.query_one("#body").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return True if self.can_go_next() else None
        if action == "back":
            if self.back_stays_closed():
                return False
            return True if self.can_go_back() else None
        if action == "save_answers":
            return self.saves_answers()
        return True

    # saving the answers ----------------------------------------------------------------------------
    def saves_answers(self) -> bool:
        """The answers file can be saved here: from the first screen that decides something (Mirrors) on."""
        from installer.tui.state import SCREENS

        return self.NAME in SCREENS and SCREENS.index(self.NAME) >= SCREENS.index("mirrors")

    def answers_to_save(self) -> Any:
        """The answers as they stand, this screen's fields included: `Answers`, or None after saying why
        they cannot be saved yet (an answer the answers file would refuse, named with its key)."""
        self.save()
        try:
            return self.engine.answers_from_data(self.state.draft, recorded=self.state.recorded)
        except Exception as exc:  # a field not filled in right: its key and what to do
            self.notify(error_text(exc), title=_("The answers cannot be saved yet"), severity="error")
            return None

    def action_save_answers(self) -> None:
        """Save the answers file where the person says. Before the run, that file becomes the run's answers
        file (Review updates it, Install and Done name it); after it, it is a copy."""
        if not self.saves_answers():
            return
        answers = self.answers_to_save()
        if answers is None:
            return
        from installer.tui.app import default_answers_path
        from installer.tui.screens.dialogs import SavePathScreen

        state = self.state

        def chosen(path: str | None) -> None:
            if not path:
                return
            # its comment's commands name the file they are in, as the whole path write_text writes to
            text = self.engine.dump_answers(answers, said_path(Path(path), recorded=state.recorded),
                                            recorded=state.recorded)
            written = write_text(self, Path(path), text)
            if written is not None and not state.run_started:
                state.answers_written, state.answers_owned = written, text
            elif written is not None and written not in state.files_saved:
                state.files_saved.append(written)  # a copy, after the run: Done names it

        default = state.answers_written or default_answers_path()
        self.app.push_screen(SavePathScreen(_("Save the answers file to:"), str(default)), chosen)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "nav-next":
            event.stop()
            self.action_next()
        elif event.button.id == "nav-back":
            event.stop()
            self.action_back()

    def action_next(self) -> None:
        if self.can_go_next():
            self.save()
            self.wizard.go_next()

    def action_back(self) -> None:
        if self.can_go_back():
            self.save()
            self.wizard.go_back()

    def action_leave(self) -> None:
        """Esc: out of a text field, where n and b are letters, so that the footer's keys work again (found
        in use: Esc pressed to leave the Folder field took the wizard back a screen); elsewhere Back."""
        from textual.widgets import Input

        if isinstance(self.focused, Input):
            self.set_focus(None)  # blurred: a field that acts when left (the Python field) does so now
            return
        self.action_back()


class TargetRunScreen(WizardScreen):
    """A screen that runs something inside the new environment, in a worker (Verify, Benchmark): a note
    instead on a dry run, the last result drawn again when the screen comes back, `r` to run it again."""

    RESULT: ClassVar[str] = ""  # the WizardState attribute that keeps the last result
    BOX: ClassVar[str] = ""  # the id of the Vertical the result is drawn in

    def dry_run_note(self) -> str:
        raise NotImplementedError

    def start(self, python: str) -> None:
        """Start the worker that runs in `python` and draws what it gets."""
        raise NotImplementedError

    def show_saved(self, result: dict[str, Any]) -> None:
        raise NotImplementedError

    def target_python(self) -> str | None:
        """The new environment's interpreter; None on a dry run or when the plan names none."""
        plan = self.state.plan
        if self.state.dry_run or plan is None or not plan.target_python:
            return None
        return plan.target_python

    def box(self) -> Vertical:
        return self.query_one(f"#{self.BOX}", Vertical)

    def on_mount(self) -> None:
        super().on_mount()
        python = self.target_python()
        saved = getattr(self.state, self.RESULT)
        if python is None:
            self.query_one("#busy").display = False
            self.box().mount(Static(self.dry_run_note(), classes="note"))
            self.refresh_nav(_("dry run"))
        elif saved is not None:
            self.show_saved(saved)
        else:
            self.start(python)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rerun":
            # hidden in a dry run: nothing was installed, so there is never anything to check again
            return not self.state.dry_run
        return super().check_action(action, parameters)

    def action_rerun(self) -> None:
        python = self.target_python()
        if python is None:
            return
        setattr(self.state, self.RESULT, None)
        self.box().remove_children()
        self.query_one("#busy").display = True
        self.start(python)

    def mount_error(self, heading: str, exc: BaseException, hint: str) -> None:
        """The run failed: `heading` and the error in the box, `hint` beside Next."""
        from rich.markup import escape

        self.query_one("#busy").display = False
        self.box().mount(Static(escape(heading) + "\n" + escape(error_text(exc)), classes="error"))
        self.refresh_nav(hint)


def said_path(path: Path, *, recorded: bool = False) -> str:
    """Where an answers file goes, as its comment's commands name it: the whole path write_text writes to;
    for a recorded machine's answers, from the home folder (`~/h200.yaml`), as that machine's user finds it
    once copied there, not under this user's home."""
    from installer.paths import from_home

    whole = os.path.abspath(path.expanduser())
    return from_home(whole) if recorded else whole


def write_text(screen: Screen[Any], path: Path, text: str, *, tell: bool = True) -> Path | None:
    """Write a file the person asked for (its folder made), whole or not at all: a new file beside it
    replaces it (an answers file half written is one a resumed run cannot read). The resolved path, or None
    after a toast that says why not."""
    import secrets

    from installer.i18n.phrases import os_error
    from installer.redaction import redact_text

    # said as a whole path, whatever was typed: a path relative to where the wizard was started is not
    # one a person finds again from another terminal
    path = Path(os.path.abspath(path.expanduser()))
    target = path.resolve()  # a link is written through, as a plain write would, not replaced by a file
    # An index password or token in it (https://bob:s3cret@host/simple): only its owner may read it, as the
    # venv's pip.conf (installer.mirrors.writers). Not always: a lab admin shares answers files with the
    # whole lab, and one nobody else may read is no use to them; so any other file keeps the mode it had,
    # or the umask's.
    private = redact_text(text) != text
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            before: int | None = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            before = None
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                if private:
                    os.fchmod(f.fileno(), 0o600)  # whatever the umask
                elif before is not None:
                    os.fchmod(f.fileno(), before)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        screen.notify(_("Could not write {path}: {error}", path=str(path), error=os_error(exc, writing=True)),
                      severity="error")
        return None
    if tell:
        screen.notify(_("Saved {path}", path=str(path)))
    return target


def busy(text: str, *, text_id: str | None = None) -> Horizontal:
    """The "working…" row a screen shows while its worker runs (id `busy`: hidden once the result is in)."""
    return Horizontal(LoadingIndicator(), Static(text, id=text_id), classes="busy", id="busy")


def aligned(rows: list[tuple[str, str]], indent: str = "") -> str:
    """Label / value rows as markup, the values lined up whatever the labels' language."""
    from rich.markup import escape

    from installer.i18n.linebreak import cells, pad

    width = max((cells(label) for label, _v in rows), default=0) + 2
    return "\n".join(f"{indent}[b]{escape(pad(label, width))}[/b]{escape(value)}" for label, value in rows)


def aligned_table(rows: list[tuple[str, str]]) -> Table:
    """Label / value rows as a grid: a value too long for the line goes on under itself, not back at
    the left edge under the labels (found in use at 80 columns: Review's packages, a WSL kernel)."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), Text(value))
    return grid


def hanging(rows: Iterable[tuple[str | Text, RenderableType]]) -> Table:
    """Lines that each start with a mark ("✗", "⚠", "→", "3.") and go on, when too long for the line,
    under their text rather than under the mark (found in use at 100 columns: the second line of a
    refusal, of a mirror's failure, of a plan step's title started at the left edge). A str is plain
    text, never markup; leading blanks in a mark indent it."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for mark, text in rows:
        grid.add_row(Text(mark) if isinstance(mark, str) else mark, Text(text) if isinstance(text, str) else text)
    return grid


def error_text(exc: BaseException) -> str:
    """An engine error as a person should read it: the message, then what to do next."""
    from installer.errors import InputError, TorchSetupError

    if isinstance(exc, InputError) and exc.file == "<wizard>":
        # the answers the screens filled in have no file or line a person could open (found in use: "The
        # answers cannot be saved yet: <wizard>:4: target.path: …")
        return "\n".join((f"{one.key}: {one.message}" if one.key else one.message)
                         + (f"\n→ {one.hint}" if one.hint else "") for one in (exc, *exc.also))
    if isinstance(exc, InputError):
        return exc.render()
    if isinstance(exc, TorchSetupError):
        return exc.message + (f"\n→ {exc.hint}" if exc.hint else "")
    from installer.redaction import redact_text

    # a library's error (httpx, OSError) can quote a URL; ours hide credentials when they are made
    return redact_text(f"{type(exc).__name__}: {exc}")
