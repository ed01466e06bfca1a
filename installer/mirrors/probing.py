"""Probing mirrors, concurrently and honestly.

Round one, every candidate at once (bounded): a few samples of a SMALL real resource on one
connection, the median kept as latency, and the first answer's content checked (status 200/206
only, the right kind of body, links that stay on the mirror, freshness). Redirects are followed by
hand so that each hop is checked (no plain http) and the final host recorded; mirrors landing on
the same host are merged. Round two, on the best few per kind only and at most two at a time (they
share the last mile): a Range request of a real file the installer would download, for MB/s.

The whole run has one deadline, so probing N mirrors costs about the slowest probe, not the sum.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import httpx
from packaging.version import Version

from installer.i18n import _
from installer.mirrors import dns, pages
from installer.mirrors.catalog import KINDS, Catalog, Mirror, load_catalog, shown_name
from installer.mirrors.reasons import ProbeFailed, explain, portal_reason, status_reason
from installer.mirrors.targets import ProbeContext, Target, target_for
from installer.mirrors.urls import url_problem
from installer.redaction import redact

if TYPE_CHECKING:
    from installer.mirrors.existing import CurrentConfig

MAX_REDIRECTS = 5
PAGE_LIMIT = 4 << 20  # an index page bigger than this is not a 'small resource'
MIN_SAMPLE = 64 << 10  # below this a transfer measures setup time, not bandwidth
SAMPLE_WINDOW = 2.5  # seconds one throughput sample may take (rate-mirrors measures 0.3-1 s of body)
STALE_AFTER = {"apt": timedelta(hours=24), "cuda": timedelta(days=3), "conda": timedelta(hours=48)}


@dataclass
class MirrorResult:
    id: str
    kind: str
    name: str
    url: str  # what a user would configure (index URL, channel, archive root, installer)
    region: str
    upstream: bool = False
    source: str = ""
    name_zh: str | None = None  # not in to_dict: `mirrors --json` keeps its contract, ids name mirrors there
    ok: bool = False
    reason: str | None = None
    latency_ms: float | None = None
    samples_ms: list[float] = field(default_factory=list)
    throughput_mbps: float | None = None  # megabytes (10^6 bytes) per second, as the table's MB/s
    final_url: str | None = None
    fresh: bool | None = None
    layout: str | None = None  # pytorch: pep503 | flat, as found (not as the catalog claims)
    newest: str | None = None  # the newest version / date it carries, for the freshness verdict
    warnings: list[str] = field(default_factory=list)
    merged_into: str | None = None
    current: bool = False  # configured on this machine already
    elapsed_s: float = 0.0  # time spent probing this mirror (latency samples + its throughput sample)
    sample_url: str | None = None
    file_size: int | None = None  # total size of the sampled file, as the mirror states it
    probe_url: str | None = None  # the small resource that answered (the layout found, for a torch index)
    _newest_key: Any = None
    _sample_magic: bytes = b""
    _order: int = 0

    @property
    def shown_name(self) -> str:
        """The name a person reads, in the language of the messages."""
        return shown_name(self.name, self.name_zh)

    @property
    def final_host(self) -> str | None:
        if not self.final_url:
            return None
        parts = urlsplit(self.final_url)  # host[:port], never the user:token@ part
        return (parts.hostname or "") + (f":{parts.port}" if parts.port else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "url": redact(self.url), "ok": self.ok,
            "latency_ms": _r(self.latency_ms, 1), "throughput_mbps": _r(self.throughput_mbps, 2),
            "final_url": redact(self.final_url), "fresh": self.fresh, "reason": self.reason,
            "name": self.name, "region": self.region, "upstream": self.upstream, "current": self.current,
            "final_host": self.final_host, "layout": self.layout, "newest": self.newest,
            "samples_ms": [round(s, 1) for s in self.samples_ms], "warnings": list(self.warnings),
            "merged_into": self.merged_into, "elapsed_s": round(self.elapsed_s, 3), "source": self.source,
            "sample_url": redact(self.sample_url), "sample_size": self.file_size,
        }


def _int(v: str | None) -> int | None:
    return int(v) if v and v.strip().isdigit() else None


def _r(v: float | None, nd: int) -> float | None:
    return None if v is None else round(v, nd)


@dataclass
class ProbeReport:
    results: list[MirrorResult]  # ranked, best first, within each kind; kinds in catalog order
    elapsed_s: float
    context: ProbeContext
    region: str | None = None
    timeout: float = 10.0

    def of_kind(self, kind: str) -> list[MirrorResult]:
        return [r for r in self.results if r.kind == kind]

    def best(self, kind: str, *, need_fresh: bool = False) -> MirrorResult | None:
        for r in self.of_kind(kind):
            if r.ok and not (need_fresh and r.fresh is not True):
                return r
        return None

    def slowest_live_probe_s(self) -> float:
        return max((r.elapsed_s for r in self.results if r.ok), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mirrors": [r.to_dict() for r in self.results],
            "region": self.region,
            "variant": self.context.variant,
            "torch": self.context.torch_version,
            "elapsed_s": round(self.elapsed_s, 3),
            "timeout_s": self.timeout,
        }


@dataclass
class _Fetched:
    status: int
    headers: httpx.Headers
    body: bytes
    final_url: str
    hops: list[str]
    seconds: float  # request sent -> last byte read (all hops)
    body_seconds: float  # headers of the final answer -> last byte read
    cut: bool = False  # the deadline stopped the read (a throughput sample measured over less)


class _Prober:
    def __init__(self, client: httpx.AsyncClient, catalog: Catalog, ctx: ProbeContext, *, deadline: float,
                 latency_deadline: float, samples: int, sample_bytes: int, budget: float,
                 connect_timeout: float) -> None:
        self.client = client
        self.catalog = catalog
        self.ctx = ctx
        self.deadline = deadline
        self.latency_deadline = latency_deadline
        self.samples = samples
        self.sample_bytes = sample_bytes
        self.budget = budget
        self.connect_timeout = connect_timeout

    @staticmethod
    def now() -> float:
        return asyncio.get_running_loop().time()

    async def fetch(self, url: str, *, range_bytes: int | None, limit: int, deadline: float,
                    accept: str = "*/*") -> _Fetched:
        """GET with redirects followed by hand: every hop must pass the URL rules."""
        start = self.now()
        hops: list[str] = []
        headers = {"Accept": accept}
        if range_bytes:
            # byte ranges only mean something on the stored bytes, not on a gzip stream made on the fly
            headers.update({"Range": f"bytes=0-{range_bytes - 1}", "Accept-Encoding": "identity"})
        for _hop in range(MAX_REDIRECTS + 1):
            problem = url_problem(url)
            if problem:
                if hops:
                    raise ProbeFailed(_("redirects to {url}, which is refused: {problem}", url=url, problem=problem))
                raise ProbeFailed(problem)
            remaining = deadline - self.now()
            if remaining <= 0:
                raise asyncio.TimeoutError
            request = self.client.build_request("GET", url, headers=headers)
            response = await asyncio.wait_for(self.client.send(request, stream=True), remaining)
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    hops.append(url)
                    continue
                t_headers = self.now()
                body = bytearray()
                cut = False
                try:
                    await asyncio.wait_for(self._read(response, body, limit, raw=bool(range_bytes)),
                                           max(deadline - self.now(), 0.001))
                except asyncio.TimeoutError:
                    # a throughput sample cut by the deadline still measured something, if it is big enough
                    if len(body) < MIN_SAMPLE or not range_bytes:
                        raise
                    cut = True
                end = self.now()
                return _Fetched(response.status_code, response.headers, bytes(body[:limit]), str(response.url),
                                hops, end - start, end - t_headers, cut)
            finally:
                await response.aclose()
        raise ProbeFailed(_("more than {n} redirects: the mirror sends clients in a loop", n=MAX_REDIRECTS))

    @staticmethod
    async def _read(response: httpx.Response, body: bytearray, limit: int, *, raw: bool) -> None:
        chunks = response.aiter_raw() if raw else response.aiter_bytes()
        async for chunk in chunks:
            body.extend(chunk)
            if len(body) >= limit:
                break

    # ---------------------------------------------------------------- round one: latency + content
    async def latency(self, mirror: Mirror, target: Target, result: MirrorResult) -> None:
        start = self.now()
        try:
            first = await self._first_sample(mirror, target, result)
            result.samples_ms.append(first.seconds * 1000)
            result.final_url = first.final_url
            for _i in range(self.samples - 1):
                if self.latency_deadline - self.now() <= 0:
                    break
                try:
                    again = await self.fetch(result.probe_url or target.url, range_bytes=target.range_bytes,
                                             limit=PAGE_LIMIT, deadline=self.latency_deadline)
                except (httpx.HTTPError, asyncio.TimeoutError, OSError, ProbeFailed) as exc:
                    result.warnings.append(_("a repeated sample failed: {why}",
                                             why=explain(exc, budget=self.budget, url=target.url)))
                    break
                result.samples_ms.append(again.seconds * 1000)
            result.latency_ms = statistics.median(result.samples_ms)
            result.ok = True
        except Exception as exc:  # noqa: BLE001 - any failure is a reason on this mirror, never a crash
            result.ok = False
            budget = max(self.latency_deadline - start, 0.0)
            result.reason = explain(exc, budget=budget, url=target.url, connect=self.connect_timeout)
        finally:
            result.elapsed_s += self.now() - start

    async def _first_sample(self, mirror: Mirror, target: Target, result: MirrorResult) -> _Fetched:
        if mirror.kind == "apt" and url_problem(target.url):
            raise ProbeFailed(_("offers plain http only, which the probe does not trust; apt checks signatures "
                                "itself, so it stays fine as the system default, but it cannot be measured here"))
        primary = await self._checked(mirror, target, target.url, target.check, result)
        if isinstance(primary, _Fetched):
            return primary
        if target.alt_url is None:
            raise ProbeFailed(primary)
        # a wheel index in the other layout (flat vs PEP 503) is still usable: say which it is
        alt_check = "torch-flat" if target.check == "torch-pep503" else "torch-pep503"
        try:
            alt = await self._checked(mirror, target, target.alt_url, alt_check, result)
        except Exception:  # noqa: BLE001 - the first layout's reason is the one to show
            raise ProbeFailed(primary) from None
        if isinstance(alt, str):
            raise ProbeFailed(primary)
        result.warnings.append(_("the catalog says {claimed}, but it serves a {found} index: use it as {how}",
                                 claimed=target.check.removeprefix("torch-"), found=result.layout,
                                 how="--index-url" if result.layout == "pep503" else "--find-links"))
        return alt

    async def _checked(self, mirror: Mirror, target: Target, url: str, check: str,
                       result: MirrorResult) -> _Fetched | str:
        """Fetch and check one resource; a string is a content failure worth trying the other layout for."""
        accept = "text/html, */*;q=0.1" if check in ("pypi-index", "torch-pep503", "torch-flat") else "*/*"
        got = await self.fetch(url, range_bytes=target.range_bytes, limit=PAGE_LIMIT, deadline=self.latency_deadline,
                               accept=accept)
        result.probe_url = url
        self._check_hosts(mirror, url, got)
        if got.status not in (200, 206):
            path = urlsplit(got.final_url).path
            if got.status == 404 and check == "pypi-index":
                # every PyPI index lists the probe's project (a torch dependency): its page missing means the
                # address typed is not an index (pypi.org/simpel), not that the mirror lacks one package
                raise ProbeFailed(_("answered 404 Not Found for {path}: not a package index at this address; "
                                    "check the path, which on a PyPI index usually ends in /simple", path=path))
            reason = status_reason(got.status, path)
            if got.status == 404:
                return reason
            raise ProbeFailed(reason)
        ctype = got.headers.get("content-type", "")
        if check in ("pypi-index", "torch-pep503", "torch-flat"):
            return self._check_index(mirror, got, check, ctype, result)
        if pages.looks_like_html(got.body, ctype):
            raise ProbeFailed(portal_reason(got.status))
        if check == "release":
            text = got.body.decode("latin-1")
            if not pages.looks_like_release(text):
                raise ProbeFailed(_("answered with something that is not an apt Release file: not an apt archive"))
            date = pages.release_date(text)
            result._newest_key = date
            result.newest = date.isoformat() if date else None
        elif check == "repodata":
            head = got.body.lstrip()[:65536]
            if not head.startswith(b"{") or not (b'"packages"' in head or b'"info"' in head):
                raise ProbeFailed(_("answered with something that is not conda repodata.json: not a conda channel"))
            modified = pages.http_date(got.headers.get("last-modified"))
            result._newest_key = modified
            result.newest = modified.isoformat() if modified else None
        elif check == "script":
            if not got.body.startswith(b"#!"):
                raise ProbeFailed(_("the file does not start like an installer script: the mirror serves "
                                    "something else under that name"))
            size = pages.content_range_total(got.headers.get("content-range"))
            result.newest = None if size is None else f"{size} bytes"
        result.sample_url = target.sample_url
        result._sample_magic = target.sample_magic
        return got

    def _check_hosts(self, mirror: Mirror, url: str, got: _Fetched) -> None:
        """A mirror whose request for `url` was redirected to the upstream serves nothing itself. Only a
        redirect counts: an answer from the upstream host that `url` is on (pypi.org/simple typed by hand, or
        a typo there answering 404) is the upstream's own answer, not a mirror sending clients back."""
        final = urlsplit(got.final_url)
        if (not self._lives_upstream(mirror) and not self._is_upstream(mirror.kind, urlsplit(url).netloc)
                and self._is_upstream(mirror.kind, final.netloc)):
            raise ProbeFailed(_("redirects back to upstream {host}: this mirror serves nothing itself here",
                                host=final.hostname))

    def _lives_upstream(self, mirror: Mirror) -> bool:
        """The upstream itself: the catalog's entry, or an address on an upstream host typed by hand (its
        files, on files.pythonhosted.org, are where upstream keeps them, not links 'back' to it)."""
        return mirror.upstream or self._is_upstream(mirror.kind, urlsplit(mirror.url).netloc)

    def _is_upstream(self, kind: str, netloc: str) -> bool:
        # an entry with a port (a loopback test server) matches only that port; a bare host any port
        netloc = netloc.lower()
        hosts = self.catalog.info(kind).upstream_hosts
        return netloc in hosts or netloc.rsplit(":", 1)[0] in hosts

    def _check_index(self, mirror: Mirror, got: _Fetched, check: str, ctype: str,
                     result: MirrorResult) -> _Fetched | str:
        page = pages.read_index(got.body.decode("utf-8", "replace"), got.final_url)
        project = "torch" if check != "pypi-index" else self.ctx.pypi_project
        if not page.files:
            if pages.looks_like_html(got.body, ctype) and page.link_count >= 0:
                return portal_reason(got.status) if check != "torch-flat" else _(
                    "its folder lists no wheels: not a flat (find-links) index")
            return _("answered {code} but the body is not a package index", code=got.status)
        files = page.of(project)
        if not files:
            if check == "pypi-index":
                raise ProbeFailed(_("its index does not list {project}: not a working PyPI mirror", project=project))
            return _("its index lists no torch wheels for {variant}", variant=self.ctx.variant)
        if not self._lives_upstream(mirror):
            away = sorted(h for h in page.hosts() if self._is_upstream(mirror.kind, h))
            if away:
                raise ProbeFailed(_("its file links point back to upstream {host}: downloads would come from "
                                    "there, not from this mirror", host=away[0]))
        if check == "pypi-index":
            newest = page.newest(project)
            result._newest_key = newest
            result.newest = str(newest) if newest else None
            sample = pages.sample_file(page, project, newest)
        else:
            result.layout = check.removeprefix("torch-")
            newest = pages.newest_torch(page, self.ctx.variant)
            result._newest_key = newest
            result.newest = str(newest) if newest else None
            wanted = self.ctx.torch_version
            if wanted is not None:
                result.fresh = pages.lists_torch(page, self.ctx.variant, wanted)
                if not result.fresh:
                    result.reason = _("does not list torch {version}+{variant} (newest here: {newest})",
                                      version=wanted, variant=self.ctx.variant, newest=result.newest or "none")
            sample = pages.sample_file(page, "torch", Version(wanted) if wanted and result.fresh else newest)
        result.sample_url = sample.url if sample else None
        result._sample_magic = b"PK\x03\x04" if sample and sample.filename.endswith(".whl") else b""
        return got

    # -------------------------------------------------------------------- round two: throughput
    async def throughput(self, mirror: Mirror, result: MirrorResult) -> None:
        if not result.sample_url:
            return
        start = self.now()
        try:
            if self.deadline - start <= 0.05:
                result.warnings.append(_("throughput not measured: the time budget ran out"))
                return
            # one slow sample must not eat the time the others need: each gets a window of its own
            window = min(self.deadline, start + SAMPLE_WINDOW)
            got = await self.fetch(result.sample_url, range_bytes=self.sample_bytes, limit=self.sample_bytes,
                                   deadline=window)
            name = urlsplit(result.sample_url).path.rsplit("/", 1)[-1]
            if got.status not in (200, 206):
                raise ProbeFailed(_("its index works but the file {name} does not download: {why}", name=name,
                                    why=status_reason(got.status, urlsplit(got.final_url).path)))
            if pages.looks_like_html(got.body, got.headers.get("content-type", "")) or (
                    result._sample_magic and not got.body.startswith(result._sample_magic)):
                raise ProbeFailed(_("its index works but {name} comes back as something else (an HTML page or "
                                    "a broken file): downloads would fail", name=name))
            promised = pages.content_range_length(got.headers.get("content-range"))
            if got.status == 206 and not got.cut and promised is not None and len(got.body) < promised:
                raise ProbeFailed(_("{name} broke off after {n} of {m} bytes: downloads from it would fail",
                                    name=name, n=len(got.body), m=promised))
            result.file_size = (pages.content_range_total(got.headers.get("content-range")) if got.status == 206
                                else _int(got.headers.get("content-length")))
            final = urlsplit(got.final_url)
            if not self._lives_upstream(mirror) and self._is_upstream(mirror.kind, final.netloc):
                result.warnings.append(_("{name} is redirected to upstream {host}: this mirror does not hold the "
                                         "file itself", name=name, host=final.hostname))
            if len(got.body) < MIN_SAMPLE and got.body_seconds <= 0:
                return
            result.throughput_mbps = len(got.body) / max(got.body_seconds, 1e-6) / 1e6
            if len(got.body) < self.sample_bytes and len(got.body) < MIN_SAMPLE:
                result.warnings.append(_("the sample file is small ({n} bytes): MB/s mostly measures setup time",
                                         n=len(got.body)))
        except ProbeFailed as exc:
            result.ok = False
            result.reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - a failed speed sample is a note, the index still works
            result.warnings.append(_("throughput not measured: {why}",
                                     why=explain(exc, budget=max(self.deadline - start, 0.0),
                                                 url=result.sample_url)))
        finally:
            result.elapsed_s += self.now() - start


