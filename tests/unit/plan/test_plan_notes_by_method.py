"""A plan names the package sources it reads: the pip configuration's for an online install and a wheelhouse
build, and not for an offline wheelhouse, which is its own only source, or a conda environment, which reads
conda's channels (found in use: Review of a wheelhouse install, then of a conda one, listed "package sources
from this machine's pip configuration: /opt/wheels"). Pure: a recorded report, edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import answers_from_located
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools
from installer.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parents[3]
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
NOTE = "package sources from this machine's pip configuration: https://mirror.example/simple, /opt/wheels"


def _plan(method: str):
    # a recorded machine's plan (as `--hardware F`): whether this user may write /media is no matter
    text = (f"version: 1\nmethod: {method}\nwheelhouse: /media/usb/torch-wheelhouse\n"
            "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n")
    answers = answers_from_located(parse_yaml(text, "<answers>"), this_machine=False)
    report = load_report(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
    pip = report.mirror_config.pip.model_copy(update={"index_url": "https://mirror.example/simple",
                                                      "find_links": ["/opt/wheels"]})
    report = report.model_copy(update={"mirror_config": report.mirror_config.model_copy(update={"pip": pip})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/work")
    indexes = choose_indexes(answers, report, pins, None)
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=TOOLS, cwd="/work",
                     recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


@pytest.mark.parametrize("method, named", [("pip", True), ("wheelhouse-build", True), ("wheel", False),
                                           ("conda", False)])
def test_the_pip_configuration_is_named_only_where_it_is_read(method, named):
    plan = _plan(method)
    assert (NOTE in plan.notes) is named, plan.notes
    if method == "wheel":  # and the install reads the wheelhouse alone
        argv = plan.steps[-1].commands[-1].argv
        assert "--no-index" in argv and "/opt/wheels" not in argv


@pytest.mark.parametrize("method", ["pip", "wheelhouse-build", "wheel", "conda"])
def test_only_an_offline_install_keeps_its_wheelhouse_for_verify(method):
    """The journal's plan meta: verify's `pip install` fixes (NumPy's) install from the wheelhouse after an
    offline install (installer.probes.offline_fixes); the build end installs nothing to verify."""
    assert _plan(method).meta["wheelhouse"] == ("/media/usb/torch-wheelhouse" if method == "wheel" else "")
