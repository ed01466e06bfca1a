"""Downloads done by the executor itself: resumable, sha256-checked, falling back along the mirror list.

Runfiles and installers are hundreds of MB to several GB, fetched over links that break (the people
this serves are often behind slow or filtered links). So:
- bytes go to `<dest>.part`, flushed as they come, so a run killed at any moment keeps what it got;
- the next attempt (the same URL after a broken stream, the next mirror, or a later run) asks for
  the rest with an HTTP Range request and appends;
- the file only appears under its real name after its sha256 (and size) matched: nothing can use a
  tampered or truncated file, because until then it does not exist;
- a mirror that fails (refused, 404, broken stream, wrong checksum) hands over to the next URL.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from installer.errors import Interrupted, TorchSetupError
from installer.i18n import _
from installer.plan.model import Download

# done bytes, total bytes (None when the server does not say), rate in bytes per second
ProgressCallback = Callable[[int, "int | None", "float | None"], None]

CHUNK = 256 * 1024
PROGRESS_EVERY_S = 0.2
ATTEMPTS_PER_URL = 3  # a stream broken half-way is resumed from the same URL before moving on
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
USER_AGENT = "torch-setup (+https://pypi.org/project/torch-setup/)"


class _MirrorFailed(Exception):
    """This URL cannot give us the file; the next one may."""

    def __init__(self, reason: str, *, retry_same: bool = False, unresolved: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_same = retry_same
        self.unresolved = unresolved  # the host name did not resolve: the network's or DNS's doing


# what getaddrinfo says when a name does not resolve (glibc; glibc without network; macOS; Windows)
_NOT_RESOLVED = re.compile(r"Name or service not known|Temporary failure in name resolution|No address associated "
                           r"with hostname|nodename nor servname|getaddrinfo failed", re.IGNORECASE)


def _connect_failed(url: str, exc: httpx.ConnectError) -> _MirrorFailed:
    """A connection that was never made, in words: a name that does not resolve is not a server's fault."""
    if _NOT_RESOLVED.search(str(exc)):
        return _MirrorFailed(_("the host name {host} does not resolve here ({error})",
                               host=urlparse(url).hostname or url, error=exc), unresolved=True)
    return _MirrorFailed(f"ConnectError: {exc}")  # refused or no route: try the next mirror now


def default_download_dir() -> Path:
    from installer.paths import cache_dir

    return cache_dir() / "downloads"


def destination(download: Download, dest_dir: str | Path | None = None) -> Path:
    """Where the file lands: `dest` as given when absolute, else under dest_dir (default: the cache)."""
    dest = Path(os.path.expanduser(download.dest))
    if dest.is_absolute():
        return dest
    return Path(dest_dir) / dest if dest_dir is not None else default_download_dir() / dest


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def sha256_of(path: Path, *, cancel: threading.Event | None = None) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1024 * 1024):
            if cancel is not None and cancel.is_set():
                raise Interrupted(_("interrupted"))
            h.update(block)
    return h.hexdigest()


def _matches(path: Path, download: Download, cancel: threading.Event | None) -> str | None:
    """None when the file is the one asked for, else why not."""
    size = path.stat().st_size
    if download.size is not None and size != download.size:
        return _("size is {got} bytes, expected {want}", got=size, want=download.size)
    if download.sha256:
        got = sha256_of(path, cancel=cancel)
        if got.lower() != download.sha256.lower():
            return _("sha256 mismatch: got {got}, expected {want}", got=got, want=download.sha256.lower())
    return None


class _Meter:
    """Throttled progress reports: bytes so far, total, and the rate of this session's transfer."""

    def __init__(self, on_progress: ProgressCallback | None, start: int, total: int | None) -> None:
        self.on_progress = on_progress
        self.done = start
        self.total = total
        self.session_start = start
        self.t0 = time.monotonic()
        self.last = 0.0

    def add(self, n: int, *, force: bool = False) -> None:
        self.done += n
        if self.on_progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY_S:
            self.last = now
            elapsed = now - self.t0
            rate = (self.done - self.session_start) / elapsed if elapsed > 0 else None
            self.on_progress(self.done, self.total, rate)


def _total_from(response: httpx.Response, offset: int) -> int | None:
    if response.status_code == 206:
        content_range = response.headers.get("content-range", "")  # "bytes 100-999/1000"
        total = content_range.rpartition("/")[2]
        return int(total) if total.isdigit() else None
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