def candidates(catalog: Catalog, *, kinds: Iterable[str] | None = None, region: str | None = None,
               ids: Iterable[str] | None = None) -> list[Mirror]:
    """The mirrors to probe: the upstream of every kind, and those of the region (all when region is None)."""
    wanted_kinds = set(kinds) if kinds else set(KINDS)
    wanted_ids = set(ids) if ids else None
    out = []
    for m in catalog.mirrors:
        if m.kind not in wanted_kinds:
            continue
        if wanted_ids is not None:
            if m.id in wanted_ids:
                out.append(m)
            continue
        if m.enabled and (m.upstream or region is None or m.region in (region, "global")):
            out.append(m)
    return out


def _result_for(m: Mirror, target: Target | None, order: int) -> MirrorResult:
    return MirrorResult(id=m.id, kind=m.kind, name=m.name, url=target.config_url if target else m.url,
                        region=m.region, upstream=m.upstream, source=m.source, name_zh=m.name_zh, layout=m.layout,
                        _order=order)


def _judge_freshness(results: list[MirrorResult], ctx: ProbeContext) -> None:
    """Fresh = carries what the newest live candidate carries (or the torch version asked for)."""
    for kind in KINDS:
        live = [r for r in results if r.kind == kind and r.ok and r._newest_key is not None]
        if kind == "pytorch" and ctx.torch_version is not None:
            continue  # judged against the wanted version while reading the page
        if kind in ("pypi", "pytorch"):
            if not live:
                continue
            ref = max(r._newest_key for r in live)
            for r in live:
                r.fresh = r._newest_key == ref
                if not r.fresh:
                    what = f"torch {ref}" if kind == "pytorch" else f"{ctx.pypi_project} {ref}"
                    r.reason = _("behind: does not list {what} yet (newest here: {newest})", what=what,
                                 newest=r.newest)
        elif kind in STALE_AFTER:
            if not live:
                continue
            ref_date: datetime = max(r._newest_key for r in live)
            for r in live:
                lag = ref_date - r._newest_key
                r.fresh = lag <= STALE_AFTER[kind]
                if not r.fresh:
                    r.reason = _("behind: its index is {hours:.0f} h older than the newest mirror's",
                                 hours=lag.total_seconds() / 3600)


