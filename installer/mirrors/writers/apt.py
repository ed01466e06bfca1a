"""apt sources: point the distribution archive at a mirror, in the format the system already uses.

Ubuntu >= 24.04 and Debian >= 12 keep DEB822 stanzas in /etc/apt/sources.list.d/{ubuntu,debian}.sources;
older systems use one-line entries in /etc/apt/sources.list. Only the archive entries move: the
security suites stay on the distribution's own host, as the mirrors themselves advise (their sync lag
would delay security fixes). apt is system-wide, so this always needs root.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

DEB822_FILES = ("/etc/apt/sources.list.d/ubuntu.sources", "/etc/apt/sources.list.d/debian.sources")
ONE_LINE_FILE = "/etc/apt/sources.list"
ARCHIVE_PATHS = ("/ubuntu", "/ubuntu-ports", "/debian")


def sources_file(existing: Mapping[str, str]) -> str:
    """Which file holds the archive entries: a DEB822 file when the system has one."""
    for path in DEB822_FILES:
        if existing.get(path, "").strip():
            return path
    return ONE_LINE_FILE


def _is_archive(uri: str) -> bool:
    path = urlsplit(uri).path.rstrip("/")
    return path.endswith(ARCHIVE_PATHS) and "security" not in urlsplit(uri).netloc


def _security_only(suites: list[str]) -> bool:
    return bool(suites) and all(s.endswith("-security") or s.endswith("/updates") for s in suites)


def _mirror_for(uri: str, mirror_url: str) -> str:
    """Keep the archive's flavour: an -ports URI goes to the mirror's -ports folder."""
    base = mirror_url.rstrip("/")
    if urlsplit(uri).path.rstrip("/").endswith("/ubuntu-ports") and not base.endswith("-ports"):
        base += "-ports"
    return base + ("/" if uri.endswith("/") else "")


def ubuntu_ports(arch: str | None) -> bool:
    """Whether Ubuntu serves `arch` from its ports archive: it serves amd64 and i386 from /ubuntu and every
    other architecture from /ubuntu-ports (https://wiki.ubuntu.com/UbuntuDevelopment/PackageArchive,
    "ports.ubuntu.com"). An unknown one is taken for x86, the usual case."""
    return arch not in (None, "x86_64", "amd64", "i386", "i686")


def archive_on_mirror(mirror_url: str, distro: str | None, arch: str | None) -> str:
    """Where the archive entries of a `distro` machine on `arch` point once moved to `mirror_url`, as
    render_sources moves them (ubuntu_ports). For saying the change to make by hand, where the sources
    themselves cannot be read."""
    ports = distro == "ubuntu" and ubuntu_ports(arch)
    return _mirror_for("http://ports.ubuntu.com/ubuntu-ports" if ports else "http://archive.ubuntu.com/ubuntu",
                       mirror_url)


def render_deb822(current: str, mirror_url: str) -> str:
    out: list[str] = []
    for stanza in _stanzas(current):
        suites = next((ln.split(":", 1)[1].split() for ln in stanza if ln.lower().startswith("suites:")), [])
        if _security_only(suites):
            out.extend(stanza)
            continue
        for ln in stanza:
            if ln.lower().startswith("uris:"):
                uris = ln.split(":", 1)[1].split()
                new = [_mirror_for(u, mirror_url) if _is_archive(u) else u for u in uris]
                out.append("URIs: " + " ".join(new) + "\n")
            else:
                out.append(ln)
    return "".join(out)


def _stanzas(text: str) -> list[list[str]]:
    """Stanzas with the blank and comment lines that follow each kept in place."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    groups: list[list[str]] = [[]]
    for ln in lines:
        groups[-1].append(ln)
        if not ln.strip():
            groups.append([])
    return [g for g in groups if g]


def render_one_line(current: str, mirror_url: str) -> str:
    out = []
    for ln in current.splitlines(keepends=True):
        parts = ln.split()
        if parts and parts[0] in ("deb", "deb-src"):
            i = 1
            if i < len(parts) and parts[i].startswith("["):
                while i < len(parts) and not parts[i].endswith("]"):
                    i += 1
                i += 1
            if i + 1 < len(parts) and _is_archive(parts[i]) and not _security_only([parts[i + 1]]):
                ln = ln.replace(parts[i], _mirror_for(parts[i], mirror_url), 1)
        out.append(ln)
    return "".join(out)


def render_sources(existing: Mapping[str, str], mirror_url: str) -> tuple[str, str]:
    """(path, new content) for the system's archive entries pointed at `mirror_url`."""
    path = sources_file(existing)
    current = existing.get(path, "")
    if path.endswith(".sources"):
        return path, render_deb822(current, mirror_url)
    return path, render_one_line(current, mirror_url)
