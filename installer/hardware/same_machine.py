"""Whether a saved hardware report (`install --hardware F`) is of the machine the install runs on.

`install` runs its plan here, and a plan carries its machine's facts: its Python, its distribution's
packages, its driver. Found in use: `install --hardware` with a Rocky Linux recording handed that
machine's Anaconda Python to `uv venv` on a Debian box, left an empty folder behind, and the failed run
became "the last install" that doctor and the wizard spoke of. A report saved here (`detect --json`,
perhaps corrected by hand) is still taken: the system, its version, the processor and the kernel must
be this machine's; what the report says of GPUs and drivers is the person's to correct.
"""

from __future__ import annotations

from installer.errors import InputError
from installer.hardware import osinfo
from installer.hardware.report import HardwareReport, OSInfo
from installer.hardware.summary import system_name
from installer.i18n import _

# the facts that a report saved on this machine shares with it (a kernel update makes the report old:
# saving it again is one command)
IDENTITY = ("system", "id", "version_id", "arch", "kernel", "wsl")


def first_difference(recorded: OSInfo, here: osinfo.OSFacts) -> str | None:
    """The first identity key on which the report and this machine differ, None when they agree."""
    for key in IDENTITY:
        if getattr(recorded, key) != getattr(here, key):
            return key
    return None


def other_system(recorded: OSInfo) -> str | None:
    """The recorded machine's system, by name, when it is not this computer's (another distribution or
    release: this one's package manager knows other packages); None when it is the same."""
    here = osinfo.probe()
    if all(getattr(recorded, key) == getattr(here, key) for key in ("system", "id", "version_id")):
        return None
    return system_name(recorded.pretty_name, recorded.id, recorded.version_id, recorded.system) or "?"


def _described(name: str | None, kernel: str | None) -> str:
    return _("{system}, kernel {kernel}", system=name or "?", kernel=kernel or "?")


def refuse_another_machine(report_path: str, answers_path: str) -> None:
    """InputError (exit 2, before anything runs) naming the report's file, line and key when the report
    is not of this machine."""
    from installer.hardware.report import load_report
    from installer.yamlfile import load_yaml

    report: HardwareReport = load_report(report_path)  # a bad file: its own error, first
    here = osinfo.probe()
    key = first_difference(report.os, here)
    if key is None:
        return
    that = report.os
    raise InputError(
        _("this is a report of another machine ({that}); this one is {this}: `install` would run that "
          "machine's plan here",
          that=_described(system_name(that.pretty_name, that.id, that.version_id, that.system), that.kernel),
          this=_described(system_name(here.pretty_name, here.id, here.version_id, here.system), here.kernel)),
        file=report_path, line=load_yaml(report_path).line_of(("os", key)), key=f"os.{key}",
        hint=_("run the install on that machine; its plan is `torch-setup plan --answers {a} --hardware {f}`; "
               "for this machine leave out --hardware (or save its report again: `torch-setup detect --json`)",
               a=answers_path, f=report_path))
