"""Which package indexes a run installs from, decided once and passed to uv and pip explicitly.

uv reads no pip.conf, so with `mirror.pypi: auto` the pip configuration detection found on the machine
(index-url, extra-index-url, find-links, trusted-host) is turned into explicit flags: the same sources
for both engines. The PyTorch wheel index comes first among the extra indexes when the variant is one
PyPI does not carry (cpu, cuNNN other than PyPI's default, rocm): uv asks the extra indexes before the
main one and stops at the first that has the package. When no PyTorch index is reachable, the run
relies on the pip configuration alone, and the plan says so.

Credentials: a list of sources with a password or token in one of its URLs reaches uv and pip through
their environment variables (UV_INDEX_URL, PIP_EXTRA_INDEX_URL, ...) rather than as flags: any local
user can read a process's argv (`ps`), only its owner its environment. The notes show every URL
redacted. A saved hardware report (`detect --json`) has its credentials hidden as `***`: such a URL is
used without them (a ~/.netrc entry may still log in), and a note says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.model import Caution
from installer.redaction import HIDDEN_TOKEN, has_credentials, hidden_credentials, redact_text

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport
    from installer.mirrors.catalog import Mirror


@dataclass(frozen=True)
class Indexes:
    index_url: str | None = None  # None: the engine's default (PyPI)
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    pytorch_index: str | None = None  # the PyTorch index picked for the variant, when one was needed and found
    notes: tuple[str, ...] = ()
    pytorch_layout: str = "pep503"  # pep503: an index (--extra-index-url); flat: a find-links page
    # the sources pip's own configuration gives it, as (flag, value), when the run lets pip read that
    # configuration (mirror.pypi: auto): --extra-index-url, --find-links and --trusted-host add to what the
    # configuration says, so these go to uv only (found in use: pip's fallback showed "Looking in links:
    # /opt/wheels, /opt/wheels", and "Looking in indexes: https://pypi.org/simple, file:///opt/pypi/simple,
    # http://127.0.0.1:46233/whl/cpu, file:///opt/pypi/simple"). --index-url replaces the configuration's
    # value instead, so it stays a flag: pip asks it once either way.
    pip_reads: tuple[tuple[str, str], ...] = ()
    # (url, origin) for each source taken from this machine's pip configuration (mirror.pypi: auto): the
    # PIP_* variable or the file that set it, URLs redacted. A failure's advice names it (found in use: a dead
    # PIP_INDEX_URL was said as "choose another mirror; `auto` picks one that answers", and auto was what
    # had taken it; the user looked in pip.conf and found nothing)
    origins: tuple[tuple[str, str], ...] = ()

    def uv_args(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """(flags, environment) for `uv pip install`: the same sources for both engines (only the flag for a
        trusted plain-http host differs), as flags, but a list that carries credentials goes in uv's
        variables instead. A whole list moves: uv ignores the variable when the flag is
        given, and the order of the extra indexes is the order uv asks them in."""
        return self._split("--allow-insecure-host", UV_VARIABLES)

    def pip_args(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """(flags, environment) for `pip install`, as `uv_args` (pip's PIP_* variables), less the flags for
        what pip reads from its own configuration (`pip_reads`)."""
        return self._split("--trusted-host", PIP_VARIABLES, already=frozenset(self.pip_reads))

    def _split(self, trusted_host_flag: str, variables: dict[str, tuple[str, str]],
               already: frozenset[tuple[str, str]] = frozenset()
               ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        flags: list[str] = []
        env: list[tuple[str, str]] = []
        for group, flag, urls in (("index", "--index-url", (self.index_url,) if self.index_url else ()),
                                  ("extra", "--extra-index-url", self.extra_index_urls),
                                  ("links", "--find-links", self.find_links)):
            if any(has_credentials(u) for u in urls):
                # the whole list, the configuration's own entries too: the variable replaces what the
                # configuration says for it, so each is still asked once
                name, separator = variables[group]
                env.append((name, separator.join(urls)))
            else:
                flags += [part for url in urls if (flag, url) not in already for part in (flag, url)]
        flags += [part for host in self.trusted_hosts if ("--trusted-host", host) not in already
                  for part in (trusted_host_flag, host)]
        return tuple(flags), tuple(env)


# (variable, separator) per list of sources: the names that take the flags' meaning exactly
# (uv 0.13: UV_INDEX_URL and UV_EXTRA_INDEX_URL, as --index-url and --extra-index-url, which the
# flags use too; UV_FIND_LINKS is comma-separated, the others blank-separated)
UV_VARIABLES = {"index": ("UV_INDEX_URL", " "), "extra": ("UV_EXTRA_INDEX_URL", " "), "links": ("UV_FIND_LINKS", ",")}
PIP_VARIABLES = {"index": ("PIP_INDEX_URL", " "), "extra": ("PIP_EXTRA_INDEX_URL", " "),
                 "links": ("PIP_FIND_LINKS", " ")}


class UnansweredIndex(Caution):
    """The plan's note on an index chosen by hand that did not answer the plan's probe from here
    (installer.mirrors.pick keeps such an index: a probe can be wrong, and the person chose it), or, with
    `mirror.pytorch: auto`, on no PyTorch index answering while the run's other sources cannot have the
    build (`url` empty, `pin` the build). Shown like any other note; it also carries which index and why, so
    that an unattended install can refuse to run on it (installer.commands.install) without reading the
    note's words."""

    url: str
    why: str
    key: str  # mirror.pytorch or mirror.pypi: the answers key that chose it
    pin: str

    def __new__(cls, text: str, *, url: str, why: str, key: str = "mirror.pytorch", pin: str = "") -> UnansweredIndex:
        note = super().__new__(cls, text)
        note.url, note.why, note.key, note.pin = url, why, key, pin
        return note


def unanswered_index(notes: Iterable[str]) -> UnansweredIndex | None:
    """The note of a plan whose PyTorch index, chosen by hand, did not answer from here; None if none."""
    return next((n for n in notes if isinstance(n, UnansweredIndex)), None)


def unanswered_refusal(notes: Iterable[str], *, probe_timeout: float) -> InputError | None:
    """Why an unattended install on this machine does not start, when the plan's PyTorch or PyPI index,
    chosen by hand, did not answer from here: minutes of uv's and pip's retries would follow, then an environment
    whose pip.conf names a source that does not work (found in use), or a run that installs from
    somewhere else than the fleet's mirror without anyone reading the note that said so."""
    note = unanswered_index(notes)
    if note is None:
        return None
    if note.key == "mirror.pypi":
        message = _("the PyPI mirror chosen by hand, {url}, does not work from this machine ({why}); an "
                    "unattended install does not start on a source known not to work: nothing was changed",
                    url=note.url, why=note.why)
        hint = _("choose another mirror, or `mirror.pypi: auto` (it keeps this machine's pip configuration; "
                 "`torch-setup mirrors` probes them all); or run the same command again once the mirror works. "
                 "If it is only slow, give the probe more time (--probe-timeout, {s:g} s now)", s=probe_timeout)
    elif not note.url:
        message = _("no source this run reads can have {pin}: {why}, and PyPI and its mirrors do not carry builds "
                    "labelled +cpu or +cuNNN; an unattended install does not start on it: nothing was changed",
                    pin=note.pin, why=note.why or _("no PyTorch index answered from this machine"))
        hint = _("choose a PyTorch mirror that works from here (`torch-setup mirrors` probes them all; write its id "
                 "as mirror.pytorch), or install from a wheelhouse made on a machine that reaches one (method: "
                 "wheelhouse-build there, method: wheel here); or run the same command again once the network "
                 "works. If it is only slow, give the probe more time (--probe-timeout, {s:g} s now)", s=probe_timeout)
    else:
        message = _("the PyTorch mirror chosen by hand, {url}, does not work from this machine ({why}); "
                    "an unattended install does not start on a source known not to work: nothing was changed",
                    url=note.url, why=note.why)
        hint = _("choose another mirror, or `mirror.pytorch: auto` (it takes the wheels already on this disk, or "
                 "the best mirror that answers; `torch-setup mirrors` probes them all); or run the same command "
                 "again once the mirror works. If it is only slow, give the probe more time (--probe-timeout, "
                 "{s:g} s now)", s=probe_timeout)
    return InputError(message, key=note.key, hint=hint)


def _unanswered(pick: Any) -> str | None:
    """Why the probe found a PyTorch index chosen by hand not working from here, or None when it works (or
    was not probed)."""
    failed = getattr(pick, "failed", None)
    return str(failed) if failed is not None else None


def without_hidden_credentials(url: str) -> str:
    """A URL from a saved report, whose credentials were hidden as `***`, without its user part and its
    /t/*** token: the placeholder would be sent as a user name or a token; without them, pip and uv can
    still use ~/.netrc."""
    if not hidden_credentials(url):
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], HIDDEN_TOKEN.sub("", parts.path),
                       parts.query, parts.fragment))


