"""For the offline method, the offer leads with the build the wheelhouse holds (its manifest's torch pin), where it
fits this machine (found in use: a wheelhouse of torch 2.13.0+cpu typed in the wizard, and the list kept torch
2.15.0 "recommended", which Review refused). Pure: the ranking is the compat data's."""

from __future__ import annotations

from compat_machines import machine

from installer.compat.offer import offer
from installer.compat.solver import recommend


def _builds(doc: dict) -> list[tuple[str, str]]:
    return [(c["torch"], c["variant"]) for c in doc["choices"]]


def test_the_build_it_holds_leads_and_the_newest_is_marked():
    cpu = machine("cpu-only")
    plain = offer(cpu).to_dict()
    assert _builds(plain)[0] != ("2.13.0", "cpu")
    doc = offer(cpu, wheelhouse=["torch==2.13.0+cpu", "torchvision==0.28.0+cpu"]).to_dict()
    own = recommend(cpu, torch="2.13.0", variant="cpu").best
    assert own is not None
    assert doc["choices"] == [dict(own.to_dict(), wheelhouse=True), dict(plain["choices"][0], not_in_wheelhouse=True),
                              *plain["choices"][1:]]
    assert doc["rejected"] == plain["rejected"] and doc["warnings"] == plain["warnings"]


def test_a_gpu_machine_gets_the_build_it_holds_cpu_or_pypis_own():
    rtx = machine("rtx4090-580.65.06")
    plain = offer(rtx).to_dict()
    # a CPU build, which the ranking leaves out on a GPU machine
    doc = offer(rtx, wheelhouse=["torch==2.13.0+cpu"]).to_dict()
    assert _builds(doc) == [("2.13.0", "cpu"), *_builds(plain)]
    assert doc["choices"][0]["wheelhouse"] and doc["choices"][1]["not_in_wheelhouse"]
    # PyPI's own build (no local tag) is that release's default variant; the ranking's first itself: listed once,
    # first, and nothing marked as not in it
    newest = plain["choices"][0]
    assert newest["local"] == ""
    doc = offer(rtx, wheelhouse=[f"torch=={newest['torch']}"]).to_dict()
    assert doc["choices"] == [dict(newest, wheelhouse=True), *plain["choices"][1:]]
    assert offer(rtx, wheelhouse=[f"torch=={newest['torch']}"]).choices[1:] == offer(rtx).choices[1:]


def test_what_fits_not_or_is_unknown_or_pinned_changes_nothing():
    cpu = machine("cpu-only")
    plain = offer(cpu).to_dict()
    for pins in (["torch==2.13.0+cu126"],  # a CUDA build on a machine without an NVIDIA GPU
                 ["torch==9.9.9+cpu"],  # a release the data does not know
                 ["torchvision==0.28.0+cpu"],  # no torch in it
                 ["torch>=2.13"]):  # no pin
        assert offer(cpu, wheelhouse=pins).to_dict() == plain, pins
    # the answers' own pin comes first: the wheelhouse is then checked against it by the plan
    assert offer(cpu, torch="2.14.1", wheelhouse=["torch==2.13.0+cpu"]).to_dict() == offer(cpu, torch="2.14.1").to_dict()
