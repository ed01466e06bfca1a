"""What the environment a plan installs into holds already, said before anything runs: the torch the plan
replaces, and a torchvision or torchaudio the plan leaves there that does not fit the torch it puts in.

Reads only: the target's own interpreter (-I: no site of the user's, nothing imported but importlib.metadata)
prints its packages' versions and what torchvision and torchaudio require of torch."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from installer.answers import DEFAULT_EXTRAS as COMPANIONS
from installer.compat.companions import unmet_torch_requirements
from installer.i18n import _
from installer.plan.model import Caution

# {"torch": version or null, "torchvision": {"version": v, "requires": [Requires-Dist, ...]}, ...}; a package
# that is not there is left out
_INSTALLED = (
    "import importlib.metadata as m, json\n"
    "out = {}\n"
    "try:\n"
    "    out['torch'] = m.version('torch')\n"
    "except Exception:\n"
    "    out['torch'] = None\n"
    f"for name in {COMPANIONS!r}:\n"
    "    try:\n"
    "        d = m.distribution(name)\n"
    "        out[name] = {'version': d.version, 'requires': list(d.requires or ())}\n"
    "    except Exception:\n"
    "        pass\n"
    "print(json.dumps(out))\n"
)


def target_notes(plan: Any) -> tuple[str, ...]:
    """The notes for what `plan`'s target holds already (see the module); () for a new or empty environment, a
    plan whose first package is not torch's pip pin (conda's), or an interpreter that cannot be asked."""
    python = plan.target_python
    packages = dict(plan.summary).get("packages", "").split()
    if not python or not packages or not os.path.isfile(python):
        return ()
    try:
        wanted = Requirement(packages[0])
        if wanted.name != "torch":
            return ()
        out = subprocess.run([python, "-I", "-c", _INSTALLED], capture_output=True, text=True, timeout=15)
        held = json.loads(out.stdout)
    except (OSError, subprocess.SubprocessError, InvalidRequirement, ValueError):
        return ()
    if not isinstance(held, dict):
        return ()
    notes = [note for note in (_replaced(python, wanted, held.get("torch")),) if note]
    planned = {Requirement(p).name for p in packages[1:] if _is_requirement(p)}
    notes += [note for name in COMPANIONS if name not in planned
              for note in (_unfit(python, wanted, name, held.get(name)),) if note]
    return tuple(notes)


def _replaced(python: str, wanted: Requirement, have: object) -> str | None:
    """Found in use: a returning user changed torch.version, and neither `plan` nor `install` said that the 2.13.0
    in the environment would go."""
    try:
        if not isinstance(have, str) or Version(have) in wanted.specifier:
            return None
    except InvalidVersion:
        return None
    return _("{python} has torch {have}: this plan replaces it with {wanted}", python=python, have=have,
             wanted=str(wanted))


def _unfit(python: str, wanted: Requirement, name: str, held: object) -> str | None:
    """A companion the plan does not install whose torch requirement the planned torch does not meet: found in a
    trial, torch 2.13.0 went into an environment with a torchvision made for 2.12.1, Review said nothing of it, and
    only the verification after the install did."""
    pinned = [s.version for s in wanted.specifier if s.operator == "=="]
    if not isinstance(held, dict) or len(pinned) != 1:
        return None
    try:
        unmet = unmet_torch_requirements(held.get("requires") or (), Version(pinned[0]))
    except InvalidVersion:
        return None
    if not unmet:
        return None
    # verify warns of it after the install, or fails where it does not import: Review says it as a warning first
    return Caution(_("{python} has {name} {version}, which requires {requirement}: it does not fit {wanted}, and this "
                     "plan leaves it there. Tick {name} under Also install (torch.extras in an answers file) to "
                     "install the {name} made for this torch, or remove it from that environment", python=python,
                     name=name, version=str(held.get("version") or "?"), requirement=str(unmet[0]),
                     wanted=str(wanted)))


def _is_requirement(text: str) -> bool:
    try:
        Requirement(text)
    except InvalidRequirement:
        return False
    return True
