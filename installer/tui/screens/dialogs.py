"""Small modal questions: a yes / no confirmation, and a file path to save to."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from installer.i18n import _
from installer.tui.screens.typing_guard import TypingGuard
from installer.tui.translate import translate_bindings


class ConfirmScreen(TypingGuard, ModalScreen[bool]):
    """Asks before something that cannot be undone (cancel a run, quit while it runs)."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error", compact=True)
                yield Button(f"{self.no} (n)", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        if value and self.typed_just_now():  # "city" typed during an install: c asks, y would answer (typing_guard)
            self.notify(_("y came right after letters this question has no use for, as if typed for a text field: "
                          "nothing was done. Press y again to answer yes."), severity="warning")
            return
        self.dismiss(value)


def save_path_problem(value: str) -> str | None:
    """Why a file cannot be saved at the path typed, or None when it can be tried. Checked before the
    dialog closes (found in use: a folder or a closed place typed, the dialog closed on an error toast and
    the path typed was gone)."""
    from installer.paths import blocking_file, closed_folder, nearest_folder

    path = os.path.abspath(Path(value).expanduser())
    if os.path.isdir(path):
        return _("{path} is a folder: add a file name after it", path=path)
    closed = closed_folder(path)
    if closed is not None:
        return _("{folder} is closed to you: choose a folder of your own, such as {home}", folder=closed,
                 home=str(Path.home()))
    blocking = blocking_file(os.path.dirname(path))
    if blocking is not None:
        return _("{file} is a file, not a folder: choose another path", file=blocking)
    folder = nearest_folder(os.path.dirname(path))
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        return _("you may not write in {folder}: choose a folder of your own, such as {home}", folder=folder,
                 home=str(Path.home()))
    return None


class SavePathScreen(ModalScreen[str | None]):
    """Asks where to save a file, with a sensible default already typed in. A path that cannot be written
    is said under the field, and the dialog stays, with what was typed."""

    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("escape", "cancel", "Cancel"),
    ]
    confirmed: str | None = None  # the existing file a first Enter asked about

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.heading = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading, classes="dialog-text")
            yield Input(self.default, id="path")
            yield Static("", id="path-problem", classes="error")
            yield Static(_("Enter saves, Esc cancels."), classes="muted")

    def on_mount(self) -> None:
        self.query_one("#path-problem", Static).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = save_path_problem(value) if value else None
        if problem is not None:
            self.say(problem, "error")
            return
        # a file of the person's own, typed in: replaced only on a second Enter (found in use: a hand-commented
        # answers file was overwritten without a word). The path offered is a new name, or the wizard's own file.
        path = os.path.abspath(Path(value).expanduser()) if value else ""
        if path and os.path.isfile(path) and value != self.default and self.confirmed != path:
            self.confirmed = path
            self.say(_("{path} exists: Enter again replaces it (torch-setup keeps no copy), or type another name",
                       path=path), "warning")
            return
        self.dismiss(value or None)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.confirmed = None  # a confirmation is for the path it was asked about
        self.query_one("#path-problem", Static).display = False

    def say(self, text: str, level: str) -> None:
        shown = self.query_one("#path-problem", Static)
        shown.set_classes(level)
        shown.update(Text(text))  # a path is not markup
        shown.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
