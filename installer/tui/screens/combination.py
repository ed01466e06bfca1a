"""Combination: the ranked builds with their reasons, the refused ones on demand, and how and where
to install (method, target environment and its Python, extras, driver and CUDA toolkit steps)."""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, OptionList, RadioSet, Select, Static
from textual.widgets.option_list import Option

from installer.i18n import _
from installer.i18n.phrases import listed
from installer.paths import in_own_checkout
from installer.plan.recorded_folder import recorded_folder_text
from installer.tui.screens.base import WizardScreen, busy, error_text, hanging
from installer.tui.widgets import ChoiceList, Choices, Field, Radio, Tick

if TYPE_CHECKING:
    from installer.hardware.report import HardwareReport

LATEST = "latest"
VENV_FOLDER = ".venv-torch"  # the answers' default target.path
CONDA_FOLDER = ".conda-torch"  # as recipes/answers/conda-env.yaml names it


def choice_title(choice: dict[str, Any]) -> str:
    bits = [f"torch {choice['torch']}", str(choice["variant"])]
    if choice.get("python"):
        bits.append(f"Python {choice['python']}")
    return " · ".join(bits)


def choice_prompt(choice: dict[str, Any], best: bool, chosen: bool, *, driver_off: bool = False) -> Group:
    """A choice as its title, then its reasons and needs, each wrapped under itself (not under the bullet).
    `driver_off`: the driver tick is off, so the build's "after installing driver branch R580" is not this plan's."""
    head = Text()
    head.append("● " if chosen else "○ ")
    head.append(choice_title(choice), style="bold")
    if choice.get("pinned"):
        head.append("  " + _("as in the answers"), style="bold")
    elif choice.get("from_disk"):  # installer.compat.offer: no PyTorch index answered, its wheel is on this disk
        head.append("  " + _("on this disk"), style="bold green")
    elif choice.get("unreachable"):
        head.append("  " + _("newest, not reachable from here"), style="bold yellow")
    elif choice.get("conda_forge"):  # installer.compat.offer: the newest release known on conda-forge
        head.append("  " + _("known on conda-forge"), style="bold green")
    elif choice.get("conda_forge_unknown"):
        head.append("  " + _("newest, no record of it on conda-forge"), style="bold yellow")
    elif choice.get("wheelhouse"):  # installer.compat.offer: the build the wheelhouse typed holds
        head.append("  " + _("in the wheelhouse"), style="bold green")
    elif choice.get("not_in_wheelhouse"):
        head.append("  " + _("newest, not in the wheelhouse"), style="bold yellow")
    elif best and not choice.get("actions"):
        head.append("  " + _("recommended"), style="bold green")
    lines = Table.grid()
    lines.add_column(width=4)
    lines.add_column(width=2)
    lines.add_column(ratio=1)
    for reason in choice.get("reasons", []):
        lines.add_row("", "•", Text(unticked_reason(reason, choice) if driver_off else reason))
    for action in choice.get("actions", []):
        line = action_line(action, choice.get("reasons", []))
        if line:
            lines.add_row("", Text("⚠", style="yellow"), Text(line, style="yellow"))
    return Group(head, lines)


def action_line(action: dict[str, Any], reasons: list[str]) -> str:
    """A need under a build's reasons: only why it is needed where a reason already says what to do (the
    solver's "CUDA 13.0 build, after updating the Windows driver to branch R580 or newer", which plan and
    recommend say too). Found in use under WSL: the driver update said twice, in the same words."""
    branch = action.get("branch")
    if action.get("kind") == "install-driver" and branch and any(f"R{branch}" in r for r in reasons):
        return str(action.get("reason") or "")
    return action_text(action)


def unticked_reason(reason: str, choice: dict[str, Any]) -> str:
    """The build's reason that says it works after its driver step, as said while the driver tick is off (found by a
    tester: "CUDA 13.2 build, after installing driver branch R580" beside an unticked driver, and Review with no
    driver step); other reasons as they are."""
    from installer.compat.coded import code_of
    from installer.compat.solver import DRIVER_CHANGE_REASON

    action = find_action(choice, "install-driver")
    branch = action.get("branch") if action else None
    if not branch or code_of(reason) != DRIVER_CHANGE_REASON:  # WSL's (the Windows driver) has no code
        return reason
    return _("{variant} build, but the driver install under Also install (below) is not ticked: torch does not use "
             "the GPU until NVIDIA driver branch R{branch} is installed", variant=choice.get("variant") or "?",
             branch=branch)


def best_index(choices: list[dict[str, Any]]) -> int:
    """The ranking's first choice (a build pinned by the answers may stand before it)."""
    return next((i for i, c in enumerate(choices)
                 if not c.get("pinned") and not c.get("from_disk") and not c.get("conda_forge")), 0)


def action_text(action: dict[str, Any]) -> str:
    kind = action.get("kind")
    if kind == "install-driver":
        head = (_("needs the NVIDIA R{branch} driver updated to {version} or newer", branch=action.get("branch") or "?",
                  version=action["version"]) if action.get("version") else
                _("needs NVIDIA driver branch {branch}", branch=action.get("branch") or "?"))
        if action.get("support_ended") and not action.get("version"):
            head = last_branch_text(action)
        if action.get("host") == "windows":
            # WSL: the GPU is served by the Windows driver, which only Windows can update
            head = _("needs the Windows NVIDIA driver updated to R{branch} or newer, in Windows (never a Linux "
                     "driver inside WSL)", branch=action.get("branch") or "?")
    elif kind == "install-python":
        head = _("needs Python {version}", version=action.get("version") or "?")
    else:
        head = str(kind)
    reason = action.get("reason")
    return _("{head}: {reason}", head=head, reason=reason) if reason else head


def last_branch_text(action: dict[str, Any]) -> str:
    """An install-driver action past NVIDIA's support (`support_ended`): the solver offers an ended branch only
    where no branch NVIDIA still supports runs the GPU (installer.compat.rules.choose_branch), so it is that
    branch, not "or newer" (found by a tester on a K80: "R470 or newer", where R535 ignores Kepler GPUs)."""
    return _("needs NVIDIA driver branch R{branch} (newer branches do not run the GPU)",
             branch=action.get("branch") or "?")


def windows_driver_needed(choice: dict[str, Any] | None) -> str | None:
    """Under WSL, what a build that needs a newer driver asks first: the Windows driver updated (the plan
    has no driver step there, and torch would install and then see no GPU); None when it needs nothing."""
    action = find_action(choice, "install-driver")
    if action is None or action.get("host") != "windows":
        return None
    return _("Before installing: this build needs the Windows NVIDIA driver R{branch} or newer. Update the driver "
             "in Windows (nvidia.com/drivers); never install a Linux NVIDIA driver inside WSL: the Windows driver "
             "is the one that serves the GPU there.", branch=action.get("branch") or "?")


def problem_view(problem: tuple[str, str]) -> Group | Text:
    """A field's problem as it shows under the field: what is wrong, then what to do (when known)."""
    message, hint = problem
    return Group(Text(message), hanging([("→", hint)])) if hint else Text(message)


def driver_tick_label(branch: str | None) -> str:
    """The driver tick under Also install, for a driver of `branch` (None: the repository's pick)."""
    return _("install NVIDIA driver branch {branch} (root, then a reboot)", branch=branch or "latest")


def support_move(rec: dict[str, Any] | None) -> str | None:
    """The supported branch to move a loaded driver past NVIDIA's support to, where torch-setup installs drivers
    on this system: the ranking's coded warning says it (installer.compat.support_end); None where none."""
    from installer.compat.coded import Coded
    from installer.compat.support_end import LOADED_DRIVER_ENDED

    for warning in (rec or {}).get("warnings", []):
        if isinstance(warning, Coded) and warning.code == LOADED_DRIVER_ENDED:
            return str(warning.values["instead"].branch)
    return None


