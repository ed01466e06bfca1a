"""The torch builds already on this machine's disk, in the find-links folders of its pip configuration.

A +cpu or +cuNNN build comes only from a PyTorch index (or a copy of one). When no PyTorch index answers
and the wheel folder holds another version of the same build, the plan that asks for this version would
fail at its torch step; the person is better told before anything runs which version they can have.
Reads file names only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from installer.i18n import _
from installer.plan.indexes import local_folders, wheel_fits


def torch_builds(find_links: Iterable[str], *, python_version: str | None, arch: str | None,
                 label: str | None = None) -> list[tuple[str, str]]:
    """(version, folder) of each torch wheel with a local label (`2.13.0+cpu`) in the find-links
    folders that fits this Python and architecture, newest first; `label` keeps one build (cpu)."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    found: dict[Any, str] = {}
    for folder in local_folders(find_links):
        try:
            names = [e.name for e in os.scandir(folder) if e.name.startswith("torch-") and e.name.endswith(".whl")]
        except OSError:
            continue
        for name in names:
            try:
                dist, version, _build, tags = parse_wheel_filename(name)
            except InvalidWheelFilename:
                continue
            if dist != "torch" or version.local is None or not wheel_fits(tags, python_version, arch):
                continue
            if label is None or version.local == label:
                found.setdefault(version, str(folder))
    return [(str(v), found[v]) for v in sorted(found, reverse=True)]


def elsewhere_on_disk(pins: Any, find_links: Iterable[str], *, python_version: str | None,
                      arch: str | None) -> str | None:
    """A note for a plan whose torch build no PyTorch index offered: the same build in other versions
    is on this disk, so say which, and how to ask for one. None when the disk has none of that build."""
    wanted = next((r for r in getattr(pins, "requirements", ()) if r.startswith("torch==") and "+" in r), None)
    if wanted is None:
        return None
    label = wanted.split("+", 1)[1]
    builds = torch_builds(find_links, python_version=python_version, arch=arch, label=label)
    if not builds:
        return None
    shown = ", ".join(f"torch {v} ({folder})" for v, folder in builds[:3])
    newest = builds[0][0].split("+", 1)[0]
    return _("no PyTorch index answered for {pin}, and this machine's wheel folder holds {builds} instead: unless "
             "another package source has it, the torch step will fail -> ask for version {version} "
             "(`torch.version: {version}` in the answers, `v` on the wizard's Combination screen), or choose "
             "a PyTorch mirror that answers (`torch-setup mirrors`)",
             pin=wanted, builds=shown, version=newest)
