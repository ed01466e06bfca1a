"""Why a step failed, in words a newcomer can act on, read from what its commands printed.

uv, pip and apt say what went wrong, but deep in their output and often behind a consequence: pip
reports "No matching distribution found" when the real cause, lines above, is a certificate it did not
trust or a host name that did not resolve. So the patterns are ordered root cause first, and the first
one that any line of the step's output matches wins. Each pattern was taken from a real output of the
tool, kept in tests/fixtures/failures/ with a note of how it was made. An index that answered with an
HTTP error is said with its status and its URL, and a refused connection or a name that did not resolve
with the server it was for (found in use: a mirror answering 503 was reported as the package missing).

Pure: the runner feeds it the lines as they stream (no need to keep a whole pip log in memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

# said as _: a cause and its hint are kept in the journal and said again in the reader's language later
from installer.i18n.said import said as _
from installer.paths import answers_examples
from installer.plan.indexes import is_variable
from installer.shells import unset_command as unset_command  # the shell's words, shared with other advice


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
    ("auth", r"\b401 Unauthorized\b|lack of valid authentication credentials"),
    # an index that answered, with an error: it names the server to blame, so it comes before the guesses
    # below (uv 0.13: "HTTP status server error (503 Service Unavailable) for url (URL)" when it gives up,
    # "An index (URL) returned a 403 Forbidden error" as its hint; pip says neither unless asked for -v)
    ("http-status", r"HTTP status (?:server|client) error \((?P<status>[1-5][0-9]{2})(?: (?P<phrase>[^)]*))?\) "
                    r"for url \((?P<url>[^)\s]+)\)|An index \((?P<url2>[^)\s]+)\) returned an? "
                    r"(?P<status2>[1-5][0-9]{2})(?: (?P<phrase2>[A-Za-z ]+?))? error|\b(?P<status3>403) Forbidden\b"),
    ("dns", r"dns error|failed to lookup address information|NameResolutionError|Temporary failure in name "
            r"resolution|Name or service not known|nodename nor servname|Could not resolve host"),
    ("connect", r"Failed to establish a new connection|Connection refused|operation timed out|ConnectTimeout|"
                r"ReadTimeoutError|Network is unreachable"),
    # a file that arrived damaged: before the "not found" guesses (uv then says the version is not there)
    ("damaged", r"(?P<package>[A-Za-z0-9_.+=-]+) has an invalid package format|Failed to read from zip file|"
                r"DO NOT MATCH THE HASHES"),
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
# Where a request went, said on the line before the cause (uv: "Failed to fetch: URL", "error sending request
# for url (URL)") or on the same line (pip: "HTTPSConnection(host='H', port=443): ...': /path/"): kept, so
# that a refused connection or a name that did not resolve can be said with the server it was for.
_UV_URL = re.compile(r"(?:Failed to fetch:|error sending request for url \()\s*`?(?P<url>[a-z][a-z0-9+.-]*://[^)`\s]+)")
_PIP_URL = re.compile(r"(?P<scheme>HTTPS?)Connection\(host='(?P<host>[^']+)', port=(?P<port>[0-9]+)\)"
                      r"(?:.*': (?P<path>/\S*))?")
_RANK = {p.name: i for i, p in enumerate(_PATTERNS)}
# A wheelhouse build's first command names the folder it downloads into (installer.plan.kinds.wheel's
# DOWNLOADING), in every language: the build and the offline install are both `wheel` steps, and a package
# missing means something else in each (found in use: a build that found no torch+cpu anywhere was told to
# build the wheelhouse again).
_WHEELHOUSE_BUILD = re.compile(r"/\.torch-setup-downloading\b")


def index_of(url: str) -> str:
    """The index a request went to: uv and pip ask an index for a project's page, `INDEX/torch/`, and the
    index is what a person configured (mirror.pytorch: https://mirror/whl/cpu). Another URL (a wheel, a
    page of links) is said as it is."""
    if url.endswith("/") and url.count("/") > 3:
        return url.rstrip("/").rsplit("/", 1)[0]
    return url


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


# the mirror keys a person can change, said once for every cause that a mirror may be to blame for
def _other_mirror(origin: str | None = None, shell: str | None = None) -> str:
    """What to change instead of the source to blame; `origin`: the PIP_* variable or the file of this
    machine's pip configuration that named it, when it came from there (mirror.pypi: auto); `shell`: the
    user's, whose command to remove a variable is said (see unset_command)."""
    if origin is None:
        return _("choose another mirror (mirror.pytorch or mirror.pypi in the answers file, whichever names it, "
                 "or the Mirrors screen; `auto` picks one that answers)")
    # `auto` is what took it, so "choose auto" would change nothing (found in use: a dead PIP_INDEX_URL)
    if is_variable(origin):
        return _("change the environment variable {name} it comes from (part of this machine's pip configuration, "
                 "which `mirror.pypi: auto` takes): unset it (`{unset}`, and remove it from the shell profile "
                 "or job that sets it) or point it at a mirror that answers; or set mirror.pypi in the answers "
                 "file to a mirror that answers (`torch-setup mirrors` probes them all)", name=origin,
                 unset=unset_command(origin, shell))
    return _("change the pip configuration file {file} it comes from (which `mirror.pypi: auto` takes; `pip config "
             "list` shows each setting and its file): remove the setting or point it at a mirror that answers; or "
             "set mirror.pypi in the answers file to a mirror that answers (`torch-setup mirrors` probes them all)",
             file=origin)