def wizard_warning(warning: str, choice: dict[str, Any] | None, ticked: bool = True) -> str:
    """A warning of the ranking as the wizard says it: the one that names the answers that move a loaded driver
    past support (driver.install, driver.branch) names the tick that does it here (found in use: the wizard, which
    has no branch field, told its user to set driver.branch), as it is now: `ticked` or not (found by a tester: "to
    move to it, tick" once ticked, and "the driver install ticked" once unticked)."""
    from installer.compat.coded import Coded
    from installer.compat.support_end import LOADED_DRIVER_ENDED, ended_when
    from installer.i18n.phrases import month_text

    if not isinstance(warning, Coded) or warning.code != LOADED_DRIVER_ENDED:
        return warning
    v = warning.values
    ended, instead = v["ended"], v["instead"]
    action = find_action(choice, "install-driver")
    # the build's own driver step where it needs one, else the supported branch (as the tick's label names them)
    branch = (action.get("branch") or "?") if action is not None else instead.branch
    if ticked:
        todo = _("the driver install ticked under Also install (below) replaces it with R{branch}", branch=branch)
    else:
        todo = _("to move to it, tick \"{tick}\" under Also install (below)", tick=driver_tick_label(branch))
    return _("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting {when}: it "
             "gets no more security fixes. R{other}, supported until {until}, drives these GPUs too and runs every "
             "build R{branch} runs; {todo}", version=v["version"], branch=ended.branch, when=ended_when(ended),
             other=instead.branch, until=month_text(instead.eol or ""), todo=todo)


def find_action(choice: dict[str, Any] | None, kind: str) -> dict[str, Any] | None:
    for action in (choice or {}).get("actions", []):
        if action.get("kind") == kind:
            return dict(action)
    return None


# the bar's words for a field whose problem stops Next (found in use: a wrong wheelhouse, and the bar still
# read "1 choice, 0 refused" beside a Next that looked ready)
FIELD_WRONG = {"#wheelhouse-problem": "the Wheelhouse field is wrong", "#path-problem": "the Folder field is wrong",
               "#python-problem": "the Python field is wrong"}
# what a field shows under itself as it is typed, top to bottom
SAID_UNDER = {"target-path": ("#path-problem", "#path-where"),
              "wheelhouse": ("#wheelhouse-holds", "#wheelhouse-problem")}


