"""A support end known only as an upper bound is said as one.

NVIDIA's page of Aug 2025 (drivers.yaml NV-LC-580) calls R515, R525, R555, R560 and R565 ended and gives no
month: the texts said "in 2025-08", a month nobody published. They now say "by 2025-08" (Chinese 最迟于), and an
exact month (R550, June 2025) still "in".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from installer.compat import recommend
from installer.compat.data import load
from installer.hardware.report import load_report
from installer.i18n import set_language

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
TODAY = date(2026, 12, 5)


def test_the_data_marks_the_months_that_are_only_upper_bounds():
    bounds = {b.branch for b in load().drivers.branches if b.eol_upper_bound}
    assert bounds == {"515", "525", "555", "560", "565"}
    # an upper bound is never an exact month NVIDIA gave: each is said unverified, with its source
    assert all("eol" in b.unverified and "upper bound" in b.source for b in load().drivers.branches
               if b.eol_upper_bound)


@pytest.mark.parametrize("machine, said", [
    ("a100x4-555", "which NVIDIA stopped supporting by 2025-08:"),
    ("titanv-515", "which NVIDIA stopped supporting by 2025-08:"),
    ("rtx4090-550", "which NVIDIA stopped supporting in 2025-06:"),
])
def test_recommend_says_by_for_a_bound_and_in_for_a_month(machine, said):
    rec = recommend(load_report(MACHINES / f"{machine}.json"), today=TODAY, recorded=True)
    assert any(said in w for w in rec.warnings), rec.warnings


def test_in_chinese_a_bound_is_at_the_latest():
    try:
        set_language("zh")
        bound = recommend(load_report(MACHINES / "a100x4-555.json"), today=TODAY, recorded=True)
        exact = recommend(load_report(MACHINES / "rtx4090-550.json"), today=TODAY, recorded=True)
    finally:
        set_language("en")
    assert any("NVIDIA 最迟于 2025 年 8 月已停止支持该分支" in w for w in bound.warnings), bound.warnings
    assert any("NVIDIA 已于 2025 年 6 月停止支持该分支" in w for w in exact.warnings), exact.warnings
