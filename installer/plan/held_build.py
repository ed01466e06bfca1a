"""The build an offline install's wheelhouse holds, for answers that leave the choice to the machine.

An air-gapped machine can install nothing but what its wheelhouse holds, so for `method: wheel`
`torch.version: latest` means that build: its version, its variant where the answers say `auto`, and its
companions where the answers name none. Found in use: an answers file of `method: wheel` and its wheelhouse
(the rest left to the defaults) was refused, "built for torch==2.13.0+cpu, not for torch==2.15.0+cpu": latest
had been looked for in the release table, which knows releases the wheelhouse never held. A version, a variant or
an extra written in the answers is kept as written, and the wheelhouse check (installer.plan.kinds.wheel) still
says where the folder lacks it."""

from __future__ import annotations

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from installer.answers import DEFAULT_EXTRAS as COMPANIONS
from installer.answers import Answers
from installer.i18n import _
from installer.paths import absolute


def held_build(answers: Answers, cwd: str) -> tuple[Answers, str | None]:
    """`answers` with `latest` (and `auto`, and extras left to the default) made the wheelhouse's build, and the
    reason the plan gives for it; `answers` unchanged and None where the method is not `wheel`, the version is
    written, or the wheelhouse has no readable manifest with a torch in it (its own check then says so)."""
    if answers.method != "wheel" or not answers.wheelhouse or answers.torch.version != "latest":
        return answers, None
    from installer.plan.kinds.wheel import built_for

    folder = absolute(answers.wheelhouse, cwd)
    held: dict[str, str] = {canonicalize_name(pin.split("==")[0]): pin.split("==", 1)[1]
                            for pin in built_for(folder) if "==" in pin}
    try:
        torch = Version(held["torch"])
    except (KeyError, InvalidVersion):
        return answers, None
    update: dict[str, object] = {"version": torch.public}
    if answers.torch.variant == "auto" and torch.local:
        update["variant"] = torch.local
    if "extras" not in answers.torch.model_fields_set:
        update["extras"] = [name for name in COMPANIONS if name in held]
    choice = answers.torch.model_copy(update=update)
    reason = _("torch.version is latest: torch {version}, the build the wheelhouse {path} holds (an offline install "
               "can install no other)", version=torch.public + (f" ({torch.local})" if torch.local else ""),
               path=folder)
    return answers.model_copy(update={"torch": choice}), reason
