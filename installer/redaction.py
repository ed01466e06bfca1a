"""Credentials in URLs (https://user:password@host, https://TOKEN@host), hidden wherever they would be shown.

One place for every stage: detection reports proxies and package sources, the plan renders commands,
the executor logs them, the mirrors and the wizard print them. All of it is shared by people (pasted
into issue reports), so all of it goes through here.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit, urlunsplit

T = TypeVar("T")


@overload
def redact(url: str) -> str: ...


@overload
def redact(url: None) -> None: ...


def redact(url: str | None) -> str | None:
    """The URL without its user:token@ part: reports and output are shared, credentials must not be.

    The whole user part goes, not only a password: an index token is often the user name itself
    (https://TOKEN@host/simple). Used for proxies here and for every mirror URL the mirrors print.
    """
    if not url or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # not a URL we can take apart: keep nothing between the scheme and the last @
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}***@{rest.rsplit('@', 1)[-1]}" if sep else "***@" + url.rsplit("@", 1)[1]
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = f"***@{host}" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


HIDDEN = "***"  # what `redact` leaves of a URL's user part

# a URL inside free text (a command line, a tool's output, a note): up to the next blank or quote
_URL_IN_TEXT = re.compile(r"""[A-Za-z][A-Za-z0-9+.-]*://[^\s'"<>]*@[^\s'"<>]*""")


def redact_text(text: str) -> str:
    """`text` with every URL in it redacted: for lines shown or logged (commands, tools' output, notes)."""
    if "@" not in text or "://" not in text:
        return text  # the common case, without the regex
    return _URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)


def redact_data(data: T) -> T:
    """`data` with `redact_text` applied to every string in it, whatever holds them: a JSON document
    (what the --json outputs print, so that a report pasted into a forum post carries no index
    password) or frozen dataclasses such as a Plan, its Steps and Commands (rebuilt, same types)."""
    return _redact(data)  # type: ignore[no-any-return]


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _redact(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


def has_credentials(text: str) -> bool:
    """Whether a URL (or any text) carries a user part (user:password@, TOKEN@) that `redact` would hide."""
    return redact_text(text) != text


def hidden_credentials(url: str) -> bool:
    """Whether `url` went through `redact`: its user part is the placeholder (a saved report's URL)."""
    try:
        return urlsplit(url).username == HIDDEN
    except ValueError:
        return False
