"""The mirrors chosen by hand that no step of a plan uses, said rather than dropped silently.

A mirror is chosen on the Mirrors screen (or in an answers file) before the method, the build and the
driver are: a PyPI mirror for what turns out a conda plan, a PyTorch wheel mirror for a build that comes
from PyPI itself (cu132), a conda mirror for a pip plan. Found in use: only the apt mirror had a note.
Pure: the answers and the plan's steps in, the notes out.

Used means: the mirror's URL is in what a step runs or writes (a command's argv or environment, a
download, a file's content), which is where pip, uv and conda get it from. apt is the exception: it reads
the system's sources, which the plan edits (or says how to, on a recorded machine), so any apt step uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from installer.i18n import _
from installer.plan.model import Command, Step
from installer.redaction import redact_text

# the answers keys mirror.<kind>, in the Mirrors screen's order
_KINDS = ("pypi", "pytorch", "conda", "apt")


def _said(kind: str) -> tuple[str, str]:
    """(the mirror, what a step using it does), in the language shown now."""
    return {
        "pypi": (_("PyPI mirror"), _("installs from a PyPI index")),
        "pytorch": (_("PyTorch wheel mirror"), _("takes wheels from a PyTorch wheel index")),
        "conda": (_("conda mirror"), _("installs with conda")),
        "apt": (_("apt mirror"), _("installs with apt")),
    }[kind]


def _texts(steps: Iterable[Step]) -> Iterator[str]:
    """Everything a step runs or writes that could name a mirror."""
    for step in steps:
        for cmd in step.commands:
            c: Command | None = cmd
            while c is not None:
                yield from c.argv
                yield from (value for _name, value in c.env)
                c = c.fallback
        for download in step.downloads:
            yield from download.urls
        for written in step.files:
            yield written.content


def _mirror_url(kind: str, choice: str) -> str | None:
    """The URL a choice stands for: as written, or the catalog entry's (None for an id the catalog lacks:
    the steps cannot name it either)."""
    if "://" in choice:
        if kind == "pytorch":
            from installer.mirrors.shapes import split_variant

            # .../whl/cu118 for a cu126 build: the plan uses the same index's cu126 folder (mirrors.pick)
            split = split_variant(choice)
            return split[0] if split else choice.rstrip("/")
        return choice.rstrip("/")
    from installer.mirrors.catalog import load_catalog

    entry = load_catalog().get(choice)
    return entry.url if entry is not None and entry.kind == kind else None


def _used(kind: str, choice: str, steps: list[Step]) -> bool:
    if kind == "apt":
        return any(s.kind == "apt" for s in steps)
    url = _mirror_url(kind, choice)
    if url is None:
        return False
    # the URL itself or a path below it (a PyTorch index's variant folder), not a longer host or folder name
    named = re.compile(re.escape(url) + r"(?![A-Za-z0-9._~-])")
    return any(named.search(text) for text in _texts(steps))


def refuse_unknown_ids(answers: Any, distro: str | None) -> None:
    """An InputError for a mirror id the catalog does not have for its kind, whether or not the plan uses
    it: with the message and did-you-mean of the used path (installer.plan.indexes.catalog_mirror; for apt
    the ids of `distro`'s archive). Found in use: `mirror.apt: tuna-ubunto` in a pip CPU plan passed
    `answers check`, and the plan said "the apt mirror tuna-ubunto is not used". URLs are not checked here."""
    from installer.plan.indexes import catalog_mirror

    for kind in _KINDS:
        choice = str(getattr(answers.mirror, kind))
        if choice not in ("auto", "none") and "://" not in choice:
            catalog_mirror(choice, kind, f"mirror.{kind}", distro=distro if kind == "apt" else None)


def unused_mirror_notes(answers: Any, steps: list[Step]) -> list[str]:
    """One note per mirror chosen by hand (not auto or none) that no step of the plan uses."""
    notes = []
    for kind in _KINDS:
        choice = str(getattr(answers.mirror, kind))
        if choice in ("auto", "none") or _used(kind, choice, steps):
            continue
        what, does = _said(kind)
        notes.append(_("the {what} {mirror} is not used: no step of this plan {does}", what=what,
                       mirror=redact_text(choice), does=does))
    return notes
