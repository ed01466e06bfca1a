"""Toggles that read without colour.

Textual draws a radio button and a checkbox the same whether on or off and tells them apart by colour
alone, which NO_COLOR (and many SSH terminals) take away. These show the state in the glyph too.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox, RadioButton


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
