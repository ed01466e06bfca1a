"""A kept driver past NVIDIA's support end: the plan keeps it, and says so. Pure.

driver_request (installer/plan/driver_request.py) keeps a loaded driver that already runs the chosen build
(driver.installed_fits: no driver step, no reboot). Kept is right, as a change of driver is the user's call;
kept without a word was not, where NVIDIA no longer fixes that branch (found by a tester: R550 and R535 kept
as "already runs the chosen build", in 2026-12).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from installer.hardware.advice import DRIVER_SYSTEMS
from installer.hardware.report import HardwareReport
from installer.i18n import _
from installer.i18n.phrases import month_text  # "2026-06", in Chinese "2026 年 6 月"


def kept_driver_support_note(values: Mapping[str, Any], report: HardwareReport, today: date | None) -> str | None:
    """Beside driver_request's "so it is kept": that the kept driver's branch is past NVIDIA's support on the
    plan's day, and the branch to move to: by the answers on Ubuntu and Debian, elsewhere (Rocky, RHEL, ...) the
    way the driver was installed, as torch-setup installs none there. None where the driver is not kept by the
    driver step's choice (ignored under WSL, in a container, on a Jetson: driver_request says why), where
    its branch is supported or its support end unknown, or where no supported branch drives the GPUs."""
    # driver.install false (or no driver section) keeps the loaded driver too: said as well, with the answer
    # that moves (found by a re-check: R550 kept by driver.install: false without a word)
    if not (values["driver.installed_fits"] and values["hw.nvidia_gpu_count"]) or values["hw.wsl"] \
            or values["hw.jetson"] or values["hw.container"]:
        return None
    from installer.compat.coded import Coded
    from installer.compat.data import load
    from installer.compat.machine import read_machine
    from installer.compat.support_end import (
        KEPT_DRIVER_ENDED,
        branch_of,
        ended_branch,
        ended_when,
        kept_driver_note,
        supported_successor,
    )

    version = report.nvidia_driver.version if report.nvidia_driver else None
    branch = branch_of(version)
    if version is None or branch is None:
        return None
    data = load()
    ended = ended_branch(branch, data, today)
    if ended is None:
        return None
    gpus = tuple(g for g in read_machine(report, data).nvidia if g.cc is not None)
    instead = supported_successor(branch, gpus, data, today)
    if instead is None:
        return None
    # where torch-setup installs no driver, driver.install changes nothing: one note, whatever its value (found
    # in a re-check: R560 kept on Rocky Linux without a word of its support end, which `recommend` warned of)
    if values["hw.os_id"] not in DRIVER_SYSTEMS:
        return kept_driver_note(version, ended, instead, installs_here=False)
    if values["driver.install"]:
        return kept_driver_note(version, ended, instead)
    # coded as kept_driver_note is: the wizard names its own field (installer.tui.screens.review)
    return Coded(_("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting "
                   "{when} (no more security fixes); this plan leaves the driver as it is -> to move to R{other}, "
                   "supported until {until}, set driver.install: true and driver.branch: \"{other}\"",
                   version=version, branch=ended.branch, when=ended_when(ended), other=instead.branch,
                   until=month_text(instead.eol or "")), KEPT_DRIVER_ENDED, version=version, ended=ended,
                 instead=instead)
