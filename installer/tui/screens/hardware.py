"""Hardware: detection in a worker with a spinner, then the GPUs, driver, CUDA, OS, and the warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from installer.i18n import _
from installer.paths import own_base_python
from installer.tui.screens.base import WizardScreen, aligned_table, busy, error_text

if TYPE_CHECKING:
    from installer.hardware.report import HardwareReport


def describe(report: HardwareReport, *, support_ended: str | None = None) -> list[tuple[str, str]]:
    """The facts as (label, value) rows a person reads. `support_ended`: when NVIDIA stopped supporting the
    loaded driver's branch (installer.compat.support_end.ended_when), said on its row."""
    o = report.os
    from installer.hardware.summary import system_name

    # named as `torch-setup detect` names it
    os_line = system_name(o.pretty_name, o.id, o.version_id, o.system) or _("unknown")
    if o.kernel:
        os_line += " · " + _("kernel {k}", k=o.kernel)
    if o.arch:
        os_line += f" · {o.arch}"
    if o.wsl:
        os_line += " · WSL"
    if o.container:
        os_line += " · " + (_("container ({kind})", kind=o.container_kind) if o.container_kind else _("container"))
    rows = [(_("System"), os_line)]
    if report.gpus:
        for g in report.gpus:
            bits = [g.name or _("unknown {vendor} GPU", vendor=g.vendor)]
            if g.compute_capability:
                bits.append(_("compute capability {cc}", cc=g.compute_capability))
            if g.memory_mib:
                bits.append(f"{g.memory_mib / 1024:.0f} GiB")
            rows.append((_("GPU {i}", i=g.index), " · ".join(bits)))
    else:
        rows.append((_("GPU"), _("none found: PyTorch will use the CPU")))
    drv = report.nvidia_driver
    if drv:
        # a driver can answer without its version (a cut-short nvidia-smi document): loaded, version unknown
        value = _("NVIDIA {version}", version=drv.version) if drv.version else _("NVIDIA, version unknown")
        if drv.cuda:
            value += " · " + _("runs CUDA up to {cuda}", cuda=drv.cuda)
        rows.append((_("Driver"), value))
        if support_ended:
            # found in a trial: "No known traps" under a driver that Combination then said was past NVIDIA's
            # support. A row of its own: on the driver's, the month broke across lines at 80 columns
            rows.append((_("Driver support"), _("NVIDIA's ended {when} (no more security fixes)", when=support_ended)))
    elif report.nvidia_gpus:
        rows.append((_("Driver"), _("no NVIDIA driver loaded")))
    if report.cuda_toolkits:
        tk = ", ".join(f"{t.version}" + (f" ({t.path})" if t.path else "") for t in report.cuda_toolkits)
    elif report.nvidia_gpus:
        tk = _("none (pip and conda builds bring their own CUDA libraries)")
    else:
        tk = ""  # without an NVIDIA GPU a toolkit is beside the point (a CPU-only or AMD machine)
    if tk:
        rows.append((_("CUDA toolkit"), tk))
    if report.python:
        # torch-setup's own venv by the Python it is built on: the one a new environment is made from, as Review says
        where = own_base_python(report.python.executable) or report.python.executable
        rows.append((_("Python"), f"{report.python.version} ({where})"))
    sb = {True: _("on"), False: _("off"), None: _("unknown")}[report.secure_boot]
    rows.append((_("Secure Boot"), sb))
    return rows