def _merge_same_host(results: list[MirrorResult], by_id: dict[str, Mirror]) -> None:
    """Mirrors that land on the same server are one mirror: keep the one that lives there."""
    groups: dict[tuple[str, str, str, str], list[MirrorResult]] = {}
    for r in results:
        if r.ok and r.final_host:
            m = by_id[r.id]
            groups.setdefault((r.kind, r.final_host, m.distro or "", m.repo or ""), []).append(r)
    for (_kind, host, _d, _r), group in groups.items():
        if len(group) < 2:
            continue
        home = [r for r in group if urlsplit(r.url).netloc.lower() == host]
        keeper = (home or sorted(group, key=lambda r: (not r.upstream, r._order)))[0]
        for r in group:
            if r is not keeper:
                r.ok = False
                r.merged_into = keeper.id
                r.reason = _("lands on {host}, the same server as {other}: merged with it", host=host,
                             other=keeper.id)


def _compare_sizes(results: list[MirrorResult]) -> None:
    """The same file must have the same size everywhere: upstream's size is the reference."""
    def name(r: MirrorResult) -> str:
        return urlsplit(r.sample_url or "").path.rsplit("/", 1)[-1]

    for ref in (r for r in results if r.upstream and r.ok and r.file_size):
        for r in results:
            if (r.kind == ref.kind and r is not ref and r.ok and r.file_size and name(r) == name(ref)
                    and r.file_size != ref.file_size):
                r.ok = False
                r.reason = _("its copy of {name} is {n} bytes, upstream's is {m}: a broken or different file",
                             name=name(r), n=r.file_size, m=ref.file_size)


