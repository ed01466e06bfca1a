"""Credentials in URLs, hidden wherever they would be shown: a user part (https://user:password@host,
https://TOKEN@host) and a token in the path as anaconda.org and private conda (and PyPI) servers issue
them (https://conda.anaconda.org/t/TOKEN/channel).

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
    """The URL without its user:token@ part and its /t/TOKEN/ token: reports and output are shared,
    credentials must not be.

    The whole user part goes, not only a password: an index token is often the user name itself
    (https://TOKEN@host/simple). Used for proxies here and for every mirror URL the mirrors print.
    """
    if not url or ("@" not in url and "/t/" not in url):
        return url
    url = _PATH_TOKEN.sub(f"/t/{HIDDEN}", url)
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL we can take apart: keep nothing between the scheme and the last @
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}***@{rest.rsplit('@', 1)[-1]}" if sep else "***@" + url.rsplit("@", 1)[1]
    if parts.username is None and parts.password is None:
        return url
    # Only the user part goes: the rest stays as written, host and port included. Rebuilt from the parsed
    # host and port, a URL lost what they do not keep: the colon of "https://bob:pw@: not a URL" (found in
    # text, up to the blank), a host's capitals.
    user_part = parts.netloc.rpartition("@")[0]
    shown = url.replace(f"//{user_part}@", f"//{HIDDEN}@", 1)
    if shown != url:
        return shown
    # urlsplit dropped characters (a tab, a newline) from the URL: the user part is not there as written
    return urlunsplit((parts.scheme, f"{HIDDEN}@{parts.netloc.rpartition('@')[2]}", parts.path, parts.query,
                       parts.fragment))


HIDDEN = "***"  # what `redact` leaves of a URL's user part, and of a /t/TOKEN path token

# A channel token in the path, found as conda finds it (conda.common.url.split_anaconda_token: /t/, then
# letters, digits and dashes), wherever it ends (a slash, the URL's end, a full stop or a bracket of the
# sentence around it); only /t/my_folder, which no token looks like, is left alone.
_PATH_TOKEN = re.compile(r"/t/[A-Za-z0-9-]+(?![A-Za-z0-9_-])")
# a URL inside free text (a command line, a tool's output, a note): up to the next blank or quote
_URL_IN_TEXT = re.compile(r"""[A-Za-z][A-Za-z0-9+.-]*://[^\s'"<>]*""")
# where a comma-separated list of URLs (UV_FIND_LINKS, CONDA_CHANNELS) goes on to its next URL
_NEXT_URL = re.compile(r",(?=[A-Za-z][A-Za-z0-9+.-]*://)")
# user:password@host without a scheme (a mistyped mirror URL quoted back in an error): the
# user:password part; an e-mail address (no colon) or a URL's own user part (after ://) is not this.
# The host may be missing too ("bob:pw@: not an http(s) URL"): the @ then ends the text, a word or a list item.
_BARE_USER_PART = re.compile(r"""(?<![^\s'"<>(\[{=,])[^\s'"<>/:@=]+:[^\s'"<>/@]*@(?=[A-Za-z0-9\[:,'"\s]|$)""")
# host.name[:port]/.../t/TOKEN without a scheme (the same mistake, for a channel): the token
_BARE_PATH_TOKEN = re.compile(r"""(?<![^\s'"<>(\[{=,@])((?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+(?::[0-9]+)?"""
                              r"""(?:/[^\s'"<>/]*)*?/t/)[A-Za-z0-9-]+(?![A-Za-z0-9_-])""")


def _redact_urls(match: re.Match[str]) -> str:
    return ",".join(redact(url) for url in _NEXT_URL.split(match.group(0)))


def redact_text(text: str) -> str:
    """`text` with every URL in it redacted, and a user:password@ or /t/TOKEN after a host name given
    without a scheme: for lines shown or logged (commands, tools' output, notes, error messages)."""
    if "@" not in text and "/t/" not in text:
        return text  # the common case, without the regexes
    if "://" in text:
        text = _URL_IN_TEXT.sub(_redact_urls, text)
    if "@" in text:
        text = _BARE_USER_PART.sub(f"{HIDDEN}@", text)
    if "/t/" in text:
        text = _BARE_PATH_TOKEN.sub(rf"\1{HIDDEN}", text)
    return text


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
    """Whether `url` went through `redact`: its user part or its /t/ token is the placeholder (a URL
    from a saved report)."""
    try:
        parts = urlsplit(url)
        user = parts.username
    except ValueError:
        return False
    return user == HIDDEN or HIDDEN_TOKEN.search(parts.path) is not None


HIDDEN_TOKEN = re.compile(r"/t/" + re.escape(HIDDEN) + r"(?=/|$)")  # what `redact` leaves of a /t/TOKEN
