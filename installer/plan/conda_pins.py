"""The conda method's pins: what `variant: auto` and `torch.version: latest` mean where conda-forge is the source.

conda-forge compiles PyTorch itself, for the CPU and NVIDIA's CUDA only, and some time after PyPI has the wheels
(data/conda_forge.yaml says which releases a source shows there). So, for answers that leave the choice to the
machine:
- `variant: auto` is the CPU build where the machine's own build is one conda-forge does not make (ROCm for an AMD
  GPU, XPU), with a warning that the GPU goes unused and that the pip method uses it. Found in use: an AMD machine's
  conda environment planned the rocm7.1 build, which the conda step refuses ("conda-forge has no rocm7.1 builds"),
  and the wizard listed that build as "known on conda-forge". A variant written in the answers is kept, and refused
  there as before.
- `torch.version: latest` is the newest release conda-forge is known to build, where PyPI's newest is not one.
  Found in use: the shipped conda-env.yaml planned torch 2.15.0 in `plan`, in `install` and at Review reached with
  `j`, with a note saying "choose 2.12.0", while the Combination screen led with 2.12.0 and saved that. A version
  written is kept (the conda kind's note says when the data has no record of it), and where no release known there
  fits the machine, `latest` stays the newest.
The wizard's list for the conda method follows the same rules (installer.compat.offer), and tests hold the two to
one answer on every recorded machine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from installer.answers import Answers
from installer.compat.conda_forge import builds_variant, conda_forge_builds, known_releases, no_build_of
from installer.errors import InputError
from installer.i18n import _
from installer.plan.model import Caution


class NoCondaBuild(Caution):
    """The note that the machine's GPU build is one conda-forge does not make, so the environment runs on the CPU:
    `answers check`, `plan` and `install` say it as a warning keyed to torch.variant (installer.plan.gpu_refusal)."""


def conda_pins(answers: Answers, resolve: Callable[[str, str], Any], *, recorded: bool = False) -> Any:
    """The pins for conda answers, `resolve(version, variant)` being the compat layer's for this machine and target;
    `recorded`: the machine is a recorded one (--hardware)."""
    variant = answers.torch.variant
    pins = resolve(answers.torch.version, variant)
    cpu_only = None
    if variant == "auto" and not builds_variant(pins.variant):
        cpu_only = NoCondaBuild(no_build_of(pins.variant, recorded=recorded))
        variant = "cpu"
        pins = resolve(answers.torch.version, variant)
    if answers.torch.version == "latest" and not conda_forge_builds(pins.torch):
        pins = _newest_known(pins, lambda version: resolve(version, variant))
    return replace(pins, reasons=(cpu_only, *pins.reasons)) if cpu_only else pins


def _newest_known(pins: Any, resolve: Callable[[str], Any]) -> Any:
    """The pins of the newest release conda-forge is known to build that fits, with the reason first; `pins` where
    none does."""
    from installer.compat.data import load

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
