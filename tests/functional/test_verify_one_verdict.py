"""The wizard's Verify screen gives the verdict `torch-setup verify` gives of the environment torch went into,
with its warnings and fixes (installer.probes.advised). Found in use: after torch went into an existing
environment that held a torchvision made for another torch, the Verify screen said "torch works", and
`torch-setup verify` failed there.

A real install (the step finds torch in place) and the real verification, in a real venv with torch 2.13.0+cpu
and a stand-in torchvision (tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import env_with_cpu_torch, stand_in_torchvision
from tui_support import press_until, screen_text, settle, wait_for_result, wait_for_run

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]

NMS = "raise RuntimeError('operator torchvision::nms does not exist')\n"
TITLE = "torchvision 0.27.1 does not fit torch 2.13.0+cpu"


def _installing_torch_into(make_wizard: Any, python: Path) -> Any:
    """The wizard, given answers that install torch 2.13.0+cpu alone into `python`'s environment."""
    from installer.answers import Answers

    answers = Answers.model_validate({
        "target": {"kind": "existing", "python": str(python)},
        "torch": {"version": "2.13.0", "variant": "cpu", "extras": []},
        "mirror": {"pytorch": "none"}, "verify": True, "bench": "none"})
    return make_wizard("cpu-only", as_this_machine=True, answers=answers, answers_path="given")


async def _to_verify(pilot: Any) -> None:
    """From the first screen, the install (its step finds torch in place), then Verify, until its checks are in."""
    await press_until(pilot, "n", "review")
    await pilot.press("n")
    await wait_for_run(pilot)
    assert pilot.app.state.run_result.ok, screen_text(pilot.app)
    await pilot.press("n")
    await settle(pilot)
    await wait_for_result(pilot, "verify_result", 120)


@pytest.mark.parametrize(("body", "ok", "mark", "bar"), [
    ("", True, "!", "checks passed, with 2 warnings"),
    (NMS, False, "✗", "checks failed"),
], ids=["pins-another-torch", "does-not-import"])
async def test_verify_says_what_the_command_says_of_a_torchvision_left_beside_it(make_wizard, in_tmp, body, ok,
                                                                                mark, bar):
    python = env_with_cpu_torch(in_tmp / "proj")
    stand_in_torchvision(python, "0.27.1", "torch (==2.12.1)", body)
    app = _installing_torch_into(make_wizard, python)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_verify(pilot)
        result = app.state.verify_result
        assert result["ok"] is ok, result
        check = next(c for c in result["checks"] if c["name"] == "companion-torchvision")
        assert "torchvision==0.28.0+cpu" in check["fix"] and "uninstall -y torchvision" in check["fix"]
        flat = " ".join(screen_text(app).split())
        assert f"{mark} {TITLE}" in flat, flat
        # said once: the check, not again as a finding of doctor's under it
        assert flat.count(TITLE) == 1, flat
        assert ("torch works in" in flat) is ok
        assert bar in flat, flat
        # the wizard's exit status, as install's: 1 where the verification failed
        assert app.exit_code == (0 if ok else 1)


async def test_verify_names_the_package_a_torchvision_lacks_once(make_wizard, in_tmp, monkeypatch):
    """A torchvision (made for this torch) that does not import for a package it needs and that is not there:
    the package is named, with the command that installs it, once; not "`torch-setup doctor` names the package"
    (verify's own words, which sent the reader to one more command). The target's packages are read for it
    once: the verification's advice and doctor's findings share what was found (before, each ran the check)."""
    import installer.probes.host as host

    looked: list[str] = []
    real = host.missing_dependencies

    def counted(python: str, *args: Any, **kwargs: Any) -> Any:
        looked.append(python)
        return real(python, *args, **kwargs)

    monkeypatch.setattr(host, "missing_dependencies", counted)
    python = env_with_cpu_torch(in_tmp / "proj")
    stand_in_torchvision(python, "0.28.0+cpu", ["torch (==2.13.0)", "otherdep>=1"], "import otherdep\n")
    app = _installing_torch_into(make_wizard, python)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_verify(pilot)
        assert app.state.verify_result["ok"] is False
        flat = " ".join(screen_text(app).split())
        said = "otherdep is not installed (torchvision needs it)"
        assert flat.count(said) == 1, flat
        assert "install 'otherdep>=1'" in flat or "install otherdep>=1" in flat, flat
        assert "names the package" not in flat, flat
        assert len(looked) == 1, looked
