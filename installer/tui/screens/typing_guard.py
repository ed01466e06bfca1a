"""Letters typed where no text field is are text, not commands.

Every action of the wizard has a one-letter key, and a person who types a word while the focus is outside
a text field sends those keys. Found in a trial: "new-env" typed on Combination with the focus on a
checkbox went on to Review at its first n and started the install at its second; in the same way "city"
typed during an install opens the cancel question at its c and answers it at its y. A screen with this
mixin takes its consequential key, when it comes within TYPING_GAP_S of letters the screen has no key for,
as part of that typing: it says so and does nothing, and the same key pressed again acts.
"""

from __future__ import annotations

import time

from textual import events

# at a person's typing speed the four letters between the two n's of "new-env" take some 0.6 s
TYPING_GAP_S = 2.0


class TypingGuard:
    """For a Screen: `typed_just_now()` in the action to guard."""

    typed_at: float = 0.0  # when a letter that is no key of the screen was last typed

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.key not in self.app.active_bindings:  # type: ignore[attr-defined]
            self.typed_at = time.monotonic()

    def typed_just_now(self) -> bool:
        """Whether letters this screen has no key for came just before: then the key that called is taken as
        typing (and the next press of it is not)."""
        if time.monotonic() - self.typed_at < TYPING_GAP_S:
            self.typed_at = 0.0
            return True
        return False
