"""A conda engine already on the machine is used as it is: found on PATH (conda, mamba, micromamba) or
by detection (~/miniforge3/bin/conda); only a machine with none gets the Miniforge bootstrap."""

from __future__ import annotations

from pathlib import Path

from installer.answers import load_answers
from installer.hardware.report import Tool, load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools, find_conda

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
CONDA_ENV = REPO / "recipes" / "answers" / "conda-env.yaml"


def _exe(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_find_conda_takes_the_first_engine_on_path(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    micromamba = _exe(a, "micromamba")
    mamba = _exe(b, "mamba")
    (b / "conda").write_text("not executable")  # a file that is no program does not count
    assert find_conda(f"{a}:{b}") == str(mamba)  # mamba is preferred to micromamba, wherever it is
    assert find_conda(str(a)) == str(micromamba)
    assert find_conda(str(tmp_path / "nowhere")) is None
    monkeypatch.setenv("PATH", f"{a}:{b}")
    assert Tools.discover().conda == str(mamba)


def _plan(tools: Tools, report=None):
    answers = load_answers(CONDA_ENV)
    report = report or load_report(MACHINE)
    pins = pins_for(answers, report, tools=tools, cwd="/home/u")
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/home/u/.cache/torch-setup")


def test_an_engine_on_path_skips_the_miniforge_bootstrap():
    plan = _plan(Tools(uv=None, python="/usr/bin/python3", conda="/opt/tools/bin/mamba"))
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    assert all(s.commands[0].argv[0] == "/opt/tools/bin/mamba" for s in plan.steps)
    assert not any(s.downloads for s in plan.steps)


def test_an_engine_detection_found_off_path_is_used_too():
    report = load_report(MACHINE)
    report.conda = [Tool(path="/home/u/miniforge3/bin/conda", version="26.1.1", kind="conda")]
    plan = _plan(Tools(uv=None, python="/usr/bin/python3"), report)
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    assert plan.steps[0].commands[0].argv[0] == "/home/u/miniforge3/bin/conda"


def test_no_engine_at_all_bootstraps_miniforge_first():
    report = load_report(MACHINE)
    report.conda = []
    plan = _plan(Tools(uv=None, python="/usr/bin/python3", conda=None), report)
    assert [s.id for s in plan.steps] == ["miniforge", "conda-env", "conda-torch"]
    miniforge = plan.steps[0]
    assert miniforge.downloads and miniforge.downloads[0].sha256
    prefix = miniforge.commands[0].argv[-1]
    assert plan.steps[1].commands[0].argv[0] == f"{prefix}/bin/conda"
