"""What the solver returns: ranked choices, rejections and warnings (the `recommend --json` contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """Something the machine needs before a choice works: `install-driver` (branch) or `install-python` (version).

    An `install-driver` with a `version` is an update within the branch the machine already runs: the
    driver must be at least that version (580.65.05 to 580.65.06 or newer), no other branch is needed.
    """

    kind: str
    reason: str
    branch: str | None = None
    version: str | None = None
    host: str | None = None  # "windows" when the change is made on the Windows side (WSL)
    support_ended: str | None = None  # "2024-07": the branch is past NVIDIA's support (no supported one fits)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.branch is not None:
            out["branch"] = self.branch
        if self.version is not None:
            out["version"] = self.version
        if self.host is not None:
            out["host"] = self.host
        if self.support_ended is not None:
            out["support_ended"] = self.support_ended
        out["reason"] = self.reason
        return out


def requirements(torch: str, local: str, torchvision: str | None = None,
                 torchaudio: str | None = None) -> tuple[str, ...]:
    """The pins as pip and uv take them (torch==2.13.0+cpu torchvision==0.28.0+cpu ...); an extra that is
    None is left out. The one place they are spelled: plans, `recommend` and the wizard's checks agree."""
    return (f"torch=={torch}{local}",) + tuple(f"{name}=={version}{local}" for name, version in
                                              (("torchvision", torchvision), ("torchaudio", torchaudio)) if version)


@dataclass(frozen=True)
class Choice:
    torch: str
    variant: str
    python: str | None
    actions: tuple[Action, ...] = ()
    reasons: tuple[str, ...] = ()
    torchvision: str | None = None
    torchaudio: str | None = None
    local: str = ""  # "+cu126", or "" when this is what PyPI serves by default
    cuda: str | None = None  # the toolkit the wheels were built with
    # the one of `reasons` that says the loaded driver runs the build ("driver 550.54.14 runs CUDA 12.6 wheels"):
    # false of a plan that replaces that driver (installer.plan.planner); not part of the --json contract
    loaded_driver_reason: str | None = None

    @property
    def works_as_is(self) -> bool:
        return not self.actions

    def action(self, kind: str) -> Action | None:
        return next((a for a in self.actions if a.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "torch": self.torch, "variant": self.variant, "python": self.python,
            "actions": [a.to_dict() for a in self.actions], "reasons": list(self.reasons),
            "torchvision": self.torchvision, "torchaudio": self.torchaudio, "local": self.local, "cuda": self.cuda,
        }


@dataclass(frozen=True)
class Rejection:
    torch: str
    variant: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"torch": self.torch, "variant": self.variant, "reason": self.reason}


@dataclass(frozen=True)
class Recommendation:
    choices: tuple[Choice, ...]
    rejected: tuple[Rejection, ...] = ()
    warnings: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # what the solver read from the report, for display

    @property
    def best(self) -> Choice | None:
        return self.choices[0] if self.choices else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "choices": [c.to_dict() for c in self.choices],
            "rejected": [r.to_dict() for r in self.rejected],
            "warnings": list(self.warnings),
            "facts": self.facts,
        }


@dataclass(frozen=True)
class Pins:
    """Exact versions to install: what the planner writes into pip / uv commands."""

    torch: str
    variant: str
    torchvision: str | None
    torchaudio: str | None
    local: str
    requirements: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    python: str | None = None  # the Python these pins have wheels for (the target's, or the one to install)
    cuda: str | None = None
    # why this build cannot use this machine's NVIDIA GPU as the machine is now (no kernels for it, or a
    # driver too old), None when it can or there is no NVIDIA GPU; `blocked_by_driver`: a newer driver
    # (the install-driver action) is all it needs, so a plan that installs the driver unblocks it
    blocked: str | None = None
    blocked_by_driver: bool = False
    # the install-driver action the build needs first, and the one of `reasons` that says it works after it
    # ("CUDA 12.6 build, after installing driver branch R535"): true only of a plan with the driver step
    driver: Action | None = None
    driver_note: str | None = None
    # the one of `reasons` that says the loaded driver runs the build: false of a plan whose driver step
    # replaces that driver (installer.plan.planner)
    loaded_driver_note: str | None = None
    # a CUDA build pinned as asked for a machine with no NVIDIA GPU: why it runs on the CPU only there (it is
    # installed, not refused: installer.plan.gpu_refusal.cpu_only_warning says it before anything runs)
    cpu_only: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "torch": self.torch, "variant": self.variant, "torchvision": self.torchvision,
            "torchaudio": self.torchaudio, "local": self.local, "requirements": list(self.requirements),
            "reasons": list(self.reasons), "python": self.python, "cuda": self.cuda,
        }
