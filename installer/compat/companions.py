"""Whether a torchvision or torchaudio already installed fits a torch, by its own Requires-Dist: the one rule that
doctor (of an environment verified) and the planner (of the environment a plan installs into) both apply."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version


def unmet_torch_requirements(requires: Iterable[object], torch: Version) -> list[Requirement]:
    """The requirements on torch among `requires` (a package's Requires-Dist, as text) that `torch` does not meet;
    one that cannot be read, or that only an optional extra asks for, is left out."""
    unmet = []
    for text in requires:
        try:
            req = Requirement(str(text))
        except InvalidRequirement:
            continue
        if req.name != "torch" or (req.marker is not None and "extra" in str(req.marker)):
            continue  # another package's, or an optional extra's requirement, not the package's own
        if not req.specifier.contains(torch, prereleases=True):
            unmet.append(req)
    return unmet
