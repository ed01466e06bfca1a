"""`torch.version: latest` for the conda method: the newest release conda-forge is known to build.

conda-forge compiles PyTorch itself, some time after PyPI has the wheels (data/conda_forge.yaml says which releases a
source shows there); asked for a release it has no build of, the install stops at its conda step. The wizard's list
for the conda method leads with the newest release known there (installer.compat.offer), and a plan of the same
answers must agree with it. Found in use: the shipped conda-env.yaml (`latest`) planned torch 2.15.0 in `plan`, in
`install` and at Review reached with `j`, with a note saying "choose 2.12.0", while the Combination screen led with
2.12.0 and saved that. A version written in the answers is kept as written (the conda kind's note says when the data
has no record of it), and where no release known there fits the machine, `latest` stays the ranking's first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from installer.answers import Answers
from installer.errors import InputError
from installer.i18n import _


def newest_on_conda_forge(answers: Answers, pins: Any, resolve: Callable[[str], Any]) -> Any:
    """`pins` for the answers' `latest`, or, for the conda method when conda-forge is not known to build that
    release, the pins `resolve(version)` gives for the newest release it is known to build and that fits, with the
    reason first among their reasons."""
    if answers.method != "conda" or answers.torch.version != "latest":
        return pins
    from installer.compat.conda_forge import conda_forge_builds, known_releases
    from installer.compat.data import load

    if conda_forge_builds(pins.torch):
        return pins
    for version in known_releases(load()):
        try:
            found = resolve(version)
        except InputError:
            continue  # no build of it fits this machine (or its Python): an older one may
        reason = _("torch.version is latest: torch {version}, the newest release torch-setup knows conda-forge "
                   "to build; it has no record of the newer {newest} there. To ask conda-forge for it anyway, write "
                   "torch.version: {newest}; method: pip installs PyTorch's own wheel of it",
                   version=found.torch, newest=pins.torch)
        return replace(found, reasons=(reason, *found.reasons))
    return pins
