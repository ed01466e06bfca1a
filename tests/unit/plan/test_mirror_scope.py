"""mirror.scope: a mirror chosen by hand is kept for later installs in the environment's own file (env),
the user's own file (user), or nowhere (none); a mirror left at auto or none is never written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda="/opt/conda/bin/conda")
PYPI = "https://pypi.mirror.example/simple"
PYTORCH = "https://wheels.mirror.example/whl/cpu"


@dataclass
class Pick:
    url: str | None
    reason: str = "chosen by hand"
    layout: str = "pep503"


def _plan(mirror: str, *, method: str = "pip", target: str = "{kind: venv, path: .venv-torch}",
          pick: Pick | None = None, machine: str = "cpu-only"):
    answers = parse_answers(f"""
version: 1
method: {method}
target: {target}
torch: {{version: 2.13.0, variant: cpu, extras: []}}
mirror: {mirror}
""")
    report = load_report(MACHINES / f"{machine}.json")
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    indexes = choose_indexes(answers, report, pins, pick)
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=TOOLS, cwd="/home/u",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def _files(plan) -> dict[str, str]:
    return {fw.path: fw.content for s in plan.steps for fw in s.files}


def test_scope_env_writes_the_venvs_own_pip_conf_last():
    plan = _plan(f"{{pypi: {PYPI}, pytorch: {PYTORCH}, scope: env}}", pick=Pick(PYTORCH))
    assert [s.id for s in plan.steps] == ["venv", "torch", "pip-mirror-env"]
    step = plan.steps[-1]
    assert step.kind == "file" and not step.root
    assert _files(plan) == {"/home/u/.venv-torch/pip.conf":
                            f"[global]\nindex-url = {PYPI}\nextra-index-url = {PYTORCH}\n"}
    # the run itself does not depend on the file: the indexes are flags of the install command
    argv = plan.steps[1].commands[-1].argv
    assert argv[argv.index("--index-url") + 1] == PYPI and argv[argv.index("--extra-index-url") + 1] == PYTORCH


def test_a_catalog_id_is_written_as_its_url():
    plan = _plan("{pypi: tuna-pypi, scope: env}")
    (content,) = _files(plan).values()
    assert content.startswith("[global]\nindex-url = https://pypi.tuna.tsinghua.edu.cn/simple")


def test_scope_user_writes_only_the_pypi_mirror_into_the_users_file(xdg_home):
    user_conf = xdg_home / "config" / "pip" / "pip.conf"
    user_conf.parent.mkdir(parents=True)
    user_conf.write_text("# my settings\n[global]\ntimeout = 60\n\n[install]\nno-compile = true\n")
    plan = _plan(f"{{pypi: {PYPI}, pytorch: {PYTORCH}, scope: user}}", pick=Pick(PYTORCH))
    assert plan.steps[-1].id == "pip-mirror-user"
    assert _files(plan) == {str(user_conf): f"# my settings\n[global]\nindex-url = {PYPI}\ntimeout = 60\n\n"
                                            "[install]\nno-compile = true\n"}
    assert any("used for this run only" in n and "cpu build" in n for n in plan.notes)


@pytest.mark.parametrize("mirror", ["{pypi: auto, pytorch: auto, scope: env}", "{pypi: none, scope: user}",
                                    f"{{pypi: {PYPI}, scope: none}}"])
def test_nothing_is_written_without_a_mirror_chosen_or_with_scope_none(mirror):
    plan = _plan(mirror)
    assert [s.id for s in plan.steps] == ["venv", "torch"]
    assert "mirror-config" not in dict(plan.summary)["recipes"]


def test_a_flat_page_of_wheels_serves_as_find_links_and_is_not_written():
    flat = "https://mirrors.example/pytorch-wheels/cpu"
    plan = _plan("{pytorch: aliyun-pytorch, scope: env}", pick=Pick(flat, layout="flat"))
    argv = plan.steps[1].commands[-1].argv
    assert argv[argv.index("--find-links") + 1] == flat and "--extra-index-url" not in argv
    assert [s.id for s in plan.steps] == ["venv", "torch"]
    assert any("a page of links" in n for n in plan.notes)


def test_the_system_python_is_not_an_environment_of_its_own():
    plan = _plan(f"{{pypi: {PYPI}, scope: env}}", target="{kind: existing, python: /usr/bin/python3}")
    assert not _files(plan)
    assert any("that is the system's Python" in n for n in plan.notes)


def test_a_conda_environment_gets_its_own_condarc():
    plan = _plan("{conda: ustc-conda, scope: env}", method="conda", target="{kind: conda, path: envs/torch}")
    assert plan.steps[-1].id == "conda-mirror-env"
    files = _files(plan)
    assert list(files) == ["/home/u/envs/torch/.condarc"]
    assert "custom_channels:\n  conda-forge: https://mirrors.ustc.edu.cn/anaconda/cloud" in files[
        "/home/u/envs/torch/.condarc"]
    # the environment itself is made from the same mirror
    assert "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge" in plan.steps[0].commands[0].argv
