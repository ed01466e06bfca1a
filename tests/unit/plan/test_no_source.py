"""No PyTorch index answered (`mirror.pytorch: auto`) and what the run reads besides is PyPI or one of its
mirrors: nothing can provide a build labelled +cpu or +cuNNN, and the plan says so, in words that do not
promise the pip configuration, and as a note an unattended install refuses on (unanswered_refusal).

Found in use: as a user with no pip configuration and no route to download.pytorch.org, the plan said
"relying on the pip configuration (find-links, extra indexes) to provide torch==2.13.0+cpu"; there was
none, and `install --yes` made the environment and failed at the torch step. Where something else may have
the build (a find-links folder, an index of unknown shape), or the index was switched off by hand, the
plan says what it said before and nothing is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import CpuPins

from installer.answers import parse_answers
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes, unanswered_index, unanswered_refusal

MACHINES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "machines"
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"  # the catalog's tuna-pypi


@dataclass
class Pick:
    url: str | None
    reason: str = "nothing answered within 3.0 s"
    layout: str = "pep503"


def _answers(pytorch: str = "auto", pypi: str = "auto"):
    return parse_answers("version: 1\ntorch: {version: 2.13.0, variant: cpu, extras: []}\n"
                         f"mirror: {{pytorch: {pytorch}, pypi: '{pypi}'}}\n")


def _report(**pip):
    report = load_report(MACHINES / "cpu-only.json")
    for key, value in pip.items():
        setattr(report.mirror_config.pip, key, value)
    return report


@pytest.mark.parametrize("why, pypi, pip, sources", [
    ("no pip configuration: PyPI, the engines' default", "auto", {}, "https://pypi.org/simple"),
    ("the pip configuration names TUNA's PyPI mirror", "auto", {"index_url": TUNA}, TUNA),
    ("PyPI and a catalog mirror of it as an extra index", "auto", {"extra_index_urls": [TUNA]},
     f"https://pypi.org/simple, {TUNA}"),
    ("a PyPI mirror chosen in the answers", "tuna-pypi", {}, TUNA),
])
def test_only_pypi_left_is_said_and_refused(why, pypi, pip, sources):
    indexes = choose_indexes(_answers(pypi=pypi), _report(**pip), CpuPins(), Pick(None))
    note = unanswered_index(indexes.notes)
    assert note is not None, (why, indexes.notes)
    assert note == (f"no PyTorch index answered for cpu, and what else this run reads ({sources}) cannot have "
                    "torch==2.13.0+cpu: builds labelled +cpu or +cuNNN are only on the PyTorch index and its "
                    "mirrors, so the install would stop at that step. Why: nothing answered within 3.0 s"), why
    assert not [n for n in indexes.notes if "relying on the pip configuration" in n], why
    refusal = unanswered_refusal(indexes.notes, probe_timeout=3.0)
    assert refusal is not None and refusal.key == "mirror.pytorch"
    assert refusal.message == ("no source this run reads can have torch==2.13.0+cpu: nothing answered within 3.0 s, "
                               "and PyPI and its mirrors do not carry builds labelled +cpu or +cuNNN; an unattended "
                               "install does not start on it: nothing was changed")
    assert "`torch-setup mirrors`" in refusal.hint and "--probe-timeout, 3 s now" in refusal.hint


@pytest.mark.parametrize("why, pytorch, pip, pick", [
    ("a find-links folder may hold it", "auto", {"find_links": ["/srv/wheels"]}, Pick(None)),
    ("an index of unknown shape may proxy the PyTorch index", "auto",
     {"index_url": "https://nexus.lab.example/repository/pypi-all/simple"}, Pick(None)),
    ("a PyPI mirror at another path of a catalog host is not the catalog's", "auto",
     {"index_url": "https://pypi.tuna.tsinghua.edu.cn/private/simple"}, Pick(None)),
    ("the PyTorch index switched off by hand", "none", {}, Pick(None, "mirror selection is off")),
    ("not probed", "auto", {}, None),
])
def test_where_something_else_may_have_it_nothing_is_refused(why, pytorch, pip, pick):
    indexes = choose_indexes(_answers(pytorch=pytorch), _report(**pip), CpuPins(), pick)
    assert unanswered_index(indexes.notes) is None, why
    assert unanswered_refusal(indexes.notes, probe_timeout=3.0) is None, why
    assert [n for n in indexes.notes if n.startswith("no PyTorch index is reachable for cpu: relying on the pip "
                                                     "configuration")] or pick is None, (why, indexes.notes)


def test_a_pypi_mirror_chosen_by_hand_that_did_not_answer_is_refused_as_before():
    """Both happen: the hand-chosen PyPI mirror's own refusal, the first found, is the one said."""
    indexes = choose_indexes(_answers(pypi="tuna-pypi"), _report(), CpuPins(), Pick(None),
                             pypi_failed=(TUNA, "connection refused"))
    refusal = unanswered_refusal(indexes.notes, probe_timeout=3.0)
    assert refusal is not None and refusal.key == "mirror.pypi"
    assert refusal.message.startswith(f"the PyPI mirror chosen by hand, {TUNA}, does not work from this machine")
    assert any(n.startswith("no PyTorch index answered for cpu") for n in indexes.notes)


def test_in_chinese(zh):
    indexes = choose_indexes(_answers(), _report(), CpuPins(), Pick(None, "3.0 秒内没有响应"))
    note = unanswered_index(indexes.notes)
    assert note == ("没有 cpu 的 PyTorch 索引响应，而本次运行读取的其他来源（https://pypi.org/simple）不可能有 "
                    "torch==2.13.0+cpu：带 +cpu 或 +cuNNN 标签的构建只在 PyTorch 索引及其镜像上，所以安装会在这一步停下。"
                    "原因：3.0 秒内没有响应")
    refusal = unanswered_refusal(indexes.notes, probe_timeout=3.0)
    assert refusal is not None and refusal.message.startswith("本次运行读取的来源都不可能有 torch==2.13.0+cpu：3.0 秒内没有响应，")
