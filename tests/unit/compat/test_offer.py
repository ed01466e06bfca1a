"""What the wizard offers when the answers already name a build: the ranking, led by that build.

Recorded machines (tests/fixtures/machines): rtx4090-550 ranks 2.14.1 cu126 first (550 runs CUDA 12 but
not 13) with 2.15.0 cpu as its one CPU fallback; cpu-only has no NVIDIA GPU.
"""

from __future__ import annotations

import re

import pytest
from compat_machines import machine

from installer.compat import recommend
from installer.compat.data import load
from installer.compat.offer import Offer, is_pinned, offer, versions, with_pinned


def ids(doc: dict) -> list[tuple[str, str, bool]]:
    return [(c["torch"], c["variant"], bool(c.get("pinned"))) for c in doc["choices"]]


@pytest.fixture(scope="module")
def rtx4090():
    return machine("rtx4090-550")


@pytest.fixture(scope="module")
def ranked(rtx4090):
    return recommend(rtx4090)


@pytest.mark.parametrize("torch, variant", [(None, None), ("latest", "auto"), ("latest", None), (None, "auto")])
def test_nothing_pinned_is_the_ranking_itself(rtx4090, ranked, torch, variant):
    assert not is_pinned(torch, variant)
    got = with_pinned(rtx4090, ranked, torch=torch, variant=variant)
    assert got == Offer(ranked)
    assert got.to_dict() == ranked.to_dict()


def test_an_older_cpu_build_leads_marked_with_the_solvers_reasons(rtx4090, ranked):
    got = with_pinned(rtx4090, ranked, torch="2.13.0", variant="cpu")
    assert got.pinned is not None and (got.pinned.torch, got.pinned.variant) == ("2.13.0", "cpu")
    assert "runs on the CPU only" in got.pinned.reasons
    doc = got.to_dict()
    assert ids(doc)[0] == ("2.13.0", "cpu", True)
    assert ids(doc)[1:] == [(c.torch, c.variant, False) for c in ranked.choices]  # the ranking follows, unmarked
    assert doc["warnings"] == list(ranked.warnings) and doc["rejected"] == ranked.to_dict()["rejected"]
    assert got.choices[0] == got.pinned and got.choices[1:] == ranked.choices


def test_a_pinned_version_with_auto_variant_takes_the_best_build_of_that_version(rtx4090, ranked):
    got = with_pinned(rtx4090, ranked, torch="2.12", variant="auto")  # "2.12" means the newest 2.12.x
    assert got.pinned is not None and (got.pinned.torch, got.pinned.variant) == ("2.12.1", "cu126")
    assert not got.pinned.actions  # 550.54.14 runs cu126 as it is


@pytest.mark.parametrize("torch, variant", [
    ("2.14.1", "cu126"),  # the ranking's first choice
    ("latest", "cpu"),  # the newest CPU build: the ranking's CPU fallback
])
def test_a_pin_the_ranking_already_lists_adds_nothing(rtx4090, ranked, torch, variant):
    assert (torch == "latest" or any(c.torch == torch and c.variant == variant for c in ranked.choices))
    got = with_pinned(rtx4090, ranked, torch=torch, variant=variant)
    assert got.pinned is None
    assert got.to_dict() == ranked.to_dict()


@pytest.mark.parametrize("torch, variant, why", [
    ("9.9.9", "auto", "torch.version: unknown torch version 9.9.9\n  -> known releases run from 1.13.0 to "),
    ("2.13.0", "cuda", "variant: not a wheel variant: 'cuda'\n  -> use auto, cpu, cuNNN"),
])
def test_a_pin_that_was_never_released_is_a_warning_before_the_ranking(rtx4090, ranked, torch, variant, why):
    got = with_pinned(rtx4090, ranked, torch=torch, variant=variant)
    assert got.pinned is None and got.recommendation.choices == ranked.choices
    first, *rest = got.recommendation.warnings
    assert first.startswith(f"The answers ask for torch {torch} {variant}: {why}"), first
    assert tuple(rest) == ranked.warnings


def test_a_pin_this_machine_cannot_run_says_why_and_offers_that_versions_builds_that_fit():
    cpu_only = machine("cpu-only")
    got = offer(cpu_only, torch="2.13.0", variant="cu126")
    assert got.pinned is None
    assert [(c.torch, c.variant) for c in got.choices] == [("2.13.0", "cpu")]
    assert got.recommendation.warnings[0] == (
        "The answers ask for torch 2.13.0 cu126: this machine has no NVIDIA GPU for cu126 wheels to use")


