"""What a plan or `recommend` says about a driver branch past NVIDIA's support end (drivers.yaml `eol`). Pure.

A branch the user names, or the loaded driver a plan keeps, is never refused or replaced for it: an explicit
choice is the user's. It is said, with the supported branch to move to (found by a tester: R535 installed,
R550 kept, without a word, months after NVIDIA's last security fix for them).
"""

from __future__ import annotations

import re
from datetime import date

from installer.compat.coded import Coded
from installer.compat.data import CompatData
from installer.compat.data_model import Branch
from installer.compat.machine import NvidiaGpu
from installer.compat.rules import past_support, support_day, supports
from installer.i18n import _
from installer.i18n.phrases import month_text  # "2026-06", in Chinese "2026 年 6 月"


def ended_when(row: Branch) -> str:
    """When NVIDIA's support of the branch ended, as the texts say it: "in 2024-07" for a month NVIDIA gives,
    "by 2025-08" where the data has only the month by which it had ended (drivers.yaml `eol_upper_bound`)."""
    month = month_text(row.eol or "")
    return _("by {month}", month=month) if row.eol_upper_bound else _("in {month}", month=month)


# the codes of the texts below that name answers keys (installer.compat.coded); values: version (the loaded
# driver's), ended and instead (drivers.yaml rows: the branch past support, the supported one to move to)
KEPT_DRIVER_ENDED = "kept-driver-ended"
LOADED_DRIVER_ENDED = "loaded-driver-ended"


def branch_of(version: str | None) -> str | None:
    """The branch of a driver version ("550.54.14" -> "550"), None where it names none."""
    m = re.match(r"\s*([0-9]{3})(\.|$)", version or "")
    return m.group(1) if m else None


def ended_branch(branch: str, data: CompatData, today: date | None) -> Branch | None:
    """The row of `branch` when NVIDIA's support of it has ended on the plan's day (None: supported, or no
    end date is known)."""
    row = next((b for b in data.drivers.branches if b.branch == branch), None)
    if row is None or not past_support(row, support_day(today, data)):
        return None
    return row


def supported_successor(branch: str, gpus: tuple[NvidiaGpu, ...], data: CompatData,
                        today: date | None) -> Branch | None:
    """The oldest recommended branch newer than `branch` that drives every GPU and that NVIDIA supports on the
    plan's day: the smallest move off an ended branch, which runs all that one ran (None: there is none)."""
    day = support_day(today, data)
    for b in sorted(data.drivers.branches, key=lambda b: int(b.branch)):
        if (int(b.branch) > int(branch) and b.recommended and b.eol is not None and not past_support(b, day)
                and all(supports(b.branch, g) for g in gpus)):
            return b
    return None


def asked_branch_note(ended: Branch, instead: Branch | None, *, via_latest: bool) -> str:
    """The plan's note for a driver branch the answers name, past its support end. `instead`: the supported
    branch to name; `via_latest`: `driver.branch: latest` installs it (else it is named by number)."""
    if instead is None:
        return _("NVIDIA ended support for R{branch} {when} (no more security fixes), and no branch it still "
                 "supports drives these GPUs", branch=ended.branch, when=ended_when(ended))
    if via_latest:
        return _("NVIDIA ended support for R{branch} {when} (no more security fixes); R{other} is supported "
                 "until {until}: driver.branch: latest installs it", branch=ended.branch,
                 when=ended_when(ended), other=instead.branch, until=month_text(instead.eol or ""))
    return _("NVIDIA ended support for R{branch} {when} (no more security fixes); R{other} is supported "
             "until {until}: driver.branch: \"{other}\" installs it", branch=ended.branch,
             when=ended_when(ended), other=instead.branch, until=month_text(instead.eol or ""))


def kept_driver_note(version: str, ended: Branch, instead: Branch, *, installs_here: bool = True) -> str:
    """The plan's note for a loaded driver it keeps (it runs the build) whose branch is past support.
    `installs_here`: torch-setup installs the driver on this system (Ubuntu, Debian), so the answer that moves
    is named; elsewhere (Rocky, RHEL, ...) the way the driver was installed moves it, as recommend's warning says."""
    if not installs_here:
        # plain text: it names no answers key, so the wizard says it as it is (found in a re-check: R560 kept on
        # Rocky Linux without a word of its support end, which `recommend` warned of)
        return _("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting {when} "
                 "(no more security fixes); the plan keeps it, as it runs the chosen build -> to move to R{other}, "
                 "supported until {until}, update the driver the way it was installed (the system's packages or "
                 "NVIDIA's installer)", version=version, branch=ended.branch, when=ended_when(ended),
                 other=instead.branch, until=month_text(instead.eol or ""))
    # coded: the wizard, which has no branch field, says its own way (installer.tui.screens.review)
    return Coded(_("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting "
                   "{when} (no more security fixes); the plan keeps it, as it runs the chosen build -> to move to "
                   "R{other}, supported until {until}, set driver.branch: \"{other}\"", version=version,
                   branch=ended.branch, when=ended_when(ended), other=instead.branch,
                   until=month_text(instead.eol or "")), KEPT_DRIVER_ENDED, version=version, ended=ended,
                 instead=instead)


def loaded_driver_warning(version: str, ended: Branch, instead: Branch, *, installs_here: bool) -> str:
    """`recommend`'s warning for a loaded driver past support. `installs_here`: torch-setup installs the
    driver on this system (Ubuntu, Debian; not a container), so the answers that do it are named."""
    if installs_here:
        # coded: the wizard says its own field instead of the answers (installer.tui.screens.combination)
        return Coded(_("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting "
                       "{when}: it gets no more security fixes. R{other}, supported until {until}, drives these "
                       "GPUs too and runs every build R{branch} runs; an install with driver.install: true and "
                       "driver.branch: \"{other}\" moves to it", version=version, branch=ended.branch,
                       when=ended_when(ended), other=instead.branch, until=month_text(instead.eol or "")),
                     LOADED_DRIVER_ENDED, version=version, ended=ended, instead=instead)
    return _("the loaded NVIDIA driver {version} is of branch R{branch}, which NVIDIA stopped supporting "
             "{when}: it gets no more security fixes. R{other}, supported until {until}, drives these GPUs "
             "too and runs every build R{branch} runs: update the driver the way it was installed (the system's "
             "packages or NVIDIA's installer; in a container: on the host)", version=version, branch=ended.branch,
             when=ended_when(ended), other=instead.branch, until=month_text(instead.eol or ""))
