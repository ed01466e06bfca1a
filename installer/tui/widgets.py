"""Toggles that read without colour, a list to choose one from, option sets and text fields keyed for the keyboard.

Textual draws a radio button and a checkbox the same whether on or off and tells them apart by colour
alone, which NO_COLOR (and many SSH terminals) take away. These show the state in the glyph too.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Checkbox, Input, OptionList, RadioButton, RadioSet, Static

from installer.i18n import _
from installer.tui.translate import translate_bindings


class Radio(RadioButton):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


class Choices(RadioSet):
    """A RadioSet whose highlight starts on the option that is on. Textual's starts on the first one, so
    Enter, pressed to go on, switched to it: found in use, `torch-setup --dry-run` became an install with
    one Enter on the Welcome screen's Mode, whose first option is Install."""

    def on_mount(self) -> None:
        self.call_after_refresh(self._highlight_pressed)  # after RadioSet's own mount, which takes the first

    def _highlight_pressed(self) -> None:
        if self.pressed_index >= 0:
            self._selected = self.pressed_index


class Field(Input):
    """A text field of the wizard. Tab into it puts the cursor at the end instead of selecting it all, and
    the footer says that Esc leaves it: found in use, n and b are letters in a field, and one habitual n
    replaced a whole selected path with "n" (the footer showed only Quit and Help meanwhile)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave_field", "Leave field")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    def action_leave_field(self) -> None:
        # blurred: a field that acts when it is left (the Python field) does so now
        self.screen.set_focus(None)


class Tick(Checkbox):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button


class ChoiceList(OptionList):
    """A list of options of which one is chosen, keyed as a RadioSet is: the arrows move the highlight, Enter
    or space chooses (OptionSelected; a click too). Found in use: a list whose highlight was the choice
    changed the build chosen as a person only moved through it to read the others."""

    # out of the footer, as a RadioSet's toggle is (at 80 columns it pushed "f1 Help" off the line): the
    # help says "Enter or Space to choose" for every field, and the Combination screen's help says it of this list
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "select", "Choose", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # Textual's keys panel names it


class CommandLine(Static, can_focus=True):
    """A command shown for the person to run: Tab to it and c (or Ctrl+C) copies it whole. Found in a trial: a
    long command copied with the terminal's own selection took a newline at each place the screen wrapped it,
    and pasted into a shell it ran in pieces. The copy goes by the terminal (OSC 52), which some do not allow
    programs, so the Done screen's commands are printed in the terminal too when the wizard quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy"),
        Binding("ctrl+c", "copy(True)", "Copy", show=False),
    ]

    def __init__(self, command: str, **kwargs: Any) -> None:
        from rich.markup import escape

        super().__init__(escape(command), **kwargs)
        self.command = command
        translate_bindings(self)

    def action_copy(self, selection_first: bool = False) -> None:
        if selection_first and self.screen.get_selected_text():
            # Ctrl+C over a mouse selection (a click to start one focuses this line): the screen's own copy of it
            raise SkipAction()
        self.app.copy_to_clipboard(self.command)
        self.app.notify(_("Where the terminal lets programs set its clipboard, it holds this command now; the "
                          "commands are printed in the terminal too when you quit."),
                        title=_("Copied"), timeout=6)
