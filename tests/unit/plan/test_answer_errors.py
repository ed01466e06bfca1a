"""A step kind that cannot do what the answers ask says so about the ANSWERS file: its line and key
(cuda_toolkit.version, driver.branch, mirror.conda), not the recipe's line that happened to use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.plan.planner import plan_for

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"

CASES = {
    "runfile-version": ("h100x8-565.json", """\
version: 1
torch: {version: 2.13.0, variant: cu126, extras: []}
mirror: {pytorch: none}
cuda_toolkit:
  install: true
  source: runfile
  version: "11.2"
""", 7, "cuda_toolkit.version", "no cuda runfile with a known checksum for 11.2"),
    "driver-branch": ("gtx1080ti-535.json", """\
version: 1
torch: {version: 2.13.0, variant: cu126, extras: []}
mirror: {pytorch: none}
driver:
  install: true
  source: nvidia-repo
  branch: "590"
""", 7, "driver.branch", "driver 590 does not support NVIDIA GeForce GTX 1080 Ti (Pascal, compute capability 6.1)"),
    "conda-method-venv": ("cpu-only.json", """\
version: 1
method: conda
target: {kind: venv, path: env}
""", 3, "target.kind", "method: conda makes a conda environment, not a venv"),
    "conda-mirror": ("cpu-only.json", """\
version: 1
method: conda
target: {kind: conda, path: env}
torch: {version: 2.13.0, variant: cpu, extras: []}
mirror:
  pytorch: none
  conda: no-such-mirror
""", 7, "mirror.conda", "unknown conda mirror id 'no-such-mirror'"),
    # the key is left at its default (auto): the error points at the section the file does have
    "auto-without-cuda": ("cpu-only.json", """\
version: 1
torch: {version: 2.13.0, variant: cpu, extras: []}
cuda_toolkit:
  install: true
""", 3, "cuda_toolkit.version", "cuda_toolkit.version is auto, and the chosen PyTorch build (cpu) has no CUDA"),
    # NVIDIA has no apt packages for Rocky Linux: the apt source (the default) is the answer at fault
    "apt-toolkit-on-rocky": ("rocky94-2x3060-560.json", """\
version: 1
torch: {version: 2.13.0, variant: cu126, extras: []}
mirror: {pytorch: none}
cuda_toolkit:
  install: true
""", 4, "cuda_toolkit.source", "NVIDIA's apt repository is for Ubuntu and Debian; the recorded machine is Rocky Linux 9.4 (Blue Onyx)"),
    # the build is cpu only because no NVIDIA GPU is seen: the message says that is what to look at
    "auto-variant-without-gpu": ("cpu-only.json", """\
version: 1
torch: {version: 2.13.0, extras: []}
cuda_toolkit:
  install: true
""", 3, "cuda_toolkit.version", "torch.variant auto chose it because the recorded machine shows no NVIDIA GPU"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kind_errors_about_answers_name_the_answers_file_line_and_key(cli, tmp_path, case):
    machine, text, line, key, message = CASES[case]
    answers = tmp_path / "answers.yaml"
    answers.write_text(text)
    result = cli("plan", "--answers", str(answers), "--hardware", str(MACHINES / machine), "--probe-timeout", "0.2",
                 cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{answers}:{line}: {key}: "), result.stderr
    assert message in first
    assert ".yaml:" not in first.removeprefix(f"{answers}:")  # no recipe file named instead
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]  # nothing created


def test_without_a_file_the_error_still_names_the_key(tmp_path):
    """The wizard plans from answers it holds in memory: the message names the key it is about."""
    machine, text, _line, key, message = CASES["runfile-version"]
    with pytest.raises(InputError) as err:
        plan_for(parse_answers(text), load_report(MACHINES / machine), cwd=str(tmp_path), this_machine=False)
    assert err.value.file is None and err.value.key == key
    assert err.value.render().startswith(f"{key}: {message}")


def test_a_recipe_problem_still_names_the_recipe(tmp_path):
    """An error that is not about an answers key (a kind's own parameters) keeps naming the recipe."""
    from installer.answers import Answers
    from installer.plan.indexes import Indexes
    from installer.plan.planner import make_plan, pins_for
    from installer.plan.recipe import parse_recipe
    from installer.plan.tools import Tools

    recipe = parse_recipe("""\
recipe: 1
id: bad-runfile
title: t
steps:
  - id: s
    title: s
    kind: runfile
    with:
      flavor: miniforge
      version: "1.0"
      releases:
        "2.0": {version: "2.0", x86_64: {file: x.sh, sha256: %s}}
""" % ("a" * 64), "bad-runfile.yaml")
    report = load_report(MACHINES / "cpu-only.json")
    tools = Tools(uv=None, python="/usr/bin/python3")
    answers = Answers()
    with pytest.raises(InputError) as err:
        make_plan(answers, report, pins=pins_for(answers, report, tools=tools, cwd=str(tmp_path)),
                  indexes=Indexes(), tools=tools, cwd=str(tmp_path), recipes=[recipe], cache_dir="/c")
    # line 8: the step's `with:`
    assert err.value.file == "bad-runfile.yaml" and err.value.line == 8 and "no miniforge runfile" in err.value.message


@pytest.mark.parametrize("container,hint", [(True, "docker run --gpus all"), (False, "torch-setup detect")])
def test_a_toolkit_for_a_build_chosen_without_a_gpu_points_at_the_gpu(tmp_path, container, hint):
    report = load_report(MACHINES / "cpu-only.json")
    report = report.model_copy(update={"os": report.os.model_copy(update={"container": container})})
    with pytest.raises(InputError) as err:
        plan_for(parse_answers(CASES["auto-variant-without-gpu"][1]), report, cwd=str(tmp_path), this_machine=False)
    assert err.value.key == "cuda_toolkit.version"
    assert hint in (err.value.hint or "")