def _rank_key(r: MirrorResult) -> tuple[int, int, float, float, int]:
    if not r.ok:
        return (3, 0, 0.0, 0.0, r._order)
    stale = 1 if r.fresh is False else 0
    measured = 0 if r.throughput_mbps is not None else 1
    return (stale, measured, -(r.throughput_mbps or 0.0), r.latency_ms or float("inf"), r._order)


async def aprobe(mirrors: Sequence[Mirror], *, catalog: Catalog, context: ProbeContext, timeout: float = 10.0,
                 samples: int = 3, top_k: int = 3, sample_bytes: int = 1 << 20, concurrency: int = 24,
                 connect_timeout: float = 3.0, throughput_concurrency: int = 2,
                 client_factory: Callable[..., httpx.AsyncClient] | None = None,
                 extra: Sequence[tuple[Mirror, bool]] = (),
                 progress: Callable[[int, int, int], None] | None = None) -> ProbeReport:
    """Probe `mirrors` (and `extra` (mirror, is-current) pairs) within `timeout` seconds in all.
    `progress(done, answered, total)` is called as each mirror's first round ends (from the event loop)."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    deadline = t0 + timeout
    # round two needs time left: the latency round may use most of it, never all of it
    latency_deadline = t0 + timeout * 0.7
    entries = [(m, False) for m in mirrors] + list(extra)
    by_id = {m.id: m for m, _c in entries}
    plan: list[tuple[Mirror, Target, MirrorResult]] = []
    results: list[MirrorResult] = []
    for order, (m, current) in enumerate(entries):
        target = target_for(m, context)
        if target is None:
            continue
        result = _result_for(m, target, order)
        result.current = current
        results.append(result)
        plan.append((m, target, result))

    http_timeout = httpx.Timeout(connect=min(connect_timeout, timeout), read=timeout, write=timeout, pool=timeout)
    limits = httpx.Limits(max_connections=max(concurrency * 2, 4), max_keepalive_connections=max(concurrency, 2))
    from installer import __version__
    from installer.tls import ssl_context

    factory = client_factory or httpx.AsyncClient
    async with factory(timeout=http_timeout, limits=limits, follow_redirects=False, trust_env=True,
                       verify=ssl_context(),
                       headers={"User-Agent": f"torch-setup/{__version__} (mirror probe)"}) as client:
        dns.install(client)
        prober = _Prober(client, catalog, context, deadline=deadline, latency_deadline=latency_deadline,
                         samples=max(samples, 1), sample_bytes=sample_bytes, budget=timeout,
                         connect_timeout=min(connect_timeout, timeout))
        gate = asyncio.Semaphore(concurrency)

        done = [0, 0]

        async def one(m: Mirror, t: Target, r: MirrorResult) -> None:
            async with gate:
                await prober.latency(m, t, r)
            if progress is not None:
                done[0] += 1
                done[1] += 1 if r.ok else 0
                progress(done[0], done[1], len(plan))

        await asyncio.gather(*(one(m, t, r) for m, t, r in plan))
        _merge_same_host(results, by_id)
        _judge_freshness(results, context)

        speed_gate = asyncio.Semaphore(max(throughput_concurrency, 1))

        async def speed(r: MirrorResult) -> None:
            async with speed_gate:
                await prober.throughput(by_id[r.id], r)

        async def turn(queue: list[MirrorResult]) -> None:
            # one of a kind's top_k turns: mirrors in latency order until one is still good after its
            # sample; one the sample shows broken (a download cut short) hands the turn to the next, so
            # that a broken mirror answering quickly does not leave the kind with fewer figures
            while queue:
                r = queue.pop(0)
                await speed(r)
                if r.ok:
                    return

        turns = []
        for kind in KINDS:
            live = sorted((r for r in results if r.kind == kind and r.ok and r.fresh is not False),
                          key=lambda r: r.latency_ms or float("inf"))
            turns += [turn(live) for _ in range(min(top_k, len(live)))]
        await asyncio.gather(*turns)
        _compare_sizes(results)

    ranked: list[MirrorResult] = []
    for kind in KINDS:
        ranked.extend(sorted((r for r in results if r.kind == kind), key=_rank_key))
    return ProbeReport(results=ranked, elapsed_s=loop.time() - t0, context=context, timeout=timeout)


def probe(mirrors: Sequence[Mirror] | None = None, *, catalog: Catalog | None = None,
          kinds: Iterable[str] | None = None, region: str | None = None, context: ProbeContext | None = None,
          timeout: float = 10.0, include_current: bool = True, current: CurrentConfig | None = None,
          **options: Any) -> ProbeReport:
    """Probe the catalog's candidates for `region` (or the given mirrors) and rank them per kind.
    `include_current` adds the mirrors this machine is configured for (`current`, read here when not given:
    a caller probing kind by kind reads the configuration once and passes it).

    Runs its own event loop: call it from plain code or a worker thread (`aprobe` from async code).
    """
    catalog = catalog or load_catalog()
    context = context or ProbeContext.from_catalog(catalog)
    chosen = list(mirrors) if mirrors is not None else candidates(catalog, kinds=kinds, region=region)
    extra: list[tuple[Mirror, bool]] = []
    mine: set[str] = set()
    if include_current:
        if current is None:
            from installer.mirrors.existing import current_config

            current = current_config()
        mine = current.urls()
        known = {m.url for m in chosen}
        extra = [(m, True) for m in current.as_mirrors(kinds) if m.url not in known]
    report = asyncio.run(aprobe(chosen, catalog=catalog, context=context, timeout=timeout, extra=extra, **options))
    for r in report.results:
        if r.url.rstrip("/") in mine:
            r.current = True
    report.region = region
    return report