class CombinationScreen(WizardScreen):
    NAME = "combination"
    AUTO_FOCUS = "#choices"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("r", "toggle_refused", "Refused"),
        # the footer's word is short; the help says what the key does (found by a newcomer: "c Choices" said not)
        Binding("c", "focus_choices", "Builds", tooltip="go to the list of builds"),
        Binding("v", "focus_version", "Version"),
        # no room in the footer at 80 columns: the help and the command palette name it
        Binding("a", "save_answers", "Save answers", show=False),
    ]
    ranked_for: tuple[Any, ...] | None = None  # the key of the list last asked for (in the making, or shown)
    typed_for: tuple[str, str, str] | None = None  # (url, variant, torch) the typed index is being probed for

    def body(self) -> ComposeResult:
        d = self.state.draft
        self.driver_asked = bool(self.state.section("driver").get("install"))  # before this screen decides
        target = self.state.section("target")
        torch = self.state.section("torch")
        yield Static(_("Choose a PyTorch build"), classes="section")
        if self.state.version_asked is None:  # first visit: what the answers say (a build chosen later is not a pin)
            self.state.version_asked = str(torch.get("version") or LATEST)
            self.state.variant_asked = str(torch.get("variant") or "auto")
        with Horizontal(classes="field"):
            yield Label(_("Version"), classes="label")
            yield Select(self.version_options(), value=self.state.version_asked, allow_blank=False,
                         id="torch-version", compact=True)
        yield busy(_("Working out which builds fit the recorded machine…") if self.state.recorded else
                   _("Working out which builds fit this machine…"))
        yield ChoiceList(id="choices")
        yield Static("", id="rec-warnings")
        yield Static("", id="refused", classes="muted")

        yield Static(_("Install method"), classes="section")
        method = d.get("method", "pip")
        with Choices(id="method", compact=True):
            # the method, not the target (found in use: "a virtual environment" beside an existing interpreter)
            yield Radio(_("pip (uv, pip as the fallback): wheels from the package indexes"), value=method == "pip",
                        id="method-pip")
            yield Radio(_("conda: a conda environment from conda-forge"), value=method == "conda",
                        id="method-conda")
            yield Radio(_("offline: a wheelhouse folder (no network)"), value=method == "wheel",
                        id="method-wheel")
        with Horizontal(classes="field", id="wheelhouse-row"):
            yield Label(_("Wheelhouse"), classes="label")
            yield Field(d.get("wheelhouse") or "", id="wheelhouse", compact=True,
                        placeholder=_("the folder a wheelhouse build made, e.g. /media/usb/torch-wheelhouse"))
        yield Static("", id="wheelhouse-holds", classes="muted")
        yield Static("", id="wheelhouse-problem", classes="error")

        yield Static(_("Target environment"), classes="section")
        kind = target.get("kind", "venv")
        with Choices(id="target-kind", compact=True):
            yield Radio(_("a new virtual environment"), value=kind == "venv", id="target-venv")
            yield Radio(_("a new conda environment"), value=kind == "conda", id="target-conda")
            yield Radio(_("an existing Python interpreter"), value=kind == "existing", id="target-existing")
        with Horizontal(classes="field", id="path-row"):
            yield Label(_("Folder"), classes="label")
            yield Field(target.get("path") or "", id="target-path", compact=True)
        yield Static("", id="path-problem", classes="error")
        yield Static("", id="path-where", classes="muted")
        with Horizontal(classes="field"):
            yield Label(_("Python"), classes="label")
            yield Field(target.get("python") or "", id="target-python", compact=True)
        yield Static("", id="python-problem", classes="error")

        yield Static(_("Also install"), classes="section")
        extras = torch.get("extras", ["torchvision", "torchaudio"])
        yield Tick("torchvision", "torchvision" in extras, id="extra-torchvision")
        yield Tick("torchaudio", "torchaudio" in extras, id="extra-torchaudio")
        with Vertical(id="system-steps"):
            yield Tick("", bool(self.state.section("driver").get("install")), id="driver")
            # short enough for one line at 80 columns: a checkbox's label does not wrap
            yield Tick(_("a CUDA toolkit (nvcc), only to compile CUDA code; torch has its own"),
                       bool(self.state.section("cuda_toolkit").get("install")),
                       id="toolkit")
            apt = self.apt_serves()
            source = self.toolkit_source()
            with Choices(id="toolkit-source", compact=True):
                # shown, not hidden, where NVIDIA has no apt packages: the person learns why it is the runfile
                yield Radio(_("from NVIDIA's apt repository") if apt else
                            _("from NVIDIA's apt repository: for Ubuntu and Debian only"),
                            value=source == "apt", id="toolkit-apt", disabled=not apt)
                yield Radio(_("from NVIDIA's runfile, into /usr/local/cuda-X.Y"), value=source == "runfile",
                            id="toolkit-runfile")

        yield Static(_("After installing"), classes="section")
        yield Tick(_("verify that torch works"), bool(d.get("verify", True)), id="verify")
        bench = d.get("bench", "none")
        with Choices(id="bench", compact=True):
            yield Radio(_("no benchmark"), value=bench == "none", id="bench-none")
            yield Radio(_("quick benchmark (about 20 s)"), value=bench == "quick", id="bench-quick")
            yield Radio(_("full benchmark"), value=bench == "full", id="bench-full")

    def apt_serves(self) -> bool:
        report = self.state.report
        return report is None or self.engine.nvidia_apt_serves(report)

    def toolkit_source(self) -> str:
        """apt or runfile: the answers' choice, or apt where NVIDIA has apt packages for this system; the
        runfile where it has none, whatever the answers said (apt cannot be planned there)."""
        asked = str(self.state.section("cuda_toolkit").get("source") or "apt")
        return asked if self.apt_serves() else "runfile"

    def driver_elsewhere(self) -> str | None:
        report = self.state.report
        return self.engine.driver_elsewhere(report, recorded=self.state.recorded) if report is not None else None

    def version_options(self) -> list[tuple[str, str]]:
        known = self.state.torch_versions or []
        asked = self.state.version_asked or LATEST
        extra = [asked] if asked != LATEST and asked not in known else []  # a pin from the answers file
        on_disk = self.state.torch_on_disk
        return [(_("latest: the newest release that fits"), LATEST)] + [
            (_("{version} · wheel on this disk ({builds})", version=v, builds=listed(on_disk[v]))
             if v in on_disk else v, v) for v in extra + known]

    # recommendation ---------------------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.show_refused = False
        self.query_one("#python-problem").display = False
        self.sync_visibility()
        if self.query_one("#target-python", Input).value.strip():  # a version no release has, kept from before
            self.show_python_problem()
        if not self.state.torch_versions:
            self.list_versions()
        key = self.recommendation_key()
        self.find_wheels(key[1])
        if not self.state.mirrors_probed and not self.state.pytorch_probed():
            self.probe_pytorch_indexes()
        if self.state.recommendation is not None and self.state.recommendation_key == key:
            self.ranked_for = key
            self.show_recommendation(self.state.recommendation)
        else:
            self.rank(key)

    def recommendation_key(self) -> tuple[Any, ...]:
        return self.state.recommendation_wanted()

    def rank(self, key: tuple[Any, ...]) -> None:
        """Work out the builds that fit `key`, unless the Python field holds what no answer can be: none
        are listed then (found in use: with 2.7 typed there, the list still offered the builds for the
        Python detected, as "3 choices"); they are worked out once the field is put right."""
        if self.python_field_wrong():
            self.withhold_builds()
            return
        self.ranked_for = key
        self.query_one("#busy").display = True
        self.recommend(key)

    def withhold_builds(self) -> None:
        self.ranked_for = None
        self.state.recommendation = None
        self.state.recommendation_key = None  # made again for whatever the field holds next
        self.query_one("#busy").display = False
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        if options.has_focus:  # the empty list keeps the keys, the screen its top (as show_recommendation)
            self.call_after_refresh(self.query_one("#body").scroll_home, animate=False)
        self.update_refused()
        box = self.query_one("#rec-warnings", Static)
        box.update(_("No builds are listed while the Python field (below) is wrong."))
        box.set_classes("error")
        self.refresh_nav(_("the Python field is wrong"))

    @work(thread=True, exclusive=True, group="recommend")
    def recommend(self, key: tuple[Any, ...]) -> None:
        """The ranking, led by the build the answers already name (pre-filled, or chosen before)."""
        try:
            rec = self.wizard.offer_for(key)
        except Exception as exc:  # shown on the screen: a bad constraint must not crash the wizard
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.recommended, key, rec)

    @work(thread=True, exclusive=True, group="versions")
    def list_versions(self) -> None:
        try:
            report = self.wizard.obtain_report()
            versions = self.engine.torch_versions(report)
        except Exception:  # noqa: BLE001 - the field keeps "latest" (and any pin); the ranking says the rest
            return
        self.app.call_from_thread(self.versions_listed, versions)

    @work(thread=True, exclusive=True, group="wheels")
    def find_wheels(self, python: str | None) -> None:
        """The torch wheels in this machine's find-links folders that the target's Python can take (its
        version, when the Python field names an interpreter or a version; else the machine's)."""
        if not self.state.report_detected:  # a recorded machine's wheel folders are not on this disk
            return
        try:
            report = self.wizard.target_report(python)
            wheels = self.engine.wheels_on_disk(report, python=self.engine.version_asked(python))
        except Exception:  # noqa: BLE001 - only a label on the options (and a warning) is lost
            return
        self.app.call_from_thread(self.wheels_found, wheels)

    @work(thread=True, exclusive=True, group="pytorch-indexes")
    def probe_pytorch_indexes(self) -> None:
        """Whether a PyTorch index answers, where the Mirrors screen was skipped (Welcome's j, then Back): the
        warnings that a build has nowhere to come from need it (found in use: after j and Back, the warning
        that torch 2.15.0 was not on this disk, shown on the way through the screens, was missing)."""
        torch = self.state.section("torch")
        variant = str(torch.get("variant") or "auto")
        try:
            typed = str(self.state.section("mirror").get("pytorch") or "")
            rows = self.engine.probe_mirrors(
                kinds=("pytorch",), region=str(self.state.section("mirror").get("region") or "auto"),
                variant=None if variant == "auto" else variant, torch_version=torch.get("version"),
                recorded=None if self.state.report_detected else self.state.report,
                typed=typed if "://" in typed else None)
        except Exception:  # noqa: BLE001 - only a warning is lost; Review's plan probes the indexes itself
            return
        self.app.call_from_thread(self.pytorch_indexes_probed, rows)

    def pytorch_indexes_probed(self, rows: list[dict[str, Any]]) -> None:
        if self.state.mirrors_probed or self.state.pytorch_probed():
            return  # the Mirrors screen's own rows came first
        self.state.mirror_rows.extend(rows)
        if self.state.recommendation is not None:
            self.update_warnings()
            self.judge_typed_index()
        self.fall_back_to_disk()

    # the PyTorch index typed by hand, judged for the build chosen ---------------------------------------
    def typed_row(self) -> dict[str, Any] | None:
        """The probed row of the PyTorch index typed by hand, when mirror.pytorch is that URL."""
        url = str(self.state.section("mirror").get("pytorch") or "")
        if "://" not in url:
            return None
        return next((r for r in self.state.mirror_rows if r.get("typed") == url), None)

    def judged_build(self) -> dict[str, Any] | None:
        """The build the typed index must serve: the one chosen; while the ranking chose by itself, its first
        from an index, not a wheel on this disk that leads only because no index serves the first (judged for
        that one, an index that serves it would take it out of the list again, and so on)."""
        choice = self.current_choice()
        if choice is None or not choice.get("from_disk") or self.state.build_picked is not None:
            return choice
        choices = (self.state.recommendation or {}).get("choices", [])
        return dict(choices[best_index(choices)]) if choices else None

    def judge_typed_index(self) -> None:
        """The typed index's verdict is for the build it was probed for (Mirrors: the ranking's first): for
        another build chosen here it is probed again (found in review: an index with cu126 and no cpu wheels
        counted as serving the CPU build chosen, and nothing warned that its install would fail). With no row
        at all it is probed here: the Mirrors screen's probe is cut short when that screen is left before it
        ends (its worker goes with the screen), and no verdict came at all."""
        url = str(self.state.section("mirror").get("pytorch") or "")
        row, build = self.typed_row(), self.judged_build()
        if "://" not in url or build is None:
            return
        wanted = (url, str(build["variant"]), str(build["torch"]))
        if self.typed_for == wanted or (
                row is not None and (row.get("variant"), row.get("torch_version")) == wanted[1:]):
            return
        self.typed_for = wanted
        self.probe_typed_index(*wanted)

    @work(thread=True, exclusive=True, group="typed-index")
    def probe_typed_index(self, url: str, variant: str, torch_version: str) -> None:
        from textual.worker import get_current_worker

        try:
            row = self.engine.probe_typed_pytorch(url, variant=variant, torch_version=torch_version)
        except Exception as exc:  # noqa: BLE001 - said as the row's failure: Review's plan would say the same
            row = {"id": "by-hand", "kind": "pytorch", "typed": url, "url": url, "ok": False, "variant": variant,
                   "torch_version": torch_version, "reason": error_text(exc)}
        if not get_current_worker().is_cancelled:  # another build was chosen meanwhile: its probe follows
            self.app.call_from_thread(self.typed_index_probed, row)

    def typed_index_probed(self, row: dict[str, Any]) -> None:
        if self.typed_for == (row["typed"], row["variant"], row["torch_version"]):
            self.typed_for = None
        build, current = self.judged_build(), self.typed_row()
        url = str(self.state.section("mirror").get("pytorch") or "")
        if not self.is_mounted or build is None or row["typed"] != url:
            return
        if (row["variant"], row["torch_version"]) != (str(build["variant"]), str(build["torch"])):
            # for a build no longer chosen: the probe for the one chosen now starts here, unless it is under way
            # or its row is in (the verdict must not wait on another choice made)
            self.judge_typed_index()
            return
        if current is None:  # none came from the Mirrors screen (left before its probe ended): this is the row
            self.state.mirror_rows = [r for r in self.state.mirror_rows if not r.get("typed")] + [row]
        else:
            self.state.mirror_rows = [row if r is current else r for r in self.state.mirror_rows]
        if self.state.recommendation is not None:
            self.update_warnings()
        self.fall_back_to_disk()

    def wheels_found(self, wheels: dict[str, str]) -> None:
        self.state.wheels_on_disk = wheels
        self.state.torch_on_disk = self.engine.torch_on_disk(wheels)
        self.refresh_version_options()
        self.fall_back_to_disk()

    def fall_back_to_disk(self) -> None:
        """The probe's verdict or the wheels on this disk came after the list was made: made again, so that with
        no PyTorch index answering a build on this disk leads it (installer.compat.offer). Compared with the
        key last ranked for, not the one last shown: a verdict that lands while the first list is still being
        made would otherwise be lost (found under load: Combination said "Working out which builds fit" for
        good, its list dropped as made for the old key and none made for the new)."""
        key = self.recommendation_key()
        if self.ranked_for is not None and key != self.ranked_for:
            self.rank(key)

    def versions_listed(self, versions: list[str]) -> None:
        self.state.torch_versions = versions
        self.refresh_version_options()

    def refresh_version_options(self) -> None:
        """The Version field's options (releases, marked when on this disk), and the warnings that
        depend on what is on this disk."""
        select = self.query_one("#torch-version", Select)
        with select.prevent(Select.Changed):  # the same value, more options: not a choice
            select.set_options(self.version_options())
            select.value = self.state.version_asked or LATEST
        if self.state.recommendation is not None:
            self.update_warnings()

    def recommended(self, key: tuple[Any, ...], rec: dict[str, Any]) -> None:
        if self.python_field_wrong():
            return
        current = self.recommendation_key()
        if key != current:  # made for what the fields held before: the ranking for what they hold now follows
            if self.ranked_for != current:  # (a change that started none: it starts here)
                self.rank(current)
            return
        self.state.recommendation = rec
        self.state.recommendation_key = key
        self.state.choice_index = self.matching_choice(rec)
        self.show_recommendation(rec)

    def matching_choice(self, rec: dict[str, Any]) -> int:
        """The choice the answers already name (pre-filled or chosen before), else the best one. A version
        left at latest, or a variant at auto, matches any (found in use: `version: latest, variant: cu130`
        showed the cu126 build chosen, and the wizard would have written cu126 back)."""
        torch = self.state.section("torch")
        if self.state.build_picked is not None:
            version, variant = self.state.build_picked
        elif self.state.version_asked is not None:
            version, variant = self.state.version_asked, self.state.variant_asked or "auto"
        else:
            version, variant = torch.get("version") or LATEST, torch.get("variant") or "auto"
        for i, c in enumerate(rec.get("choices", [])):
            if version in (LATEST, c["torch"]) and variant in ("auto", c["variant"]):
                return i
        return 0

    def show_error(self, exc: BaseException) -> None:
        self.query_one("#busy").display = False
        self.query_one("#rec-warnings", Static).update(
            "[b]" + escape(_("No recommendation:")) + "[/b]\n" + escape(error_text(exc)))
        self.query_one("#rec-warnings").set_classes("error")
        self.refresh_nav(_("no recommendation"))

    def show_recommendation(self, rec: dict[str, Any]) -> None:
        self.query_one("#busy").display = False
        choices = rec.get("choices", [])
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        options.add_options([Option(choice_prompt(c, i == best_index(choices), i == self.state.choice_index,
                                                  driver_off=i == self.state.choice_index and self.driver_off()),
                                    id=f"choice-{i}") for i, c in enumerate(choices)])
        if choices:
            options.highlighted = min(self.state.choice_index, len(choices) - 1)
        self.update_refused()
        self.apply_choice()
        if options.has_focus:
            # focusing the list scrolled the body past the heading and the Version field above it:
            # the screen opens at its top, the list still has the keys
            self.call_after_refresh(self.query_one("#body").scroll_home, animate=False)
        # a field found wrong for the build chosen (the wheelhouse's) stays said (found in use: the bar said "2
        # choices" under the Wheelhouse field's problem)
        wrong = next((box for box in FIELD_WRONG if self.query_one(box).display), None)
        self.refresh_nav(_(FIELD_WRONG[wrong]) if wrong else self.choices_hint())

    def choices_hint(self) -> str:
        """The bar's words beside Next: how many builds are offered and refused."""
        rec = self.state.recommendation or {}
        n_ref = len(rec.get("rejected", []))
        choices = rec.get("choices", [])
        if len(choices) == 1:
            return _("1 choice, {m} refused (r)", m=n_ref)
        return _("{n} choices, {m} refused (r)", n=len(choices), m=n_ref)

    def driver_ticked(self) -> bool:
        box = self.query_one("#driver", Checkbox)
        return bool(box.display and box.value)

    def driver_off(self) -> bool:
        """No driver install in the plan while torch-setup could make one here (elsewhere, the warnings say who
        installs it, and the advice for that install stands)."""
        return not self.driver_ticked() and self.driver_elsewhere() is None

    def update_warnings(self) -> None:
        from installer.compat.coded import code_of
        from installer.compat.solver import DRIVER_INSTALL_WARNING

        rec = self.state.recommendation or {}
        off = self.driver_off()
        warnings = [wizard_warning(w, self.current_choice(), self.driver_ticked()) for w in rec.get("warnings", [])
                    if not (off and code_of(w) == DRIVER_INSTALL_WARNING)]  # advice for an install not in the plan
        warnings += self.driver_not_here(self.current_choice())
        nowhere = self.not_installable_here(self.current_choice())
        warnings += (self.typed_verdict() + nowhere) if nowhere else []  # the typed index's why beside it
        warnings += self.conda_unreachable()
        box = self.query_one("#rec-warnings", Static)
        if not rec.get("choices"):
            none_fits = (_("No build fits the recorded machine as it is.") if self.state.recorded else
                         _("No build fits this machine as it is."))
            headline = Text.assemble((none_fits, "bold"), " ",
                                     _("Press r to see what was refused and why."))
            # and what would let one fit (another Python for the newer builds), found in use: the
            # headline alone sent a person through the whole refused list to learn it
            box.update(Group(headline, hanging(("⚠", w) for w in warnings)) if warnings else headline)
            box.set_classes("error")
        elif warnings:
            box.update(hanging(("⚠", w) for w in warnings))
            box.set_classes("warning")
        else:
            box.update("")
            box.set_classes("")

    def driver_not_here(self, choice: dict[str, Any] | None) -> list[str]:
        """A build that needs a newer driver where torch-setup does not install drivers (found in use: on
        Rocky Linux the driver was ticked for such a build, and Review refused the plan)."""
        action = find_action(choice, "install-driver")
        elsewhere = self.driver_elsewhere()
        if elsewhere is None:
            return []
        report = self.state.report
        if action and action.get("host") != "windows" and report is not None and report.nvidia_driver is None:
            # no driver loaded: no CUDA build runs here, only the CPU one (found by a tester on a K80: "or choose a
            # build the driver here runs", with no driver)
            return [_("this build needs NVIDIA driver branch R{branch}{newer}: {elsewhere}; or choose the CPU build",
                      branch=action.get("branch") or "?", elsewhere=elsewhere,
                      newer=_(" (newer branches do not run the GPU)") if action.get("support_ended") else
                      _(" or newer, which torch-setup does not install here"))]
        if action and action.get("host") != "windows" and action.get("support_ended"):
            # the branch itself, no other: `elsewhere` says who installs it
            return [_("this build needs NVIDIA driver branch R{branch} (newer branches do not run the GPU): "
                      "{elsewhere}; or choose a build the loaded driver runs", branch=action.get("branch") or "?",
                      elsewhere=elsewhere)]
        if action and action.get("host") != "windows":  # under WSL the build's own reason says Windows
            return [_("this build needs NVIDIA driver branch R{branch} or newer, which torch-setup does not "
                      "install here: {elsewhere}; or choose a build the loaded driver runs",
                      branch=action.get("branch") or "?", elsewhere=elsewhere)]
        if self.driver_asked:  # an answers file's driver.install: true, which the plan could not keep
            return [_("the answers ask to install the NVIDIA driver, which torch-setup does not do here: "
                      "{elsewhere}", elsewhere=elsewhere)]
        return []

    def typed_verdict(self) -> list[str]:
        """Why the PyTorch index typed by hand fails, naming the build it was probed for: "no PyTorch index
        answered" alone did not say that a typed index which answers lacks this build's wheels."""
        from installer.redaction import redact_text

        row = self.typed_row()
        if row is None or row.get("ok") or not row.get("variant"):
            return []
        version = row.get("torch_version")
        build = f"{version}+{row['variant']}" if version and version != LATEST else str(row["variant"])
        return [redact_text(_("the PyTorch index typed by hand (Mirrors screen) does not serve torch {build}: "
                              "{reason}", build=build, reason=row.get("reason") or "?"))]

    def not_installable_here(self, choice: dict[str, Any] | None) -> list[str]:
        """When no PyTorch index answered on the Mirrors screen, a build whose wheels are not on this disk
        has nowhere to come from (a +cpu/+cuNNN wheel is on no PyPI): say so while it can still be changed,
        naming the versions of that build that are on this disk, or the ticked extras whose wheel is missing."""
        on_disk = self.state.torch_on_disk
        if not choice or not self.state.no_pytorch_index():
            # an index typed by hand counts by its own row, probed as the plan probes it (WizardState.pytorch_rows):
            # none while it was not probed, when Review's plan says what it finds
            return []
        if self.pressed_id("#method", "method-pip") != "method-pip":
            return []  # conda's packages come from conda channels, a wheelhouse is its own source
        variant, version = str(choice.get("variant")), str(choice.get("torch"))
        have = [v for v, builds in on_disk.items() if variant in builds]
        # a typed index that answered without this build: the line above (typed_verdict) says so, and "no PyTorch
        # index answered" would be false beside it
        answered = bool((self.typed_row() or {}).get("answered"))
        if version in have:
            return self.engine.missing_extras(choice, self.ticked_extras(), self.state.wheels_on_disk, lambda names: _(
                "untick {names} below, or go back to Mirrors (b) and choose a PyTorch mirror that answers",
                names=names))
        if not have:
            if not choice.get("local"):  # the build PyPI itself carries: the PyPI mirror has it
                return []
            if not self.state.report_detected and answered:
                return [_("torch {version}{local} is on no PyPI either: unless the recorded machine reaches a PyTorch "
                          "index that has it or has the wheel in its own wheel folders, its install will fail there",
                          version=version, local=choice["local"])]
            if not self.state.report_detected:  # a recorded machine: its wheel folders are not on this disk
                return [_("no PyTorch index answered from here (Mirrors screen), and torch {version}{local} is on "
                          "no PyPI: unless the recorded machine reaches a PyTorch index or has the wheel in its "
                          "own wheel folders, its install will fail there", version=version,
                          local=choice["local"])]
            only = self.pypi_alone()
            if only is not None:
                # nothing else can have it: "unless your pip configuration's indexes have it" sent a user with no
                # pip configuration, or only TUNA's PyPI in it, looking for one (found in a trial)
                if answered:
                    return [_("no torch {variant} wheel for Python {python} is in this machine's wheel folders either, "
                              "and what else the install reads ({sources}) cannot have torch {version}{local}: its "
                              "install will fail. Go back (b) to the Mirrors screen and choose a PyTorch index that "
                              "has it, or type another one's URL", variant=variant, python=choice.get("python") or "?",
                              sources=only, version=version, local=choice["local"])]
                return [_("no PyTorch index answered (Mirrors screen), no torch {variant} wheel for Python {python} is "
                          "in this machine's wheel folders, and what else the install reads ({sources}) cannot have "
                          "torch {version}{local}: its install will fail. Go back (b) to the Mirrors screen and choose "
                          "a PyTorch index, or type one's URL", variant=variant, python=choice.get("python") or "?",
                          sources=only, version=version, local=choice["local"])]
            if answered:
                return [_("no torch {variant} wheel for Python {python} is in this machine's wheel folders either: "
                          "unless your pip configuration's indexes have torch {version}{local}, its install will fail. "
                          "Go back (b) to the Mirrors screen and choose a PyTorch index that has it, or type another "
                          "one's URL", variant=variant, python=choice.get("python") or "?", version=version,
                          local=choice["local"])]
            return [_("no PyTorch index answered (Mirrors screen), and no torch {variant} wheel for Python {python} "
                      "is in this machine's wheel folders: unless your pip configuration's indexes have torch "
                      "{version}{local}, its install will fail. Go back (b) to the Mirrors screen and choose a "
                      "PyTorch index, or type one's URL", variant=variant, python=choice.get("python") or "?",
                      version=version, local=choice["local"])]
        if answered:
            return [_("torch {version} {variant} is not in this machine's wheel folder either: unless your pip "
                      "configuration's indexes have it, its install will fail. On this disk: {have} -> press v and "
                      "choose one", version=version, variant=variant, have=listed(have))]
        return [_("no PyTorch index answered (Mirrors screen) and torch {version} {variant} is not in this machine's "
                  "wheel folder: unless your pip configuration's indexes have it, its install will fail. "
                  "On this disk: {have} -> press v and choose one", version=version, variant=variant,
                  have=listed(have))]

    def pypi_alone(self) -> str | None:
        """The indexes the install reads besides a PyTorch index, listed, when none can have a build labelled +cpu
        or +cuNNN (installer.plan.indexes.pypi_alone: PyPI or its mirrors, no find-links); None when one may."""
        from installer.errors import InputError
        from installer.plan.indexes import pypi_alone

        report = self.state.report
        if report is None:
            return None
        try:
            found = pypi_alone(str(self.state.section("mirror").get("pypi") or "auto"), report.mirror_config.pip)
        except InputError:  # an id the catalog lacks: the Mirrors screen and the plan say so
            return None
        return listed(found) if found else None

    def conda_unreachable(self) -> list[str]:
        """The conda method where no conda-forge channel answered the Mirrors screen's probe: its install would fail
        at its first conda step (found in use: said only by Install, after Miniforge's download failed)."""
        if self.pressed_id("#method", "method-pip") != "method-conda" or not self.state.no_conda_channel():
            return []
        if not self.state.report_detected:
            return [_("no conda-forge channel answered from here (Mirrors screen): unless the recorded machine reaches "
                      "one, its install will fail at the first conda step")]
        return [_("no conda-forge channel answered (Mirrors screen): conda takes Python and pytorch from conda-forge, "
                  "so the install would fail at its first conda step. Go back (b) to Mirrors and choose a channel "
                  "that answers, or install with pip")]

    def update_refused(self) -> None:
        rec = self.state.recommendation or {}
        box = self.query_one("#refused", Static)
        if not self.show_refused:
            box.display = False
            return
        rows = [("  ✗", f"torch {r['torch']} {r['variant']}: {r['reason']}") for r in rec.get("rejected", [])]
        box.update(Group(Text(_("Refused"), style="bold"),
                         hanging(rows) if rows else Text("  " + _("nothing was refused"))))
        box.display = True

    def current_choice(self) -> dict[str, Any] | None:
        choices = (self.state.recommendation or {}).get("choices", [])
        if 0 <= self.state.choice_index < len(choices):
            return dict(choices[self.state.choice_index])
        return None

    def apply_choice(self, moved: bool = False) -> None:
        """Show the driver step the chosen build needs, named with its branch, and what it warns of.
        `moved`: the person chose another build, so the driver tick follows what that build needs (found
        in use: after going to the CPU build, the driver install and its reboot stayed ticked)."""
        choice = self.current_choice()
        action = find_action(choice, "install-driver")
        driver = self.query_one("#driver", Checkbox)
        if self.driver_elsewhere() is not None:
            # the plan would refuse the driver here (another system) or ignore it (WSL, a container, a
            # Jetson): no tick at all, the warnings say where it is done
            driver.display = driver.value = False
        elif action and action.get("host") != "windows":
            driver.label = driver_tick_label(action.get("branch"))
            driver.display = True
            if moved or self.state.section("driver").get("branch") != action.get("branch"):
                driver.value = True
        elif support_move(self.state.recommendation) is not None:
            # the loaded driver runs the build, but NVIDIA no longer supports its branch: the tick moves it to the
            # supported branch the warning names (the answers' driver.branch, which the wizard has no field for)
            driver.label = driver_tick_label(support_move(self.state.recommendation))
            driver.display = True
            if moved:
                driver.value = False  # a choice, never made for the person
        else:
            driver.label = _("install the NVIDIA driver (root, then a reboot)")
            driver.display = bool(self.state.section("driver").get("install"))
            if moved:
                driver.value = False  # still shown when the answers asked for it: ticking it again is one key
        gpu = bool(self.state.report and self.state.report.nvidia_gpus)
        self.query_one("#toolkit", Checkbox).display = gpu or bool(
            self.state.section("cuda_toolkit").get("install"))
        self.show_toolkit_source()
        self.driver_tick_said()
        self.judge_typed_index()
        if self.state.wheelhouse_lead():  # the build chosen is one the wheelhouse holds, or said not to be
            self.show_wheelhouse_problem()

    def driver_tick_said(self) -> None:
        """The words that depend on the driver tick, as it is now: the warnings and the chosen build's reason."""
        self.update_warnings()
        self.redraw_choices()

    def redraw_choices(self) -> None:
        choices = (self.state.recommendation or {}).get("choices", [])
        options = self.query_one("#choices", OptionList)
        if options.option_count != len(choices):
            return
        chosen, off = self.state.choice_index, self.driver_off()
        for i, c in enumerate(choices):
            options.replace_option_prompt_at_index(
                i, choice_prompt(c, i == best_index(choices), i == chosen, driver_off=i == chosen and off))

    def show_toolkit_source(self) -> None:
        """Where the toolkit comes from is asked only while it is ticked."""
        toolkit = self.query_one("#toolkit", Checkbox)
        self.query_one("#toolkit-source").display = toolkit.display and toolkit.value

    @on(OptionList.OptionSelected, "#choices")
    def choice_made(self, event: OptionList.OptionSelected) -> None:
        """Enter, space or a click chose a build; the arrows only move through the list (ChoiceList)."""
        if event.option_index == self.state.choice_index:
            return
        self.state.choice_index = event.option_index
        self.state.forget_plan()
        rec = self.state.recommendation or {}
        chosen = rec.get("choices", [])[event.option_index]
        self.state.build_picked = (chosen["torch"], chosen["variant"])
        self.apply_choice(moved=True)  # and the prompts, the new choice marked

    # the other fields -----------------------------------------------------------------------------
    def sync_visibility(self) -> None:
        method = self.pressed_id("#method", "method-pip")
        self.query_one("#wheelhouse-row").display = method == "method-wheel"
        self.show_wheelhouse_problem()
        kind = self.pressed_id("#target-kind", "target-venv")
        self.query_one("#path-row").display = kind != "target-existing"
        # an existing interpreter is never guessed: it is the one the packages go into
        self.query_one("#target-python", Input).placeholder = (
            _("the interpreter to install into, such as /usr/bin/python3") if kind == "target-existing"
            else _("version (3.12) or interpreter path; empty: the one detected"))
        self.show_path_problem()
        # an interpreter typed before "an existing Python interpreter" was chosen may be no place for torch
        if self.query_one("#python-problem").display or (
                kind == "target-existing" and self.query_one("#target-python", Input).value.strip()):
            self.show_python_problem()

    def pair_method_and_target(self, changed: str | None) -> None:
        """Only conda makes a conda environment, and it makes nothing else: the method and the target
        follow each other (the answers refuse a conda target with pip or wheel; a plan had no step)."""
        method = self.pressed_id("#method", "method-pip")
        kind = self.pressed_id("#target-kind", "target-venv")
        if changed == "method":
            if method == "method-conda" and kind == "target-venv":
                self.query_one("#target-conda", Radio).value = True
            elif method != "method-conda" and kind == "target-conda":
                self.query_one("#target-venv", Radio).value = True
        elif changed == "target-kind":
            if kind == "target-conda" and method != "method-conda":
                self.query_one("#method-conda", Radio).value = True
            elif kind == "target-venv" and method == "method-conda":
                self.query_one("#method-pip", Radio).value = True

    def follow_default_folder(self) -> None:
        """The Folder field's default follows the kind of environment, as the example answers files name
        them (found in use: a conda environment was offered the folder .venv-torch); a folder typed by hand
        stays as it is."""
        field = self.query_one("#target-path", Input)
        kind = self.pressed_id("#target-kind", "target-venv")
        home = "~/" if in_own_checkout() else ""  # as the default answers have it (Engine.default_answers)
        defaults = {"target-venv": home + VENV_FOLDER, "target-conda": home + CONDA_FOLDER}
        if kind in defaults and field.value.strip() in ("", *defaults.values()):
            field.value = defaults[kind]
            # the cursor at its end, as after typing (found in use: it stayed where .venv-torch ended, before the
            # "h" of .conda-torch, and Ctrl+U then typing made "envs/ch")
            field.cursor_position = len(field.value)

    def pressed_id(self, selector: str, default: str) -> str:
        button = self.query_one(selector, RadioSet).pressed_button
        return button.id if button is not None and button.id else default

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.state.forget_plan()
        # a moment later, not here: Textual drops a radio's own Changed message while a RadioSet.Changed
        # is handled (and call_later carries that along), so the other set would never see its new button
        self.set_timer(0.01, lambda changed=event.radio_set.id: self.pair_method_and_target(changed))
        self.sync_visibility()
        if event.radio_set.id == "target-kind":
            self.follow_default_folder()
        if event.radio_set.id == "method" and self.state.recommendation is not None:
            self.update_warnings()  # the wheel-folder warnings are about pip's sources only
            self.constraints_changed()  # and a build on disk leads the list for pip only (disk_fallback)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.state.forget_plan()
        if event.checkbox.id == "toolkit":
            self.show_toolkit_source()
        if event.checkbox.id == "driver" and self.state.recommendation is not None:
            self.driver_tick_said()
        if not (event.checkbox.id or "").startswith("extra-"):
            return
        if self.state.recommendation is not None:
            self.update_warnings()  # an extra whose wheel is missing is warned of only while it is ticked
        # and the builds offered are for the extras wanted: one left out cannot refuse a build, nor move
        # the Python (torchaudio may stop a Python earlier than torch)
        self.constraints_changed()

    def ticked_extras(self) -> list[str]:
        return [e for e in ("torchvision", "torchaudio") if self.query_one(f"#extra-{e}", Checkbox).value]

    def on_input_changed(self, event: Input.Changed) -> None:
        self.state.forget_plan()
        if event.input.id == "target-path":
            self.show_path_problem()
        elif event.input.id == "wheelhouse":
            self.show_wheelhouse_problem()
        self.keep_said_in_view(event.input)

    def keep_said_in_view(self, field: Input) -> None:
        """What the field being typed in says under itself is scrolled into view, the field with it (found in use:
        with the Folder field on a terminal's last row, its "no user" problem and what to do were below the
        screen, and only the bar said that something was wrong)."""
        if self.focused is not field or field.id not in SAID_UNDER:
            return  # set by the screen itself, not typed: the focus is elsewhere, and stays in view
        shown = [box for box in self.query(", ".join(SAID_UNDER[field.id])) if box.display]
        if shown:
            shown[-1].scroll_visible(animate=False)  # the lowest: the least scroll that shows them all

    def path_problem(self) -> tuple[str, str] | None:
        """What is wrong with the Folder field (the rules the answers file's target.path follows), while
        the field is used; empty is the default folder."""
        if not self.query_one("#path-row").display:
            return None
        path = self.query_one("#target-path", Input).value.strip()
        kind = self.pressed_id("#target-kind", "target-venv").removeprefix("target-")
        if not path:
            return None
        # torch-setup's own venv is this machine's: a recorded machine's folders are that machine's
        return self.engine.folder_problem(path, kind) or (
            self.engine.own_environment_problem(path, kind) if self.state.report_detected else None)

    def show_path_problem(self) -> None:
        problem = self.path_problem()
        self.show_problem("#path-problem", problem)
        self.show_path_where(None if problem else self.query_one("#target-path", Input).value.strip())

    def show_path_where(self, path: str | None) -> None:
        """Where the environment goes, in full, and that the folder is the environment itself. Found in use: a
        newcomer typed their project folder, ~/thesis, which became the venv (bin/, lib/, pyvenv.cfg in it);
        and after `make run` the default .venv-torch went into torch-setup's own checkout unseen."""
        box = self.query_one("#path-where", Static)
        box.display = bool(path) and self.query_one("#path-row").display
        if not box.display or not path:
            return
        if self.state.recorded:
            box.update(escape(recorded_folder_text(path)))
            return
        from installer.paths import absolute

        where = absolute(path, os.getcwd())  # it expands the path: twice would read a `$$` of a name as a variable
        if os.path.isfile(os.path.join(where, "pyvenv.cfg")) or os.path.isdir(os.path.join(where, "conda-meta")):
            # found in use: an existing venv was called new, and a venv inside it suggested
            text = _("{path} is an environment already: torch goes into it", path=where)
        elif posixpath.basename(where.rstrip("/")).startswith("."):  # .venv-torch, .venv: no project's own name
            text = _("The new environment is this folder itself: {path}", path=where)
        else:
            text = _("The new environment is this folder itself: {path} (for a project folder, name a folder inside "
                     "it, e.g. {example})", path=where, example=posixpath.join(path.rstrip("/"), ".venv"))
        if in_own_checkout(where):  # a relative folder typed after `make run` (found in use: myenv)
            text += "\n" + _("That is inside torch-setup's own folder: start it with ~/ for your home folder.")
        box.update(escape(text))

    def show_problem(self, box_id: str, problem: tuple[str, str] | None) -> None:
        box = self.query_one(box_id, Static)
        box.update(problem_view(problem) if problem else "")
        box.display = problem is not None
        if problem is not None:
            # the bar says it, and Next is dimmed, as soon as the field is left (found in use: only after n)
            self.refresh_nav(_(FIELD_WRONG[box_id]))
        elif self.state.recommendation is not None and not self.field_wrong():
            self.refresh_nav(self.choices_hint())  # put right: the bar no longer says a field is wrong

    def field_wrong(self) -> bool:
        """A field's problem is shown under it (Next stays dimmed until it is put right)."""
        return any(self.query_one(box).display for box in FIELD_WRONG)

    def wheelhouse_problem(self, *, when_empty: bool = True) -> tuple[str, str] | None:
        """What is wrong with the Wheelhouse field, by `plan`'s checks of the folder (found in use: a folder
        of wheels gathered by hand passed this screen, and Review refused it), then the build chosen with the
        extras ticked, which it must hold; None while another method is chosen. Empty is a problem only
        `when_empty` (at Next: not while the field waits to be filled)."""
        return self.wheelhouse_folder_problem(when_empty=when_empty) or self.wheelhouse_lacks()

    def wheelhouse_lacks(self) -> tuple[str, str] | None:
        """The pins of the build chosen, with the extras ticked (Also install), that the wheelhouse does not hold, as
        Review's plan would refuse them (found in use: a wheelhouse of torch 2.13.0+cpu alone, with 2.15.0 chosen and
        both extras ticked: the field said only what it was built for). Not while the list is being made for it."""
        holds, choice = self.state.wheelhouse_lead(), self.current_choice()
        if not holds or choice is None or self.state.recommendation_key != self.recommendation_key():
            return None
        lacking = self.engine.not_in_wheelhouse(holds, choice, self.ticked_extras())
        if not lacking:
            return None
        path = self.query_one("#wheelhouse", Input).value.strip()
        choices = (self.state.recommendation or {}).get("choices", [])
        # by its pin, not by the lead's mark: a version asked for in the Version field lists its builds unmarked
        its_own = next((c for c in choices if not self.engine.not_in_wheelhouse(holds, c, ())), None)
        asked = self.state.version_asked
        if its_own is not None and (its_own["torch"], its_own["variant"]) != (choice["torch"], choice["variant"]):
            hint = _("choose the build it holds in the list, {build}, or build a wheelhouse for this one (method: "
                     "wheelhouse-build)", build=choice_title(its_own))
        elif its_own is not None:
            hint = _("untick what it does not hold under Also install, or build a wheelhouse with them (method: "
                     "wheelhouse-build)")
        elif asked not in (None, LATEST):
            hint = _("it holds no build of torch {version}, which the Version field asks for: press v and choose "
                     "latest, or build a wheelhouse for this one (method: wheelhouse-build)", version=asked)
        else:
            # only this machine's wheelhouse is read (state.wheelhouse_holds)
            hint = _("no build in the list is the one it holds (it does not fit this machine, or torch-setup has no "
                     "record of it): build a wheelhouse for the build chosen (method: wheelhouse-build)")
        return (_("the wheelhouse {path} was built for {built}, not for {asked}", path=path,
                  built=listed(list(holds)), asked=listed(lacking)), hint)

    def wheelhouse_folder_problem(self, *, when_empty: bool = True) -> tuple[str, str] | None:
        """What is wrong with the Wheelhouse field's folder, by `plan`'s checks of it."""
        if self.pressed_id("#method", "method-pip") != "method-wheel":
            return None
        path = self.query_one("#wheelhouse", Input).value.strip()
        if not path:
            return (_("Give the folder of the wheelhouse to install from, the one a wheelhouse build made"), "") \
                if when_empty else None
        report = self.state.report
        field = self.query_one("#target-python", Input).value.strip() or None
        python = self.engine.version_asked(field)  # an interpreter named by path: Review's plan reads its version
        if field is None and report is not None and report.python is not None:
            from installer.compat.machine import python_minor

            python = python_minor(report.python.version)
        return self.engine.wheelhouse_problem(path, here=self.state.report_detected, python_version=python,
                                              arch=report.os.arch if report else None)

    def show_wheelhouse_problem(self, *, when_empty: bool = False) -> None:
        problem = self.wheelhouse_folder_problem(when_empty=when_empty)
        # what a sound one holds: the build it holds leads the list
        path = self.query_one("#wheelhouse", Input).value.strip()
        offline = self.pressed_id("#method", "method-pip") == "method-wheel"
        holds = tuple(self.engine.wheelhouse_holds(path)
                      if offline and path and problem is None and self.state.report_detected else ())
        if holds != self.state.wheelhouse_holds:
            self.state.wheelhouse_holds = holds
            if self.ranked_for is not None:
                self.constraints_changed()
        self.show_problem("#wheelhouse-problem", problem or self.wheelhouse_lacks())
        shown = self.query_one("#wheelhouse-holds", Static)
        shown.update(_("built for {pins}", pins=listed(list(holds))) if holds else "")
        shown.display = bool(holds)

    def python_problem(self) -> tuple[str, str] | None:
        """What is wrong with the Python field, as (message, hint; the hint may be empty): empty for an
        existing interpreter (Review would refuse it in the answers file's terms), a version no PyTorch
        release has wheels for, text that is neither a version nor a path, a path with no interpreter; for an
        existing interpreter on this machine, one that is no place for torch as it is (torch-setup's own venv,
        the operating system's Python), as the plan refuses them (found in use: Review only said "The plan
        cannot be made")."""
        python = self.query_one("#target-python", Input).value.strip()
        existing = self.pressed_id("#target-kind", "target-venv") == "target-existing"
        if not python and existing:
            return (_("Give the path of the interpreter to install into, such as /usr/bin/python3; or choose "
                      "a new virtual environment, made from the Python detected"), "")
        problem = self.engine.python_problem(python, here=self.state.report_detected)
        if problem is not None or not python or not existing or not self.state.report_detected:
            return problem
        return self.engine.own_environment_problem(python, "existing") or self.engine.system_python_problem(
            python, self.examined(python))

    def examined(self, python: str) -> HardwareReport | None:
        """This machine's report with the interpreter `python` examined: the one the builds are listed from,
        made once per interpreter file (app.report_for); None when it cannot be (the field's other checks
        say why)."""
        from installer.errors import InputError

        try:
            return self.wizard.report_for(python)
        except InputError:
            return None

    def python_field_wrong(self) -> bool:
        """The field holds something no answer can be. (Empty is never that: it is the Python detected,
        and for an existing interpreter the builds for that one are still worth seeing; so is an interpreter
        only this target refuses, which a new environment made from it can have.)"""
        python = self.query_one("#target-python", Input).value.strip()
        return bool(python) and self.engine.python_problem(python, here=self.state.report_detected) is not None

    def show_python_problem(self) -> None:
        self.show_problem("#python-problem", self.python_problem())

    def action_next(self) -> None:
        # Review would refuse these with less to go on: say it here, at the field, and stay
        for problem, show, box in ((self.wheelhouse_problem(),
                                    lambda: self.show_wheelhouse_problem(when_empty=True), "#wheelhouse-problem"),
                                   (self.path_problem(), self.show_path_problem, "#path-problem"),
                                   (self.python_problem(), self.show_python_problem, "#python-problem")):
            if problem is not None:
                self.app.bell()
                show()  # the bar says which field (show_problem)
                # shown, not focused: a second n would be typed into the field
                self.query_one(box).scroll_visible()
                return
        super().action_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter finishes the field, as in a form: on to the next one (n is a letter while typing)
        self.focus_next()
        if event.input.id == "target-python":
            self.python_changed()

    @on(Input.Blurred, "#target-python")
    def python_left(self) -> None:
        # leaving the field with Tab finishes it too: the builds offered depend on the Python
        self.python_changed()

    def python_changed(self) -> None:
        self.show_python_problem()
        key = self.constraints_changed()
        if key is not None:
            self.find_wheels(key[1])  # the wheels on this disk that fit depend on the Python, not the extras

    def constraints_changed(self) -> tuple[Any, ...] | None:
        """The Python or the extras asked for changed: the builds that fit are worked out again. Returns the
        new recommendation key, or None when nothing that counts changed."""
        self.save()
        key = self.recommendation_key()
        if key == self.state.recommendation_key:
            return None
        self.rank(key)
        return key

    def action_toggle_refused(self) -> None:
        self.show_refused = not self.show_refused
        self.update_refused()
        if self.show_refused:
            self.query_one("#refused").scroll_visible()

    def action_focus_choices(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def action_focus_version(self) -> None:
        """The list opens at once: "press v and choose one", and a focused, closed list looked like nothing
        had happened (found in use)."""
        select = self.query_one("#torch-version", Select)
        select.focus()
        select.expanded = True

    @on(Select.Changed, "#torch-version")
    def version_changed(self, event: Select.Changed) -> None:
        """Another version asked: its own builds are ranked (the variant chosen for the last one is let go)."""
        value = str(event.value)
        if value == self.state.version_asked:
            return
        self.state.version_asked, self.state.variant_asked, self.state.build_picked = value, "auto", None
        torch = self.state.section("torch")
        torch["version"], torch["variant"] = value, "auto"
        self.state.choice_index = 0
        self.state.forget_plan()
        self.rank(self.recommendation_key())

    def can_go_next(self) -> bool:
        return self.current_choice() is not None and not self.field_wrong()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next" and self.current_choice() is not None:
            return True  # with the button dimmed for a wrong field, n still rings and shows which one
        return super().check_action(action, parameters)

    def save(self) -> None:
        if not self.is_mounted:
            return
        d = self.state.draft
        torch = self.state.section("torch")
        choice = self.current_choice()
        if choice is not None:
            torch["version"] = choice["torch"]
            torch["variant"] = choice["variant"]
        torch["extras"] = self.ticked_extras()
        d["method"] = self.pressed_id("#method", "method-pip").removeprefix("method-")
        # the field keeps what was typed while the screen is open; the answers keep it only for the method
        # that reads it (found in use: offline, a folder typed, then pip: the saved file named the folder)
        typed = self.query_one("#wheelhouse", Input).value.strip() or None
        d["wheelhouse"] = typed if d["method"] in ("wheel", "wheelhouse-build") else None
        target = self.state.section("target")
        target["kind"] = self.pressed_id("#target-kind", "target-venv").removeprefix("target-")
        path = self.query_one("#target-path", Input).value.strip()
        if target["kind"] == "existing":
            target.pop("path", None)  # its field is hidden: what it still holds is not this target's
        elif path:
            target["path"] = path
        else:
            # emptied: the default folder, as the field's check says; the folder typed before it was cleared stayed
            # in the answers (found in use, t11: `~`, refused, cleared, then Review refused the home folder)
            target.pop("path", None)
        python = self.query_one("#target-python", Input).value.strip()
        need_python = find_action(choice, "install-python")
        if need_python and need_python.get("version") and not python:
            python = str(need_python["version"])
        target["python"] = python or None
        driver = self.state.section("driver")
        action = find_action(choice, "install-driver")
        driver_box = self.query_one("#driver", Checkbox)
        driver["install"] = bool(driver_box.display and driver_box.value)
        if driver["install"] and action and action.get("branch"):
            driver["branch"] = str(action["branch"])
        elif driver["install"] and not action and support_move(self.state.recommendation) is not None:
            driver["branch"] = support_move(self.state.recommendation)  # what the tick's label says
        toolkit = self.state.section("cuda_toolkit")
        toolkit_box = self.query_one("#toolkit", Checkbox)
        toolkit["install"] = bool(toolkit_box.display and toolkit_box.value)
        # the version stays `auto` (the build's own, or the nearest runfile of its major) unless the answers
        # pinned one: written out here, it outlived a change of build (found in use: cu126, Review, back to
        # cu130 kept a 12.6 toolkit), and a runfile-less 13.2 was refused where auto takes 13.1
        if toolkit["install"]:
            toolkit["source"] = self.pressed_id("#toolkit-source", "toolkit-apt").removeprefix("toolkit-")
        d["verify"] = self.query_one("#verify", Checkbox).value
        d["bench"] = self.pressed_id("#bench", "bench-none").removeprefix("bench-")


SCREEN = CombinationScreen
