"""Why a step failed, in words a newcomer can act on, read from what its commands printed.

uv, pip and apt say what went wrong, but deep in their output and often behind a consequence: pip
reports "No matching distribution found" when the real cause, lines above, is a certificate it did not
trust or a host name that did not resolve. So the patterns are ordered root cause first, and the first
one that any line of the step's output matches wins. Each pattern was taken from a real output of the
tool, kept in tests/fixtures/failures/ with a note of how it was made.

Pure: the runner feeds it the lines as they stream (no need to keep a whole pip log in memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from installer.i18n import _


@dataclass(frozen=True)
class Diagnosis:
    cause: str  # what went wrong, one sentence
    hint: str  # what to do next


@dataclass(frozen=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]


# Root causes first: a consequence (a package "not found") must not hide its cause (the index unreachable).
_PATTERNS: tuple[_Pattern, ...] = tuple(_Pattern(n, re.compile(r, re.IGNORECASE)) for n, r in (
    ("no-space", r"No space left on device|\[Errno 28\]|os error 28"),
    # before the network causes: what failed to download is a Python (from GitHub), not a package, and the
    # way round it is not a package mirror
    ("python-download", r"Failed to download \S*python-build-standalone/\S*?cpython-(?P<python>[0-9]+\.[0-9]+)"),
    ("tls", r"invalid peer certificate|CERTIFICATE_VERIFY_FAILED|certificate verify failed"),
    ("auth", r"\b401 Unauthorized\b|lack of valid authentication credentials|\b403 Forbidden\b"),
    ("dns", r"dns error|failed to lookup address information|NameResolutionError|Temporary failure in name "
            r"resolution|Name or service not known|Could not resolve host"),
    ("connect", r"Failed to establish a new connection|Connection refused|operation timed out|ConnectTimeout|"
                r"ReadTimeoutError|Network is unreachable"),
    ("externally-managed", r"externally-managed-environment"),
    ("apt-lock", r"Could not get lock /var/lib/dpkg|Unable to acquire the dpkg frontend lock"),
    ("apt-no-package", r"E: Unable to locate package (?P<package>\S+)"),
    ("sudo-password", r"sudo: a (?:terminal|password) is required"),
    ("sudo-setenv", r"sudo: sorry, you are not allowed to set the following environment variables"),
    ("version-not-found", r"there is no version of (?P<package>\S+)|No matching distribution found for "
                          r"(?P<package2>\S+)|(?P<package3>\S+) was not found in the (?:package registry|provided "
                          r"package locations)(?: and you require (?P<req>[^,\s]+))?|"
                          r"no matching distributions available for your environment"),
))
_RANK = {p.name: i for i, p in enumerate(_PATTERNS)}


def _explain(name: str, package: str | None) -> Diagnosis:
    what = package or _("a package")
    if name == "no-space":
        return Diagnosis(_("the disk is full (No space left on device)"),
                         _("free some space (`df -h` shows where; the download cache is in ~/.cache/uv and "
                           "~/.cache/pip), then run again: the finished steps are kept"))
    if name == "python-download":
        version = package or "3"
        return Diagnosis(_("uv could not download Python {version} (a python-build-standalone release on GitHub) "
                           "to build the environment from", version=version),
                         _("install Python {version} from the system's packages (on Ubuntu: `sudo apt install "
                           "python{version}-venv`, from the deadsnakes PPA for versions the release lacks), or set "
                           "UV_PYTHON_INSTALL_MIRROR to a mirror of python-build-standalone you can reach; then run "
                           "again", version=version))
    if name == "tls":
        return Diagnosis(_("a package source's HTTPS certificate was not trusted"),
                         _("behind a company or campus proxy that inspects HTTPS, install its root "
                           "certificate into the system store (update-ca-certificates) or set SSL_CERT_FILE "
                           "to it; or choose a mirror you can reach directly"))
    if name == "auth":
        return Diagnosis(_("a package index refused the request: it needs a user name and password or token"),
                         _("put the credentials in the index URL of your pip configuration (`pip config "
                           "list` shows it) or in ~/.netrc, or choose another mirror"))
    if name == "dns":
        return Diagnosis(_("a package source's host name could not be resolved (no network or DNS)"),
                         _("check the network and the DNS server, or choose a mirror you can reach "
                           "(`torch-setup mirrors` probes them all)"))
    if name == "connect":
        return Diagnosis(_("a package source did not answer (connection refused or timed out)"),
                         _("check the network or the proxy (HTTPS_PROXY), or choose a faster mirror "
                           "(`torch-setup mirrors` probes them all)"))
    if name == "externally-managed":
        return Diagnosis(_("this Python is managed by the operating system (PEP 668) and refuses pip installs"),
                         _("install into a virtual environment instead (target.kind: venv), which is what "
                           "torch-setup does by default"))
    if name == "apt-lock":
        return Diagnosis(_("another package manager is running (the dpkg lock is held)"),
                         _("wait for the other update to finish (unattended-upgrades often runs after boot), "
                           "then run again"))
    if name == "apt-no-package":
        return Diagnosis(_("apt does not know the package {package}", package=what),
                         _("run `sudo apt-get update`, and check that the repository it comes from is "
                           "configured (the plan's earlier steps add it)"))
    if name == "sudo-setenv":
        return Diagnosis(_("sudoers lets this step run as root but not pass on its settings (the SETENV tag is "
                           "missing)"),
                         _("add SETENV to your sudoers rule (`USER ALL=(root) NOPASSWD:SETENV: ...`; a rule for "
                           "ALL has it), or run torch-setup as root; then run again"))
    if name == "sudo-password":
        return Diagnosis(_("sudo needs a password and there is no terminal to ask for it"),
                         _("run `sudo -v` in this terminal first, then run again"))
    mirror = _("choose a reachable PyTorch mirror (the Mirrors screen, or mirror.pytorch in the answers file)")
    if re.match(r"(?i)torch(==|$|\s)", what or ""):
        # torch itself: leaving out an extra does not help; another version might be in the sources
        return Diagnosis(_("{package} is not in the package sources this run uses", package=what),
                         _("builds marked +cpu or +cuNNN are only on the PyTorch wheel index and its mirrors, "
                           "not on PyPI: {mirror}, or choose a torch version those sources have (the "
                           "Combination screen lists the builds found on this disk)", mirror=mirror))
    return Diagnosis(_("{package} is not in the package sources this run uses", package=what),
                     _("builds marked +cpu or +cuNNN are only on the PyTorch wheel index and its mirrors, "
                       "not on PyPI: {mirror}, or leave that package out of the extras", mirror=mirror))


class Diagnoser:
    """Fed a step's output line by line; `result()` is the most basic cause seen, or None."""

    def __init__(self) -> None:
        self._best: tuple[int, str | None] | None = None

    def feed(self, line: str) -> None:
        for pattern in _PATTERNS:
            rank = _RANK[pattern.name]
            if self._best is not None and rank >= self._best[0]:
                return  # only a more basic cause can change the answer
            m = pattern.regex.search(line)
            if m:
                groups = {k: v for k, v in m.groupdict().items() if v}
                # uv names the project, then the requirement with its version: the requirement says more
                package = groups.get("req") or next(iter(groups.values()), None)
                self._best = (rank, package.rstrip(".,:;") if package else None)
                return

    def result(self) -> Diagnosis | None:
        if self._best is None:
            return None
        rank, package = self._best
        return _explain(_PATTERNS[rank].name, package)


def diagnose(lines: list[str] | tuple[str, ...]) -> Diagnosis | None:
    d = Diagnoser()
    for line in lines:
        d.feed(line)
    return d.result()
