"""Name resolution for the probe: each host once, a few at a time.

Forty mirrors probed at once mean forty DNS queries at once, and many resolvers (home routers,
container DNS) silently drop a burst like that: glibc then waits its full 5 s retry, and a mirror
that would answer in 50 ms shows up as 'unreachable'. So names are resolved once per run, at most
a handful at a time, and the connection goes to the address found. TLS still checks the host name:
httpcore passes the original name for SNI and certificate checks.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


async def _getaddrinfo(host: str, port: int) -> list[Any]:
    """getaddrinfo in a daemon thread of its own.

    Not the loop's executor: asyncio.run() waits for that executor's threads at exit, so one lookup
    stuck on a dead DNS server (glibc retries for 10 s and more) would hold the whole command past
    its time budget. A daemon thread is simply left behind when the probe has given up on it.
    """
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[list[Any]] = loop.create_future()

    def settle(result: list[Any] | None, error: BaseException | None) -> None:
        if fut.done():
            return
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(result or [])

    def work() -> None:
        try:
            result: list[Any] | None = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            error: BaseException | None = None
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=work, name=f"dns {host}", daemon=True).start()
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
