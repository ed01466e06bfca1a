"""`install --hardware F` runs the plan here, so F must be this machine's report.

Found in use (a lab admin with the recordings): `install --answers cpu-venv.yaml --hardware
rocky94-2x3060-560.json --yes` on a Debian box handed the Rocky machine's Anaconda Python to `uv venv`,
failed, and left an empty environment folder and a journal entry, which doctor then called "the last
install". Now it is refused before anything runs, naming the report's line and key; a report saved on
this machine by `detect --json` is still taken. The real command line, a real detection of this machine.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from installer.hardware import osinfo
from installer.hardware.report import load_report
from installer.hardware.same_machine import IDENTITY, first_difference

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "tests" / "fixtures" / "machines"


def _example(work: Path) -> Path:
    work.mkdir()
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", work / "cpu-venv.yaml")
    return work


def test_a_recorded_machines_report_is_refused_before_anything_runs(cli, tmp_path, xdg_home):
    work = _example(tmp_path / "work")
    report = MACHINES / "rocky94-2x3060-560.json"
    result = cli("install", "--answers", "cpu-venv.yaml", "--hardware", str(report), "--yes", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    first, hint = result.stderr.splitlines()
    # the first identity key that differs is the distribution; its line in the JSON file
    line = next(i for i, text in enumerate(report.read_text().splitlines(), 1) if '"id": "rocky"' in text)
    assert first.startswith(f"{report}:{line}: os.id: this is a report of another machine (Rocky Linux 9.4 "
                            "(Blue Onyx), kernel 5.14.0-427.37.1.el9_4.x86_64); this one is "), first
    assert first.endswith(": `install` would run that machine's plan here"), first
    assert hint == (f"  -> run the install on that machine; its plan is `torch-setup plan --answers cpu-venv.yaml "
                    f"--hardware {report}`; for this machine leave out --hardware (or save its report again: "
                    "`torch-setup detect --json`)")
    assert result.stdout == ""
    assert sorted(p.name for p in work.iterdir()) == ["cpu-venv.yaml"]
    assert not any(xdg_home.rglob("*.json*")), "no journal: nothing ran"


def test_this_machines_saved_report_is_taken(cli, tmp_path, xdg_home):
    """Saved here: the run goes on past the check (here to the next refusal, no terminal to confirm)."""
    work = _example(tmp_path / "work")
    detected = cli("detect", "--json")
    assert detected.returncode == 0, detected.stderr
    (work / "here.json").write_text(detected.stdout)
    result = cli("install", "--answers", "cpu-venv.yaml", "--hardware", "here.json", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == "no terminal to ask for confirmation, and --yes was not given"


def test_every_recording_is_another_machine_and_each_identity_key_counts(tmp_path):
    here = osinfo.probe()
    for path in sorted(MACHINES.glob("*.json")):
        assert first_difference(load_report(path).os, here) is not None, path.name
    saved = json.loads(json.dumps({"os": {k: getattr(here, k) for k in IDENTITY}}))
    report = load_report(MACHINES / "cpu-only.json").model_copy()
    same = report.os.model_copy(update=saved["os"])
    assert first_difference(same, here) is None
    for key in IDENTITY:
        changed = same.model_copy(update={key: "other" if key != "wsl" else not here.wsl})
        assert first_difference(changed, here) == key
