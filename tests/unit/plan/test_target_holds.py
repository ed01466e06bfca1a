"""A plan into an environment that holds packages already says what it does to them (installer.plan.target_holds):
the torch it replaces (found in use: a returning user changed torch.version in the answers, and neither `plan` nor
`install` said that the torch already in the environment would go), and a torchvision or torchaudio it leaves
there that does not fit the torch it puts in (found in a trial: Review said nothing of a torchvision made for torch
2.12.1, and only the verification after the install did). Real venvs; the packages in them are their metadata only
(what the check reads), since a whole torch wheel per test is gigabytes."""

from __future__ import annotations

from helpers import env_with_metadata_only as _venv

from installer.plan.model import Plan
from installer.plan.target_holds import target_notes


def _plan(python: str, *pins: str) -> Plan:
    return Plan(steps=(), summary=(("packages", " ".join(pins)),), target_python=python)


def test_another_torch_is_said_and_the_same_one_is_not(tmp_path):
    python = _venv(tmp_path / "env", "2.13.0+cpu")
    assert target_notes(_plan(python, "torch==2.14.1+cpu", "pip")) == (
        f"{python} has torch 2.13.0+cpu: this plan replaces it with torch==2.14.1+cpu",)
    assert target_notes(_plan(python, "torch==2.13.0+cpu", "pip")) == ()


def test_nothing_to_say_for_a_new_or_empty_environment(tmp_path):
    assert target_notes(_plan(str(tmp_path / "none" / "bin" / "python"), "torch==2.13.0")) == ()
    assert target_notes(_plan(_venv(tmp_path / "empty", None), "torch==2.13.0")) == ()


def test_a_torchvision_left_there_for_another_torch_is_said(tmp_path):
    python = _venv(tmp_path / "env", "2.13.0+cpu", torchvision=("0.27.1", "torch (==2.12.1)"))
    said = (f"{python} has torchvision 0.27.1, which requires torch==2.12.1: it does not fit torch==2.13.0+cpu, and "
            "this plan leaves it there. Tick torchvision under Also install (torch.extras in an answers file) to "
            "install the torchvision made for this torch, or remove it from that environment")
    # the torch already there, or another one put in: the torchvision is left either way
    assert target_notes(_plan(python, "torch==2.13.0+cpu")) == (said,)
    replacing = target_notes(_plan(python, "torch==2.14.1+cpu"))
    assert len(replacing) == 2 and "has torch 2.13.0+cpu: this plan replaces it" in replacing[0]
    assert "it does not fit torch==2.14.1+cpu" in replacing[1]
    # the plan installs the torchvision made for this torch: nothing is left to say of it
    assert target_notes(_plan(python, "torch==2.13.0+cpu", "torchvision==0.28.0+cpu")) == ()


def test_a_companion_that_fits_or_says_nothing_of_torch_is_left_alone(tmp_path):
    python = _venv(tmp_path / "env", "2.13.0+cpu", torchvision=("0.28.0+cpu", "torch==2.13.0"),
                   torchaudio=("2.11.0", ""))
    # ==2.13.0 admits 2.13.0+cpu (PEP 440: a local label matches a pin without one); no requirement: nothing known
    assert target_notes(_plan(python, "torch==2.13.0+cpu")) == ()
    audio = _venv(tmp_path / "audio", None, torchaudio=("2.9.1", "torch==2.9.1"))
    assert target_notes(_plan(audio, "torch==2.13.0+cpu"))[0].startswith(
        f"{audio} has torchaudio 2.9.1, which requires torch==2.9.1: it does not fit torch==2.13.0+cpu")
