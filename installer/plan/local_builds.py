"""The PyTorch builds already on this machine's disk, in the find-links folders of its pip configuration.

A +cpu or +cuNNN build (of torch, torchvision or torchaudio) comes only from a PyTorch index (or a copy
of one). When no PyTorch index answers, a plan whose labelled pins are not all on disk fails at its
install step: the person is better told before anything runs which version they can have (another
version of the torch build is on disk) or which extra to leave out (torch is on disk, torchvision is not).
Reads file names only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from installer.compat.coded import Coded
from installer.i18n import _
from installer.i18n.phrases import all_of, listed
from installer.plan.indexes import local_folders, wheel_fits

# the packages a PyTorch index serves with a local label: the pins the planner writes (compat.pins)
LABELLED = ("torch", "torchvision", "torchaudio")


def pin_key(requirement: str) -> str:
    """`torchvision==0.28.0+cpu` as `labelled_wheels` keys it: the name and version normalised
    (a wheel's file name and a pin may spell them differently)."""
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    name, _sep, version = requirement.partition("==")
    return f"{canonicalize_name(name)}=={Version(version)}"


def labelled_wheels(find_links: Iterable[str], *, python_version: str | None,
                    arch: str | None) -> dict[str, str]:
    """pin (`torchvision==0.28.0+cpu`, as `pin_key` writes it) -> folder, for each wheel of torch,
    torchvision or torchaudio with a local label in the find-links folders that fits this Python and
    architecture; the first folder that has it, as pip's search order."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    found: dict[str, str] = {}
    for folder in local_folders(find_links):
        try:
            names = [e.name for e in os.scandir(folder)
                     if e.name.endswith(".whl") and e.name.startswith(tuple(f"{p}-" for p in LABELLED))]
        except OSError:
            continue
        for name in names:
            try:
                dist, version, _build, tags = parse_wheel_filename(name)
            except InvalidWheelFilename:
                continue
            if dist in LABELLED and version.local is not None and wheel_fits(tags, python_version, arch):
                found.setdefault(f"{dist}=={version}", str(folder))
    return found


def torch_builds(find_links: Iterable[str], *, python_version: str | None, arch: str | None,
                 label: str | None = None) -> list[tuple[str, str]]:
    """(version, folder) of each torch wheel with a local label (`2.13.0+cpu`) in the find-links
    folders that fits this Python and architecture, newest first; `label` keeps one build (cpu)."""
    return _torch_builds(labelled_wheels(find_links, python_version=python_version, arch=arch), label)


def _torch_builds(wheels: Mapping[str, str], label: str | None = None) -> list[tuple[str, str]]:
    """torch_builds over what `labelled_wheels` found."""
    from packaging.version import Version

    found = {Version(pin.split("==", 1)[1]): folder for pin, folder in wheels.items() if pin.startswith("torch==")}
    return [(str(v), found[v]) for v in sorted(found, reverse=True) if label is None or v.local == label]


def builds_by_version(wheels: Mapping[str, str]) -> dict[str, list[str]]:
    """version -> builds (cpu, cu126) of the torch wheels among `wheels` (what `labelled_wheels` found),
    newest first: the wizard's Version field marks these."""
    out: dict[str, list[str]] = {}
    for version, _folder in _torch_builds(wheels):
        public, label = version.split("+", 1)
        out.setdefault(public, []).append(label)
    return {version: sorted(labels) for version, labels in out.items()}


def elsewhere_on_disk(pins: Any, find_links: Iterable[str], *, python_version: str | None,
                      arch: str | None) -> str | None:
    """A note for a plan whose torch build no PyTorch index offered: the same build in other versions
    is on this disk, so say which, and how to ask for one. None when the disk has none of that build."""
    return _elsewhere(pins, labelled_wheels(find_links, python_version=python_version, arch=arch))


def _elsewhere(pins: Any, wheels: Mapping[str, str]) -> str | None:
    wanted = next((r for r in getattr(pins, "requirements", ()) if r.startswith("torch==") and "+" in r), None)
    if wanted is None:
        return None
    label = wanted.split("+", 1)[1]
    builds = _torch_builds(wheels, label)
    if not builds or any(pin_key(f"torch=={v}") == pin_key(wanted) for v, _f in builds):
        return None
    shown = listed(f"torch {v} ({folder})" for v, folder in builds[:3])
    newest = builds[0][0].split("+", 1)[0]
    return _("no PyTorch index answered for {pin}, and this machine's wheel folder holds {builds} instead: unless "
             "another package source has it, the torch step will fail -> ask for version {version} "
             "(`torch.version: {version}` in the answers, `v` on the wizard's Combination screen), or choose "
             "a PyTorch mirror that answers (`torch-setup mirrors`)",
             pin=wanted, builds=shown, version=newest)


# the code of extras_not_on_disk's note (installer.compat.coded): the wizard says what to do in its own words
EXTRAS_NOT_ON_DISK = "extras-not-on-disk"


def extras_not_on_disk(requirements: Sequence[str], on_disk: Mapping[str, str],
                       todo: Callable[[str], str] | None = None) -> list[str]:
    """When torch's labelled wheel is on disk, a note naming the labelled extras (torchvision, torchaudio)
    whose wheels are not: with no PyTorch index answering, the install fails there. `on_disk` is what
    `labelled_wheels` found. Empty when torch itself is missing (the torch note speaks of that). `todo`: what
    to do, given the extras' names as the reader's language lists them (a front-end's own words); None: the
    answers' keys and commands."""
    labelled = [r for r in requirements if "+" in r]  # indexes.local_pins: only these need a PyTorch index
    torch = next((r for r in labelled if r.startswith("torch==")), None)
    if torch is None or pin_key(torch) not in on_disk:
        return []
    missing = [r for r in labelled if r != torch and pin_key(r) not in on_disk]
    extras = [r.split("==", 1)[0] for r in requirements if not r.startswith("torch==")]
    keep = [e for e in extras if not any(m.startswith(f"{e}==") for m in missing)]
    if not missing:
        return []
    # the lists as the reader's language writes them (found in use: "取消勾选 torchvision, torchaudio"); keep is
    # YAML, written as YAML is
    names = all_of(m.split("==", 1)[0] for m in missing)
    said = (todo(names) if todo is not None else
            _("leave out {names} (`torch.extras: [{keep}]` in the answers), or choose a PyTorch mirror that answers "
              "(`torch-setup mirrors`)", names=names, keep=", ".join(keep)))
    text = _("{torch} is in {folder}, but no wheel folder has {pins} and no PyTorch index answered: unless another "
             "package source has them, the install will fail -> {todo}", torch=_spoken(torch),
             folder=on_disk[pin_key(torch)], pins=listed(map(_spoken, missing)), todo=said)
    return [Coded(text, EXTRAS_NOT_ON_DISK, requirements=tuple(requirements), on_disk=dict(on_disk))]


def choice_requirements(choice: Mapping[str, Any], extras: Iterable[str]) -> list[str]:
    """The pins a plan for this ranked choice (`recommend --json`'s shape) and these extras writes."""
    from installer.compat.model import requirements

    wanted = set(extras)
    return list(requirements(str(choice["torch"]), str(choice.get("local") or ""),
                             *(choice.get(name) if name in wanted else None for name in ("torchvision", "torchaudio"))))


def _spoken(requirement: str) -> str:
    """`torch==2.13.0+cpu` as a sentence says it: torch 2.13.0+cpu."""
    return requirement.replace("==", " ", 1)


def on_disk_notes(pins: Any, find_links: Iterable[str], *, python_version: str | None,
                  arch: str | None) -> tuple[str, ...]:
    """What the wheel folders on this disk say about a plan no PyTorch index serves: another version of
    its torch build to ask for, or the extras whose wheels are missing."""
    on_disk = labelled_wheels(find_links, python_version=python_version, arch=arch)  # the folders, read once
    torch_note = _elsewhere(pins, on_disk)
    extras = extras_not_on_disk(getattr(pins, "requirements", ()), on_disk)
    return ((torch_note,) if torch_note else ()) + tuple(extras)
