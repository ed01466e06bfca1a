"""The Verify screen with a warning: verify's own recording of torch 2.13.0 (CPU build) in a venv without
NumPy (tests/fixtures/probes/verify/cpu-2.13.0.verify.json). Found in use: the bar under the checks said
"all checks passed" right under a "!" row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tui_support import verify_screen_text

PROBES = Path(__file__).resolve().parents[1] / "fixtures" / "probes"


async def _verify_text(make_wizard, result: dict, lang: str = "en") -> str:
    return await verify_screen_text(make_wizard, "cpu-only", result, lang)


@pytest.mark.parametrize(("lang", "numpy", "passed"), [
    ("en", "NumPy is not installed here", "checks passed, with a warning"),
    ("zh", "这里没有安装 NumPy", "检查通过，有 1 条警告"),
])
async def test_a_warning_is_counted_where_the_checks_are_said_to_pass(make_wizard, lang, numpy, passed):
    result = json.loads((PROBES / "verify" / "cpu-2.13.0.verify.json").read_text())
    text = await _verify_text(make_wizard, result, lang)
    assert f"! {numpy}" in text, text
    assert passed in text, text
    assert "all checks passed" not in text and "所有检查均通过" not in text


async def test_two_warnings_and_none(make_wizard):
    result = json.loads((PROBES / "verify" / "cpu-2.13.0.verify.json").read_text())
    numpy = next(c for c in result["checks"] if c["name"] == "numpy")
    result["checks"].append({**numpy, "name": "libraries"})
    assert "checks passed, with 2 warnings" in await _verify_text(make_wizard, result)
    result["checks"] = [c for c in result["checks"] if c["ok"]]
    assert "all checks passed" in await _verify_text(make_wizard, result)


def test_done_gives_numpy_as_the_environment_takes_it():
    from installer.tui.screens.done import numpy_command

    result = json.loads((PROBES / "verify" / "cpu-2.13.0.verify.json").read_text())
    own = next(c for c in result["checks"] if c["name"] == "numpy")["fix_msg"]["args"]["cmd"]
    # recorded in a venv without pip: the warning's own command, activated or not
    assert result["python"]["pip"] is False
    assert numpy_command(result, activated=True) == own == numpy_command(result, activated=False)
    # with a pip of its own, activated: what a person types there
    result["python"]["pip"] = True
    assert numpy_command(result, activated=True) == "python -m pip install numpy"
    assert numpy_command(result, activated=False) == own
    result["checks"] = [c for c in result["checks"] if c["name"] != "numpy"]
    assert numpy_command(result, activated=True) is None and numpy_command(None, activated=True) is None
