"""The conda recipe, run by a real conda engine against a local file:// channel the test builds.

The engine is py-rattler (the library under pixi) behind micromamba's command line
(tests/fixtures/recipes/rattler_engine.py): no conda, mamba or micromamba can be installed here.
It reads the channel's repodata, solves, and links real packages into a real prefix. The recipe is
the real recipes/conda.yaml with its Miniforge bootstrap step left out (an engine is given) and its
channel pointed at the local one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import recipe_fixture

from installer.answers import parse_answers
from installer.errors import InputError
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "recipes"
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
RATTLER = "py-rattler==0.28.0"


conda_channel = recipe_fixture("conda_channel")


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Path:
    """A `micromamba` command backed by py-rattler, installed from PyPI into a folder of its own."""
    lib = tmp_path_factory.mktemp("rattler-lib")
    try:
        import rattler  # noqa: F401 - already there: use it

        pythonpath = ""
    except ImportError:
        uv = Path(sys.executable).parent / "uv"
        proc = subprocess.run([str(uv), "pip", "install", "--quiet", "--target", str(lib), "--python",
                               sys.executable, RATTLER], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            pytest.skip(f"py-rattler could not be installed from PyPI: {proc.stderr[-300:]}")
        pythonpath = str(lib)
    bindir = tmp_path_factory.mktemp("engine-bin")
    exe = bindir / "micromamba"
    exe.write_text(f"#!/bin/sh\nPYTHONPATH={pythonpath} exec {sys.executable} {FIXTURES / 'rattler_engine.py'} \"$@\"\n")
    exe.chmod(0o755)
    assert subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    return exe


@pytest.fixture(scope="module")
def channel(tmp_path_factory) -> Path:
    return conda_channel.build_channel(tmp_path_factory.mktemp("channel") / "local-forge")


def local_recipe(tmp_path: Path, engine: Path, channel: Path) -> Path:
    data = yaml.safe_load((REPO / "recipes" / "conda.yaml").read_text())
    data["steps"] = [s for s in data["steps"] if s["kind"] == "conda"]
    for step in data["steps"]:
        step["with"]["engine"] = str(engine)
        step["with"]["channels"] = [channel.as_uri()]
    path = tmp_path / "conda-local.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def plan_for(tmp_path: Path, recipe: Path, variant: str, extras: str = "[torchvision]"):
    answers = parse_answers(f"""
