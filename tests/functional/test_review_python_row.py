"""Review's "Python" row names the interpreter the new environment is made from. Where that is torch-setup's own
(a venv's bin/python), uv and venv build from its base interpreter, and the row says that one, with its version.
Found in use: the row named torch-setup's own .venv/bin/python."""

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
