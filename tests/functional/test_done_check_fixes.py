"""The Done screen gives the commands of the fixes Verify gave (installer.tui.screens.done.check_fixes): each reached
with Tab, and printed whole in the terminal once the wizard quits. Found in a trial: Verify warned of a torchvision
made for another torch, with the two commands that mend it, and Done, the screen left when the wizard quits, said
only "PyTorch is installed".

A real install (the step finds torch in place) and the real verification, in a real venv with torch 2.13.0+cpu and a
stand-in torchvision (tests/helpers.py), as test_verify_one_verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import env_with_cpu_torch, stand_in_torchvision
from test_verify_one_verdict import NMS, TITLE, _installing_torch_into, _to_verify
from tui_support import press_until, screen_text

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]


@pytest.mark.parametrize(("body", "mark"), [("", "!"), (NMS, "✗")], ids=["pins-another-torch", "does-not-import"])
async def test_done_gives_the_commands_that_mend_a_torchvision_left_beside_torch(make_wizard, in_tmp, body, mark):
    from installer.tui.widgets import CommandLine

    python = env_with_cpu_torch(in_tmp / "proj")
    stand_in_torchvision(python, "0.27.1", "torch (==2.12.1)", body)
    app = _installing_torch_into(make_wizard, python)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_verify(pilot)
        check = next(c for c in app.state.verify_result["checks"] if c["name"] == "companion-torchvision")
        await press_until(pilot, "n", "done")
        shown = " ".join(screen_text(app).split())
        commands = [str(w.content) for w in app.screen.query(CommandLine)]
        drawn = set(app.screen.query_one("#fix-companion-torchvision").classes)
        last = [set(w.classes) for w in app.screen.query(".error, .warning")
                if "torch-setup doctor` explains" in " ".join(str(getattr(w, "content", "")).split())]
        await pilot.press("q")
    # a failure drawn as one (red), a warning as a warning
    assert ("error" if mark == "✗" else "warning") in drawn and len({"error", "warning"} & drawn) == 1, drawn
    # "Some checks failed", in red as Verify says it, only where one failed
    assert [{"error", "warning"} & classes for classes in last] == ([{"error"}] if mark == "✗" else []), last
    reinstall = next(c for c in commands if "torchvision==0.28.0+cpu" in c)
    remove = next(c for c in commands if c.endswith("uninstall -y torchvision"))
    # the fix's own commands, whole, each a line Tab reaches
    assert f"`{reinstall}`" in check["fix"] and f"`{remove}`" in check["fix"]
    assert f"{mark} {TITLE}" in shown, shown
    assert "install the torchvision made for torch 2.13.0+cpu:" in shown
    assert "or, if you do not use it, remove it:" in shown
    lines = (app.exit_summary or "").splitlines()
    # the first line says the checks failed where one did (a warning is not a failure)
    assert lines[0] == ("PyTorch is installed." if mark == "!" else
                        "PyTorch is installed, but some of its checks failed: see below."), lines
    assert f"  {reinstall}" in lines and f"  {remove}" in lines, lines
    # each after its sentence, the warning's line first
    at = lines.index(f"  {reinstall}")
    assert lines[at - 1] == "install the torchvision made for torch 2.13.0+cpu:"
    assert lines.index(next(line for line in lines if line.startswith(f"{mark} {TITLE}"))) < at - 1
    assert lines[lines.index(f"  {remove}") - 1] == "or, if you do not use it, remove it:"
    # NumPy's, said with the commands to use the environment, is not said twice
    assert sum(line.startswith("  ") and line.endswith("install numpy") for line in lines) == 1, lines


def test_a_fix_is_split_at_its_commands():
    from installer.tui.screens.done import fix_parts

    assert fix_parts("install it: `pip install a`; or remove it: `pip uninstall -y a`", lead="! a") == [
        ("! a", []), ("install it:", ["pip install a"]), ("or remove it:", ["pip uninstall -y a"])]
    # a command the fix starts with goes under what is wrong; words after the last one stay
    assert fix_parts("`torch-setup doctor` names the package", lead="✗ x") == [
        ("✗ x", ["torch-setup doctor"]), ("names the package", [])]
    assert fix_parts("reinstall torch", lead="✗ x") == [("✗ x", []), ("reinstall torch", [])]
