"""The interface every step kind implements, and the registry that finds kinds by name.

A recipe step says `kind: pip` and gives its parameters under `with:`. The loader validates those
parameters against the kind's `Params` model twice: once at load time with sample values in place of
the templates (so a typo in a recipe is an error naming file, line and key before anything is planned),
and once at plan time with the real, type-checked values. The kind then compiles the parameters into
argv commands, downloads and file writes: pure data, nothing runs here.

Writing a kind (see `pip.py` and `command.py`):

    class Params(KindParams):          # the `with:` block; unknown keys are rejected
        packages: list[str]

    class MyKind(Kind):
        name = "mykind"
        Params = Params
        def compile(self, params, ctx):   # -> Compiled
            return Compiled(commands=(Command(argv=(...)),))

    KIND = MyKind()                    # the module-level object the registry looks for

The module must be `installer/plan/kinds/<name>.py`; `get_kind(name)` imports it on first use.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from installer.plan.model import Command, Download, FileWrite, Guard, Plan
from installer.redaction import redact_text

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport
    from installer.plan.indexes import Indexes
    from installer.plan.tools import Tools

# Kinds a recipe may name. The module installer/plan/kinds/<name>.py provides each.
KIND_NAMES = ("apt", "runfile", "conda", "pip", "wheel", "file", "command")


class KindParams(BaseModel):
    """Base of every kind's `with:` model: strict about unknown keys, immutable."""

    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


@dataclass(frozen=True)
class KindContext:
    """Everything a kind may read while compiling. Pure data: a kind never touches the machine.

    `values` is the typed template namespace (the same names a recipe writes as `${...}`), already
    validated; kinds that need a decision the recipe did not spell out read `answers`, `report`,
    `pins` and `indexes` directly.
    """

    answers: Answers
    report: HardwareReport
    pins: Any  # installer.compat.Pins (torch, variant, local, requirements, ...)
    indexes: Indexes
    tools: Tools
    values: Mapping[str, Any] = field(default_factory=dict)
    step_id: str = ""
    recipe: str = ""
    recorded: bool = False  # the report is a recorded one (--hardware): messages say the recorded machine
    hardware: str | None = None  # its file as their commands name it (installer.paths.hardware_word); None: REPORT
    today: date | None = None  # the plan's day, for NVIDIA's driver support (None: the data's date; compat.rules)


@dataclass(frozen=True)
class Compiled:
    """What a kind turns its parameters into. The planner copies these into the Step."""

    commands: tuple[Command, ...] = ()
    downloads: tuple[Download, ...] = ()
    files: tuple[FileWrite, ...] = ()
    writable: tuple[str, ...] = ()  # paths the step writes (bound writable in the sandbox)
    guard: Guard | None = None  # used when the recipe step gives no creates/unless of its own
    env: tuple[tuple[str, str], ...] = ()  # added to every command of the step
    notes: tuple[str, ...] = ()  # decisions worth telling the user; they go into Plan.notes
    # the PyTorch packages as this step installs them, where they are not the pip pins (conda's specs):
    # the plan's header shows these
    packages: tuple[str, ...] = ()
    # notes of the pins this step's notes replace, as they describe something else (the PyPI wheel's
    # kernels, where conda installs conda-forge's build): the planner leaves them out
    supersedes: tuple[str, ...] = ()
    # the NVIDIA driver branch this step installs ("latest": the repository's or Ubuntu's pick), None for a step
    # that installs no driver: the planner's notes name it for the build (installer.plan.planner)
    driver_branch: str | None = None

    def __post_init__(self) -> None:
        # notes are read and shared (the plan's header, install's confirmation, the wizard's Review)
        # and no one shows them with credentials: hidden here, where every kind makes them, once
        object.__setattr__(self, "notes", tuple(redact_text(n) for n in self.notes))


class Kind(ABC):
    """A step kind: validates its parameters (`Params`) and compiles them to commands."""

    name: ClassVar[str]
    Params: ClassVar[type[KindParams]]

    @abstractmethod
    def compile(self, params: Any, ctx: KindContext) -> Compiled:
        """Turn validated parameters into commands. Raise InputError for an impossible request."""


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register a kind object explicitly (tests; kinds defined outside installer/plan/kinds)."""
    _REGISTRY[kind.name] = kind
    return kind


def get_kind(name: str) -> Kind:
    """The kind called `name`; KeyError when it does not exist or is not written yet."""
    if name not in _REGISTRY:
        if name not in KIND_NAMES:
            raise KeyError(name)
        try:
            module = importlib.import_module(f"installer.plan.kinds.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"installer.plan.kinds.{name}":
                raise KeyError(name) from None
            raise
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, Kind):
            raise KeyError(name)
        _REGISTRY[name] = kind
    return _REGISTRY[name]


def check_inputs(plan: Plan) -> None:
    """What each step of `plan` reads is there, or an earlier step of the plan makes it: a kind's
    optional `missing_input(step, earlier)` (the wheel kind's wheelhouse) says what is missing, as an
    InputError. Reads only whether paths exist, so it is for a plan of this machine: the executor calls
    it before anything runs, and planning may call it when the report was detected here. Kinds compile
    without looking at the disk; this sees the whole plan, so what an earlier step makes counts."""
    for i, step in enumerate(plan.steps):
        try:
            hook = getattr(get_kind(step.kind), "missing_input", None)
        except KeyError:
            continue
        error = hook(step, plan.steps[:i]) if hook is not None else None
        if error is not None:
            raise error
