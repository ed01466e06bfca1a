"""Name resolution for the probe: each host once, a few at a time.

Forty mirrors probed at once mean forty DNS queries at once, and many resolvers (home routers,
container DNS) silently drop a burst like that: glibc then waits its full 5 s retry, and a mirror
that would answer in 50 ms shows up as 'unreachable'. So names are resolved once per run, at most
a handful at a time, and the connection goes to the address found. TLS still checks the host name:
httpcore passes the original name for SNI and certificate checks.

Once per run and a handful at a time hold for the whole process, not per resolver: the wizard probes
each kind of mirror in a thread and event loop of its own, and the same hosts serve several kinds
(mirrors.aliyun.com four). Found in use: four resolvers sent 27 queries where one sends 20; this
machine's resolver answers about 20 in a burst and drops the rest, so mirrors whose names fail in 4 ms
showed as "no answer within 3.0 s", a different few each time. So a lookup is shared by every resolver
of the process for a probe's length (SHARED_S; a failure for less, so that probing again after a fix of
the network asks again), and LOOKUPS bounds the queries in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

LIMIT = 6
LOOKUPS = threading.BoundedSemaphore(LIMIT)  # the lookups under way in this process, every loop's together
SHARED_S = 30.0  # a lookup's answer serves the process's other probes for this long
FAILURE_S = 2.0  # a failed one, this long after it failed: the kinds of one probe start within it
_shared: dict[tuple[str, int], tuple[float, concurrent.futures.Future[list[Any]]]] = {}
_shared_lock = threading.Lock()


def _lookup(host: str, port: int) -> concurrent.futures.Future[list[Any]]:
    """getaddrinfo of `host` in a daemon thread of its own, or the one under way or just done for it.

    Not the loop's executor: asyncio.run() waits for that executor's threads at exit, so one lookup
    stuck on a dead DNS server (glibc retries for 10 s and more) would hold the whole command past
    its time budget. A daemon thread is simply left behind when the probe has given up on it.
    """
    key = (host, port)
    with _shared_lock:
        hit = _shared.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        future: concurrent.futures.Future[list[Any]] = concurrent.futures.Future()
        _shared[key] = (time.monotonic() + SHARED_S, future)

    def work() -> None:
        try:
            with LOOKUPS:
                result = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # noqa: BLE001 - handed to every waiter
            with _shared_lock:
                if _shared.get(key, (0.0, None))[1] is future:
                    _shared[key] = (time.monotonic() + FAILURE_S, future)
            future.set_exception(exc)
        else:
            future.set_result(result)

    threading.Thread(target=work, name=f"dns {host}", daemon=True).start()
    return future


async def _getaddrinfo(host: str, port: int) -> list[Any]:
    """The shared lookup of `host`, awaited in this loop (its cancellation leaves the lookup to the others)."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[Any]] = loop.create_future()

    def settle(done: concurrent.futures.Future[list[Any]]) -> None:
        def apply() -> None:
            if fut.done():
                return
            error = done.exception()
            if error is not None:
                fut.set_exception(error)
            else:
                fut.set_result(done.result() or [])

        try:
            loop.call_soon_threadsafe(apply)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    _lookup(host, port).add_done_callback(settle)
    return await fut


class GatedResolver(httpcore.AsyncNetworkBackend):
    def __init__(self, inner: httpcore.AsyncNetworkBackend, *, limit: int = 6) -> None:
        self._inner = inner
        self._gate = asyncio.Semaphore(limit)
        self._cache: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def resolve(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host]
        except ValueError:
            pass
        key = (host, port)
        if key not in self._cache:
            fut: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
            self._cache[key] = fut
            try:
                async with self._gate:
                    infos = await _getaddrinfo(host, port)
                addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
                fut.set_result(addresses)
            except BaseException as exc:  # noqa: BLE001 - every waiter on this host gets the same failure
                fut.set_exception(exc)
                fut.exception()  # mark retrieved: the waiters re-raise it themselves
        return await asyncio.shield(self._cache[key])

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await asyncio.wait_for(self.resolve(host, port), timeout)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"[Errno {exc.errno}] {exc.strerror} ({host})") from exc
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} took too long") from exc
        last: Exception | None = None
        for address in addresses[:3]:
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(client: httpx.AsyncClient, *, limit: int = 6) -> bool:
    """Put one shared GatedResolver under every connection pool of `client` (direct and proxied).

    It reaches into httpx's transports; when their insides differ (another httpx), it does nothing
    and the probe still works, only without protection against dropped DNS bursts.
    """
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001
    resolver: GatedResolver | None = None
    done = False
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        inner = getattr(pool, "_network_backend", None)
        if pool is None or inner is None:
            continue
        resolver = resolver or GatedResolver(inner, limit=limit)
        pool._network_backend = resolver  # noqa: SLF001
        done = True
    return done
