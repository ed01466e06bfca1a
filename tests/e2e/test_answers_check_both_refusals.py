"""`answers check` says both refusals of a pinned build in one run: its Python, and the recorded GPU's driver.

Found by a tester (session 28): with target.python '3.10' and torch 2.15.0 cu130 on a recorded H100 with driver
565, the check said only "no wheel for Python 3.10"; once that was fixed, the next run said "needs driver >=
580". The planner stops at the first problem; the check plans again with a Python the build has wheels for,
and a refusal of that plan is the build's own, said with the first. Real subprocesses on
tests/fixtures/machines/h100x8-565.json.
"""

from __future__ import annotations

import shutil
from pathlib import Path

H100 = Path(__file__).resolve().parents[1] / "fixtures" / "machines" / "h100x8-565.json"
FAST = ("--probe-timeout", "0.2")
PINNED = "version: 1\ntarget:\n  python: '{py}'\ntorch:\n  version: 2.15.0\n  variant: {variant}\n"


def _check(cli, folder: Path, py: str, variant: str):
    """`answers check` of torch 2.15.0 `variant` for Python `py` on the recorded H100, in `folder`."""
    if not (folder / "h100.json").exists():
        shutil.copy(H100, folder / "h100.json")
    (folder / "lab.yaml").write_text(PINNED.format(py=py, variant=variant))
    return cli("answers", "check", "lab.yaml", "--hardware", "h100.json", *FAST, cwd=folder, timeout=180)


def test_the_python_and_the_driver_in_one_run(cli, tmp_path, xdg_home):
    r = _check(cli, tmp_path, "3.10", "cu130")
    assert r.returncode == 2, r.stdout + r.stderr
    lines = [x for x in r.stderr.splitlines() if not x.startswith("  ")]
    assert lines[0].startswith("lab.yaml:3: target.python: torch 2.15.0 (cu130) has no wheel for Python 3.10"), \
        r.stderr
    assert lines[1].startswith("lab.yaml:6: torch.variant: torch 2.15.0 (cu130) cannot use the recorded "
                               "machine's GPU as it is: cu130 wheels need driver >= 580"), r.stderr
    assert lines[2:] == ["1 of 1 answers files have problems"], r.stderr
    # the Python fixed, the driver refusal is the one problem left: what the first run said of it
    fixed = _check(cli, tmp_path, "3.12", "cu130")
    assert fixed.returncode == 2 and fixed.stderr.startswith(r.stderr.split("\n", 2)[2].split("\n1 of 1")[0]), \
        fixed.stderr


def test_a_python_alone_is_said_alone(cli, tmp_path, xdg_home):
    """The CPU build runs on the H100: the Python is the one problem, and no second one is made up."""
    r = _check(cli, tmp_path, "3.10", "cpu")
    assert r.returncode == 2, r.stdout + r.stderr
    heads = [x for x in r.stderr.splitlines() if not x.startswith("  ")]
    assert len(heads) == 2 and heads[0].startswith("lab.yaml:3: target.python:"), r.stderr
