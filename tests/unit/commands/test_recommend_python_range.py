"""`recommend --python X.Y` for a Python no PyTorch release has wheels for is bad input (exit 2), as the
answers' target.python is (finding C11a: `--python 3.99` was recommended torch with "create the
environment with Python 3.14", the 3.14 unexplained)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.compat.data import load
from installer.compat.solver import parse_range

REPO = Path(__file__).resolve().parents[3]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")


def _supported() -> tuple[tuple[int, int], tuple[int, int]]:
    """The lowest and highest Python any release has wheels for, from the data the solver reads."""
    ranges = [parse_range(t) for r in load().released() for t in r.python.values() if t]
    highs = [hi for _lo, hi in ranges if hi is not None]
    return min(lo for lo, _hi in ranges), max(highs)


def _text(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


@pytest.mark.parametrize("which", ["3.99", "newer", "older"])
def test_a_python_no_release_has_is_refused_saying_the_range(cli, which):
    low, high = _supported()
    asked = {"3.99": "3.99", "newer": _text((high[0], high[1] + 1)), "older": _text((low[0], low[1] - 1))}[which]
    for extra in ([], ["--json"]):
        r = cli("recommend", "--hardware", CPU_ONLY, "--python", asked, *extra)
        assert r.returncode == 2, r.stdout
        assert r.stdout == "", "no recommendation, and no half a JSON document"
        first, hint = r.stderr.splitlines()[:2]
        assert first == (f"--python: No PyTorch release has wheels for Python {asked}: the releases support "
                         f"Python {_text(low)} to {_text(high)}")
        assert hint.startswith("  -> give a Python in that range, or leave --python out")


@pytest.mark.parametrize("edge", ["low", "high"])
def test_the_ends_of_the_range_are_still_recommended(cli, edge):
    low, high = _supported()
    asked = _text(low if edge == "low" else high)
    r = cli("recommend", "--hardware", CPU_ONLY, "--python", asked, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["choices"], "a release has wheels for it: something is recommended"


def test_recommend_and_the_answers_agree_on_it(cli, tmp_path):
    """The same Python, asked for in an answers file: refused there too, exit 2, nothing planned."""
    answers = tmp_path / "a.yaml"
    answers.write_text("version: 1\ntarget:\n  kind: venv\n  python: \"3.99\"\n  path: env\n"
                       "torch:\n  variant: cpu\n  extras: []\nmethod: pip\n")
    planned = cli("plan", "--answers", str(answers), "--hardware", CPU_ONLY, "--probe-timeout", "0.2", cwd=tmp_path)
    assert planned.returncode == 2 and planned.stdout == ""
    assert f"{answers}:4: target.python:" in planned.stderr and "3.99" in planned.stderr
    recommended = cli("recommend", "--hardware", CPU_ONLY, "--python", "3.99")
    assert recommended.returncode == planned.returncode
