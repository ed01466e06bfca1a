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
    # a variant written with `latest` leaves the release to the machine: the newest known there leads, of that variant
    variant = offer(cpu, variant="cpu", conda_forge=True).to_dict()
    assert _heads(variant) == [(newest_known(), "cpu", True, False), (plain["choices"][0]["torch"], "cpu", False, True)]
    # once the data knows the newest release there, it leads as it is
    newest = plain["choices"][0]["torch"]
    known = conda_forge.conda_forge_data()
    more = known.model_copy(update={"builds": [*known.builds, known.builds[0].model_copy(update={"torch": f"=={newest}"})]})
    monkeypatch.setattr(conda_forge, "conda_forge_data", lambda: more)
    assert conda_forge_builds(newest)
    assert offer(cpu, conda_forge=True).to_dict() == plain


def test_a_variant_written_marks_the_build_it_displaced_not_the_rankings_first():
    """On a B200 the ranking's first (torch 2.11.0 cu128) is known on conda-forge, and `variant: cpu` chose the
    newest cpu build further down, which is not: that one is marked, and the ranking's first is left as it is."""
    report = machine("b200x8-570")
    plain = offer(report).to_dict()
    assert conda_forge_builds(plain["choices"][0]["torch"])
    doc = offer(report, variant="cpu", conda_forge=True).to_dict()
    first = doc["choices"][0]
    assert (first["torch"], first["variant"], first.get("conda_forge")) == (newest_known(), "cpu", True)
    marked = [(c["torch"], c["variant"]) for c in doc["choices"] if c.get("conda_forge_unknown")]
    newest_cpu = next(c for c in plain["choices"] if c["variant"] == "cpu")
    assert marked == [(newest_cpu["torch"], "cpu")] and not conda_forge_builds(newest_cpu["torch"])
    assert doc["choices"][1:] == [dict(c, conda_forge_unknown=True) if c == newest_cpu else c for c in plain["choices"]]


def test_a_variant_written_that_the_ranking_does_not_list_stays_listed_after_the_lead():
    """On an H200 (driver 580) the ranking has no cu126 build; `variant: cu126` put the newest one first, pinned.
    For conda the newest cu126 build known on conda-forge leads, and that one follows it, marked."""
    report = machine("h200-580")
    plain = offer(report, variant="cu126").to_dict()
    pinned = plain["choices"][0]
    assert pinned.get("pinned") and not conda_forge_builds(pinned["torch"])
    doc = offer(report, variant="cu126", conda_forge=True).to_dict()
    assert _heads(doc) == [(newest_known(), "cu126", True, False), (pinned["torch"], "cu126", False, True)]
    assert doc["choices"][2:] == plain["choices"][1:]  # the ranking, as it was


def test_builds_conda_forge_does_not_make_are_refused_with_their_warnings():
    """An AMD GPU: conda-forge has no ROCm build, so the conda list is the CPU builds, the ROCm ones refused with the
    reason, a warning that the GPU goes unused, and none of the warnings about the ROCm wheels themselves."""
    report = machine("amd-rx7900xtx")
    plain = offer(report).to_dict()
    rocm = [(c["torch"], c["variant"]) for c in plain["choices"] if c["variant"].startswith("rocm")]
    assert rocm and plain["choices"][0]["variant"].startswith("rocm")
    assert any("ROCm wheels need the amdgpu kernel driver" in w for w in plain["warnings"])
    doc = offer(report, conda_forge=True).to_dict()
    assert {c["variant"] for c in doc["choices"]} == {"cpu"}
    assert [(r["torch"], r["variant"]) for r in doc["rejected"][:len(rocm)]] == rocm
    assert doc["rejected"][0]["reason"] == (f"conda-forge has no {rocm[0][1]} builds of PyTorch (the pip method "
                                            "installs them)")
    assert doc["warnings"] == [f"conda-forge builds PyTorch for the CPU and for NVIDIA's CUDA only, not {rocm[0][1]}: "
                               "a conda environment here runs on the CPU only; the pip method installs the "
                               f"{rocm[0][1]} wheel, which uses this GPU"]
    # pip's list is as it was; an NVIDIA machine's conda list refuses nothing for this
    assert offer(report, conda_forge=False).to_dict() == plain
    nvidia = machine("rtx4090-580.65.06")
    assert offer(nvidia, conda_forge=True).to_dict()["rejected"] == offer(nvidia).to_dict()["rejected"]
