"""The disk estimate of a plan (installer.plan.space): where each step writes and how much, from the measured
sizes of PyTorch's builds; and the plan's note when a hardware report shows too little free space there."""

from __future__ import annotations

from pathlib import Path

from installer.answers import answers_from_located
from installer.compat import resolve_pins
from installer.hardware.report import DiskSpace, load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.space import BUILDS, CUDA_RUNFILE, EXTRAS, Caches, build_for, needs, with_margin
from installer.plan.tools import Tools
from installer.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
CPU_VENV = (REPO / "recipes" / "answers" / "cpu-venv.yaml").read_text()
CACHES = Caches(uv="/home/u/.cache/uv", pip="/home/u/.cache/pip")
ENV = "/work/proj/.venv-torch"


def _answers(text: str):
    """The answers for a recorded machine (as `--hardware F`): whether this user may write /opt is no matter."""
    return answers_from_located(parse_yaml(text, "<answers>"), this_machine=False)


def _plan(answers_text: str, machine: str = "cpu-only", *, tools: Tools = TOOLS, disk: dict | None = None):
    answers = _answers(answers_text)
    report = load_report(MACHINES / f"{machine}.json")
    if disk is not None:
        report = report.model_copy(update={"disk": {"target": DiskSpace(**disk)}})
    pins = resolve_pins(report, torch=answers.torch.version, variant=answers.torch.variant,
                        python="3.11", extras=tuple(answers.torch.extras))
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=tools,
                     cwd="/work/proj", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def _where(plan, caches=CACHES) -> dict[str, int]:
    return {n.folder: n.mib for n in needs(plan, caches)}


def test_the_cpu_example_needs_its_measured_size_with_the_margin_in_the_venv_and_in_uvs_cache():
    plan = _plan(CPU_VENV)
    found = needs(plan, CACHES)
    # 748 MiB measured (du of the venv, and of uv's cache) + 20 %, rounded up to 100 MiB
    assert [(n.step, n.folder, n.mib) for n in found] == [("torch", ENV, 900), ("torch", CACHES.uv, 900)]
    assert with_margin(BUILDS["cpu"].installed) == 900
    # uv links the venv's files to its cache: on one file system they are the same files
    assert found[0].shared == found[1].shared != ""
    assert "torch 2.13.0+cpu" in found[0].what and "estimated" not in found[0].what
    # the venv step writes a few files: nothing worth estimating
    assert all(n.step != "venv" for n in found)


def test_without_uv_pip_keeps_the_downloaded_wheels_in_its_cache_apart_from_the_environment():
    plan = _plan(CPU_VENV, tools=Tools(uv=None, python="/opt/ts/bin/python", host_pip=False))
    found = needs(plan, CACHES)
    assert [(n.folder, n.mib, n.shared) for n in found] == [(ENV, 900, ""), (CACHES.pip, with_margin(192), "")]


def test_the_planner_leaves_the_caches_out():
    assert _where(_plan(CPU_VENV), caches=None) == {ENV: 900}


def test_a_cuda_build_measured_on_pypi_with_its_libraries():
    text = CPU_VENV.replace("variant: cpu", "variant: auto").replace("extras: []", "extras: [torchvision, torchaudio]")
    plan = _plan(text, "rtx4090-580.65.06")  # driver 580: the CUDA 13.0 build, PyPI's default for 2.13.0
    assert plan.meta["variant"] == "cu130"
    env = next(n for n in needs(plan, CACHES) if n.folder == ENV)
    installed = BUILDS["cu130"].installed + EXTRAS["torchvision"].installed + EXTRAS["torchaudio"].installed
    assert env.mib == with_margin(installed) == 5700
    assert "torchvision 0.28.0" in env.what and "estimated" not in env.what


