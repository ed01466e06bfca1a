"""A PyTorch index chosen by hand that the plan's probe found not working is marked in the plan's notes, so
that `install --yes` can refuse it (installer.commands.install; the command line is tested in
tests/e2e/test_unanswered_mirror_refused.py). Real probes of real servers on 127.0.0.1: one serving a
PyTorch index, one port where nothing listens; in English and in Chinese (the pick says it in words)."""

from __future__ import annotations

import pytest
from helpers import TESTS, CpuPins, load_module

from installer.answers import Answers
from installer.hardware.report import HardwareReport
from installer.i18n import set_language
from installer.mirrors.pick import pick_pytorch_index
from installer.plan.indexes import UnansweredIndex, choose_indexes, unanswered_index, unanswered_refusal

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")


Pins = CpuPins


@pytest.fixture
def live():
    mirror = servers.torch_index(servers.Mirror("live")).start()
    yield f"{mirror.base}/whl/cpu"
    mirror.stop()


@pytest.fixture(params=["en", "zh"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def _notes(url: str) -> tuple[str, ...]:
    answers = Answers.model_validate({"version": 1, "mirror": {"pytorch": url}})
    pick = pick_pytorch_index("cpu", "2.13.0", preference=url, timeout=3.0)
    return choose_indexes(answers, HardwareReport(), Pins(), pick).notes


def test_a_dead_mirror_is_marked_with_its_url_and_why(language):
    url = f"{servers.dead_base()}/whl/cpu"
    note = unanswered_index(_notes(url))
    assert isinstance(note, UnansweredIndex) and note.url == url
    assert note.why and note.why in note and "127.0.0.1" in note.why  # the probe's own words, in the language
    refusal = unanswered_refusal(_notes(url), probe_timeout=3.0)
    assert refusal is not None and refusal.key == "mirror.pytorch" and url in refusal.message


def test_a_mirror_that_answers_is_not(live, language):
    notes = _notes(live)
    assert any(live in n for n in notes)  # the plan names it
    assert unanswered_index(notes) is None and unanswered_refusal(notes, probe_timeout=3.0) is None


def test_the_mark_survives_into_the_plans_notes_as_a_plain_string_would():
    url = f"{servers.dead_base()}/whl/cpu"
    note = unanswered_index(_notes(url))
    assert note == str(note) and list({note: 1}) == [note]  # compared, hashed and shown as its text
    assert f"PyTorch index for cpu: {url} (chosen by hand and kept, although it does not work from here: " in note
