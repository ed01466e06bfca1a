"""A note or warning that says what to do in answers-file keys (`set driver.install: true`), with a code and the
values it was made from, so that a front-end with fields of its own (the wizard) says it in its own words without
matching the text (found in use: the wizard rewrote such notes by comparing strings, and missed those it did not
know; it told a wizard user, who has no branch field, to set driver.branch). Pure.

It is the text itself wherever text is expected (a str: the script's header, `plan`, `recommend`, --json), so
nothing else changes for a reader of those.
"""

from __future__ import annotations

from typing import Any


class Coded(str):
    """`code`: what the text is about ("kept-driver-ended"); `values`: what it was made from."""

    code: str = ""
    values: dict[str, Any]

    def __new__(cls, text: str, code: str = "", **values: Any) -> Coded:
        made = super().__new__(cls, text)
        made.code = code
        made.values = dict(values)
        return made


def code_of(text: object) -> str:
    """The code of a note or warning; "" for plain text."""
    return text.code if isinstance(text, Coded) else ""
