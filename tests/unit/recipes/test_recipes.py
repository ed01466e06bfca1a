"""Every recipe validates; `recipes validate` names file, line and key; every example answers file plans
on every recorded machine (or is refused with a clear input error), and `bash -n` accepts each script."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from installer.answers import load_answers
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
RECIPES = sorted((REPO / "recipes").glob("*.yaml"))
ANSWERS = sorted((REPO / "recipes" / "answers").glob("*.yaml"))
MACHINES = sorted((REPO / "tests" / "fixtures" / "machines").glob("*.json"))
TOOLS = Tools(uv="/usr/local/bin/uv", python="/usr/bin/python3", host_pip=True)

# combinations that must plan (each answers file on machines it is written for)
MUST_PLAN = {
    "conda-env.yaml": ["rtx4090-550.json", "gtx1080ti-535.json", "cpu-only.json", "h100x8-565.json"],
    "wheelhouse-offline.yaml": ["cpu-only.json", "rtx4090-550.json"],
    "wheelhouse-build.yaml": ["cpu-only.json", "rtx4090-550.json", "jetson-orin-nano.json"],
    "driver-toolkit-apt.yaml": ["rtx4090-550.json", "gtx1080ti-535.json", "nodriver-rtx3060.json", "v100-535.json"],
    "toolkit-runfile-user.yaml": ["rtx4090-550.json", "cpu-only.json", "b200x8-570.json"],
    "driver-nvidia-repo.yaml": ["rtx4090-550.json", "gtx960-580.json", "nodriver-rtx3060.json"],
}


def test_every_recipe_validates_through_the_cli(cli):
    result = cli("recipes", "validate", *map(str, RECIPES))
    assert result.returncode == 0, result.stderr
    for path in RECIPES:
        assert f"{path}: ok" in result.stdout


def test_a_bad_recipe_names_file_line_and_key_and_exits_2(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("recipe: 1\nid: bad\ntitle: t\nsteps:\n  - id: s\n    title: s\n    kind: runfile\n"
                   "    with:\n      flavor: cuda\n      version: '12.6'\n      releases: {}\n")
    good = REPO / "recipes" / "cuda-apt.yaml"
    result = cli("recipes", "validate", str(good), str(bad))
    assert result.returncode == 2
    assert f"{bad}:11: steps[0].with.releases:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 of 2 recipe files have problems" in result.stderr


def test_a_file_that_is_no_recipe_is_told_so(cli, tmp_path):
    """Found in use: an answers file given to `recipes validate` was told "unsupported recipe format None;
    write `recipe: 1`", as if a number were missing."""
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("version: 1\ntarget:\n  path: lab-env\nmirror:\n  pypi: tuna-pypi\n")
    other = tmp_path / "other.yaml"
    other.write_text("steps: []\n")
    result = cli("recipes", "validate", str(fleet), str(other))
    assert result.returncode == 2
    assert "None" not in result.stderr and "Traceback" not in result.stderr
    assert f"{fleet}:1: this is not a recipe (it has no `recipe:` key): it looks like an answers file" in result.stderr
    assert f"torch-setup answers check {fleet}" in result.stderr
    assert f"{other}:1: this is not a recipe: it has no `recipe:` key" in result.stderr
    assert "answers check" not in result.stderr.split(str(other), 1)[1]


@pytest.mark.parametrize("argv, said", [
    ("[curl, -o, /tmp/x, http://example.org]", "curl is not on the list of programs torch-setup runs"),
    ("[/tmp/evil.sh]", "/tmp/evil.sh is not on the list of programs torch-setup runs"),
    ("[bash, -c, 'rm -rf ~']", "a command step runs its program without a shell"),
    ("[mokutil, --sb-state]", None),
])
def test_programs_outside_the_allowlist_are_caught_by_validate(cli, tmp_path, argv, said):
    recipe = tmp_path / "cmd.yaml"
    recipe.write_text("recipe: 1\nid: cmd\ntitle: t\nsteps:\n  - id: s\n    title: s\n    kind: command\n"
                      f"    with:\n      argv: {argv}\n")
    result = cli("recipes", "validate", str(recipe))
    if said is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2
        assert f"{recipe}:9: steps[0].with.argv: {said}" in result.stderr


