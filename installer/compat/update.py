"""`matrix update`: refresh the compatibility data from the published indexes, as a reviewable diff.

Two sources, both read-only:
- PyPI's JSON API (`<pypi>/<package>/json`) for torch, torchvision and torchaudio: the released versions,
  their upload dates and the CPython versions and platforms their wheels are built for;
- a PyTorch-style PEP 503 wheel index (`<index>/torch/`): which variants (the local tag, `+cu126`) each
  release was built as, per platform.

The merge keeps every hand-curated field (sources, pairings, kernels) and rewrites only what the indexes
state. A release that is new gets placeholder pairings copied from its predecessor and marked unverified,
so the diff shows a reviewer exactly what to check.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from installer.compat.yamlout import dump_data
from installer.i18n import _

PYPI_URL = "https://pypi.org/pypi"
INDEX_URL = "https://download.pytorch.org/whl"
OLDEST = {"torch": Version("1.13"), "torchvision": Version("0.14"), "torchaudio": Version("0.13")}
RELEASES_HEADER = """PyTorch releases: Python range and wheel variants per platform, the matching torchvision / torchaudio.
Each row names its sources; `unverified:` lists the fields no primary source confirmed.
Written by `torch-setup matrix update --write` (which keeps the hand-curated fields); review its diff."""


class UpdateError(Exception):
    """An index could not be read or made no sense; the message says which and why."""


def platform_of(tag_platform: str) -> str | None:
    p = tag_platform
    if "linux" in p and p.endswith("x86_64"):
        return "linux_x86_64"
    if "linux" in p and p.endswith("aarch64"):
        return "linux_aarch64"
    if p == "win_amd64":
        return "win_amd64"
    if p.startswith("macosx") and p.endswith("arm64"):
        return "macos_arm64"
    if p.startswith("macosx") and (p.endswith("x86_64") or p.endswith("intel") or p.endswith("universal2")):
        return "macos_x86_64"
    return None


def _py_range(minors: set[tuple[int, int]], open_from: tuple[int, int] | None) -> str:
    if open_from is not None:
        return f"{open_from[0]}.{open_from[1]}-"
    lo, hi = min(minors), max(minors)
    return f"{lo[0]}.{lo[1]}-{hi[0]}.{hi[1]}"


def _min_python(requires: str | None) -> tuple[int, int]:
    try:
        spec = SpecifierSet(requires or "")
    except InvalidSpecifier:
        return (3, 8)
    for minor in range(6, 30):
        if spec.contains(f"3.{minor}.99", prereleases=True) or spec.contains(f"3.{minor}.0", prereleases=True):
            return (3, minor)
    return (3, 8)


@dataclass
class PackageFacts:
    date: str
    python: dict[str, str]
    macos_min: str | None = None


def facts_from_pypi(doc: dict[str, Any], package: str) -> dict[str, PackageFacts]:
    """Per released version: first upload date, Python range per platform, oldest macOS (arm64) tag."""
    out: dict[str, PackageFacts] = {}
    releases = doc.get("releases")
    if not isinstance(releases, dict):
        raise UpdateError(_("the PyPI answer for {package} has no 'releases' map", package=package))
    for version, files in releases.items():
        try:
            v = Version(version)
        except InvalidVersion:
            continue
        if v.is_prerelease or v.is_devrelease or v < OLDEST.get(package, Version("0")):
            continue
        files = [f for f in files or [] if not f.get("yanked")]
        wheels = [f for f in files if str(f.get("filename", "")).endswith(".whl")]
        if not wheels:
            continue
        minors: dict[str, set[tuple[int, int]]] = defaultdict(set)
        generic: dict[str, tuple[int, int]] = {}
        mac: list[Version] = []
        for f in wheels:
            try:
                _name, _ver, _build, tags = parse_wheel_filename(f["filename"])
            except InvalidWheelFilename:
                continue
            for t in tags:
                plat = platform_of(t.platform)
                if plat is None:
                    continue
                m = re.fullmatch(r"cp(\d)(\d+)", t.interpreter)
                if m and not t.abi.endswith("t"):  # free-threaded builds are not what `python3` runs
                    minors[plat].add((int(m.group(1)), int(m.group(2))))
                elif t.interpreter.startswith("py3"):
                    generic[plat] = _min_python(f.get("requires_python"))
                if plat == "macos_arm64":
                    parts = t.platform.split("_")
                    mac.append(Version(f"{parts[1]}.{parts[2]}"))
        python = {}
        for plat in sorted(set(minors) | set(generic)):
            python[plat] = _py_range(minors.get(plat, set()), generic.get(plat) if plat not in minors else None)
        date = min(str(f.get("upload_time", ""))[:10] for f in files)
        out[version] = PackageFacts(date=date, python=python, macos_min=str(min(mac)) if mac else None)
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.hrefs.append((self._href, "".join(self._text).strip()))
            self._href = None


_VARIANT_ORDER = re.compile(r"^(cpu|mps|cu\d+|rocm[\d.]+|xpu)$")


def variant_sort_key(v: str) -> tuple:
    if v in ("cpu", "mps"):
        return (0, ())
    if v.startswith("cu"):
        return (1, (int(v[2:]),))
    if v.startswith("rocm"):
        return (2, tuple(int(x) for x in re.findall(r"\d+", v)))
    return (3, (v,))


def variants_from_index(html: str, base_url: str = "") -> dict[str, dict[str, list[str]]]:
    """{torch version: {platform: [variants]}} from a PEP 503 page listing torch wheels."""
    parser = _Links()
    parser.feed(html)
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for href, text in parser.hrefs:
        name = text or unquote(urljoin(base_url, href).rsplit("/", 1)[-1].split("#", 1)[0])
        name = unquote(name)
        if not name.endswith(".whl"):
            continue
        try:
            _n, version, _b, tags = parse_wheel_filename(name)
        except InvalidWheelFilename:
            continue
        if version.is_prerelease or version.is_devrelease or version < OLDEST["torch"]:
            continue
        public = version.public
        for t in tags:
            plat = platform_of(t.platform)
            if plat is None:
                continue
            local = version.local
            if local is None:
                local = "mps" if plat == "macos_arm64" else "cpu"
            if not _VARIANT_ORDER.match(local):
                continue  # e.g. "+cpu.cxx11.abi": a build flavour, not a variant people choose
            found[public][plat].add(local)
    return {v: {p: sorted(s, key=variant_sort_key) for p, s in plats.items()} for v, plats in found.items()}


# ----------------------------------------------------------------------------------------- merging

@dataclass
class UpdateResult:
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (old text, new text)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(old != new for old, new in self.files.values())

    def diff(self) -> str:
        chunks: list[str] = []
        for name, (old, new) in self.files.items():
            if old != new:
                chunks.extend(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                                   fromfile=f"a/{name}", tofile=f"b/{name}"))
        return "".join(chunks)


def _lib_rows(facts: dict[str, PackageFacts]) -> list[dict[str, Any]]:
    return [{"version": v, "date": f.date, "python": f.python, "source": "pypi"}
            for v, f in sorted(facts.items(), key=lambda kv: Version(kv[0]), reverse=True)]


def _same_day(facts: dict[str, PackageFacts], date: str) -> str | None:
    hits = [v for v, f in facts.items() if f.date == date]
    return max(hits, key=Version) if hits else None


def merge_releases(data: dict[str, Any], torch: dict[str, PackageFacts], vision: dict[str, PackageFacts],
                   audio: dict[str, PackageFacts], variants: dict[str, dict[str, list[str]]], *,
                   index_label: str, today: str, notes: list[str], known_builds: set[tuple[str, str]]) -> dict:
    rows: list[dict[str, Any]] = [dict(r) for r in data.get("releases", [])]
    by_version = {r["torch"]: r for r in rows}
    for version in sorted(torch, key=Version):
        f = torch[version]
        row = by_version.get(version)
        if row is None:
            older = [r for r in rows if Version(r["torch"]) < Version(version)]
            prev = max(older, key=lambda r: Version(r["torch"])) if older else {}
            row = {"torch": version, "status": "released", "date": f.date, "python": f.python}
            if f.macos_min:
                row["macos_min"] = f.macos_min
            tv = _same_day(vision, f.date) or prev.get("torchvision")
            ta = _same_day(audio, f.date) or prev.get("torchaudio")
            row.update(torchvision=tv, torchaudio=ta, pypi_default=dict(prev.get("pypi_default", {})),
                       variants={p: list(v) for p, v in prev.get("variants", {}).items()})
            row["source"] = {"python": "pypi", "date": "pypi",
                             "variants": f"copied from {prev.get('torch', '?')} by matrix update {today}",
                             "pypi_default": f"copied from {prev.get('torch', '?')} by matrix update {today}",
                             "torchvision": f"same-day PyPI upload (matrix update {today})",
                             "torchaudio": f"same-day PyPI upload or carried over (matrix update {today})"}
            row["unverified"] = ["pypi_default", "torchvision", "torchaudio"] + \
                [f"variants.{p}" for p in row["variants"]]
            rows.append(row)
            by_version[version] = row
            notes.append(_("new release torch {v}: check its torchvision / torchaudio pairing and PyPI default", v=version))
        else:
            row["date"] = f.date
            row["python"] = f.python
            if f.macos_min:
                row["macos_min"] = f.macos_min
            if row.get("status") == "planned":
                row["status"] = "released"
                notes.append(_("torch {v} is now released", v=version))
        seen = variants.get(version)
        if seen:
            current = row.setdefault("variants", {})
            unverified = list(row.get("unverified", []))
            changed = False
            for plat, vs in seen.items():
                if current.get(plat) != vs:
                    current[plat] = list(vs)
                    changed = True
                if f"variants.{plat}" in unverified:
                    unverified.remove(f"variants.{plat}")
                    changed = True
                for v in vs:
                    if v.startswith("cu") and (v, version) not in known_builds:
                        notes.append(_("torch {t} {v} ({plat}): builds.yaml has no kernel data for it; "
                                       "recommend refuses it until a row is added", t=version, v=v, plat=plat))
            if changed:
                row["variants"] = {p: current[p] for p in sorted(current, key=_platform_order)}
                row.setdefault("source", {})["variants"] = f"{index_label} (read {today})"
                if unverified:
                    row["unverified"] = unverified
                else:
                    row.pop("unverified", None)
    rows.sort(key=lambda r: Version(r["torch"]), reverse=True)
    out = dict(data)
    out["releases"] = [_ordered_row(r) for r in rows]
    out["torchvision"] = _lib_rows(vision) if vision else data.get("torchvision", [])
    out["torchaudio"] = _lib_rows(audio) if audio else data.get("torchaudio", [])
    return out


_PLATFORM_ORDER = ("linux_x86_64", "linux_aarch64", "win_amd64", "macos_arm64", "macos_x86_64")
_ROW_KEYS = ("torch", "status", "date", "python", "macos_min", "torchvision", "torchaudio", "pypi_default",
             "variants", "experimental", "source", "unverified")


def _platform_order(p: str) -> int:
    return _PLATFORM_ORDER.index(p) if p in _PLATFORM_ORDER else len(_PLATFORM_ORDER)


def _ordered_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in _ROW_KEYS if k in row}
    out.update({k: v for k, v in row.items() if k not in out})
    return out


def run_update(*, data_dir: Path, pypi_url: str = PYPI_URL, index_url: str = INDEX_URL, timeout: float = 30.0,
               today: str | None = None) -> UpdateResult:
    """Read the indexes and return the old and new text of each data file that would change. Writes nothing."""
    import httpx

    today = today or _dt.date.today().isoformat()
    result = UpdateResult()
    from installer.tls import ssl_context

    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "torch-setup matrix update"},
                      trust_env=True, verify=ssl_context()) as client:
        def get(url: str, accept: str) -> httpx.Response:
            try:
                r = client.get(url, headers={"Accept": accept})
            except httpx.HTTPError as exc:
                # in the words the mirror probes use (found in use: a raw "[Errno -2] Name or service not
                # known" in a Chinese message)
                from installer.mirrors.reasons import explain

                raise UpdateError(_("cannot read {url}: {error}", url=url,
                                    error=explain(exc, budget=timeout, url=url))) from None
            if r.status_code != 200:
                raise UpdateError(_("{url} answered HTTP {code}", url=url, code=r.status_code))
            return r

        def pypi(package: str) -> dict[str, PackageFacts]:
            url = f"{pypi_url.rstrip('/')}/{package}/json"
            try:
                doc = get(url, "application/json").json()
            except ValueError:
                raise UpdateError(_("{url} did not answer JSON", url=url)) from None
            return facts_from_pypi(doc, package)

        torch, vision, audio = pypi("torch"), pypi("torchvision"), pypi("torchaudio")
        page_url = f"{index_url.rstrip('/')}/torch/"
        page = get(page_url, "text/html")
        variants = variants_from_index(page.text, page_url)
    if not torch:
        raise UpdateError(_("{url} lists no torch release", url=pypi_url))
    if not variants:
        result.notes.append(_("{url} lists no torch wheels: variants left as they are", url=page_url))

    releases_path = data_dir / "releases.yaml"
    old = releases_path.read_text(encoding="utf-8")
    data = yaml.safe_load(old)
    builds = yaml.safe_load((data_dir / "builds.yaml").read_text(encoding="utf-8"))
    known: set[tuple[str, str]] = set()
    for row in builds.get("cuda", []):
        spec = SpecifierSet(row["torch"])
        for version in torch:
            if Version(version) in spec:
                known.add((row["variant"], version))
    merged = merge_releases(data, torch, vision, audio, variants, index_label=f"PyTorch wheel index {page_url}",
                            today=today, notes=result.notes, known_builds=known)
    new = dump_data(merged, RELEASES_HEADER)
    if new == dump_data(data, RELEASES_HEADER):
        new = old  # nothing the indexes say differs: leave the file byte for byte
    else:
        merged["updated"] = today
        new = dump_data(merged, RELEASES_HEADER)
    result.files["releases.yaml"] = (old, new)
    return result
