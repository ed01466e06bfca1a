"""Name resolution in the probe: each host once, a few at a time, failures shared."""

from __future__ import annotations

import asyncio
import socket

import httpcore
import pytest

from installer.mirrors import dns
from installer.mirrors.dns import GatedResolver


class _Counting:
    def __init__(self, delay=0.05, fail=()):
        self.calls: list[str] = []
        self.active = 0
        self.peak = 0
        self.delay = delay
        self.fail = set(fail)
        self.real = dns._getaddrinfo

    async def __call__(self, host, port):
        self.calls.append(host)
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await asyncio.sleep(self.delay)
            if host in self.fail:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return await self.real("127.0.0.1", port)
        finally:
            self.active -= 1


async def test_each_host_once_and_bounded(monkeypatch):
    counting = _Counting(fail={"h3.invalid"})
    monkeypatch.setattr(dns, "_getaddrinfo", counting)
    resolver = GatedResolver(httpcore.AsyncNetworkBackend(), limit=3)
    hosts = [f"h{i}.invalid" for i in range(10)] * 4
    results = await asyncio.gather(*(resolver.resolve(h, 443) for h in hosts), return_exceptions=True)
    assert sorted(counting.calls) == sorted(f"h{i}.invalid" for i in range(10))  # once per host
    assert counting.peak <= 3
    failures = [h for h, r in zip(hosts, results, strict=True) if isinstance(r, Exception)]
    assert failures == ["h3.invalid"] * 4
    assert all(r == ["127.0.0.1"] for r in results if not isinstance(r, Exception))


async def test_ip_literals_skip_dns(monkeypatch):
    counting = _Counting()
    monkeypatch.setattr(dns, "_getaddrinfo", counting)
    resolver = GatedResolver(httpcore.AsyncNetworkBackend())
    assert await resolver.resolve("127.0.0.1", 80) == ["127.0.0.1"]
    assert await resolver.resolve("[::1]", 80) == ["[::1]"]
    assert counting.calls == []


async def test_dns_failure_becomes_a_connect_error(monkeypatch):
    monkeypatch.setattr(dns, "_getaddrinfo", _Counting(fail={"gone.invalid"}))
    resolver = GatedResolver(httpcore.AsyncNetworkBackend())
    with pytest.raises(httpcore.ConnectError) as exc:
        await resolver.connect_tcp("gone.invalid", 443, timeout=1)
    assert isinstance(exc.value.__cause__, socket.gaierror)


def test_a_stuck_lookup_does_not_hold_the_process(tmp_path):
    """A DNS server that never answers: the command still ends at its budget, not when glibc gives up."""
    import subprocess
    import sys
    import time

    script = tmp_path / "stuck.py"
    script.write_text(
        "import socket, time\n"
        "def stuck(*a, **k):\n"
        "    time.sleep(30)\n"
        "socket.getaddrinfo = stuck\n"
        "from installer.mirrors import load_catalog, probe\n"
        "c = load_catalog()\n"
        "r = probe(c.of_kind('pytorch'), catalog=c, timeout=1.0, include_current=False)\n"
        "print([x.reason for x in r.results][0])\n")
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    took = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    assert took < 4, took
    assert "within" in proc.stdout


def test_lookups_are_bounded_across_the_probes_of_a_process(monkeypatch):
    """The wizard probes each kind in a thread and event loop of its own: the bound holds for all of them
    together (found in use: 4 x 6 lookups at once, some dropped by the resolver, 'no answer within 3 s')."""
    import threading
    import time

    active, peak, lock = [0], [0], threading.Lock()

    def slow_failing(host, port, **_kw):  # a lookup that takes a while, then finds no such name
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", slow_failing)

    def one_kind(kind: int) -> None:
        async def resolve_all() -> None:
            resolver = GatedResolver(httpcore.AsyncNetworkBackend())  # each with its own per-loop gate of 6
            await asyncio.gather(*(resolver.resolve(f"k{kind}-h{i}.invalid", 443) for i in range(8)),
                                 return_exceptions=True)
        asyncio.run(resolve_all())

    threads = [threading.Thread(target=one_kind, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert peak[0] <= dns.LIMIT, peak[0]
    assert peak[0] >= 2  # they did run side by side


def test_a_host_is_looked_up_once_for_the_probes_of_every_loop(monkeypatch):
    """Four kinds probed at once, in four loops, asking for the same hosts: one query a host (found in use:
    27 queries where 20 were needed, and the resolver dropped those over its burst)."""
    import threading
    import time

    asked: list[str] = []

    def counting(host, port, **_kw):
        asked.append(host)
        time.sleep(0.05)
        if host.startswith("gone"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    hosts = ["shared-a.test", "shared-b.test", "gone-c.test"]
    answers: list[object] = []

    def one_kind() -> None:
        async def resolve_all() -> list[object]:
            resolver = GatedResolver(httpcore.AsyncNetworkBackend())
            return await asyncio.gather(*(resolver.resolve(h, 443) for h in hosts), return_exceptions=True)
        answers.append(asyncio.run(resolve_all()))

    threads = [threading.Thread(target=one_kind) for _k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(asked) == sorted(hosts), asked  # once each, for the four loops together
    for got in answers:
        assert got[:2] == [["127.0.0.1"], ["127.0.0.1"]] and isinstance(got[2], socket.gaierror)
    time.sleep(dns.FAILURE_S + 0.1)
    asyncio.run(GatedResolver(httpcore.AsyncNetworkBackend()).resolve("shared-a.test", 443))
    try:
        asyncio.run(GatedResolver(httpcore.AsyncNetworkBackend()).resolve("gone-c.test", 443))
    except socket.gaierror:
        pass
    assert asked.count("gone-c.test") == 2, "a failure is asked again on the next probe"
    assert asked.count("shared-a.test") == 1, "an answer serves the probe's length"
