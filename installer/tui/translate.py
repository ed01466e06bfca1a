"""Key bindings in the reader's language.

Textual reads a binding's description when it draws the footer, but BINDINGS are class attributes,
built before the language is known. Each screen and the app call `translate_bindings(self)` in
__init__ (and the app again when the language changes), which rebuilds the node's bindings from the
English ones it had first (the class's, plus any Textual added in __init__, like the command palette's)
with every description swapped for its catalog entry. A widget that Textual makes itself, like the
menu a dropdown opens (SelectOverlay: "esc Dismiss menu"), has its bindings translated when it is
focused, the moment the footer shows them.

The command palette writes "No matches found" inside a private method, with no attribute or argument
to give it another text: `CommandPalette` below is Textual's palette with that method's text translated
(tests/functional/test_features.py fails when Textual renames the method).
"""

from __future__ import annotations

import dataclasses

from rich.align import Align
from rich.text import Text
from textual import command
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.widgets.option_list import Option

from installer.i18n import _


def translate_bindings(node: DOMNode) -> None:
    english: BindingsMap = node.__dict__.setdefault("_english_bindings", node._bindings.copy())
    keys = {
        key: [dataclasses.replace(b, description=_(b.description) if b.description else "",
                                  tooltip=_(b.tooltip) if b.tooltip else "")
              for b in bindings]
        for key, bindings in english.key_to_bindings.items()
    }
    node._bindings = BindingsMap.from_keys(keys)


def relabel_binding(node: DOMNode, action: str, description: str) -> None:
    """Give the binding of `action` the description the screen's own button says (Review's n is "Install",
    not "Next"), in the footer and in the help's list of keys."""
    keys = {key: [dataclasses.replace(b, description=description) if b.action == action else b for b in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()}
    node._bindings = BindingsMap.from_keys(keys)


class CommandPalette(command.CommandPalette):
    """Textual's command palette, saying "No matches found" in the reader's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own (textual 8.2), with the text through the catalog
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(command.CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
            self._list_visible = bool(search_value)  # an empty search is discovery: nothing to say

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
