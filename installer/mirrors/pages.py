"""Reading what a mirror answered: index pages (PEP 503 or flat), apt Release files, file headers.

Pure functions over bytes, so every content check can be tested without a server.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

DIST_SUFFIXES = (".whl", ".tar.gz", ".zip", ".tar.bz2")


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, base_url: str) -> list[str]:
    """Every <a href> on the page, made absolute against the URL the page was served from."""
    parser = _Anchors()
    try:
        parser.feed(html)
    except Exception:  # noqa: BLE001 - a broken page simply has the links read so far
        pass
    return [urljoin(base_url, h) for h in parser.hrefs]


@dataclass(frozen=True)
class DistFile:
    filename: str
    url: str  # absolute, fragment (#sha256=...) removed
    project: str
    version: Version


def dist_file(url: str) -> DistFile | None:
    path = urlsplit(url).path
    name = unquote(path.rsplit("/", 1)[-1])
    if not name.endswith(DIST_SUFFIXES):
        return None
    try:
        if name.endswith(".whl"):
            project, version, _build, _tags = parse_wheel_filename(name)
        else:
            project, version = parse_sdist_filename(name)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return DistFile(name, url.split("#", 1)[0], str(project), version)


@dataclass
class IndexPage:
    """What an index page lists: distribution files, and the hosts its file links point at."""

    files: list[DistFile] = field(default_factory=list)
    link_count: int = 0

    def of(self, project: str) -> list[DistFile]:
        want = project.lower().replace("_", "-")
        return [f for f in self.files if f.project == want]

    def hosts(self) -> set[str]:
        return {urlsplit(f.url).netloc.lower() for f in self.files}

    def newest(self, project: str) -> Version | None:
        versions = [f.version for f in self.of(project) if not f.version.is_prerelease]
        return max(versions) if versions else None


def read_index(html: str, base_url: str) -> IndexPage:
    hrefs = links(html, base_url)
    files = [d for d in (dist_file(h) for h in hrefs) if d is not None]
    return IndexPage(files=files, link_count=len(hrefs))


def lists_torch(page: IndexPage, variant: str, version: str | None) -> bool:
    """Does the page carry torch `version` built for `variant` (`2.13.0+cu126`)?

    A wheel without a local label also counts on a per-variant index: upstream published some
    default builds that way (e.g. aarch64), and the folder itself says which variant they are.
    """
    for f in page.of("torch"):
        local = f.version.local
        if local not in (None, variant):
            continue
        if version is None or f.version.public == Version(version).public:
            return True
    return False


def newest_torch(page: IndexPage, variant: str) -> Version | None:
    versions = [f.version for f in page.of("torch")
                if f.version.local in (None, variant) and not f.version.is_prerelease and not f.version.is_devrelease]
    return max(versions, key=lambda v: Version(v.public)) if versions else None


def sample_file(page: IndexPage, project: str, version: Version | None = None) -> DistFile | None:
    """The file whose first MiB the throughput probe fetches: a wheel of the wanted (or newest) version.

    Linux x86_64 wheels first: that is what most users here download, and they are the big ones.
    """
    candidates = page.of(project)
    same = [f for f in candidates if version is not None and f.version.public == Version(str(version)).public]
    finals = [f for f in candidates if not (f.version.is_prerelease or f.version.is_devrelease)]
    candidates = same or finals or candidates
    wheels = [f for f in candidates if f.filename.endswith(".whl")] or candidates
    if not wheels:
        return None
    newest = max(f.version for f in wheels)
    best = [f for f in wheels if f.version == newest]
    best.sort(key=lambda f: ("x86_64" not in f.filename, "any" not in f.filename))
    return best[0]


def looks_like_html(body: bytes, content_type: str) -> bool:
    head = body[:512].lstrip().lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html"))


def release_date(text: str) -> datetime | None:
    """The `Date:` field of an apt Release / InRelease file."""
    for line in text.splitlines()[:60]:
        if line.startswith("Date:"):
            return http_date(line[5:].strip())
    return None


def looks_like_release(text: str) -> bool:
    head = text[:4096]
    return ("Origin:" in head or "Suite:" in head or "Codename:" in head) and "Date:" in head


def http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def content_range_total(value: str | None) -> int | None:
    """`bytes 0-1048575/2583212345` -> 2583212345."""
    if not value or "/" not in value:
        return None
    total = value.rsplit("/", 1)[1].strip()
    return int(total) if total.isdigit() else None


def content_range_length(value: str | None) -> int | None:
    """`bytes 0-1048575/2583212345` -> 1048576, the number of bytes the answer says it carries."""
    if not value or not value.startswith("bytes ") or "-" not in value:
        return None
    span = value[6:].split("/", 1)[0]
    first, _, last = span.partition("-")
    return int(last) - int(first) + 1 if first.isdigit() and last.isdigit() else None