def _fetch_http(client: httpx.Client, url: str, part: Path, download: Download,
                on_progress: ProgressCallback | None, cancel: threading.Event | None) -> None:
    offset = part.stat().st_size if part.exists() else 0
    if download.size is not None and offset > download.size:
        part.unlink()  # longer than the real file: it can only be garbage
        offset = 0
    if download.size is not None and offset == download.size:
        return  # a previous run got every byte; the checksum decides
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416 and offset:
                # the server says our offset is past its end: the .part is complete or garbage,
                # and the checksum tells which
                return
            if response.status_code >= 400:
                # with its phrase: "HTTP 503 Service Unavailable" says whose trouble it is, a bare 503 does not
                raise _MirrorFailed(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            if offset and response.status_code == 200:
                offset = 0  # the server ignored Range and sends the whole file: start over
            elif offset and not response.headers.get("content-range", "").startswith(f"bytes {offset}-"):
                raise _MirrorFailed(_("the server answered a different byte range"))
            total = _total_from(response, offset)
            if download.size is not None and total is not None and total != download.size:
                raise _MirrorFailed(_("the server offers {got} bytes, expected {want}",
                                      got=total, want=download.size))
            meter = _Meter(on_progress, offset, total or download.size)
            meter.add(0, force=True)
            # unbuffered appends: every chunk is in the file when write() returns, so a kill keeps it
            with part.open("ab" if offset else "wb", buffering=0) as f:
                for chunk in response.iter_bytes(CHUNK):
                    if cancel is not None and cancel.is_set():
                        raise Interrupted(_("download interrupted; it resumes where it stopped next time"))
                    f.write(chunk)
                    meter.add(len(chunk))
                os.fsync(f.fileno())
            meter.add(0, force=True)
            if total is not None and meter.done < total:
                raise _MirrorFailed(_("the connection closed early"), retry_same=True)
    except httpx.ConnectError as exc:
        raise _connect_failed(url, exc) from None
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        # a broken stream: what arrived is kept, the same URL resumes from there
        raise _MirrorFailed(f"{type(exc).__name__}: {exc}".rstrip(": "), retry_same=True) from None
    except httpx.HTTPError as exc:
        raise _MirrorFailed(f"{type(exc).__name__}: {exc}") from None


def _fetch_file(url: str, part: Path, cancel: threading.Event | None,
                on_progress: ProgressCallback | None) -> None:
    """A file:// URL (a wheelhouse or runfile on a USB stick): copied, then checked like any download."""
    source = Path(unquote(urlparse(url).path))
    if not source.is_file():
        raise _MirrorFailed(_("no such file: {path}", path=source))
    total = source.stat().st_size
    meter = _Meter(on_progress, 0, total)
    with source.open("rb") as src, part.open("wb") as dst:
        while block := src.read(CHUNK):
            if cancel is not None and cancel.is_set():
                raise Interrupted(_("interrupted"))
            dst.write(block)
            meter.add(len(block))
        dst.flush()
        os.fsync(dst.fileno())
    meter.add(0, force=True)


def fetch(download: Download, *, dest_dir: str | Path | None = None,
          on_progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
          client: httpx.Client | None = None) -> Path:
    """Fetch `download` and return the path of the verified file.

    An existing file that already matches is returned without touching the network. Raises
    TorchSetupError when no URL gave a file that matches (each URL's reason in the message), and
    Interrupted when `cancel` is set (the .part stays, so the next call resumes).
    """
    if not download.urls:
        raise TorchSetupError(_("nothing to download: the step lists no URL for {dest}", dest=download.dest))
    dest = destination(download, dest_dir)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)

    if dest.exists():
        if _matches(dest, download, cancel) is None:
            return dest
        dest.unlink()  # a stale or damaged copy: never handed out

    own_client = client is None
    if client is None:
        from installer.tls import ssl_context

        client = httpx.Client(timeout=TIMEOUT, follow_redirects=True, verify=ssl_context(),
                              headers={"User-Agent": USER_AGENT})
    failures: list[str] = []
    mismatched = False  # some URL gave a file that was not the one expected
    unresolved: list[str] = []  # the hosts whose names did not resolve
    try:
        for url in download.urls:
            scheme = urlparse(url).scheme
            for attempt in range(1, ATTEMPTS_PER_URL + 1):
                resumed = part.exists() and part.stat().st_size > 0
                try:
                    if scheme == "file":
                        _fetch_file(url, part, cancel, on_progress)
                    elif scheme in ("http", "https"):
                        _fetch_http(client, url, part, download, on_progress, cancel)
                    else:
                        raise _MirrorFailed(_("unsupported URL scheme {scheme!r}", scheme=scheme))
                except _MirrorFailed as exc:
                    if exc.retry_same and attempt < ATTEMPTS_PER_URL:
                        time.sleep(min(2.0, 0.25 * attempt))
                        continue
                    failures.append(f"{url}: {exc.reason}")
                    if exc.unresolved:
                        unresolved.append(urlparse(url).hostname or url)
                    break
                problem = _matches(part, download, cancel)
                if problem is None:
                    os.replace(part, dest)
                    return dest
                # a wrong file must never be run, and its bytes must not seed the next attempt
                part.unlink(missing_ok=True)
                if resumed and attempt < ATTEMPTS_PER_URL:
                    continue  # the bad bytes may be an old .part's: one clean try from this URL
                failures.append(f"{url}: {problem}")
                mismatched = True
                break
    finally:
        if own_client:
            client.close()
    # tampering is a thought only where a file came and did not match: a host that does not resolve is
    # the network's doing (found in use: a DNS failure was explained as possible tampering)
    if mismatched:
        hint = _("check the network or the mirror; a file that failed its checksum may have been tampered with: "
                 "it was deleted and nothing ran")
    elif unresolved and len(unresolved) == len(failures):
        # each URL's line names its host already
        hint = _("check the network and the DNS server (`getent hosts {host}` prints its address once the name "
                 "resolves) or the proxy, then run again; nothing ran", host=unresolved[0])
    else:
        hint = _("check the network, the DNS server or the proxy, or choose a mirror you can reach, then run "
                 "again: what was downloaded is kept, and the download goes on from there; nothing ran")
    raise TorchSetupError(_("could not download {name}:", name=dest.name) + "\n  " + "\n  ".join(failures),
                          hint=hint)