version: 1
method: conda
target: {{kind: conda, path: {tmp_path / 'env'}}}
torch: {{version: 2.13.0, variant: {variant}, extras: {extras}}}
""")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(recipe)], cache_dir=str(tmp_path / "cache"))


def installed(prefix: Path) -> dict[str, str]:
    out = {}
    for f in (prefix / "conda-meta").glob("*.json"):
        r = json.loads(f.read_text())
        out[r["name"]] = f"{r['version']}={r['build']}"
    return out


def test_conda_recipe_creates_a_real_environment_from_a_local_channel(tmp_path, engine, channel, xdg_home):
    plan = plan_for(tmp_path, local_recipe(tmp_path, engine, channel), "cu126")
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    torch_cmd = plan.steps[1].commands[0]
    # conda-forge's builds of 2.13 are not in torch-setup's data: the wheel's CUDA major, the solver picks
    # the build; conda is told the loaded driver's CUDA (550: 12.4), which it runs through minor-version
    # compatibility (the fixture's cuda-version constrains __cuda by the major, as conda-forge's does)
    assert "pytorch=2.13.0=cuda*" in torch_cmd.argv and "cuda-version=12" in torch_cmd.argv
    assert ("CONDA_OVERRIDE_CUDA", "12.4") in torch_cmd.env

    events = list(run_plan(plan, state_dir=tmp_path / "state"))
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    env = tmp_path / "env"
    have = installed(env)
    assert have["pytorch"] == "2.13.0=cuda126_generic_0"  # the channel's one CUDA 12 build
    assert have["cuda-version"].startswith("12.6=")
    assert have["torchvision"].startswith("0.28.0=")
    assert have["python"].startswith("3.11")  # the target's Python version, from the hardware report
    assert (env / "share" / "pytorch-fixture" / "BUILD").read_text() == "2.13.0 cuda126_generic_0\n"
    # the package cache went where the plan said (the sandbox let the step write there)
    assert any((tmp_path / "cache" / "conda-pkgs").iterdir())

    again = list(run_plan(plan, state_dir=tmp_path / "state"))
    assert [e.status for e in again if isinstance(e, StepFinished)] == ["unchanged", "unchanged"]


def test_cpu_variant_gets_the_cpu_build(tmp_path, engine, channel, xdg_home):
    plan = plan_for(tmp_path, local_recipe(tmp_path, engine, channel), "cpu", "[]")
    argv = plan.steps[1].commands[0].argv
    assert "pytorch=2.13.0=cpu*" in argv and not any(a.startswith("cuda-version") for a in argv)
    events = list(run_plan(plan, state_dir=tmp_path / "state"))
    assert isinstance(events[-1], RunFinished) and events[-1].ok
    have = installed(tmp_path / "env")
    assert have["pytorch"] == "2.13.0=cpu_generic_0" and "cuda-version" not in have


def test_unsolvable_request_fails_the_step_with_the_solver_message(tmp_path, engine, channel, xdg_home):
    """cu130 needs cuda-version 13.0's build of 2.13.0 with torchvision, which the channel lacks for 2.12."""
    recipe = local_recipe(tmp_path, engine, channel)
    plan = plan_for(tmp_path, recipe, "cu126")
    # ask for a build that does not exist: the solver says so, the run stops at that step
    broken = plan.steps[1].commands[0]
    from dataclasses import replace

    bad = replace(plan.steps[1], commands=(replace(broken, argv=tuple(
        "pytorch=9.9.9=cuda*" if a.startswith("pytorch=") else a for a in broken.argv)),))
    plan = replace(plan, steps=(plan.steps[0], bad))
    events = list(run_plan(plan, state_dir=tmp_path / "state"))
    finished = events[-1]
    assert isinstance(finished, RunFinished) and not finished.ok and finished.failed_step == "conda-torch"
    failed = next(e for e in events if isinstance(e, StepFinished) and e.status == "failed")
    assert any("could not solve" in line for line in failed.tail)
    assert "pytorch" not in installed(tmp_path / "env")


def test_rocm_has_no_conda_forge_build(tmp_path, engine, channel):
    with pytest.raises(InputError) as err:
        plan_for(tmp_path, local_recipe(tmp_path, engine, channel), "rocm7.2", "[]")
    assert "conda-forge has no rocm7.2 builds" in err.value.render()


def test_the_real_recipe_uses_the_engine_already_there(tmp_path, engine, channel, xdg_home):
    """recipes/conda.yaml as it ships (the Miniforge step included), only its channel pointed at the
    local one: with a conda engine on the machine (tools.conda), the bootstrap is left out and that
    engine makes the environment."""
    data = yaml.safe_load((REPO / "recipes" / "conda.yaml").read_text())
    assert [s["id"] for s in data["steps"]] == ["miniforge", "conda-env", "conda-torch"]
    for step in data["steps"]:
        if step["kind"] == "conda":
            step["with"]["channels"] = [channel.as_uri()]
    recipe = tmp_path / "conda-shipped.yaml"
    recipe.write_text(yaml.safe_dump(data, sort_keys=False))
    answers = parse_answers(f"""
version: 1
method: conda
target: {{kind: conda, path: {tmp_path / 'env'}}}
torch: {{version: 2.13.0, variant: cpu, extras: []}}
""")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.conda = []
    tools = Tools(uv=None, python=sys.executable, host_pip=False, conda=str(engine))
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    plan = make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(recipe)], cache_dir=str(tmp_path / "cache"))
    assert [s.id for s in plan.steps] == ["conda-env", "conda-torch"]
    assert plan.steps[0].commands[0].argv[0] == str(engine)
    events = list(run_plan(plan, state_dir=tmp_path / "state"))
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    assert installed(tmp_path / "env")["pytorch"] == "2.13.0=cpu_generic_0"
