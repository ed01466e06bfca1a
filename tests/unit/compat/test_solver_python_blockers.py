"""Why the Python asked for was not used: every package without a wheel for it, with the Pythons it has
(finding of session 13: `recommend --python 3.15` moved to 3.14 and named only the first blocker), and,
when torch itself has it, that leaving the extras out keeps it. Ranges are read from the data the
solver reads, so a data refresh that changes them changes the expected text, not the test."""

from __future__ import annotations

import pytest
from compat_machines import machine

from installer.compat import recommend
from installer.compat.data import load
from installer.compat.solver import parse_range, range_text

CPU = "cpu-only"


def _ranges(torch: str) -> dict[str, str]:
    """torch's and its extras' Python ranges on Linux x86_64, as the release data gives them."""
    data = load()
    rel = data.release(torch)
    assert rel is not None
    vision = next(r for r in data.releases.torchvision if r.version == rel.torchvision)
    audio = next(r for r in data.releases.torchaudio if r.version == rel.torchaudio)
    return {"torch": rel.python["linux_x86_64"], "torchvision": vision.python["linux_x86_64"],
            "torchaudio": audio.python["linux_x86_64"]}


def _no_wheel(lib: str, version: str, python: str, torch: str) -> str:
    return (f"{lib} {version} has no wheel for Python {python} on Linux x86_64 "
            f"(it has {range_text(parse_range(_ranges(torch)[lib]))})")


def _reason(torch: str, python: str, extras: tuple[str, ...] = ("torchvision", "torchaudio")) -> tuple[str, str]:
    best = recommend(machine(CPU), python=python, torch=torch, extras=extras).choices[0]
    action = best.action("install-python")
    assert action is not None, f"torch {torch} on Python {python} was expected to need another Python"
    return best.python or "", action.reason or ""


def test_every_extra_that_lacks_the_python_is_named_and_leaving_them_out_is_said():
    """torch 2.5.1 has Python 3.13; torchvision 0.20.1 and torchaudio 2.5.1 stop at 3.12: both are why."""
    ranges = _ranges("2.5.1")
    assert parse_range(ranges["torch"])[1] == (3, 13), ranges  # the case this test is about
    python, reason = _reason("2.5.1", "3.13")
    assert python == "3.12"
    assert reason == "; ".join([
        _no_wheel("torchvision", "0.20.1", "3.13", "2.5.1"),
        _no_wheel("torchaudio", "2.5.1", "3.13", "2.5.1"),
        "torch 2.5.1 itself has wheels for Python 3.13: leave out torchvision, torchaudio to keep it",
    ])


def test_the_reported_case_names_torchaudio_and_not_torchvision():
    """torch 2.15.0 goes to 3.15, torchvision 0.29.2 has no upper bound, torchaudio 2.11.0 stops at 3.14."""
    python, reason = _reason("2.15.0", "3.15")
    assert python == "3.14"
    assert reason == (_no_wheel("torchaudio", "2.11.0", "3.15", "2.15.0")
                      + "; torch 2.15.0 itself has wheels for Python 3.15: leave out torchaudio to keep it")
    assert "torchvision" not in reason


@pytest.mark.parametrize(("extras", "python"), [(("torchvision",), "3.15"), ((), "3.15"), (("torchaudio",), "3.14")])
def test_without_the_extra_that_lacks_it_the_python_asked_for_is_used(extras, python):
    best = recommend(machine(CPU), python="3.15", torch="2.15.0", extras=extras).choices[0]
    assert best.python == python
    assert (best.action("install-python") is None) == (python == "3.15")
    assert best.torchaudio == ("2.11.0" if "torchaudio" in extras else None)


def test_when_torch_lacks_it_an_extra_with_the_same_range_adds_nothing():
    """torch 2.14.1 and both its extras are 3.10-3.14: for 3.9, torch is the reason, and only torch."""
    ranges = _ranges("2.14.1")
    assert len(set(ranges.values())) == 1, ranges  # the case this test is about
    python, reason = _reason("2.14.1", "3.9")
    assert python == "3.10"
    assert reason == _no_wheel("torch", "2.14.1", "3.9", "2.14.1")


def test_when_torch_lacks_it_an_extra_that_moved_the_python_further_is_named_too():
    """For 3.16, torch 2.15.0 alone would give 3.15; torchaudio 2.11.0 (to 3.14) moved it to 3.14: both are
    why, and there is no 'leave it out' (without torchaudio it would still not be 3.16)."""
    python, reason = _reason("2.15.0", "3.16")
    assert python == "3.14"
    assert reason == "; ".join([_no_wheel("torch", "2.15.0", "3.16", "2.15.0"),
                                _no_wheel("torchaudio", "2.11.0", "3.16", "2.15.0")])
    python_alone, reason_alone = _reason("2.15.0", "3.16", extras=("torchvision",))
    assert python_alone == "3.15" and reason_alone == _no_wheel("torch", "2.15.0", "3.16", "2.15.0")


def test_a_python_the_extras_have_is_used_as_it_is():
    best = recommend(machine(CPU), python="3.12", torch="2.5.1").choices[0]
    assert best.python == "3.12" and best.action("install-python") is None
