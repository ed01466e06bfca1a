"""`verify` / `doctor --python X` of an interpreter without torch say how to put torch into X itself, and name the
environment torch-setup last installed into. Found in use: "`torch-setup install` installs one" (which refuses
without --answers) and "install it with `torch-setup install --answers FILE`", whose file installs into its own
folder, not X. The test follows the fix: the `target:` it gives, in an answers file, installs into X. Real venvs,
real installs of torch 2.13.0 (CPU, from the wheel on this disk), the real CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels")]


def test_the_fix_installs_into_the_named_interpreter(cli, xdg_home, tmp_path):
    shutil.copy(EXAMPLE, tmp_path / "cpu-venv.yaml")
    done = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    last = tmp_path / ".venv-torch" / "bin" / "python"
    empty = tmp_path / "empty"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(empty)], check=True)
    python = empty / "bin" / "python"

    verify = cli("verify", "--python", str(python), "--json")
    assert verify.returncode == 1
    fix = next(c for c in json.loads(verify.stdout)["checks"] if c["name"] == "torch-import")["fix"]
    assert fix.startswith(f"torch-setup last installed into {last}: run `torch-setup verify --python {last}`; ")
    assert f"to install torch into {python}: run `torch-setup`, and on its Combination screen choose Target " \
           f"environment: an existing Python interpreter, with Python: {python}" in fix
    assert "`torch-setup install --answers FILE`" in fix

    doctor = json.loads(cli("doctor", "--python", str(python), "--json", "--timeout", "300").stdout)
    missing = next(f for f in doctor["findings"] if f["id"] == "torch-missing")
    assert missing["fix"].startswith(f"torch-setup last installed into {last}: run `torch-setup doctor --python "
                                     f"{last}`; to install torch into {python}: ")
    assert "torch-setup recommend" not in missing["fix"]

    # the `target:` the fix gives, with the torch of this disk (the newest release is not on it), installs there
    target = re.search(r"put `(target: [^`]*)` in an answers file", fix)
    assert target is not None, fix
    answers = tmp_path / "here.yaml"
    answers.write_text(f"version: 1\n{target.group(1)}\ntorch: {{version: 2.13.0, variant: cpu, extras: []}}\n",
                       encoding="utf-8")
    into = cli("install", "--answers", str(answers), "--yes", cwd=tmp_path)
    assert into.returncode == 0, into.stdout + into.stderr
    assert cli("verify", "--python", str(python)).returncode == 0
