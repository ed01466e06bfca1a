"""Why a probe failed, in words a person can act on.

A failed probe is only useful if it says what to do: a DNS failure means 'no route from here'
(network, DNS or proxy), a refused connection means the mirror is down, a certificate error means
something intercepts HTTPS. The raw exception text is kept in brackets for the curious.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from typing import Any

import httpx

from installer.i18n import _
from installer.i18n.phrases import listed


class ProbeFailed(Exception):
    """A probe that ran and found the mirror unusable; the message is the reason shown to the user."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        yield cur
        cur = cur.__cause__ or cur.__context__


def explain(exc: BaseException, *, budget: float, url: str = "", connect: float | None = None) -> str:
    """The reason for a failed request, from the exception and everything that caused it."""
    if isinstance(exc, ProbeFailed):
        return str(exc)
    host = httpx.URL(url).host if url else ""
    chain = list(_chain(exc))
    if any(isinstance(e, socket.gaierror) for e in chain) or _dns_text(chain):
        return _("DNS lookup failed for {host}: no route to this mirror from here "
                 "(check the network, the DNS server or the proxy)", host=host)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return _("connection refused by {host}: nothing answers there; the mirror is down or has moved", host=host)
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in chain) or "CERTIFICATE_VERIFY_FAILED" in str(exc):
        # torch-setup trusts the system's store (installer.tls): a proxy whose root is installed there passes
        return _("TLS certificate check failed for {host}: something on the way intercepts HTTPS "
                 "(a captive portal or proxy) or the mirror's certificate is broken; a proxy of your "
                 "organisation needs its root certificate in the system's store (update-ca-certificates)",
                 host=host)
    if isinstance(exc, httpx.ProxyError):
        return _("the proxy refused the request ({detail}): check HTTPS_PROXY / ALL_PROXY", detail=str(exc))
    if isinstance(exc, httpx.ConnectTimeout):
        return _("no answer from {host} within {s:.1f} s when connecting: unreachable from here or "
                 "blocked by a firewall", host=host, s=connect if connect is not None else budget)
    if isinstance(exc, (httpx.TimeoutException, asyncio.TimeoutError, TimeoutError)):
        return _("too slow: no complete answer within {s:.1f} s", s=budget)
    if isinstance(exc, ssl.SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        return _("TLS handshake with {host} failed ({detail}): the connection is being tampered with or the "
                 "mirror's HTTPS is broken", host=host, detail=str(exc))
    if isinstance(exc, httpx.RemoteProtocolError):
        return _("{host} broke the connection mid-answer ({detail}); try again later", host=host, detail=str(exc))
    if isinstance(exc, httpx.ConnectError):
        return _("could not connect to {host} ({detail})", host=host, detail=str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.HTTPError):
        return _("the request to {host} failed ({detail})", host=host, detail=str(exc) or type(exc).__name__)
    return _("the probe failed unexpectedly ({detail})", detail=f"{type(exc).__name__}: {exc}")


def _dns_text(chain: list[BaseException]) -> bool:
    markers = ("Name or service not known", "Temporary failure in name resolution", "nodename nor servname",
               "No address associated with hostname", "getaddrinfo failed")
    return any(m in str(e) for e in chain for m in markers)


def status_reason(status: int, path: str) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    if status == 404:
        return _("answered 404 Not Found for {path}: this mirror does not carry it", path=path)
    if status in (401, 403):
        return _("answered {code} {phrase} for {path}: the mirror refuses this client "
                 "(some serve only their campus or cloud network)", code=status, phrase=phrase, path=path)
    if status >= 500:
        return _("server error {code} {phrase}: the mirror is having trouble right now; try later or pick another",
                 code=status, phrase=phrase)
    return _("answered {code} {phrase} instead of 200 for {path}: not usable as it is",
             code=status, phrase=phrase, path=path)


def portal_reason(status: int) -> str:
    return _("answered {code} with an HTML page, not a package index: a portal or login page stands "
             "where the files should be", code=status)


_HOST = "\x00"  # stands for the host while reasons are compared


def grouped_failures(failures: Iterable[tuple[str, str, str | None]]) -> list[tuple[str, str]]:
    """(mirror ids, reason) for each way mirrors failed, from (id, url, reason) triples: those that failed
    the same way (the same reason but for their host) are told together, their hosts named once."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for mirror, url, reason in failures:
        reason = reason or _("answered, but was not picked")
        host = httpx.URL(url).host if "://" in (url or "") else ""
        same_way = reason.replace(host, _HOST) if host else reason
        groups.setdefault(same_way, []).append((mirror, host))
    told = []
    for same_way, members in groups.items():
        # the language's enumeration comma: a Chinese reason read "pytorch, nju-pytorch, sjtu-pytorch：…"
        ids = listed(mirror for mirror, _host in members)
        hosts = listed(dict.fromkeys(host for _mirror, host in members))
        told.append((ids, same_way.replace(_HOST, hosts)))
    return told


def failures_in_brief(results: Iterable[Any]) -> str:
    """Why each of these mirrors was not picked, in one line. Mirrors that failed the same way are told
    together: a machine that reaches no mirror at all had its note on the wizard's Review screen repeat
    "DNS lookup failed for HOST: no route to this mirror from here (check the network…)" for each of a
    dozen hosts."""
    told = grouped_failures((r.id, r.url, r.reason) for r in results)
    return _("; ").join(f"{ids}{_(': ')}{reason}" for ids, reason in told) or _("no candidates")