def origin_of(url: str | None, origins: tuple[tuple[str, str], ...]) -> str | None:
    """Where the source a request to `url` went to was set (a PIP_* variable, a file), from `origins`
    ((source URL, origin) pairs); None when it is not one of them. Compared by scheme, host, port and path,
    not by the user part: the output and the sources may hide credentials differently."""
    if not url:
        return None
    asked = _parts(url)
    best: tuple[int, str] | None = None
    for source, origin in origins:
        given = _parts(source)
        if given[:3] == asked[:3] and (asked[3] + "/").startswith(given[3].rstrip("/") + "/"):
            if best is None or len(given[3]) > best[0]:
                best = (len(given[3]), origin)
    return best[1] if best else None


def _parts(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port or default, parts.path or "/"


def _http_status(status: int, phrase: str, url: str | None, origin: str | None = None,
                 shell: str | None = None) -> Diagnosis:
    phrase = phrase.strip() or _phrase(status)
    answered = f"HTTP {status}" + (f" {phrase}" if phrase else "")
    if url:
        index = index_of(url)
        cause = (_("the package index {index} answered {answered}", index=index, answered=answered) if index == url
                 else _("the package index {index} answered {answered} (for {url})", index=index,
                        answered=answered, url=url))
    else:
        cause = _("a package index answered {answered}", answered=answered)
    if status >= 500:
        return Diagnosis(cause, _("the server (or a proxy in front of it) is failing: a mirror that is down or "
                                  "overloaded for now. Run the same command again later (the steps already done "
                                  "are kept), or {other}", other=_other_mirror(origin, shell)))
    if status == 403:
        return Diagnosis(cause, _("the mirror refuses this client (some serve only their campus or cloud "
                                  "network), or the URL is not the one it serves the wheels under: check it; if it "
                                  "needs a login, put the user name and password or token in the index URL or in "
                                  "~/.netrc; or {other}", other=_other_mirror(origin, shell)))
    if status == 429:
        return Diagnosis(cause, _("the mirror limits how often it may be asked: wait a few minutes and run the same "
                                  "command again (the steps already done are kept), or {other}",
                                  other=_other_mirror(origin, shell)))
    return Diagnosis(cause, _("check the index URL (in the answers file, or `pip config list`), or {other}",
                              other=_other_mirror(origin, shell)))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _explain(name: str, groups: dict[str, str], kind: str | None = None,
             origins: tuple[tuple[str, str], ...] = (), shell: str | None = None) -> Diagnosis:
    package = _value(groups)
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
    if name == "http-status":
        status = groups.get("status") or groups.get("status2") or groups.get("status3") or "0"
        url = groups.get("url") or groups.get("url2") or groups.get("at")
        return _http_status(int(status), groups.get("phrase") or groups.get("phrase2") or "", url,
                            origin_of(url, origins), shell)
    if name == "dns":
        host = _host(groups.get("at"))
        origin = origin_of(groups.get("at"), origins)
        if host and origin:
            return Diagnosis(_("a package source's host name could not be resolved (no network or DNS)"),
                             _("{host} does not resolve here: check the network and the DNS server (`getent hosts "
                               "{host}` prints its address once the name resolves), or {other}", host=host,
                               other=_other_mirror(origin, shell)))
        return Diagnosis(_("a package source's host name could not be resolved (no network or DNS)"),
                         _("{host} does not resolve here: check the network and the DNS server (`getent hosts "
                           "{host}` prints its address once the name resolves), or choose a mirror you can reach "
                           "(`torch-setup mirrors` probes them all)", host=host) if host else
                         _("check the network and the DNS server, or choose a mirror you can reach "
                           "(`torch-setup mirrors` probes them all)"))
    if name == "connect":
        at = groups.get("at")
        origin = origin_of(at, origins)
        if at and origin:
            # the setting first: a mirror that is only down for now is the rarer case for a URL a person typed
            return Diagnosis(_("a package source did not answer (connection refused or timed out)"),
                             _("{index} did not answer: {other}. If it is a mirror that is only down for now, run "
                               "the same command again once it answers (the steps already done are kept)",
                               index=index_of(at), other=_other_mirror(origin, shell)))
        if at:
            return Diagnosis(_("a package source did not answer (connection refused or timed out)"),
                             _("{index} did not answer: if it is a mirror, run the same command again once it "
                               "answers (the steps already done are kept), or {other}; otherwise check the "
                               "network or the proxy (HTTPS_PROXY)", index=index_of(at), other=_other_mirror()))
        return Diagnosis(_("a package source did not answer (connection refused or timed out)"),
                         _("check the network or the proxy (HTTPS_PROXY), or choose a faster mirror "
                           "(`torch-setup mirrors` probes them all)"))
    if name == "damaged":
        return Diagnosis(_("{what} arrived damaged: the file downloaded is not a whole, valid wheel (or not the "
                           "one the index's checksum names)", what=what),
                         _("run the same command again for a new download (the steps already done are kept); if "
                           "the same mirror serves it damaged again, {other}", other=_other_mirror()))
    if name == "externally-managed":
        return Diagnosis(_("this Python is managed by the operating system (PEP 668) and refuses pip installs"),
                         _("install into a virtual environment instead (target.kind: venv), which is what "
                           "torch-setup does by default"))
    if name == "apt-lock":
        return Diagnosis(_("another package manager is running (the dpkg lock is held)"),
                         _("wait for the other update to finish (unattended-upgrades often runs after boot), "
                           "then run again"))
    if name == "apt-no-package" and re.match(r"linux-headers-[0-9]", what):
        # the driver's build step asks for the running kernel's own headers (linux-headers-$(uname -r)); the
        # archive keeps only its current kernels' packages, so a kernel older than those has none left
        return Diagnosis(_("apt does not know the package {package}: the running kernel is older than the "
                           "distribution's current one, whose headers alone the archive still has", package=what),
                         _("update the kernel (`sudo apt-get update && sudo apt-get full-upgrade`), reboot into "
                           "it, then run again: the plan then asks for the new kernel's headers"))
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
    if kind == "wheel-build":
        return _not_downloadable(what)
    if kind == "wheel":
        # offline, the wheelhouse is the only source: no mirror helps (found in use: a wheelhouse without
        # torch's dependencies was told to choose a PyTorch mirror, or to leave filelock out of the extras)
        return Diagnosis(_("{package} is not in the wheelhouse, the only package source of an offline install",
                           package=what),
                         _("build the wheelhouse again with method: wheelhouse-build ({example}), which "
                           "downloads every package the pins need, copy it here and run the same command again "
                           "(the steps already done are kept)",
                           example=answers_examples() + "wheelhouse-build.yaml"))
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


def _not_downloadable(what: str) -> Diagnosis:
    """A wheelhouse build (online, pip download) found no source with a wheel of `what` for the target."""
    if "+" in what:  # a local version (+cpu, +cu128): only the PyTorch index and its mirrors, or a folder, have it
        return Diagnosis(_("no package source this build uses has {package}: builds marked +cpu or +cuNNN are only "
                           "on the PyTorch wheel index and its mirrors, or in a folder of wheels", package=what),
                         _("give the PyTorch index in the build's answers file (mirror.pytorch: auto, or a mirror "
                           "of download.pytorch.org this machine reaches; `none` leaves it out), or put the wheel in "
                           "a folder and give that folder to pip as find-links (PIP_FIND_LINKS=/folder); then run "
                           "the same command again (the steps already done are kept)"))
    return Diagnosis(_("no package source this build uses has {package} as a wheel for the target's Python and "
                       "platform (a wheelhouse takes wheels only)", package=what),
                     _("check that the PyPI mirror (mirror.pypi in the build's answers file, or this machine's pip "
                       "configuration) is reachable and has it, or build for a Python it has wheels for "
                       "(target.python); then run the same command again (the steps already done are kept)"))


def _value(groups: dict[str, str]) -> str | None:
    """The package (or Python version) a pattern names: uv names the project, then the requirement with
    its version, and the requirement says more."""
    named = {k: v for k, v in groups.items() if k.startswith(("package", "req", "python"))}
    value = named.get("req") or next(iter(named.values()), None)
    return value.rstrip(".,:;") if value else None


def _where(line: str) -> str | None:
    """The URL a line of uv's or pip's output says a request went to, or None."""
    m = _UV_URL.search(line)
    if m:
        return m.group("url").rstrip(".,:;")
    m = _PIP_URL.search(line)
    if m:
        scheme = m.group("scheme").lower()
        default = {"http": "80", "https": "443"}[scheme]
        port = "" if m.group("port") == default else ":" + m.group("port")
        return f"{scheme}://{m.group('host')}{port}{m.group('path') or '/'}"
    return None


class Diagnoser:
    """Fed a step's output line by line; `result()` is the most basic cause seen, or None. `kind`: the
    step's (recipe kind), where the way out depends on it. `origins`: (source URL, the PIP_* variable or
    file that set it) for the sources of this machine's pip configuration the run uses (Plan.index_origins).
    `shell`: the basename of the user's $SHELL (None: unknown), read by the caller: the command that removes
    such a variable is said in its words."""

    def __init__(self, kind: str | None = None, origins: tuple[tuple[str, str], ...] = (),
                 shell: str | None = None) -> None:
        self.kind = kind
        self.origins = origins
        self.shell = shell
        self._best: tuple[int, dict[str, str]] | None = None
        self._at: str | None = None  # the URL the latest request went to, as the output said it
        self._building = False  # a wheelhouse build's output, not an offline install's

    def feed(self, line: str) -> None:
        if self.kind == "wheel" and not self._building and _WHEELHOUSE_BUILD.search(line):
            self._building = True
        self._feed(line)

    def _feed(self, line: str) -> None:
        self._at = _where(line) or self._at
        for pattern in _PATTERNS:
            rank = _RANK[pattern.name]
            if self._best is not None and rank >= self._best[0]:
                return  # only a more basic cause can change the answer
            m = pattern.regex.search(line)
            if m:
                groups = {k: v for k, v in m.groupdict().items() if v}
                if self._at:
                    groups["at"] = self._at
                self._best = (rank, groups)
                return

    def result(self) -> Diagnosis | None:
        if self._best is None:
            return None
        rank, groups = self._best
        return _explain(_PATTERNS[rank].name, groups, "wheel-build" if self._building else self.kind,
                        self.origins, self.shell)


def diagnose(lines: list[str] | tuple[str, ...], kind: str | None = None,
             origins: tuple[tuple[str, str], ...] = (), shell: str | None = None) -> Diagnosis | None:
    d = Diagnoser(kind, origins, shell)
    for line in lines:
        d.feed(line)
    return d.result()
