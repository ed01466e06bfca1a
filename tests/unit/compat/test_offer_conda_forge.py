"""For the conda method, the offer leads with the newest release torch-setup knows conda-forge builds, where the
ranking's first is one it has no record of there (found in use, zh wizard: conda's n, n, n walked into torch
2.15.0, and Review then said "choose 2.12.0", which only the Version field could pick). Pure: the ranking is
the compat data's, and which releases conda-forge builds is data/conda_forge.yaml's."""

from __future__ import annotations

import pytest
from compat_machines import machine

from installer.compat import conda_forge
from installer.compat.conda_forge import conda_forge_builds, newest_known
from installer.compat.offer import offer


def _heads(doc: dict) -> list[tuple[str, str, bool, bool]]:
    return [(c["torch"], c["variant"], bool(c.get("conda_forge")), bool(c.get("conda_forge_unknown")))
            for c in doc["choices"][:2]]


@pytest.mark.parametrize("name", ["cpu-only", "rtx4090-580.65.06"])
def test_a_release_conda_forge_is_not_known_to_build_is_led_by_one_it_is(name):
    report = machine(name)
    plain = offer(report).to_dict()
    newest = plain["choices"][0]
    assert not conda_forge_builds(newest["torch"])  # the data reaches an older release than PyPI's newest
    doc = offer(report, conda_forge=True).to_dict()
    known = newest_known()
    assert known is not None and conda_forge_builds(known)
    first, second = doc["choices"][:2]
    assert _heads(doc) == [(known, first["variant"], True, False), (newest["torch"], newest["variant"], False, True)]
    # the lead is that release's own best build for this machine, with its reasons; the ranking follows, whole
    assert first == dict(offer(report, torch=known).to_dict()["choices"][0], conda_forge=True)
    assert doc["choices"][1:] == [dict(newest, conda_forge_unknown=True), *plain["choices"][1:]]
    assert doc["rejected"] == plain["rejected"] and doc["warnings"] == plain["warnings"]


def test_pip_a_pin_or_a_release_conda_forge_builds_changes_nothing(monkeypatch):
    cpu = machine("cpu-only")
    plain = offer(cpu).to_dict()
    pinned = offer(cpu, torch="2.14.1", conda_forge=True).to_dict()
    assert not any(c.get("conda_forge") or c.get("conda_forge_unknown") for c in pinned["choices"])
    assert pinned == offer(cpu, torch="2.14.1").to_dict()
    assert offer(cpu, variant="cpu", conda_forge=True).to_dict() == offer(cpu, variant="cpu").to_dict()
    # once the data knows the newest release there, it leads as it is
    newest = plain["choices"][0]["torch"]
    known = conda_forge.conda_forge_data()
    more = known.model_copy(update={"builds": [*known.builds, known.builds[0].model_copy(update={"torch": f"=={newest}"})]})
    monkeypatch.setattr(conda_forge, "conda_forge_data", lambda: more)
    assert conda_forge_builds(newest)
    assert offer(cpu, conda_forge=True).to_dict() == plain
