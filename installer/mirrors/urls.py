"""URL rules for mirrors: https everywhere, plain http only for the loopback (tests, local proxies)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit

from installer.errors import InputError
from installer.i18n import _


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str | None:
    """Why this URL may not be used as a mirror, or None when it may.

    Plain http lets anyone on the path swap the wheels (and ISPs in some regions do rewrite
    http downloads), so it is refused unless the server is on this very machine.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return _("not a valid URL")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("not an http(s) URL with a host name")
    try:
        parts.port  # noqa: B018 - urllib checks the port only when asked for it
    except ValueError:
        return _("the port is not a number from 0 to 65535")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return _("plain http is refused (anyone on the path could swap the files); use the https address")
    return None


def check_url(url: str, *, file: str | None = None, line: int | None = None, key: str | None = None) -> str:
    """Return the URL without a trailing slash, or raise InputError naming where it came from."""
    problem = url_problem(url)
    if problem:
        raise InputError(f"{url}: {problem}", file=file, line=line, key=key,
                         hint=_("give an https:// address (http:// only works for 127.0.0.1 or localhost)"))
    return url.rstrip("/")


def join(base: str, path: str) -> str:
    """`base` + `path` treating `base` as a folder, whether or not it ends with '/'."""
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
