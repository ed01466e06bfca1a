"""Toggles that read without colour, and a list to choose one from.

Textual draws a radio button and a checkbox the same whether on or off and tells them apart by colour
alone, which NO_COLOR (and many SSH terminals) take away. These show the state in the glyph too.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Checkbox, OptionList, RadioButton

from installer.tui.translate import translate_bindings


class Radio(RadioButton):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


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