def needs_pytorch_index(pins: Any) -> bool:
    """A variant with a local label (+cpu, +cu126) lives on the PyTorch index, not on PyPI."""
    return bool(getattr(pins, "local", ""))


def catalog_mirror(choice: str, kind: str, key: str, distro: str | None = None) -> Mirror:
    """The catalog's mirror `choice` of this kind (pypi, conda, ...); an unknown id is an input error, whose
    hint suggests the mirrors of `distro`'s archive (apt) only."""
    from installer.mirrors.catalog import load_catalog
    from installer.mirrors.pick import unknown_id_hint

    catalog = load_catalog()
    mirror = catalog.get(choice)
    if mirror is None or mirror.kind != kind:
        raise InputError(_("unknown {kind} mirror id {id!r}", kind=kind, id=choice), key=key,
                         hint=unknown_id_hint(choice, kind, catalog, distro))
    return mirror


# the methods whose packages are pip wheels from an index: conda's come from conda channels, and an
# offline wheelhouse is its own source (--no-index); for the others no PyTorch index is probed or named
INDEX_METHODS = ("pip", "wheelhouse-build")


def uses_pytorch_index(answers: Answers, pins: Any) -> bool:
    """Whether this run takes packages from a PyTorch index: a labelled build, installed as pip wheels."""
    return needs_pytorch_index(pins) and answers.method in INDEX_METHODS


