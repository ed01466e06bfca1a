"""The wizard's list (compat.offer) is made for the extras ticked, as `plan` pins them. torchaudio 2.11.0
stops at Python 3.15's predecessor while torch 2.15.0 and torchvision have 3.15 wheels: with torchaudio
left out, a person on Python 3.15 is offered torch 2.15.0 as it is, not refused it or told to change Python."""

from __future__ import annotations

from pathlib import Path

from installer.compat.offer import offer
from installer.compat.pins import resolve_pins
from installer.hardware.report import load_report

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = load_report(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")


def _first(extras, *, fixed: bool, torch: str | None = None, variant: str | None = None) -> dict:
    return offer(CPU_ONLY, python="3.15", fixed_python=fixed, extras=extras, torch=torch, variant=variant).to_dict()


def test_a_python_fixed_by_the_answers_refuses_the_build_only_while_torchaudio_is_wanted():
    both = _first(("torchvision", "torchaudio"), fixed=True)
    assert both["choices"] == []
    assert "torchaudio 2.11.0 has no wheel for Python 3.15" in both["rejected"][0]["reason"]

    vision = _first(("torchvision",), fixed=True)
    best = vision["choices"][0]
    assert (best["torch"], best["python"], best["actions"]) == ("2.15.0", "3.15", [])
    assert best["torchaudio"] is None and best["torchvision"]
    assert not any("torchaudio" in r["reason"] for r in vision["rejected"])


def test_an_unticked_extra_does_not_move_the_python():
    moved = _first(("torchvision", "torchaudio"), fixed=False)["choices"][0]
    assert moved["python"] == "3.14" and [a["kind"] for a in moved["actions"]] == ["install-python"]
    kept = _first((), fixed=False)["choices"][0]
    assert (kept["torch"], kept["python"], kept["actions"]) == (moved["torch"], "3.15", [])
    assert kept["torchvision"] is None and kept["torchaudio"] is None


def test_a_pinned_build_is_offered_for_the_extras_too():
    pinned = _first(("torchvision",), fixed=True, torch="2.15.0", variant="cpu")
    assert (pinned["choices"][0]["torch"], pinned["choices"][0]["variant"]) == ("2.15.0", "cpu")
    refused = _first(("torchvision", "torchaudio"), fixed=True, torch="2.15.0", variant="cpu")
    assert refused["choices"] == [] and "torch 2.15.0 cpu" in refused["warnings"][0]


def test_the_wizard_offers_what_plan_pins():
    # the Python field naming 3.15 fixes the Python, as a target interpreter does for `plan`
    for extras in (("torchvision",), ()):
        best = _first(extras, fixed=True)["choices"][0]
        pins = resolve_pins(CPU_ONLY, python="3.15", extras=extras)
        assert (pins.torch, pins.variant, pins.torchvision, pins.torchaudio, pins.python) == (
            best["torch"], best["variant"], best["torchvision"], best["torchaudio"], best["python"]), extras
