"""A `detect --json` report with a key of the contract deleted, given as `--hardware F` to the real CLI:
exit 2, the file, line and key, a hint to record the machine again; no traceback, nothing on stdout,
nothing created. It used to plan for the machine as though it had no GPU (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ANSWERS = "version: 1\ntarget:\n  kind: venv\n  path: env\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


@pytest.fixture
def without_gpus(cli, tmp_path, xdg_home) -> Path:
    detected = cli("detect", "--json", cwd=tmp_path, timeout=120)
    assert detected.returncode == 0, detected.stderr
    data = json.loads(detected.stdout)
    del data["gpus"]
    work = tmp_path / "work"
    work.mkdir()
    report = work / "machine.json"
    report.write_text(json.dumps(data, indent=2))
    (work / "answers.yaml").write_text(ANSWERS)
    return report


@pytest.mark.parametrize("args", [
    ["recommend", "--hardware", "machine.json"],
    ["detect", "--hardware", "machine.json"],
    ["plan", "--answers", "answers.yaml", "--hardware", "machine.json", "--probe-timeout", "0.2"],
    ["--dry-run", "--hardware", "machine.json"],  # the wizard
])
def test_a_report_without_gpus_is_bad_input(cli, without_gpus, xdg_home, args):
    work = without_gpus.parent
    before = _tree(work, xdg_home)
    result = cli(*args, cwd=work, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:2] == [
        "machine.json:1: gpus: this key is missing: every hardware report has it (null where unknown)",
        "  -> record the machine again with `torch-setup detect --json > machine.json`",
    ], result.stderr
    assert _tree(work, xdg_home) == before


def test_a_gpu_without_its_compute_capability_names_the_gpus_line(cli, tmp_path, xdg_home):
    data = json.loads((REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json").read_text())
    del data["gpus"][0]["compute_capability"]
    report = tmp_path / "machine.json"
    report.write_text(json.dumps(data, indent=2))
    result = cli("recommend", "--hardware", str(report), cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    line = report.read_text().splitlines().index('  "gpus": [') + 2  # the GPU's own `{`
    assert result.stderr.splitlines()[0] == (f"{report}:{line}: gpus[0].compute_capability: this key is missing: "
                                             "every hardware report has it (null where unknown)"), result.stderr