def test_a_build_not_measured_takes_the_nearest_and_says_it_is_an_estimate():
    text = CPU_VENV.replace("variant: cpu", "variant: auto")
    plan = _plan(text, "rtx4090-550")  # driver 550: the CUDA 12.6 build, from the PyTorch index
    assert plan.meta["variant"] == "cu126"
    env = next(n for n in needs(plan, CACHES) if n.folder == ENV)
    assert env.mib == with_margin(BUILDS["cu128"].installed) == 8100
    assert "estimated from torch 2.9.0 (CUDA 12.8)" in env.what
    assert build_for("2.13.0", "cu131") == (BUILDS["cu132"], False)  # a tie: the larger
    assert build_for("2.13.0", "rocm7.1")[0] == max(BUILDS.values(), key=lambda b: b.installed)
    assert build_for("2.13.0", "mps") == (BUILDS["cpu"], False)
    assert build_for("2.15.0", "cu132") == (BUILDS["cu132"], True)
    assert build_for("2.14.1", "cu130") == (BUILDS["cu130"], False)  # another release of a measured variant


def test_the_cuda_runfile_needs_its_download_its_extraction_and_the_toolkit():
    text = (REPO / "recipes" / "answers" / "toolkit-runfile-user.yaml").read_text().replace("~/cuda-12.6", "/opt/cuda")
    plan = _plan(text, "rtx4090-580.65.06")
    runfile = [n for n in needs(plan, CACHES) if n.step == "cuda-toolkit-user"]
    assert {n.folder: n.mib for n in runfile} == {"/cache/downloads": with_margin(CUDA_RUNFILE),
                                                  "/cache/runfile-tmp": with_margin(CUDA_RUNFILE),
                                                  "/opt/cuda": with_margin(CUDA_RUNFILE)}
    assert with_margin(CUDA_RUNFILE) == 6200


def test_a_runfile_whose_recipe_gives_its_size_is_counted_at_that_size_in_all_three_places(tmp_path):
    import yaml

    from installer.plan.recipe import load_recipe

    data = yaml.safe_load((REPO / "recipes" / "cuda-runfile.yaml").read_text())
    step = next(s for s in data["steps"] if s["kind"] == "runfile")
    step["with"]["releases"]["12.6"]["x86_64"]["size"] = 4_400_000_000  # 4196.2 MiB
    recipe = tmp_path / "cuda-runfile.yaml"
    recipe.write_text(yaml.safe_dump(data, sort_keys=False))
    answers = _answers((REPO / "recipes" / "answers" / "toolkit-runfile-user.yaml").read_text()
                       .replace("~/cuda-12.6", "/opt/cuda"))
    report = load_report(MACHINES / "rtx4090-580.65.06.json")
    pins = resolve_pins(report, torch=answers.torch.version, variant=answers.torch.variant, python="3.11",
                        extras=tuple(answers.torch.extras))
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/work/proj", recipes=[load_recipe(recipe)], cache_dir="/cache")
    runfile = [n for n in needs(plan, CACHES) if n.step == "cuda-toolkit-user"]
    assert {n.folder: n.mib for n in runfile} == {"/cache/downloads": 5100, "/cache/runfile-tmp": 5100,
                                                  "/opt/cuda": 5100}
    assert with_margin(4197) == 5100 != with_margin(CUDA_RUNFILE)


def test_a_wheelhouse_build_needs_the_downloads_twice():
    text = (REPO / "recipes" / "answers" / "wheelhouse-build.yaml").read_text()
    plan = _plan(text)
    assert _where(plan) == {"/work/proj/torch-wheelhouse": with_margin(192), CACHES.pip: with_margin(192)}


def test_a_report_with_too_little_free_space_at_the_target_gives_a_note():
    text = ("target:\n  kind: existing\n  python: /opt/py/bin/python3\ntorch:\n  version: 2.13.0\n  variant: cpu\n"
            "  extras: []\n")
    short = _plan(text, disk={"path": "/opt/py", "free_mib": 300})
    [note] = [n for n in short.notes if "hardware report says" in n]
    assert "about 900 MiB is needed in /opt/py" in note and "300 MiB is free there" in note
    assert "target.path" in note
    assert not [n for n in _plan(text, disk={"path": "/opt/py", "free_mib": 5000}).notes if "hardware report says" in n]
    # free space of another folder says nothing of this one's
    assert not [n for n in _plan(text, disk={"path": "/home/u", "free_mib": 3}).notes if "hardware report says" in n]
    assert not [n for n in _plan(text, disk={"path": "/opt/py", "free_mib": None}).notes
                if "hardware report says" in n]