def choose_indexes(answers: Answers, report: HardwareReport, pins: Any, pytorch: Any = None,
                   pypi_failed: tuple[str, str] | None = None) -> Indexes:
    """Pure: the indexes for this run from the answers, the machine's pip configuration and the picked
    PyTorch index (`pytorch`: an IndexPick, or None when the variant needs none or none was probed).
    `pypi_failed`: (url, why) when the PyPI mirror chosen by hand did not answer the plan's probe."""
    pip = report.mirror_config.pip
    notes: list[str] = []
    choice = answers.mirror.pypi
    origins: list[tuple[str, str]] = []
    index_url, extras = pypi_sources(choice, pip)
    if choice == "auto":
        for field, urls in (("index_url", [index_url] if index_url else []), ("extra_index_urls", extras),
                            ("find_links", list(pip.find_links))):
            origin = pip.sources.get(field)
            origins += [(redact_text(u), origin) for u in urls if origin]
        if index_url or extras or pip.find_links:
            notes.append(_("package sources from this machine's pip configuration: {sources}",
                           sources=listed(_with_variable(u, o) for u, o in _sources_and_origins(pip))))
    if choice != "auto" and pip.find_links:
        # kept beside a chosen mirror (files already on this disk are no download), and said: found in use,
        # a tester in China chose a mirror, did not press k, and saw torch come from /opt/wheels silently
        notes.append(_("besides the chosen index, the folders of this machine's pip configuration are looked in "
                       "(find-links: {folders}): wheels already there are not downloaded",
                       folders=listed(pip.find_links)))

    pip_reads = _sources_pip_reads(report) if choice == "auto" else ()
    pytorch_url: str | None = None
    # (its note's place, the index, why, the answers key, the build) when an index chosen by hand did not answer,
    # or none answered and nothing else can have the build (the index "")
    unanswered: tuple[int, str, str, str, str] | None = None
    if pypi_failed is not None:
        dead, dead_why = pypi_failed
        if answers.method == "wheel":
            # this run installs from its wheelhouse alone: the mirror is only written for later installs,
            # and an offline machine may not reach the lab's mirror today
            notes.append(_("the PyPI mirror chosen by hand, {url}, does not answer from here ({why}): this run "
                           "does not need it, later installs in the environment will", url=dead, why=dead_why))
        else:
            notes.append(_("the PyPI mirror chosen by hand, {url}, does not answer from here: {why}",
                           url=dead, why=dead_why))
            unanswered = (len(notes) - 1, dead, dead_why, "mirror.pypi", "")
    layout = getattr(pytorch, "layout", "pep503") if pytorch is not None else "pep503"
    hidden = [u for u in [index_url, *extras, *pip.find_links] if u and hidden_credentials(u)]
    if hidden:
        notes.append(_("{urls}: credentials hidden as *** (a saved hardware report hides them), so the commands "
                       "use these sources without any and they will refuse (HTTP 401) unless ~/.netrc has them "
                       "where the commands run; plan on that machine to use its pip configuration as it is",
                       urls=listed(hidden)))
    index_url = without_hidden_credentials(index_url) if index_url else None
    extras = [without_hidden_credentials(u) for u in extras]
    find_links = [without_hidden_credentials(u) for u in pip.find_links]
    if uses_pytorch_index(answers, pins):
        url = getattr(pytorch, "url", None) if pytorch is not None else None
        reason = getattr(pytorch, "reason", "") if pytorch is not None else ""
        local = getattr(pytorch, "local_folder", None) if pytorch is not None else None
        if local:
            notes.append(_("{pins} already in {folder} (a find-links folder of the pip configuration): no "
                           "PyTorch index needed", pins=listed(local_pins(pins)), folder=local))
        elif url:
            pytorch_url = url
            named = _("PyTorch index for {variant}: {url}", variant=pins.variant, url=url)
            # the brackets are the language's: a Chinese reason in ASCII brackets read as a mistake
            notes.append(_("{said} ({reason})", said=named, reason=reason) if reason else named)
            why = _unanswered(pytorch)
            if why is not None and unanswered is None:
                unanswered = (len(notes) - 1, url, why, "mirror.pytorch", "")
        else:
            pin = pins.requirements[0] if pins.requirements else "torch"
            pypi_only = pypi_alone(choice, pip)
            if pypi_only is not None and answers.mirror.pytorch == "auto" and pytorch is not None:
                # probed, nothing answered, and what is left cannot have the build: the run would make the
                # environment, then stop at torch (found in use: a user with no pip configuration and no route
                # to download.pytorch.org read "relying on the pip configuration", and the install failed)
                notes.append(_("no PyTorch index answered for {variant}, and what else this run reads ({sources}) "
                               "cannot have {pin}: builds labelled +cpu or +cuNNN are only on the PyTorch index "
                               "and its mirrors, so the install would stop at that step", variant=pins.variant,
                               sources=listed(pypi_only), pin=pin)
                             + (_(". Why: {reason}", reason=reason) if reason else ""))
                if unanswered is None:
                    unanswered = (len(notes) - 1, "", reason, "mirror.pytorch", pin)
            else:
                if choice == "auto":
                    said = _("no PyTorch index is reachable for {variant}: relying on the pip configuration "
                             "(find-links, extra indexes) to provide {pin}", variant=pins.variant, pin=pin)
                else:
                    # the chosen PyPI mirror is then the only source (the pip configuration is switched off)
                    said = _("no PyTorch index is reachable for {variant}: {pin} must come from {sources} alone",
                             variant=pins.variant, pin=pin, sources=index_url or _("PyPI"))
                notes.append(said + (_(". Why: {reason}", reason=reason) if reason else ""))
    if pytorch_url and layout == "flat":
        # a flat page of links (some mirrors serve the wheels so): pip and uv read it as find-links,
        # as an index it would look empty
        find_links = [pytorch_url, *[u for u in find_links if u != pytorch_url]]
    elif pytorch_url:
        extras = [pytorch_url, *[u for u in extras if u != pytorch_url]]

    for url in [index_url, *extras]:
        if url and urlsplit(url).scheme == "http" and (urlsplit(url).hostname or "") not in pip.trusted_hosts:
            notes.append(_("{url} is plain http: packages from it are not protected in transit", url=url))
    # notes are read and shared (the plan's header, the wizard's Review): every URL in them redacted
    shown = [redact_text(n) for n in notes]
    if unanswered is not None:
        at, index, why, key, pin = unanswered
        shown[at] = UnansweredIndex(shown[at], url=redact_text(index), why=redact_text(why), key=key, pin=pin)
    return Indexes(index_url=index_url, extra_index_urls=tuple(extras), find_links=tuple(find_links),
                   trusted_hosts=tuple(pip.trusted_hosts), pytorch_index=pytorch_url,
                   notes=tuple(shown),
                   pytorch_layout="flat" if layout == "flat" else "pep503", pip_reads=pip_reads,
                   origins=tuple(origins))


