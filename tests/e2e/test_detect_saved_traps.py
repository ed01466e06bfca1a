"""`detect --hardware F` shows the traps of the recorded machine, as the wizard's Hardware screen does.
Found in use: the RTX 3060 with no driver, nouveau loaded and Secure Boot on showed no warning at all, as
its saved report stores none; `--json` still prints the report as it was saved (a round trip)."""

from __future__ import annotations

import json
from pathlib import Path

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"


def test_the_traps_of_a_saved_report_are_shown(cli):
    result = cli("detect", "--hardware", str(MACHINES / "nodriver-rtx3060.json"))
    assert result.returncode == 0, result.stderr
    warnings = result.stdout.split("Warnings:", 1)[1]
    for said in ("NVIDIA GPU found but no driver loaded", "Secure Boot is on", "nouveau is loaded",
                 "kernel headers for 6.8.0-45-generic missing"):
        assert said in warnings, result.stdout


def test_in_the_language_shown(cli):
    result = cli("--lang", "zh", "detect", "--hardware", str(MACHINES / "wsl-rtx4070laptop-566.json"))
    assert result.returncode == 0 and "正在 WSL 中运行" in result.stdout, result.stdout


def test_json_is_the_saved_report_as_it_is(cli):
    path = MACHINES / "nodriver-rtx3060.json"
    result = cli("detect", "--hardware", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["warnings"] == json.loads(path.read_text())["warnings"]
