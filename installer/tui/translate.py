"""Key bindings in the reader's language.

Textual reads a binding's description when it draws the footer, but BINDINGS are class attributes,
built before the language is known. Each screen and the app call `translate_bindings(self)` in
__init__ (and the app again when the language changes), which rebuilds the node's bindings from the
English ones it had first (the class's, plus any Textual added in __init__, like the command palette's)
with every description swapped for its catalog entry.
"""

from __future__ import annotations

import dataclasses

from textual.binding import BindingsMap
from textual.dom import DOMNode

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
