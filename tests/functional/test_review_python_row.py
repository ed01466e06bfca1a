"""Review's "Python" row names the interpreter the new environment is made from. Where that is torch-setup's own
(a venv's bin/python), uv and venv build from its base interpreter, and the row says that one, with its version.
Found in use: the row named torch-setup's own .venv/bin/python. The Hardware screen and `detect` name the same
one (found as a normal user, session 33: Hardware said ~/.local/share/uv/tools/torch-setup/bin/python, Review
/usr/bin/python3.11)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from textual.widgets import Static
from tui_support import press_until, widget_text


async def test_the_python_row_names_the_base_interpreter(make_wizard):
    app = make_wizard(None, dry_run=True)  # this machine, detected live: torch-setup's own Python
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "review", limit=40)
        summary = widget_text(app.screen.query_one("#summary", Static))
    row = next(line for line in summary.splitlines() if line.startswith("Python"))
    base = getattr(sys, "_base_executable", sys.executable)
    assert row.split(None, 1)[1] == f"{base}, Python {platform.python_version()} (the Python torch-setup runs on)"
    if base != sys.executable:  # torch-setup runs in a venv (the test environment does)
        assert sys.executable not in summary


def test_uv_builds_from_that_interpreter(tmp_path):
    """What the row says is what uv does with the plan's `uv venv --python <torch-setup's python>`."""
    uv = Path(sys.executable).parent / "uv"
    env = tmp_path / "env"
    subprocess.run([str(uv), "venv", "--no-project", "--python", sys.executable, str(env), "-q"], check=True,
                   timeout=120)
    cfg = dict(line.split(" = ", 1) for line in (env / "pyvenv.cfg").read_text().splitlines() if " = " in line)
    base = getattr(sys, "_base_executable", sys.executable)
    assert Path(cfg["home"]) == Path(base).parent
    assert (env / "bin" / "python").resolve() == Path(base).resolve()


async def test_the_hardware_screen_names_the_same_interpreter(make_wizard):
    from tui_support import screen_text

    app = make_wizard(None, dry_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "hardware", limit=40)
        text = screen_text(app)
    base = getattr(sys, "_base_executable", sys.executable)
    row = next(line for line in text.splitlines() if "Python" in line and platform.python_version() in line)
    assert row.split()[-1] == f"({base})", row
    if base != sys.executable:
        assert sys.executable not in text


def test_detect_names_it_and_another_interpreter_as_it_is(cli, tmp_path):
    base = getattr(sys, "_base_executable", sys.executable)
    row = next(line for line in cli("detect").stdout.splitlines() if line.startswith("Python:"))
    assert row.split()[-1] == f"({base})", row
    # an interpreter that is not torch-setup's own is named as it is, venv or not
    uv = Path(sys.executable).parent / "uv"
    env = tmp_path / "other"
    subprocess.run([str(uv), "venv", "--no-project", "--python", sys.executable, str(env), "-q"], check=True,
                   timeout=120)
    other = str(env / "bin" / "python")
    row = next(line for line in cli("detect", "--python", other).stdout.splitlines() if line.startswith("Python:"))
    assert row.split()[-1] == f"({other})", row


def test_on_a_base_python_there_is_no_other_to_name(monkeypatch):
    from installer.paths import own_base_python

    assert own_base_python(sys.executable) == getattr(sys, "_base_executable", None)
    assert own_base_python("/usr/bin/python3") is None and own_base_python(None) is None
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)  # as torch-setup on a system or conda base Python sees it
    assert own_base_python(sys.executable) is None