def pypi_sources(choice: str, pip: Any) -> tuple[str | None, list[str]]:
    """(the index, the extra indexes) a run reads for `mirror.pypi: choice` beside a PyTorch index: with auto,
    the pip configuration's (`pip`: a PipConfig); none: the engines' default (None, PyPI); a URL or a catalog
    id: that index alone. The pip configuration's find-links folders are read in every case."""
    if choice == "auto":
        return pip.index_url, list(pip.extra_index_urls)
    if choice == "none":
        return None, []
    if "://" in choice:
        return choice, []
    return catalog_mirror(choice, "pypi", "mirror.pypi").url, []


def pypi_alone(choice: str, pip: Any) -> list[str] | None:
    """The indexes a run for `mirror.pypi: choice` reads besides a PyTorch index (`pip`: a PipConfig), when each is
    PyPI or one of the catalog's mirrors of it and no find-links folder or page is added: sources that cannot have
    a build labelled +cpu or +cuNNN. None otherwise: an index of unknown shape or a find-links folder may have it.
    The plan's note and refusal, and the wizard's Combination screen, which says so before Review's plan does."""
    from installer.mirrors.catalog import load_catalog
    from installer.mirrors.shapes import known_pypi_index

    index_url, extras = pypi_sources(choice, pip)
    catalog = load_catalog()
    pypi = next(iter(catalog.upstream("pypi")), None)
    main = index_url or (pypi.url if pypi is not None else None)  # None: the engines' default, PyPI
    if pip.find_links or main is None:
        return None
    urls = [main, *extras]
    return urls if all(known_pypi_index(u, catalog) is not None for u in urls) else None


