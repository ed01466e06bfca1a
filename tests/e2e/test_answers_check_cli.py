"""`torch-setup answers check F...` through the real CLI: it refuses what `plan --answers F` refuses, with
the same message, and reports every file. Found in use: a torch version that does not exist, a variant
never built, a misspelt mirror id, a Python with no wheel or no interpreter all passed `answers check`
(exit 0, no output) and failed `plan`; and only the first of three bad files was named."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
GOOD = "version: 1\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"
FAST = ("--probe-timeout", "0.2")

# what the tester wrote: (file, its line and key in the message, the hint's words)
WRONG = {
    "no-such-version": (GOOD.replace("2.13.0", "2.13.7"), "3: torch.version:", "did you mean 2.13.0?"),
    "never-built": (GOOD.replace("cpu", "cu999"), "4: torch.variant:", "variants"),
    "mirror-id-typo": (GOOD + "mirror:\n  pypi: tuna-pypy\n", "7: mirror.pypi:", "did you mean 'tuna-pypi'?"),
    "python-no-wheel": (GOOD + "target:\n  python: '3.99'\n", "7: target.python:", ""),
    "python-not-there": (GOOD + "target:\n  python: /usr/bin/python9\n", "7: target.python:", ""),
}


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


@pytest.mark.parametrize("case", sorted(WRONG))
def test_check_refuses_what_plan_refuses_with_the_same_words(cli, tmp_path, xdg_home, case):
    text, where, hint = WRONG[case]
    work = tmp_path / "work"
    work.mkdir()
    answers = work / f"{case}.yaml"
    answers.write_text(text)
    before = _tree(work, xdg_home)
    checked = cli("answers", "check", str(answers), *FAST, cwd=work, timeout=120)
    planned = cli("plan", "--answers", str(answers), *FAST, cwd=work, timeout=120)
    assert planned.returncode == 2, planned.stderr
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert checked.stderr.startswith(f"{answers}:{where}"), checked.stderr
    assert hint in checked.stderr and "Traceback" not in checked.stderr
    assert checked.stderr.splitlines()[:2] == planned.stderr.splitlines()[:2]  # message and hint, as plan's
    assert checked.stdout == ""
    assert _tree(work, xdg_home) == before  # runs nothing, creates nothing


def test_every_file_is_reported_and_a_good_one_said_so(cli, tmp_path, xdg_home):
    files = {"typo.yaml": "version: 1\ntarget:\n  kidn: venv\n", "tabs.yaml": "version: 1\ntarget:\n\tkind: venv\n",
             "empty.yaml": "", "good.yaml": GOOD}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = cli("answers", "check", *files, "--hardware", str(CPU_ONLY), *FAST, cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "typo.yaml:3: target.kidn: unknown key" in result.stderr
    assert "tabs.yaml:3: not valid YAML" in result.stderr
    assert "empty.yaml:1: the answers file is empty" in result.stderr
    assert "3 of 4 answers files have problems" in result.stderr
    assert result.stdout == "good.yaml: ok\n"
    alone = cli("answers", "check", "good.yaml", "--hardware", str(CPU_ONLY), *FAST, cwd=tmp_path, timeout=120)
    assert (alone.returncode, alone.stdout, alone.stderr) == (0, "good.yaml: ok\n", "")


def test_a_key_without_its_colon_is_named_at_its_own_line(cli, tmp_path):
    """Found in use: `    path ~/thesis/.venv` on line 8 was reported at line 9 (where PyYAML gave up)."""
    typo4 = ("# torch for my thesis\nversion: 1\ntorch:\n  version: latest\n  variant: cpu\ntarget:\n"
             "    kind: venv\n    path ~/thesis/.venv\nverify: true\n")
    (tmp_path / "typo4.yaml").write_text(typo4)
    result = cli("answers", "check", "typo4.yaml", *FAST, cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[:2] == [
        "typo4.yaml:8: not valid YAML: no ':' after the key in 'path ~/thesis/.venv'",
        "  -> write a ':' after the key: path: ~/thesis/.venv"], result.stderr


def test_a_recorded_machine_is_checked_as_plan_plans_for_it(cli, tmp_path):
    """With --hardware, an interpreter path is the other machine's: plan leaves it to that machine, and so
    does check; a Python that no wheel is built for is refused all the same."""
    there = tmp_path / "there.yaml"
    there.write_text(WRONG["python-not-there"][0])
    none = tmp_path / "none.yaml"
    none.write_text(WRONG["python-no-wheel"][0])
    result = cli("answers", "check", str(there), str(none), "--hardware", str(CPU_ONLY), *FAST, timeout=120)
    assert result.returncode == 2
    assert result.stdout == f"{there}: ok\n" and result.stderr.startswith(f"{none}:7: target.python:")


def test_the_help_says_what_check_does(cli):
    result = cli("answers", "check", "--help")
    assert result.returncode == 0
    assert "check answers files as `plan --answers F` does" in result.stdout
    assert "--hardware F" in result.stdout and "--probe-timeout S" in result.stdout
    zh = cli("--lang", "zh", "answers", "check", "--help")
    assert "检查应答文件" in zh.stdout


def test_the_files_are_said_in_their_order_through_a_pipe(tmp_path, xdg_home):
    """`answers check *.yaml 2>&1 | tee check.log`, a lab's way of keeping the result: each file's line in the
    order the files were given, the count last. Found in a trial: through a pipe the "ok" lines, on stdout,
    came out after the problems and the count, on stderr, which Python writes at once."""
    import os
    import subprocess
    import sys

    files = {"a-good.yaml": GOOD, "b-typo.yaml": "version: 1\ntarget:\n  kidn: venv\n", "c-good.yaml": GOOD}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    proc = subprocess.run([sys.executable, "-m", "installer", "answers", "check", *files, "--hardware", str(CPU_ONLY),
                           *FAST], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120,
                          env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "NO_COLOR": "1"})
    assert proc.returncode == 2, proc.stdout
    said = [line.split(":")[0] for line in proc.stdout.splitlines() if not line.startswith(" ")]
    assert said == ["a-good.yaml", "b-typo.yaml", "c-good.yaml", "1 of 3 answers files have problems"], proc.stdout
