"""What a tester found in plan notes and refusals (session 25).

- a100x4-555 (its driver kept), `driver.install: true` and `mirror.apt: ubuntu`: one note said how to switch
  apt by hand before the script, another that the apt mirror was not used;
- the summary's `recipes:` named a recipe that made no step (`apt-mirror` on a recorded machine);
- the mirror ids were looked up twice per plan (plan_for, then make_plan);
- under WSL the GPU refusal's hint offered `driver.install: true`, which WSL ignores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.plan import planner
from installer.plan.gpu_refusal import refusal
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
RECIPES = load_recipes(REPO / "recipes")
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda=None)


def _plan(machine: str, answers_text: str):
    answers = parse_answers(answers_text)
    report = load_report(MACHINES / f"{machine}.json")
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True)
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True)
    return answers, plan


def test_a_kept_driver_leaves_the_apt_mirror_unused_and_the_plan_says_only_that():
    _answers, plan = _plan("a100x4-555", "version: 1\ndriver: {install: true}\nmirror: {apt: ubuntu}\n")
    assert not any(s.kind == "apt" for s in plan.steps)
    assert any("so it is kept: no driver step" in n for n in plan.notes)
    said = [n for n in plan.notes if "apt" in n and "mirror" in n]
    assert said == ["the apt mirror ubuntu is not used: no step of this plan installs with apt"]


def test_the_summary_names_only_the_recipes_that_made_a_step():
    """A recorded machine's apt mirror is left to that machine (a note, no step): apt-mirror made nothing."""
    _answers, plan = _plan("a100x4-555", "version: 1\ntorch: {version: 2.13.0, variant: cu126, extras: []}\n"
                                         "cuda_toolkit: {install: true, version: \"12.6\", source: apt}\n"
                                         "mirror: {apt: tuna-ubuntu}\n")
    assert any(n.startswith("this plan does not switch apt to the mirror ") for n in plan.notes)
    assert dict(plan.summary)["recipes"] == "cuda-apt, cudnn, pip"  # the three whose steps the script has


def test_the_mirror_ids_are_looked_up_once_per_plan_and_refused_on_either_path(tmp_path, monkeypatch):
    from installer.plan import unused_mirrors

    real = unused_mirrors.refuse_unknown_ids
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(unused_mirrors, "refuse_unknown_ids", counted)
    report = load_report(MACHINES / "cpu-only.json")
    text = "version: 1\ntorch: {{version: 2.13.0, variant: cpu, extras: []}}\nmirror: {{pytorch: none, apt: {apt}}}\n"
    planner.plan_for(parse_answers(text.format(apt="auto")), report, cwd=str(tmp_path), this_machine=False)
    assert len(calls) == 1
    typo = parse_answers(text.format(apt="tuna-ubunto"))
    with pytest.raises(InputError) as by_plan_for:
        planner.plan_for(typo, report, cwd=str(tmp_path), this_machine=False)
    pins = pins_for(typo, report, tools=TOOLS, cwd="/home/u")
    with pytest.raises(InputError) as by_make_plan:
        make_plan(typo, report, pins=pins, indexes=choose_indexes(typo, report, pins, None), tools=TOOLS,
                  cwd="/home/u", recipes=RECIPES, cache_dir="/cache")
    for caught in (by_plan_for, by_make_plan):
        assert caught.value.key == "mirror.apt"
        assert "unknown apt mirror id 'tuna-ubunto'" in caught.value.message


@pytest.mark.parametrize("install", ["true", "false"])
@pytest.mark.parametrize("variant", ["cu130", "auto"])
def test_under_wsl_the_refusal_says_to_update_the_windows_driver(install, variant):
    answers, plan = _plan("wsl-rtx4070laptop-566", f"version: 1\ndriver: {{install: {install}}}\n"
                                                    f"torch: {{version: 2.14.1, variant: {variant}, extras: []}}\n")
    if variant == "auto":  # auto picks a build the Windows driver runs: nothing to refuse
        assert refusal(answers, plan) is None
        return
    refused = refusal(answers, plan)
    assert refused is not None and refused.key == "torch.variant"
    assert "driver.install: true" not in (refused.hint or "")
    assert refused.hint == ("install or update the NVIDIA driver in Windows, which serves the GPU under WSL "
                            "(driver.install is ignored there), then run again; or pick a build the installed "
                            "driver runs (torch.variant: auto; `torch-setup recommend --hardware REPORT` lists them)")


def test_where_torch_setup_does_not_install_the_driver_the_refusal_says_who_does():
    answers, plan = _plan("rocky94-2x3060-560", "version: 1\ntorch: {version: 2.14.1, variant: cu130, extras: []}\n")
    refused = refusal(answers, plan)
    assert refused is not None and refused.key == "torch.variant"
    assert refused.hint is not None and "driver.install: true" not in refused.hint
    assert refused.hint.startswith("torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the "
                                   "recorded machine runs Rocky Linux 9.4")
    # a recorded machine's: plain `recommend` would list this computer's builds (no file given here: REPORT)
    assert refused.hint.endswith("; or pick a build the installed driver runs (torch.variant: auto; `torch-setup "
                                 "recommend --hardware REPORT` lists them)")
    # on Ubuntu, where it does, the hint still offers it
    answers, plan = _plan("rtx4090-550", "version: 1\ntorch: {version: 2.14.1, variant: cu130, extras: []}\n")
    refused = refusal(answers, plan)
    assert refused is not None and (refused.hint or "").startswith("let this run install the driver (driver.install: true)")


def test_auto_in_a_container_without_a_driver_says_the_host_installs_it():
    """auto blocked by a missing driver: on a plain Ubuntu the hint offers driver.install (test_install_cannot_
    use_gpu), in a container the host's driver is what the container uses."""
    answers = parse_answers("version: 1\ntorch: {version: 2.13.0, variant: auto, extras: []}\n")
    report = load_report(MACHINES / "nodriver-rtx3060.json")
    report = report.model_copy(update={"os": report.os.model_copy(update={"container": True})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u", recorded=True)
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=RECIPES, cache_dir="/cache", recorded=True)
    refused = refusal(answers, plan)
    assert refused is not None and refused.key == "torch.variant"
    assert refused.hint == ("a container uses the host's driver: install or update it on the host; or install the "
                            "CPU build (torch.variant: cpu); `torch-setup recommend --hardware REPORT` says more")