def _sources_and_origins(pip: Any) -> list[tuple[str, str | None]]:
    """(url, where it was set) for each source of the pip configuration, in the order pip asks them."""
    return [(u, pip.sources.get(field)) for field, urls in (("index_url", [pip.index_url]),
                                                             ("extra_index_urls", pip.extra_index_urls),
                                                             ("find_links", pip.find_links)) for u in urls if u]


def _with_variable(url: str, origin: str | None) -> str:
    """`url`, with the PIP_* variable that set it: a variable is the setting a person forgets (it is set in
    a shell's profile or a CI job), and `pip.conf` does not show it."""
    if origin and is_variable(origin):
        return _("{url} (from the environment variable {name})", url=url, name=origin)
    return url


def is_variable(origin: str) -> bool:
    """Whether a source's origin (PipConfig.sources) is a PIP_* variable rather than a file."""
    return origin.startswith("PIP_") and "/" not in origin


# the pip configuration's lists that a flag adds to (an append option in pip), with that flag
_PIP_LISTS = (("extra_index_urls", "--extra-index-url"), ("find_links", "--find-links"),
              ("trusted_hosts", "--trusted-host"))


def _sources_pip_reads(report: HardwareReport) -> tuple[tuple[str, str], ...]:
    """(flag, value) for each extra index, find-links and trusted host pip reads from its own configuration
    wherever the plan runs it: given again as a flag, each would be listed and looked in twice. Only from a
    PIP_* variable or a user's or the system's file: a site file (PREFIX/pip.conf of the interpreter
    detection ran) is not read by pip in a new environment made from it, so its entries stay flags, as do
    those of a saved report that does not say where they came from. A saved report's URL without its
    hidden credentials is the same source."""
    pip = report.mirror_config.pip
    prefix = report.python.prefix if report.python else None
    out: dict[tuple[str, str], None] = {}
    for field, flag in _PIP_LISTS:
        source = pip.sources.get(field)
        if not source or (prefix and os.path.dirname(source) == prefix.rstrip("/")):
            continue
        for value in getattr(pip, field):
            out.update({(flag, value): None, (flag, without_hidden_credentials(value)): None})
    return tuple(out)


