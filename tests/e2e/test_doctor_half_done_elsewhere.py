"""doctor lists every environment an install left half done, with the command that goes on with it, even after
an install into another folder finished since. Found in use: an install into folder A killed part-way, then
one into B that finished; doctor spoke only of B, and nothing of A being half done. Real installs of torch
2.13.0 (CPU, from the wheel on this disk), a real kill, the real CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import folder_with_example

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]


def _kill_during_the_torch_step(folder: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes"],
                            cwd=folder, env={**os.environ, "NO_COLOR": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        end = time.monotonic() + 120
        while time.monotonic() < end:
            line = proc.stdout.readline()
            if not line or re.search(r"\$ .*/uv pip install", line):
                break
    finally:
        proc.send_signal(signal.SIGKILL)  # this test's own installer, by its pid
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_an_install_killed_in_a_is_listed_after_one_into_b_finished(cli, xdg_home, tmp_path):
    a, b = folder_with_example(tmp_path, "A"), folder_with_example(tmp_path, "B")
    _kill_during_the_torch_step(a)
    done = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=b)
    assert done.returncode == 0, done.stdout + done.stderr

    python_b = b / ".venv-torch" / "bin" / "python"
    r = cli("doctor", "--python", str(python_b), "--json", "--timeout", "300")
    found = [f for f in json.loads(r.stdout)["findings"] if f["id"].startswith("last-run")]
    assert [f["title"] for f in found] == [f"the install into {a / '.venv-torch'} did not finish step torch"]
    # with --yes, as the killed run had it
    resume = f"cd {a} && torch-setup install --answers {a / 'cpu-venv.yaml'} --yes"
    assert f"run `{resume}`" in found[0]["fix"], found[0]["fix"]

    # the command, as printed (no terminal here to confirm), finishes A; then A is no finding
    again = subprocess.run(["bash", "-c", resume.replace("torch-setup", f"{sys.executable} -m installer")],
                           capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"})
    assert again.returncode == 0, again.stdout + again.stderr
    r = cli("doctor", "--python", str(python_b), "--json", "--timeout", "300")
    assert not [f for f in json.loads(r.stdout)["findings"] if f["id"].startswith("last-run")]
