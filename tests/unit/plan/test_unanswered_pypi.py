"""A PyPI mirror chosen by hand is probed by the plan, as the PyTorch index chosen by hand always was:
one that does not answer is marked in the plan's notes (`install --yes` refuses it: the command line is
tested in tests/e2e/test_unanswered_pypi_refused.py). Found in use: a tester chose a dead PyPI mirror, the
plan said nothing, and the mirror went on into the environment's pip.conf. Real probes of a real PyPI
stand-in on 127.0.0.1 and of a port where nothing listens."""

from __future__ import annotations

import pytest
from helpers import TESTS, CpuPins, load_module

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.mirrors.pick import chosen_pypi_failure
from installer.plan.indexes import UnansweredIndex, choose_indexes, unanswered_index, unanswered_refusal
from installer.plan.planner import PypiProbe

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")


@pytest.fixture
def live():
    mirror = servers.pypi_index(servers.Mirror("live")).start()
    yield f"{mirror.base}/simple"
    mirror.stop()


def _answers(url: str, method: str = "pip") -> Answers:
    extra = {"wheelhouse": "/tmp/wheels"} if method == "wheel" else {}
    return Answers.model_validate({"version": 1, "method": method, "mirror": {"pypi": url}, **extra})


def test_a_live_mirror_answers(live):
    assert chosen_pypi_failure(live, timeout=3.0) is None


def test_a_dead_mirror_is_said_with_why():
    url = f"{servers.dead_base()}/simple"
    failed = chosen_pypi_failure(url, timeout=3.0)
    assert failed is not None and failed[0] == url and "connection refused" in failed[1]


@pytest.mark.parametrize("choice", ["auto", "none"])
def test_nothing_is_probed_unless_chosen_by_hand(choice):
    assert chosen_pypi_failure(choice) is None
    assert not PypiProbe.wanted(_answers(choice))


def test_the_plan_marks_it_and_install_refuses_on_the_pypi_key():
    url = f"{servers.dead_base()}/simple"
    answers = _answers(url)
    failed = PypiProbe(answers, 3.0).result()
    notes = choose_indexes(answers, HardwareReport(), CpuPins(), None, pypi_failed=failed).notes
    note = unanswered_index(notes)
    assert isinstance(note, UnansweredIndex) and note.key == "mirror.pypi" and note.url == url
    refusal = unanswered_refusal(notes, probe_timeout=3.0)
    assert refusal is not None and refusal.key == "mirror.pypi"
    assert refusal.message.startswith(f"the PyPI mirror chosen by hand, {url}, does not work from this machine")
    assert "`mirror.pypi: auto`" in (refusal.hint or "") and "mirror.pytorch" not in (refusal.hint or "")


def test_an_offline_install_only_notes_it():
    """method: wheel installs from its wheelhouse alone; the mirror is written for later installs, and an
    air-gapped machine may not reach the lab's mirror today: said, not refused."""
    url = f"{servers.dead_base()}/simple"
    answers = _answers(url, method="wheel")
    assert PypiProbe.wanted(answers)
    notes = choose_indexes(answers, HardwareReport(), CpuPins(), None, pypi_failed=(url, "connection refused")).notes
    assert any(url in n and "this run does not need it" in n for n in notes)
    assert unanswered_refusal(notes, probe_timeout=3.0) is None


def test_a_dead_pytorch_index_and_a_dead_pypi_mirror_refuse_on_the_first_said():
    """Both dead: one refusal, on the PyPI mirror (said first in the notes); fixing it shows the other."""
    url = f"{servers.dead_base()}/simple"

    class Pick:
        url, reason, layout, failed = "http://127.0.0.1:9/whl/cpu", "", "pep503", "connection refused"

    notes = choose_indexes(_answers(url), HardwareReport(), CpuPins(), Pick(),
                           pypi_failed=(url, "connection refused")).notes
    refusal = unanswered_refusal(notes, probe_timeout=3.0)
    assert refusal is not None and refusal.key == "mirror.pypi"
