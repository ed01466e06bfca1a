"""`answers check F... --hardware R` with a report that cannot be read says so once, of the report.

Found by a tester (session 28): a mistyped --hardware path printed "rtx4090-550.json: file not found" and then
"1 of 1 answers files have problems", of an answers file that had none. The report is read before any answers
file is checked: exit 2, the message naming the report, nothing said of the answers files. Real subprocesses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MACHINES = Path(__file__).resolve().parents[1] / "fixtures" / "machines"
GOOD = "version: 1\ntorch:\n  version: latest\n  variant: auto\n"


def test_a_wrong_hardware_path_is_no_problem_of_the_answers(cli, tmp_path, xdg_home):
    (tmp_path / "lab4090.yaml").write_text(GOOD)
    (tmp_path / "other.yaml").write_text(GOOD)
    r = cli("answers", "check", "lab4090.yaml", "other.yaml", "--hardware", "rtx4090-550.json",
            "--probe-timeout", "0.2", cwd=tmp_path, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("rtx4090-550.json: file not found"), r.stderr
    assert "answers files" not in r.stderr and r.stderr.count("file not found") == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    # with the path right, the same files are fine
    shutil.copy(MACHINES / "rtx4090-550.json", tmp_path)
    r = cli("answers", "check", "lab4090.yaml", "other.yaml", "--hardware", "rtx4090-550.json",
            "--probe-timeout", "0.2", cwd=tmp_path, timeout=120)
    assert r.returncode == 0 and r.stdout == "lab4090.yaml: ok\nother.yaml: ok\n", r.stdout + r.stderr


def test_an_answers_file_problem_is_still_counted(cli, tmp_path, xdg_home):
    shutil.copy(MACHINES / "rtx4090-550.json", tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text("version: 1\ntorch:\n  variant: cu999x\n")
    r = cli("answers", "check", "good.yaml", "bad.yaml", "--hardware", "rtx4090-550.json",
            "--probe-timeout", "0.2", cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and r.stderr.rstrip().endswith("1 of 2 answers files have problems"), r.stderr
