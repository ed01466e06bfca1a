"""What the wizard has learnt and decided so far, shared by its screens.

Screens are rebuilt each time they are shown (so a change of language re-renders them); everything
worth keeping between visits lives here. `draft` is the answers file in the making, as plain data in
the answers shape: the screens edit it, and the engine validates it into `Answers` at Review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from installer.executor.events import Event, RunFinished
    from installer.hardware.report import HardwareReport
    from installer.plan.model import Plan

# The screens in order. Verify and Benchmark are skipped when the answers turn them off.
SCREENS: tuple[str, ...] = (
    "welcome", "hardware", "mirrors", "combination", "review", "install", "verify", "bench", "done",
)


@dataclass
class WizardState:
    dry_run: bool = False
    hardware_path: str | None = None
    answers_path: str | None = None  # the --answers file that pre-filled the wizard
    report: HardwareReport | None = None
    draft: dict[str, Any] = field(default_factory=dict)
    recommendation: dict[str, Any] | None = None
    recommendation_key: tuple[Any, ...] | None = None  # the constraints `recommendation` was made for
    choice_index: int = 0
    # The torch version the Combination screen's Version field asks for ("latest" or a release). Kept
    # apart from draft["torch"]["version"], which holds the chosen build's exact version once one is
    # chosen: the list offered must not shrink to that one version on the way back from Review.
    version_asked: str | None = None
    # The same for the variant (the answers' own, or auto): the key of the ranking, so that a build the
    # ranking chose for a Python typed for a moment is not offered later as the answers' pin (found in use:
    # Python 3.9 typed, then cleared, left "torch 2.11.0 · cu128 as in the answers")
    variant_asked: str | None = None
    # The build the person chose in the list (torch, variant): kept when the list is made again for other
    # extras or another Python, if that list has it; a build the ranking chose by itself is not
    build_picked: tuple[str, str] | None = None
    # files the person saved with a or s (a plan script, a copy of the answers): Done names them, as a dry
    # run changed nothing else (found in use: "nothing changed but the answers file" after a script was saved)
    files_saved: list[Path] = field(default_factory=list)
    # why `torch-setup install` would refuse the plan Review shows (its torch cannot use the machine's GPU as
    # the machine is), None when it would not: Done says so beside the unattended command (found in use: a
    # recorded machine's Done offered `install --yes`, which that machine then refused)
    install_refused: str | None = None
    install_refused_fix: str | None = None  # what to do about it, in the wizard's words where it has a field
    torch_versions: list[str] = field(default_factory=list)  # what the Version field offers
    # version -> builds (cpu, cu126) whose torch wheel is in a find-links folder of this machine's pip
    # configuration: when no PyTorch index answers, those are the builds that can still be installed
    torch_on_disk: dict[str, list[str]] = field(default_factory=dict)
    # pin (torchvision==0.28.0+cpu) -> folder, for torch and its extras: an extra whose wheel is missing
    # fails the install as surely as torch would
    wheels_on_disk: dict[str, str] = field(default_factory=dict)
    # the pins of the wheelhouse typed in the Combination screen's field (its manifest's), () while it holds none
    # or is wrong: for the offline method, the build it holds leads the list (wheelhouse_lead)
    wheelhouse_holds: tuple[str, ...] = ()
    report_detected: bool = False  # the report is this machine's, detected now (not a recorded one)
    # interpreter path -> (the file it was, this machine's report with that interpreter examined): for a
    # target.python path other than the one detection looked at (the wheels are picked for its Python
    # version; the Python field's PEP 668 check reads it too). The file (resolved path, device, inode, mtime)
    # tells a report of an interpreter since replaced (a venv made again at the same path) from a current one
    target_reports: dict[str, tuple[tuple[str, int, int, int], HardwareReport]] = field(default_factory=dict)
    mirror_rows: list[dict[str, Any]] = field(default_factory=list)
    # the catalog's mirrors the probe was given: the choice lists offer all of them, answered or not
    mirror_candidates: list[dict[str, Any]] = field(default_factory=list)
    mirrors_probed: bool = False
    mirrors_region: str | None = None  # cn | global: the region the rows were probed for
    plan: Plan | None = None
    script: str | None = None
    # a recorded plan's target as the answers give it (installer.plan.recorded_folder.recorded_target): Review's
    # row, kept with the plan so a return to Review shows it at once
    plan_target: str | None = None
    answers_written: Path | None = None  # the run's answers file (Review writes it before Install)
    answers_owned: str | None = None  # what the wizard wrote there; None: a file it reused, not its own
    # the folder a reused answers file's relative folders are read from: the commands that replay it start with
    # `cd` there (found in use: resumed from the home folder, it would have installed into ~/.venv-torch)
    answers_cwd: str | None = None
    run_started: bool = False
    run_result: RunFinished | None = None
    run_error: str | None = None  # why the run stopped before or between steps (not a step's own failure)
    # what the run reported, in order: the Install screen is built afresh on each visit and draws the
    # steps, the bar and the log from these (found in use: a revisit showed 0% and every step pending
    # under "All steps finished.")
    run_events: list[Event] = field(default_factory=list)
    verify_result: dict[str, Any] | None = None
    bench_result: dict[str, Any] | None = None

    @property
    def recorded(self) -> bool:
        """The machine is a recorded one (--hardware F): its plan may be shown, never run on this one."""
        return self.hardware_path is not None

    def section(self, key: str) -> dict[str, Any]:
        """One section of the draft (target, torch, mirror, ...), created empty when missing."""
        value = self.draft.get(key)
        if not isinstance(value, dict):
            value = {}
            self.draft[key] = value
        return value

    def recommendation_wanted(self) -> tuple[Any, ...]:
        """The constraints a recommendation is made for now: the machine, the Python asked for (a version,
        or an interpreter's path: its version counts), and the torch build the answers name (so a pinned
        build is offered, with its reasons), and the extras ticked (one left out cannot refuse a build); the
        builds on this disk where they lead (`disk_fallback`), whether they are for the conda method, and the pins of
        the wheelhouse the offline method reads (`wheelhouse_lead`)."""
        python = self.section("target").get("python") or None
        torch = self.section("torch")
        version = self.version_asked if self.version_asked is not None else torch.get("version", "latest")
        variant = self.variant_asked if self.variant_asked is not None else torch.get("variant", "auto")
        extras = tuple(torch.get("extras", ("torchvision", "torchaudio")))
        return (id(self.report), python, version, variant, extras, self.disk_fallback(),
                self.draft.get("method") == "conda", self.wheelhouse_lead())

    def wheelhouse_lead(self) -> tuple[str, ...]:
        """The pins of the wheelhouse typed (`wheelhouse_holds`) while the offline method is chosen: the build it
        holds leads the list (installer.compat.offer); () otherwise."""
        return self.wheelhouse_holds if self.draft.get("method") == "wheel" else ()

    def pytorch_probed(self) -> bool:
        """Some PyTorch index was probed (by the Mirrors screen, or by Combination where Mirrors was skipped)."""
        return any(r.get("kind") == "pytorch" for r in self.mirror_rows)

    def pytorch_rows(self) -> list[dict[str, Any]]:
        """The probed rows of the PyTorch indexes the plan would use: the index typed by hand (its own row, for
        the URL typed) when mirror.pytorch is a URL, else the catalog's."""
        chosen = str(self.section("mirror").get("pytorch") or "")
        rows = [r for r in self.mirror_rows if r.get("kind") == "pytorch"]
        if "://" in chosen:
            return [r for r in rows if r.get("typed") == chosen]
        return [r for r in rows if not r.get("typed")]

    def no_conda_channel(self) -> bool:
        """The probe says no conda-forge channel the plan would use answers: the one chosen by id, conda-forge's
        own for `none`, else every one probed (False while none was probed, and for a channel typed by hand)."""
        chosen = str(self.section("mirror").get("conda") or "auto")
        if "://" in chosen:
            return False
        rows = [r for r in self.mirror_rows if r.get("kind") == "conda" and not r.get("typed")]
        if chosen == "none":
            rows = [r for r in rows if r.get("upstream")]
        elif chosen != "auto":
            rows = [r for r in rows if r.get("id") == chosen]
        return bool(rows) and not any(r.get("ok") for r in rows)

    def no_pytorch_index(self) -> bool:
        """The probe says no PyTorch index the plan would use answers (False while nothing was probed)."""
        rows = self.pytorch_rows()
        return bool(rows) and not any(r.get("ok") for r in rows)

    def disk_fallback(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The torch builds on this disk, as (version, builds), when pip installs and no PyTorch index answers:
        what the Combination screen's first choice falls back to (installer.compat.offer); () otherwise."""
        if not self.report_detected or self.draft.get("method", "pip") != "pip" or not self.no_pytorch_index():
            return ()
        return tuple((version, tuple(builds)) for version, builds in self.torch_on_disk.items())

    def forget_plan(self) -> None:
        """A decision changed: the plan shown at Review must be made again."""
        self.plan = None
        self.script = None
        self.plan_target = None
        self.forget_run()

    def forget_run(self) -> None:
        """The last run belongs to a plan no longer shown (or is to be made again): the Install screen
        runs anew rather than show another plan's result, and the checks of its environment go with it."""
        self.run_started = False
        self.run_result = None
        self.run_error = None
        self.run_events = []
        self.verify_result = None
        self.bench_result = None

    def screens(self) -> list[str]:
        """The screens this run goes through, in order."""
        names = list(SCREENS)
        if not self.draft.get("verify", True):
            names.remove("verify")
        if self.draft.get("bench", "none") == "none":
            names.remove("bench")
        return names