def wizard_words(warning: str, *, recorded: bool) -> str:
    """A warning of detection's advice as the wizard says it: the ones that send a reader of the CLI to its
    commands (`torch-setup recommend`, the printed script, `install`) name the wizard's own tick and screens
    instead (found by a newcomer: the Hardware screen sent a wizard user to `torch-setup recommend`). Its code
    says which (installer.compat.coded); its words are `_()`'s, in the language shown now."""
    from installer.compat.coded import code_of
    from installer.hardware.advice import NO_DRIVER, SECURE_BOOT_DKMS

    code = code_of(warning)
    if code == NO_DRIVER:
        # the Combination screen ticks the driver for a build that needs it (combination.apply_choice)
        return _("NVIDIA GPU found but no driver loaded: torch-setup can install it with PyTorch. On the "
                 "Combination screen a CUDA build ticks the NVIDIA driver under Also install (tick it there if it "
                 "is not); the install then stops for a reboot")
    if code == SECURE_BOOT_DKMS:
        where = _("on the recorded machine") if recorded else _("on this machine")
        return _("Secure Boot is on: the driver's kernel module must be signed. Ubuntu's prebuilt modules "
                 "(ubuntu-drivers) are; a module DKMS builds {where} is signed with a local key, which must be "
                 "enrolled before the driver's reboot (Review's notes name the command, and the Install screen says "
                 "when to run it), or turn Secure Boot off in the firmware",
                 where=where)
    return warning


class HardwareScreen(WizardScreen):
    NAME = "hardware"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("r", "redetect", "Detect again"),
    ]

    def body(self) -> ComposeResult:
        source = self.state.hardware_path
        if source:
            yield Static(_("Recorded machine from {file}: the plan is made for that machine, not this one.",
                           file=escape(source)), classes="note")
        yield busy(_("Looking at this machine…"))
        yield Vertical(id="facts")

    def on_mount(self) -> None:
        super().on_mount()
        if self.state.report is None:
            self.start_detection()
        else:
            self.show(self.state.report)

    def can_go_next(self) -> bool:
        return self.state.report is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "redetect":
            # hidden for a recorded machine: there is nothing to detect again, now or later
            return not self.state.hardware_path
        return super().check_action(action, parameters)

    def action_redetect(self) -> None:
        if self.state.hardware_path:
            return
        self.state.report = None
        self.state.recommendation = None
        self.state.forget_plan()
        self.start_detection()

    def start_detection(self) -> None:
        self.query_one("#busy").display = True
        self.query_one("#facts", Vertical).remove_children()
        self.refresh_nav(_("detecting…"))
        self.detect()

    @work(thread=True, exclusive=True, group="detect")
    def detect(self) -> None:
        try:
            report = self.wizard.obtain_report()
        except Exception as exc:  # shown on the screen: detection must never crash the wizard
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.detected, report)

    def detected(self, report: HardwareReport) -> None:
        self.state.report = report
        self.show(report)

    def show_error(self, exc: BaseException) -> None:
        self.query_one("#busy").display = False
        facts = self.query_one("#facts", Vertical)
        facts.remove_children()
        facts.mount(Static(_("Detection failed:") + "\n" + escape(error_text(exc)), classes="error"))
        facts.mount(Static(_("Press r to try again, or start with --hardware F to use a saved report."),
                           classes="muted"))
        self.refresh_nav(_("detection failed"))

    def show(self, report: HardwareReport) -> None:
        self.query_one("#busy").display = False
        facts = self.query_one("#facts", Vertical)
        facts.remove_children()
        table = aligned_table(describe(report, support_ended=self.engine.driver_support_ended(report)))
        widgets: list[Static] = [Static(table, id="facts-table")]
        found = self.engine.hardware_warnings(report)
        for warning in (wizard_words(w, recorded=self.state.recorded) for w in found):
            # each reads "what: what it means and what to do"; the what in bold
            what, sep, meaning = warning.partition(": ")
            text = f"[b]{escape(what)}[/b]: {escape(meaning)}" if sep else escape(warning)
            widgets.append(Static(text, classes="warning"))
        if not found:
            widgets.append(Static(_("No known traps on the recorded machine.") if self.state.recorded else
                                  _("No known traps on this machine."), classes="note"))
        facts.mount_all(widgets)
        n = len(report.gpus)
        if n == 0:
            self.refresh_nav(_("no GPU found"))
        elif n == 1:
            self.refresh_nav(_("1 GPU found"))
        else:
            self.refresh_nav(_("{n} GPUs found", n=n))


SCREEN = HardwareScreen
