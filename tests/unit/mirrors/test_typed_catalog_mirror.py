"""A catalog mirror typed by its URL instead of its id, as testers pasted it from Chinese tutorials: Aliyun's
flat PyTorch page stays a find-links page (an index there looks empty); a refused address's example keeps
the http:// of a local proxy; and the variant-folder messages call cu126 a build in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from mirror_servers import dead_base, torch_index, write_catalog

from installer.answers import parse_answers
from installer.errors import InputError
from installer.i18n import set_language
from installer.mirrors.catalog import load_catalog
from installer.mirrors.pick import pick_pytorch_index

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"  # plans the cu126 build
ALIYUN = "https://mirrors.aliyun.com/pytorch-wheels"  # the catalog's aliyun-pytorch (layout: flat)


@pytest.mark.parametrize("typed", [f"{ALIYUN}/cu118", f"{ALIYUN}/cu126/"])
def test_aliyun_s_url_typed_by_hand_is_a_find_links_page_as_its_id_is(cli, tmp_path, xdg_home, typed):
    (tmp_path / "a.yaml").write_text("version: 1\nmirror: {pypi: https://pypi.tuna.tsinghua.edu.cn/simple, "
                                     f"pytorch: '{typed}'}}\n")
    result = cli("plan", "--answers", "a.yaml", "--hardware", str(MACHINE), "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"--find-links {ALIYUN}/cu126 torch==2.14.1+cu126" in out, out
    assert f"--extra-index-url {ALIYUN}" not in out, out
    # the environment's pip.conf gets no index it would find empty
    assert f"extra-index-url = {ALIYUN}" not in out and "is used for this run only" in out, out


def _flat_catalog(tmp_path, base):
    return load_catalog(write_catalog(tmp_path / "c.yaml", {"pytorch": {}}, [
        {"id": "lab-pytorch", "kind": "pytorch", "name": "Lab", "url": f"{base}/pytorch-wheels",
         "region": "global", "layout": "flat", "source": "loopback"}]))


def test_a_catalog_flat_page_typed_by_hand_is_probed_and_used_as_one(serve, tmp_path):
    mirror = torch_index(serve("flat-lab"), variant="cu126", layout="flat", prefix="/pytorch-wheels")
    pick = pick_pytorch_index("cu126", "2.13.0", preference=f"{mirror.base}/pytorch-wheels/cu118",
                              catalog=_flat_catalog(tmp_path, mirror.base), timeout=5)
    assert (pick.url, pick.layout, pick.failed) == (f"{mirror.base}/pytorch-wheels/cu126", "flat", None), pick
    # asked as the catalog lays it out: the page itself, no PEP 503 /torch/ folder first
    assert "/pytorch-wheels/cu126/" in mirror.requests and "/pytorch-wheels/cu126/torch/" not in mirror.requests


def test_a_catalog_flat_page_that_does_not_answer_keeps_its_layout(tmp_path):
    # the tester's case: no route to mirrors.aliyun.com from here; kept, and still a find-links page
    dead = dead_base()
    pick = pick_pytorch_index("cu126", "2.13.0", preference=f"{dead}/pytorch-wheels/cu126",
                              catalog=_flat_catalog(tmp_path, dead), timeout=2)
    assert pick.url == f"{dead}/pytorch-wheels/cu126" and pick.failed is not None, pick
    assert pick.layout == "flat", pick


@pytest.mark.parametrize("typed, example", [
    ("http://127.0.0.1:8765/anaconda/cloud/conda-forge", "http://127.0.0.1:8765/pypi/simple"),  # a local proxy
    ("https://conda.corp.example/anaconda/cloud/conda-forge", "https://conda.corp.example/pypi/simple"),
])
def test_the_pypi_example_keeps_the_scheme_typed(typed, example):
    with pytest.raises(InputError) as caught:
        parse_answers(f"version: 1\nmirror:\n  pypi: '{typed}'\n", "a.yaml")
    hint = caught.value.hint or ""
    assert f"(such as {example})" in hint, hint


def test_variant_folder_messages_call_cu126_a_build_in_chinese():
    try:
        set_language("zh")
        with pytest.raises(InputError) as caught:
            pick_pytorch_index("cu126", "2.13.0", preference="https://mirror.example.org/whl/cu118",
                               catalog=load_catalog(), timeout=1)
        said = caught.value.message + (caught.value.hint or "")
        swapped = pick_pytorch_index("cu126", "2.13.0", preference="https://download.pytorch.org/whl/cu118",
                                     catalog=load_catalog(), timeout=0.2).reason
    finally:
        set_language("en")
    assert "而选定的构建是 cu126" in said and "各构建目录所在的上级目录" in said and "若要安装 cu118 构建" in said, said
    assert "而选定的构建是 cu126" in swapped, swapped
    assert "版本目录" not in said + swapped and "版本是" not in said + swapped
