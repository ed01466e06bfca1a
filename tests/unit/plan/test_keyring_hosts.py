"""NVIDIA's cuda-keyring comes from NVIDIA's own hosts only, whatever the region and the CUDA mirrors.

Why: the package installs the key apt trusts NVIDIA's repository by, and it has no published checksum; a
third-party mirror (the catalog's Aliyun nvidia-cuda) serving it could make apt trust anything. Found in use:
`plan` of recipes/answers/driver-toolkit-apt.yaml fetched it from developer.download.nvidia.com, .cn, then
mirrors.aliyun.com, and installed it with `dpkg -i`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.hardware.report import load_report
from installer.mirrors.catalog import load_catalog
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
ANSWERS = (REPO / "recipes" / "answers" / "driver-toolkit-apt.yaml").read_text()
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
NVIDIA = {"developer.download.nvidia.com", "developer.download.nvidia.cn"}


def test_the_catalog_still_offers_a_third_party_cuda_mirror():
    """What makes the rule matter: the CUDA apt mirrors are not all NVIDIA's."""
    hosts = {urlsplit(m.url).hostname for m in load_catalog().of_kind("cuda") if m.repo == "apt"}
    assert hosts - NVIDIA


@pytest.mark.parametrize("region", ["auto", "cn", "global"])
def test_the_keyring_comes_from_nvidias_hosts_only(region):
    answers = parse_answers(ANSWERS + f"mirror:\n  region: {region}\n")
    report = load_report(MACHINE)
    pins = resolve_pins(report, torch=answers.torch.version, variant=answers.torch.variant, python="3.11",
                        extras=tuple(answers.torch.extras))
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    keyrings = [d for s in plan.steps for d in s.downloads if d.dest.endswith("cuda-keyring_1.1-1_all.deb")]
    assert keyrings
    for download in keyrings:
        assert {urlsplit(u).hostname for u in download.urls} == NVIDIA
        if region == "cn":
            assert urlsplit(download.urls[0]).hostname == "developer.download.nvidia.cn"
    script = render_script(plan)
    assert "aliyun" not in script
    (note,) = [n for n in plan.notes if "cuda-keyring" in n]
    assert "from NVIDIA's own hosts only" in note
    # no answer chooses a CUDA mirror: the repository is NVIDIA's too (a re-check found the note saying
    # "whatever the CUDA mirror. A mirror may still serve the repository's packages")
    assert ("The repository it sets apt up for is NVIDIA's own as well, and apt checks its packages against that "
            "key") in note
    assert "CUDA mirror" not in note and "A mirror may" not in note
    assert "fetched over https only" not in note