def test_template_of_the_wrong_type_is_caught_before_planning(cli, tmp_path):
    bad = tmp_path / "glued.yaml"
    bad.write_text("recipe: 1\nid: glued\ntitle: t\nsteps:\n  - id: s\n    title: s\n    kind: file\n"
                   "    with:\n      path: ${cuda_toolkit.prefix}/env.sh\n      lines: [x]\n")
    result = cli("recipes", "validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:9: steps[0].with.path:" in result.stderr and "whole item" in result.stderr


def _plan(answers_path: Path, machine: Path):
    answers = load_answers(answers_path)
    report = HardwareReport.model_validate(json.loads(machine.read_text()))
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    indexes = choose_indexes(answers, report, pins, None)
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=TOOLS, cwd="/home/u",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/home/u/.cache/torch-setup")


@pytest.mark.parametrize("answers_path", ANSWERS, ids=lambda p: p.name)
def test_example_answers_plan_on_every_recorded_machine(answers_path):
    planned = []
    for machine in MACHINES:
        try:
            plan = _plan(answers_path, machine)
        except InputError as exc:
            # an impossible combination (a CUDA toolkit for an AMD GPU, ...) is refused with a
            # message that says where and what to change, never a traceback
            assert exc.key or exc.file, (machine.name, exc.render())
            continue
        script = render_script(plan)
        check = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
        assert check.returncode == 0, (machine.name, check.stderr)
        planned.append(machine.name)
    for name in MUST_PLAN.get(answers_path.name, []):
        assert name in planned, f"{answers_path.name} does not plan on {name}"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed (make sysdeps)")
def test_example_scripts_pass_shellcheck(tmp_path):
    """People lint the scripts they are given before running them as root: only the one warning that is
    on purpose may remain (SC2016: the Python programs are single-quoted so that bash expands nothing)."""
    files = []
    for answers_path in ANSWERS:
        for machine in MACHINES:
            try:
                plan = _plan(answers_path, machine)
            except InputError:
                continue
            path = tmp_path / f"{answers_path.stem}-{machine.stem}.sh"
            path.write_text(render_script(plan))
            files.append(str(path))
    assert len(files) > 50
    check = subprocess.run(["shellcheck", "--severity=info", "--exclude=SC2016", "--format=gcc", *files],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]


def _unloaded(machine: Path, tmp_path: Path) -> Path:
    """The recorded machine before its first driver (a loaded driver that runs the build is kept)."""
    data = json.loads(machine.read_text())
    data["nvidia_driver"] = None
    path = tmp_path / machine.name
    path.write_text(json.dumps(data))
    return path


def test_driver_plan_follows_the_gpu_generation(tmp_path):
    apt_answers = REPO / "recipes" / "answers" / "driver-toolkit-apt.yaml"
    machines = REPO / "tests" / "fixtures" / "machines"
    pascal = _plan(apt_answers, _unloaded(machines / "gtx1080ti-535.json", tmp_path))
    ada = _plan(apt_answers, _unloaded(machines / "rtx4090-550.json", tmp_path))
    pascal_ids = [s.id for s in pascal.steps]
    assert "driver-legacy-gpu" in pascal_ids and "driver-recommended" not in pascal_ids
    assert "driver-recommended" in [s.id for s in ada.steps]
    legacy = next(s for s in pascal.steps if s.id == "driver-legacy-gpu")
    assert legacy.commands[0].argv == ("ubuntu-drivers", "install", "nvidia:580")
    assert legacy.root and legacy.reboot and pascal.needs_reboot
    toolkit = next(s for s in ada.steps if s.id == "cuda-toolkit")
    assert toolkit.commands[-1].argv[-1].startswith("cuda-toolkit-")
    repo = _plan(REPO / "recipes" / "answers" / "driver-nvidia-repo.yaml", _unloaded(machines / "gtx960-580.json", tmp_path))
    driver = next(s for s in repo.steps if s.id == "driver-nvidia-repo")
    # Maxwell: R580, its pinning package installed by an apt-get of its own before the driver (apt reads
    # its pins when it starts)
    installs = [c.argv for c in driver.commands if c.argv[:2] == ("apt-get", "install")]
    assert [argv[-1] for argv in installs] == ["nvidia-driver-pinning-580", "cuda-drivers-580"]


def test_nouveau_and_secure_boot_steps_appear_only_when_needed():
    answers = REPO / "recipes" / "answers" / "driver-toolkit-apt.yaml"
    machines = REPO / "tests" / "fixtures" / "machines"
    with_both = 0
    for machine in MACHINES:
        report = json.loads(machine.read_text())
        if report["os"].get("id") not in ("ubuntu", "debian") or not any(g["vendor"] == "nvidia" for g in report["gpus"]):
            continue
        try:
            steps = _plan(answers, machines / machine.name).steps
        except InputError:
            continue
        ids = [s.id for s in steps]
        assert ("nouveau-blacklist" in ids) == bool(report.get("nouveau_loaded")), machine.name
        # Secure Boot: the driver step itself asks for the key's enrolment before its reboot (no step after it)
        driver = [s for s in steps if s.reboot]
        enrols = any("mokutil" in " ".join(c.argv) for s in driver for c in s.commands)
        assert enrols == (bool(report.get("secure_boot")) and bool(driver)), machine.name
        assert "secure-boot" not in ids
        with_both += "nouveau-initramfs" in ids and enrols
    assert with_both >= 1  # nodriver-rtx3060: nouveau loaded, Secure Boot on


def test_plan_cli_prints_a_script_bash_accepts(cli, tmp_path):
    result = cli("plan", "--answers", str(REPO / "recipes" / "answers" / "toolkit-runfile-user.yaml"),
                 "--hardware", str(REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"),
                 "--probe-timeout", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--silent --toolkit --toolkitpath=" in result.stdout
    assert subprocess.run(["bash", "-n"], input=result.stdout, text=True).returncode == 0


def test_no_linux_driver_under_wsl():
    plan = _plan(REPO / "recipes" / "answers" / "driver-toolkit-apt.yaml",
                 REPO / "tests" / "fixtures" / "machines" / "wsl-rtx4070laptop-566.json")
    ids = [s.id for s in plan.steps]
    assert not any(i.startswith(("driver", "ubuntu-drivers", "nouveau")) for i in ids), ids
    keyring = next(s for s in plan.steps if s.id == "cuda-repo").downloads[0]
    assert "/wsl-ubuntu/x86_64/" in keyring.urls[0]  # NVIDIA's WSL repository, which has no driver


@pytest.mark.parametrize(("answers_name", "key", "words"), [
    ("toolkit-runfile-user.yaml", "cuda_toolkit.install", "CUDA toolkit runfiles are for Linux"),
    ("conda-env.yaml", "method", "torch-setup installs Miniforge on Linux only"),
])
def test_what_macos_cannot_have_is_blamed_on_the_answer_that_asked(cli, answers_name, key, words):
    """Not on a line of recipes/*.yaml, which the person never wrote."""
    answers = REPO / "recipes" / "answers" / answers_name
    r = cli("plan", "--answers", str(answers), "--hardware", str(REPO / "tests" / "fixtures" / "machines" /
                                                               "apple-m2pro.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{answers}:") and f": {key}: " in first and words in first, first
    assert "-> " in r.stderr


def test_a_conda_plan_header_shows_the_conda_specs_it_installs():
    """Not the pip pins (torch==2.12.0+cu126), which a conda environment never sees."""
    plan = _plan(REPO / "recipes" / "answers" / "conda-env.yaml", REPO / "tests" / "fixtures" / "machines" /
                 "rtx4090-550.json")
    step = next(s for s in plan.steps if s.id == "conda-torch")
    packages = dict(plan.summary)["packages"]
    # latest: the newest release conda-forge is known to build, its CUDA 12.9 build for the 550 driver
    assert packages == "pytorch=2.12.0=cuda129* cuda-version=12.9 torchvision=0.27.0"
    assert all(spec in step.commands[0].argv for spec in packages.split())
    pip = _plan(REPO / "recipes" / "answers" / "cpu-venv.yaml", REPO / "tests" / "fixtures" / "machines" /
                "cpu-only.json")
    assert dict(pip.summary)["packages"] == "torch==2.13.0+cpu"
