"""An install whose torch cannot use this machine's NVIDIA GPU is refused before anything runs.

Found in use (a lab admin replaying one answers file on every machine): `variant: cu130` on a machine
with driver 550 and `driver.install: false`, and `variant: cu126` on a K80, planned and installed, with
only a `# note:` to say why, and then verification failed after gigabytes of downloads. `plan` still
shows such a plan (it runs nothing, and may be for another day's driver); `install` refuses it, naming the
answer to change. A CUDA build on a machine with no NVIDIA GPU is not refused: it runs there, on the CPU,
as a lab building one image for all its machines wants. Pure: it reads the plan's meta
(installer.plan.planner.make_plan, from installer.compat.pins.Pins.blocked).
"""

from __future__ import annotations

from typing import Any

from installer.errors import InputError
from installer.i18n import _


def refusal(answers: Any, plan: Any) -> InputError | None:
    """The InputError for an install that cannot use the GPU, keyed to the answer to change; None when it
    can (or there is no NVIDIA GPU to use)."""
    why = plan.meta.get("blocked")
    if not why:
        return None
    torch, variant = dict(plan.summary).get("torch", "?"), plan.meta.get("variant", "?")
    message = _("torch {torch} ({variant}) cannot use this machine's GPU as it is: {why}",
                torch=torch, variant=variant, why=why)
    asked = answers.torch.variant
    if plan.meta.get("blocked_by_driver"):
        if asked == "auto":
            return InputError(message, key="driver.install",
                              hint=_("let this run install the driver (driver.install: true), or install the "
                                     "CPU build (torch.variant: cpu); `torch-setup recommend` says more"))
        return InputError(message, key="torch.variant",
                          hint=_("let this run install the driver (driver.install: true), or pick a build the "
                                 "driver runs now (torch.variant: auto; `torch-setup recommend` lists them)"))
    return InputError(message, key="torch.variant",
                      hint=_("pick a build that runs here (torch.variant: auto; `torch-setup recommend` lists "
                             "them and says why the others do not)"))
