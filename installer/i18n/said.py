"""Messages that can be said again later, in another language.

A record kept on disk (the journal's reason a run stopped) was kept as the text of the run's language,
so a run stopped under LANG=zh_CN showed its reason in Chinese to `doctor` in English a day later. A
`Said` is the text in the current language (it is a str: it goes wherever text goes) that also keeps
its English template and values; `to_json` keeps those, `from_json` says them again in the language of
the moment. Text that is not a Said (a program's output, an OS error) is kept as it is.
"""

from __future__ import annotations

from typing import Any

from installer.i18n import _
from installer.redaction import redact_text


class Said(str):
    """`_(text, **values)`, which remembers `text` and `values`."""

    text: str
    args: dict[str, Any]

    def __new__(cls, text: str, /, **values: Any) -> Said:
        said = super().__new__(cls, _(text, **values))
        said.text, said.args = text, values
        return said

    def __reduce__(self) -> Any:  # a str subclass with attributes: keep them across copy and pickle
        return (_rebuild, (self.text, self.args))


def _rebuild(text: str, args: dict[str, Any]) -> Said:
    return Said(text, **args)


def said(text: str, /, **values: Any) -> str:
    """The drop-in for `_()` where the result may be kept and said again later (a Said, typed as the str it
    is, so that a variable that holds it may hold other text too)."""
    return Said(text, **values)


def to_json(value: Any) -> Any:
    """A Said as {"text": template, "args": {...}} (its values too, where they are Saids); other text as
    it is. Credentials in URLs are hidden in every piece of text, as they are in the text kept beside it."""
    if isinstance(value, Said):
        return {"text": value.text, "args": {k: to_json(v) for k, v in value.args.items()}}
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return value
    return redact_text(str(value))


def from_json(data: Any) -> str | None:
    """What to_json kept, said in the current language; None when it cannot be (not of that shape, or a
    translation whose placeholders do not match): the caller shows the text kept beside it instead."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return None
    args = data.get("args") or {}
    if not isinstance(args, dict):
        return None
    values: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, (dict, str)):
            text = from_json(value)
            if text is None:
                return None
            values[key] = text
        else:
            values[key] = value
    try:
        return _(data["text"], **values)
    except (KeyError, IndexError, ValueError, TypeError):
        return None
