"""Lists and months inside Chinese sentences, as a native reader (LANG=zh_CN.UTF-8) wants them: the apt driver
note said "更早的 R535, R550, R570 已过支持期" (a list takes 、, not ASCII commas) and "NVIDIA 自 2024-07 起"
(a month is "2024 年 7 月"); recommend's "有 44 个更新的构建被拒绝" counted builds of the first choice's own
release too (2.4.1 cu121 beside cu124), which are not newer. The English stays as it was.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from compat_machines import machine

from installer.answers import Answers
from installer.compat import recommend
from installer.compat.render import render_recommendation
from installer.hardware.report import HardwareReport
from installer.i18n import set_language
from installer.i18n.phrases import listed, month_text
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import NvidiaDriver, driver_packages_for
from installer.plan.kinds.base import KindContext
from installer.plan.tools import Tools

TODAY = date(2026, 12, 5)  # R535, R550 and R570 are past their end (drivers.yaml); R580 is not
MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"



def _ctx(name: str, day: date) -> KindContext:
    data = json.loads((MACHINES / name).read_text())
    data["nvidia_driver"] = None
    values = {"cache.dir": "/home/u/.cache/torch-setup", "torch.version": "2.13.0", "torch.variant": "cu126",
              "torch.cuda": "12.6", "target.python_version": "3.11"}
    return KindContext(answers=Answers(), report=HardwareReport.model_validate(data), pins=None, indexes=Indexes(),
                       today=day, tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3", host_pip=True),
                       values=values)


def test_a_list_takes_the_enumeration_comma_in_chinese(zh):
    assert listed(["R535", "R550", "R570"]) == "R535、R550、R570"
    set_language("en")
    assert listed(["R535", "R550", "R570"]) == "R535, R550, R570"


@pytest.mark.parametrize(("month", "en", "zh_text"), [
    ("2024-07", "2024-07", "2024 年 7 月"),
    ("2028-12", "2028-12", "2028 年 12 月"),
    ("soon", "soon", "soon"),  # not a month: as it is
])
def test_a_month_is_said_as_the_language_says_it(zh, month, en, zh_text):
    assert month_text(month) == zh_text
    set_language("en")
    assert month_text(month) == en


def test_the_apt_driver_note_lists_the_branches_passed_over_with_the_enumeration_comma(zh):
    _packages, why = driver_packages_for(NvidiaDriver(branch="latest"), _ctx("rtx4090-550.json", TODAY))
    assert "更早的 R535、R550、R570 已过支持期" in why
    assert "（nvidia-driver-pinning-580、nvidia-open-580）" in why
    assert ", " not in why


def test_an_ended_branch_says_its_month_in_chinese(zh):
    # Pascal's last branch is R580: after its end (June 2028) it is still the one that runs the GPU
    _packages, why = driver_packages_for(NvidiaDriver(branch="latest"), _ctx("gtx1080ti-535.json", date(2028, 7, 1)))
    assert "NVIDIA 自 2028 年 6 月起已不再支持 R580" in why
    rec = recommend(machine("k80-470", nvidia_driver=None), variant="cu118", python="3.9", today=TODAY)
    assert "NVIDIA 自 2024 年 7 月起已不再支持 R470" in " | ".join(rec.choices[0].reasons)


def test_the_refused_builds_are_counted_as_what_they_are(zh):
    rec = recommend(machine("k80-470"), today=TODAY)  # the tester's 44: 2.4.1 cu118 chosen, cu121 and cu124 refused
    first = rec.choices[0].torch
    assert any(r.torch == first for r in rec.rejected)
    # what is counted: builds of the first choice's release (its other variants) or of a newer one
    assert rec.rejected and all(tuple(map(int, r.torch.split("."))) >= tuple(map(int, first.split(".")))
                                for r in rec.rejected)
    text = render_recommendation(rec)
    assert f"另有 {len(rec.rejected)} 个 torch {first} 及更新版本的构建被拒绝" in text
    set_language("en")
    assert f"{len(rec.rejected)} other builds of torch {first} or newer were refused" in render_recommendation(rec)
