"""`target.kind: existing`: the plan is made for the interpreter named, from what detection read in it.

Its Python version picks the wheels; PEP 668's marker and an unwritable site-packages stop the plan
(exit 2, key target.python) instead of failing the install step after every wheel was fetched; pip's
own consent (break-system-packages) lets both engines through. Pure: recorded reports, edited.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
SYSTEM = "/usr/bin/python3"
MARKER = "/usr/lib/python3.11/EXTERNALLY-MANAGED"


def _answers(python: str = SYSTEM, kind: str = "existing", method: str = "pip", extra: str = ""):
    return parse_answers(f"version: 1\ntarget:\n  kind: {kind}\n  python: {python}\nmethod: {method}\n"
                         f"torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n{extra}")


def _report(python: str = SYSTEM, version: str = "3.11.2", consent: bool = False, **facts):
    report = load_report(MACHINE)
    info = report.python.model_copy(update={"executable": python, "version": version, "prefix": "/usr",
                                            "is_venv": False, **facts})
    pip = report.mirror_config.pip.model_copy(update={"break_system_packages": consent})
    return report.model_copy(update={"python": info, "mirror_config": report.mirror_config.model_copy(
        update={"pip": pip})})


def _plan(answers, report):
    pins = pins_for(answers, report, tools=TOOLS, cwd="/work")
    indexes = choose_indexes(answers, report, pins, None)
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=TOOLS, cwd="/work",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def test_a_python_the_system_manages_stops_the_plan():
    with pytest.raises(InputError) as caught:
        _plan(_answers(), _report(externally_managed=MARKER, site_writable=True))
    err = caught.value
    assert err.key == "target.python"
    assert err.message == (f"{SYSTEM} belongs to the operating system ({MARKER}, PEP 668): pip and uv refuse to "
                           "install into it, so that a torch there cannot break the system's own Python tools")
    assert f"target.kind: venv, the default; target.python: {SYSTEM} keeps the same Python" in err.hint
    assert "PIP_BREAK_SYSTEM_PACKAGES=1" in err.hint


def test_pips_consent_is_passed_to_both_engines():
    plan = _plan(_answers(), _report(externally_managed=MARKER, site_writable=True, consent=True))
    (step,) = plan.steps
    uv, pip = step.commands[-1].argv, step.commands[-1].fallback.argv
    assert uv[:6] == ("/opt/uv/bin/uv", "pip", "install", "--python", SYSTEM, "--break-system-packages")
    assert "--break-system-packages" in pip and pip[-1] == "torch==2.13.0+cpu"
    assert any("pip's configuration allows installing into it anyway" in n for n in plan.notes)


def test_the_offline_wheelhouse_gets_the_same_rules():
    answers = _answers(method="wheel", extra="wheelhouse: /media/usb/wh\n")
    with pytest.raises(InputError, match="belongs to the operating system"):
        _plan(answers, _report(externally_managed=MARKER, site_writable=True))
    plan = _plan(answers, _report(externally_managed=MARKER, site_writable=True, consent=True))
    install = plan.steps[-1].commands[-1]
    assert "--break-system-packages" in install.argv and "--break-system-packages" in install.fallback.argv


def test_a_site_packages_the_user_cannot_write_stops_the_plan():
    site = "/opt/conda/lib/python3.11/site-packages"
    answers = _answers("/opt/conda/bin/python")
    with pytest.raises(InputError) as caught:
        _plan(answers, _report("/opt/conda/bin/python", site_packages=site, site_writable=False))
    assert caught.value.key == "target.python"
    assert caught.value.message == f"{site} is not writable by you: installing into /opt/conda/bin/python needs its owner"
    assert "run torch-setup as its owner (for root: `sudo -H torch-setup install" in caught.value.hint


@pytest.mark.parametrize("facts", [
    {"site_writable": True},  # a Python anybody may install into
    {},  # a report recorded before these facts were: unknown is not a refusal
])
def test_an_installable_python_plans_as_before(facts):
    plan = _plan(_answers(), _report(**facts))
    (step,) = plan.steps
    assert "--break-system-packages" not in step.commands[-1].argv
    assert not any("PEP 668" in n for n in plan.notes)


def test_facts_of_another_interpreter_are_not_this_ones():
    """The report examined another Python (a recorded machine's, the wizard's own): no verdict from it."""
    plan = _plan(_answers("/opt/other/bin/python"), _report(externally_managed=MARKER, site_writable=False))
    assert plan.steps[0].commands[-1].argv[4] == "/opt/other/bin/python"


def test_a_venv_target_is_never_refused_for_its_base_python():
    plan = _plan(_answers(kind="venv"), _report(externally_managed=MARKER, site_writable=False))
    assert [s.id for s in plan.steps] == ["venv", "torch"]


def test_the_wheels_are_for_the_existing_pythons_version():
    """Before, the pins of an interpreter named by path ignored its version: torch 2.13.0 was planned for
    a Python 3.9 it has no wheel for, with a note, and the install failed."""
    with pytest.raises(InputError) as caught:
        pins_for(_answers("/opt/py39/bin/python"), _report("/opt/py39/bin/python", version="3.9.18"),
                 tools=TOOLS, cwd="/work")
    assert caught.value.key == "target.python"
    assert "torch 2.13.0 (cpu) has no wheel for Python 3.9" in caught.value.message
    pins = pins_for(_answers("/opt/py312/bin/python"), _report("/opt/py312/bin/python", version="3.12.1"),
                    tools=TOOLS, cwd="/work")
    assert (pins.python, pins.requirements) == ("3.12", ("torch==2.13.0+cpu",))


@pytest.mark.parametrize("conda_env, refused", [(False, True), (True, False), (None, False)])
def test_the_conda_method_installs_only_into_a_conda_environment(conda_env, refused):
    """`conda create -y -p PREFIX` over a venv (or /usr) would have gone ahead: now the plan stops first.
    None: a report recorded before this fact was, which is no verdict."""
    answers = _answers("/opt/envs/torch/bin/python", method="conda")
    report = _report("/opt/envs/torch/bin/python", site_writable=True, conda_env=conda_env)
    if refused:
        with pytest.raises(InputError) as caught:
            _plan(answers, report)
        assert caught.value.key == "target.python"
        assert caught.value.message == ("/opt/envs/torch/bin/python is not in a conda environment (/usr has no "
                                        "conda-meta folder): method: conda installs only into one")
        return
    plan = _plan(answers, report)
    assert "conda-torch" in [s.id for s in plan.steps]



def test_a_read_only_environment_of_your_own_is_told_chmod_not_sudo(tmp_path):
    """Found in use: a researcher's own venv, made read-only, was told it "needs its owner" and `sudo -H`."""
    prefix = tmp_path / "proj"
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)  # made by the user running the test: theirs
    python = str(prefix / "bin" / "python")
    with pytest.raises(InputError) as caught:
        _plan(_answers(python), _report(python, site_packages=str(site), site_writable=False, prefix=str(prefix)))
    assert caught.value.key == "target.python"
    assert caught.value.message == f"{site} is yours but read-only: installing into {python} needs it writable"
    assert caught.value.hint.startswith(f"make it writable again: `chmod -R u+w {prefix}`")
    assert "sudo" not in caught.value.hint
