"""`install` refuses in its own words, and names the `plan` command that prints the script, with the report
when one was given. Found in use (a lab admin with the recordings): reading `plan`'s "the script shows what
they would install" beside an `install` run, the script was looked for in `install`'s output; and the hint
"review the plan with `torch-setup plan --answers F`" left out --hardware, so the plan shown was of another
machine than the one `install` was given. A report saved here (`detect --json`), given the GPU and driver of
a recorded machine (rtx4090-550: driver 550, which CUDA 13 builds need 580 for), as a person corrects one.
"""

from __future__ import annotations

import json
from pathlib import Path

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"


def _report_here(cli, work: Path, *, gpu_of: str | None = None) -> Path:
    detected = cli("detect", "--json")
    assert detected.returncode == 0, detected.stderr
    report = json.loads(detected.stdout)
    if gpu_of:
        recorded = json.loads((MACHINES / gpu_of).read_text())
        report["gpus"], report["nvidia_driver"] = recorded["gpus"], recorded["nvidia_driver"]
    path = work / "here.json"
    path.write_text(json.dumps(report, indent=2))
    return path


def test_a_refused_install_names_the_plan_that_prints_its_script(cli, tmp_path, xdg_home):
    report = _report_here(cli, tmp_path, gpu_of="rtx4090-550.json")
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  version: 2.13.0\n  variant: cu130\n")
    r = cli("install", "--answers", "a.yaml", "--hardware", "here.json", "--yes", "--probe-timeout", "0.2",
            cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout == ""
    first, hint = r.stderr.splitlines()
    assert first.startswith("a.yaml:4: torch.variant: torch 2.13.0 (cu130) cannot use "), first
    assert hint.endswith("; `torch-setup plan --answers a.yaml --hardware here.json` prints the script that was "
                         "refused, without running it"), hint
    assert "the script shows" not in r.stderr
    assert report.exists() and not any(xdg_home.rglob("*.json*")), "nothing ran"


def test_without_a_terminal_the_plan_to_review_is_for_the_same_report(cli, tmp_path, xdg_home):
    _report_here(cli, tmp_path)
    (tmp_path / "a.yaml").write_text("version: 1\ntorch:\n  variant: cpu\n")
    r = cli("install", "--answers", "a.yaml", "--hardware", "here.json", "--probe-timeout", "0.2", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.splitlines() == [
        "no terminal to ask for confirmation, and --yes was not given",
        "  -> review the plan with `torch-setup plan --answers a.yaml --hardware here.json`, then add --yes"]
    r = cli("install", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.splitlines()[1] == "  -> review the plan with `torch-setup plan --answers a.yaml`, then add --yes"