def local_pins(pins: Any) -> list[str]:
    """The pins only a PyTorch index (or a local copy) has: those with a local version label (+cpu)."""
    return [r for r in getattr(pins, "requirements", ()) if "+" in r]


@dataclass(frozen=True)
class LocalWheels:
    """The PyTorch wheels are already on this machine's disk, in a find-links folder of pip's
    configuration: no index has to be probed or asked for them."""

    local_folder: str
    url: None = None
    reason: str = ""
    layout: str = "pep503"


def local_folders(find_links: Iterable[str]) -> list[Path]:
    out = []
    for link in find_links:
        if link.startswith("file://"):
            link = unquote(urlsplit(link).path)
        elif "://" in link:
            continue  # a page on a server: only asking it would tell
        out.append(Path(link))
    return out


def wheel_fits(tags: Iterable[Any], python_version: str | None, arch: str | None) -> bool:
    cp = "cp" + python_version.replace(".", "") if python_version else None
    for tag in tags:
        interpreter_ok = (cp is None or tag.interpreter == cp or tag.interpreter.startswith("py3")
                          or (tag.abi == "abi3" and tag.interpreter.startswith("cp3")))
        platform_ok = tag.platform == "any" or arch is None or tag.platform.endswith("_" + arch)
        if interpreter_ok and platform_ok:
            return True
    return False


def local_wheel_folder(pins: Any, find_links: Iterable[str], *, python_version: str | None,
                       arch: str | None) -> str | None:
    """The local find-links folder holding a wheel for every pin with a local label (torch==2.13.0+cpu)
    for this Python and architecture; None when any is missing. Reads only file names."""
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
    from packaging.version import Version

    wanted = local_pins(pins)
    if not wanted:
        return None
    for folder in local_folders(find_links):
        try:
            names = [e.name for e in os.scandir(folder) if e.name.endswith(".whl")]
        except OSError:
            continue
        have: set[tuple[str, Version]] = set()
        for name in names:
            try:
                dist, version, _build, tags = parse_wheel_filename(name)
            except InvalidWheelFilename:
                continue
            if wheel_fits(tags, python_version, arch):
                have.add((dist, version))
        if all((canonicalize_name(pin.split("==")[0]), Version(pin.split("==")[1])) in have for pin in wanted):
            return str(folder)
    return None
