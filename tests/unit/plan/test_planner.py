"""Planning is pure: answers + report + pins + indexes -> the same plan, with exact pins and explicit sources."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
CPU_VENV = (REPO / "recipes" / "answers" / "cpu-venv.yaml").read_text()


@dataclass
class Pick:
    url: str | None
    reason: str


def _plan(answers_text: str, machine: str = "cpu-only", *, pick: Pick | None = None, pip: dict | None = None,
          cwd: str = "/work/proj", tools: Tools = TOOLS):
    answers = parse_answers(answers_text)
    report = load_report(MACHINES / f"{machine}.json")
    if pip:
        report = report.model_copy(update={"mirror_config": report.mirror_config.model_copy(
            update={"pip": report.mirror_config.pip.model_copy(update=pip)})})
    pins = resolve_pins(report, torch=answers.torch.version, variant=answers.torch.variant,
                        python="3.11", extras=tuple(answers.torch.extras))
    indexes = choose_indexes(answers, report, pins, pick)
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=tools, cwd=cwd,
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def test_cpu_venv_plan():
    plan = _plan(CPU_VENV, pip={"extra_index_urls": ["file:///opt/pypi/simple"], "find_links": ["/opt/wheels"]})
    assert [s.id for s in plan.steps] == ["venv", "torch"]
    venv, torch = plan.steps
    # the relative path of the answers is taken from the working directory
    assert venv.commands[0].argv == ("/opt/uv/bin/uv", "venv", "--allow-existing", "--no-project", "--python",
                                     "/root/.pyenv/versions/3.11.7/bin/python3", "/work/proj/.venv-torch")
    assert venv.commands[0].fallback.argv[-3:] == ("-m", "venv", "/work/proj/.venv-torch")
    assert venv.guard.creates == "/work/proj/.venv-torch/pyvenv.cfg"
    argv = torch.commands[-1].argv
    assert argv[:5] == ("/opt/uv/bin/uv", "pip", "install", "--python", "/work/proj/.venv-torch/bin/python")
    # and pip, in the same command: uv makes the venv without it, and `pip install` once activated is the
    # next line of every tutorial (installer.plan.kinds.pip.with_pip); the guard asks for the pins only
    assert argv[-2:] == ("torch==2.13.0+cpu", "pip")
    # uv reads no pip.conf: the machine's pip configuration is passed as flags
    assert "--find-links" in argv and argv[argv.index("--find-links") + 1] == "/opt/wheels"
    assert argv[argv.index("--extra-index-url") + 1] == "file:///opt/pypi/simple"
    fallback = torch.commands[-1].fallback.argv
    assert fallback[:5] == ("/opt/ts/bin/python", "-m", "pip", "--python", "/work/proj/.venv-torch/bin/python")
    assert fallback[-2:] == ("torch==2.13.0+cpu", "pip")
    # idempotency guard reads metadata with the target's interpreter; it never imports torch
    assert torch.guard.unless[0] == "/work/proj/.venv-torch/bin/python"
    assert torch.guard.unless[-1] == "torch==2.13.0+cpu" and "import torch" not in " ".join(torch.guard.unless)
    assert torch.writable == ("/work/proj/.venv-torch",)
    assert plan.target_python == "/work/proj/.venv-torch/bin/python"
    assert any("no PyTorch index is reachable" in n for n in plan.notes)
    assert dict(plan.summary)["torch"] == "2.13.0"


def test_same_inputs_same_plan():
    a, b = _plan(CPU_VENV), _plan(CPU_VENV)
    assert a == b
    assert [s.digest() for s in a.steps] == [s.digest() for s in b.steps]
    c = _plan(CPU_VENV, cwd="/elsewhere")
    assert a.steps[1].digest() != c.steps[1].digest()


def test_pytorch_index_comes_first_when_picked():
    plan = _plan(CPU_VENV, pick=Pick("https://mirror.sjtu.edu.cn/pytorch-wheels/cpu", "fastest"),
                 pip={"index_url": "https://pypi.tuna.tsinghua.edu.cn/simple",
                      "extra_index_urls": ["https://other.example/simple"]})
    argv = plan.steps[1].commands[-1].argv
    extras = [argv[i + 1] for i, x in enumerate(argv) if x == "--extra-index-url"]
    assert extras == ["https://mirror.sjtu.edu.cn/pytorch-wheels/cpu", "https://other.example/simple"]
    assert argv[argv.index("--index-url") + 1] == "https://pypi.tuna.tsinghua.edu.cn/simple"
    assert any("mirror.sjtu.edu.cn" in n for n in plan.notes)


def test_mirror_pypi_url_and_none():
    plan = _plan(CPU_VENV + "mirror:\n  pypi: https://mirrors.aliyun.com/pypi/simple\n",
                 pip={"index_url": "https://ignored.example/simple"})
    argv = plan.steps[1].commands[-1].argv
    assert argv[argv.index("--index-url") + 1] == "https://mirrors.aliyun.com/pypi/simple"
    plan = _plan(CPU_VENV + "mirror:\n  pypi: none\n", pip={"index_url": "https://ignored.example/simple"})
    assert "--index-url" not in plan.steps[1].commands[-1].argv


def test_cuda_variant_on_a_gpu_machine_with_extras():
    text = CPU_VENV.replace("variant: cpu", "variant: auto").replace("extras: []", "extras: [torchvision, torchaudio]")
    plan = _plan(text, "rtx4090-550")
    argv = plan.steps[1].commands[-1].argv
    pins = [a for a in argv if "==" in a]
    assert pins[0].startswith("torch==2.13.0") and len(pins) == 3
    assert all(p.split("==")[1].endswith(pins[0].split("==")[1].partition("+")[2]) for p in pins[1:])


def test_existing_interpreter_has_no_venv_step():
    plan = _plan("target:\n  kind: existing\n  python: /opt/py/bin/python3\ntorch:\n  version: 2.13.0\n"
                 "  variant: cpu\n  extras: []\n")
    assert [s.id for s in plan.steps] == ["torch"]
    assert plan.steps[0].commands[-1].argv[4] == "/opt/py/bin/python3"
    assert plan.steps[0].writable == ("/opt/py",)
    # an interpreter of the person's own keeps the pip it has (or has not): only the pins go in
    assert plan.steps[0].commands[-1].argv[-1] == "torch==2.13.0+cpu"


def test_hostile_path_stays_one_argv_item():
    text = CPU_VENV.replace("path: .venv-torch", "path: \"x; touch /tmp/pwned $(id) 'q'\"")
    plan = _plan(text)
    argv = plan.steps[0].commands[0].argv
    assert argv[-1] == "/work/proj/x; touch /tmp/pwned $(id) 'q'"
    assert shlex.split(shlex.join(argv)) == list(argv)


def test_without_uv_pip_does_the_work():
    plan = _plan(CPU_VENV, tools=Tools(uv=None, python="/opt/ts/bin/python", host_pip=False))
    venv, torch = plan.steps
    assert venv.commands[0].argv[1:] == ("-m", "venv", "/work/proj/.venv-torch") and venv.commands[0].fallback is None
    assert torch.commands[-1].argv[:4] == ("/work/proj/.venv-torch/bin/python", "-m", "pip", "install")


def test_impossible_request_is_an_input_error():
    with pytest.raises(InputError):
        _plan(CPU_VENV.replace("2.13.0", "1.0.0"))


def test_conda_method_without_a_recipe_says_so(tmp_path):
    answers = parse_answers(CPU_VENV.replace("method: pip", "method: conda").replace("kind: venv", "kind: conda"))
    report = load_report(MACHINES / "cpu-only.json")
    pins = resolve_pins(report, torch="2.13.0", variant="cpu", python="3.11", extras=())
    only_pip = [r for r in load_recipes(REPO / "recipes") if r.id == "pip"]
    with pytest.raises(InputError, match="no recipe"):
        make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins), tools=TOOLS,
                  cwd="/w", recipes=only_pip)