def test_the_same_reason_for_each_release_is_said_once():
    """`latest` cu126 on a machine with no NVIDIA GPU: every release is refused for the one reason (found in
    review: the wizard's warning said it twice over)."""
    got = offer(machine("cpu-only"), torch="latest", variant="cu126")
    assert got.recommendation.warnings[0] == (
        "The answers ask for torch latest cu126: this machine has no NVIDIA GPU for cu126 wheels to use")


def test_a_pinned_version_offers_its_own_builds_ranked_not_the_newest_release(rtx4090, ranked):
    got = offer(rtx4090, torch="2.12.0", variant="auto")
    assert got.pinned is None and got.recommendation == recommend(rtx4090, torch="2.12.0")
    assert {c.torch for c in got.choices} == {"2.12.0"}
    assert [c.variant for c in got.choices][0] == "cu126"  # what 550.54.14 runs as it is leads
    assert {"cpu", "cu130"} <= {c.variant for c in got.choices}
    assert ranked.best is not None and ranked.best.torch != "2.12.0"  # not what the plain ranking leads with


def test_a_version_never_released_is_a_warning_over_the_plain_ranking(rtx4090, ranked):
    got = offer(rtx4090, torch="9.9.9", variant="auto")
    assert got.choices == ranked.choices
    assert got.recommendation.warnings[0].startswith("The answers ask for torch 9.9.9 auto: ")


def test_offer_ranks_for_the_python_asked(rtx4090):
    # the ranking and the pinned build are both made for Python 3.12, not the report's 3.11
    got = offer(rtx4090, python="3.12", torch="2.13.0", variant="cpu")
    assert got.pinned is None  # the CPU build is one of 2.13.0's own builds
    assert got.choices and all(c.python == "3.12" for c in got.choices if not c.action("install-python"))
    assert got.recommendation == recommend(rtx4090, python="3.12", torch="2.13.0")


def test_versions_are_the_releases_with_wheels_for_the_platform_newest_first():
    linux = versions(machine("cpu-only"))
    released = [r.torch for r in load().released()]
    assert linux[0] == released[0] and "2.13.0" in linux
    assert linux == [v for v in released if v in linux]  # newest first, as released() orders them
    # macOS on Intel lost its wheels after torch 2.2: those releases are not offered there
    intel_mac = versions(machine("cpu-only", os__system="Darwin", os__arch="x86_64"))
    assert intel_mac and "2.13.0" not in intel_mac and "2.2.2" in intel_mac
    assert set(intel_mac) < set(released)


def test_a_python_that_cannot_change_refuses_the_builds_that_need_another_with_why():
    """titanv-515 runs Python 3.8: unpinned, the ranking offers 2.7.1 cu118 'needs Python 3.9'; into that
    very interpreter (an existing one, or one the answers name) it cannot be had, and is refused instead."""
    titanv = machine("titanv-515")
    free = offer(titanv).to_dict()
    assert any(a["kind"] == "install-python" for c in free["choices"] for a in c["actions"])

    fixed = offer(titanv, fixed_python=True).to_dict()
    assert fixed["choices"], fixed["rejected"][:3]
    assert all(c["python"] == "3.8" for c in fixed["choices"])
    assert not any(a["kind"] == "install-python" for c in fixed["choices"] for a in c["actions"])
    refused = {(r["torch"], r["variant"]): r["reason"] for r in fixed["rejected"]}
    assert refused[("2.7.1", "cu118")] == ("torch 2.7.1 has no wheel for Python 3.8 on Linux x86_64 "
                                          "(it has 3.9-3.13)")
    said = (r"\d+ newer builds need another Python than 3\.8, the one this install goes into \(torch 2\.15\.0 among "
            r"them\): install with Python 3\.11 to have it$")  # the closest Python torch 2.15.0 takes
    assert any(re.match(said, w) for w in fixed["warnings"]), fixed["warnings"]
    assert not any("newer builds need another Python" in w for w in free["warnings"])


def test_a_fixed_python_that_fits_changes_nothing(rtx4090):
    assert offer(rtx4090, fixed_python=True).to_dict() == offer(rtx4090).to_dict()


def test_a_pinned_build_that_needs_another_python_is_a_warning_when_the_python_is_fixed():
    titanv = machine("titanv-515")
    got = offer(titanv, torch="2.13.0", variant="cpu", fixed_python=True).to_dict()
    assert not any(c.get("pinned") for c in got["choices"])
    assert got["warnings"][0].startswith("The answers ask for torch 2.13.0 cpu: torch 2.13.0 has no wheel for "
                                         "Python 3.8")
