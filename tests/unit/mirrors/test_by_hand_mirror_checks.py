"""Mirrors chosen by hand as URLs get the checks their catalog ids get, against real servers on 127.0.0.1.

Noticed in session 25: a catalog PyTorch mirror typed as its URL was kept for a variant it does not carry (by
its id it was refused); the by-hand probe said "lists torch 2.99.0" of an index that does not list it; and the
root of a private host given as mirror.pypi failed its probe without a word about its /simple/ folder.
"""

from __future__ import annotations

import pytest
from mirror_servers import pypi_index, torch_index, write_catalog

from installer.errors import InputError
from installer.mirrors import load_catalog, pick_pytorch_index
from installer.mirrors.pick import chosen_pypi_failure


@pytest.fixture
def catalog(serve, tmp_path):
    flat = torch_index(serve("flat"), layout="flat")
    entries = [{"id": "flat-cn", "kind": "pytorch", "name": "Flat", "url": f"{flat.base}/whl", "region": "cn",
                "layout": "flat", "variants": ["cpu"], "source": "loopback test server"},
               {"id": "open-cn", "kind": "pytorch", "name": "Open", "url": "https://open.example.cn/whl",
                "region": "cn", "layout": "pep503", "source": "loopback test server"}]
    return load_catalog(write_catalog(tmp_path / "c.yaml", {"pytorch": {}, "pypi": {"probe_project": "sympy"}},
                                      entries))


def test_a_catalog_mirror_typed_as_its_url_is_refused_for_a_variant_it_does_not_carry(catalog):
    flat = catalog.get("flat-cn")
    for typed in (flat.url, f"{flat.url}/cpu/"):
        with pytest.raises(InputError) as exc:
            pick_pytorch_index("cu126", "2.13.0", preference=typed, catalog=catalog, timeout=3)
        said = exc.value.render()
        assert exc.value.key == "mirror.pytorch"
        assert "is the catalog's flat-cn, which does not carry the cu126 wheels (it has cpu)" in said
        assert "open-cn" in said and "auto" in said  # what to write instead: a mirror that may carry it
    # by its id, the same refusal and the same advice
    with pytest.raises(InputError) as exc:
        pick_pytorch_index("cu126", "2.13.0", preference="flat-cn", catalog=catalog)
    assert "open-cn" in exc.value.render()
    # the variant it carries is kept, as before
    assert pick_pytorch_index("cpu", "2.13.0", preference=flat.url, catalog=catalog, timeout=3).url == f"{flat.url}/cpu"


def test_the_by_hand_probe_says_lists_only_of_a_version_the_index_lists(serve, catalog):
    index = torch_index(serve("by-hand"), versions=("2.12.0", "2.13.0"), prefix="/pt")
    pick = pick_pytorch_index("cpu", "2.13.0", preference=f"{index.base}/pt", catalog=catalog, timeout=3)
    assert "lists torch 2.13.0+cpu" in pick.reason and pick.failed is None
    pick = pick_pytorch_index("cpu", "2.99.0", preference=f"{index.base}/pt", catalog=catalog, timeout=3)
    assert "lists torch" not in pick.reason
    assert pick.failed == "does not list torch 2.99.0+cpu (newest here: 2.13.0+cpu)"


def test_a_variant_folder_holding_another_variants_wheels_does_not_list_it(serve, catalog):
    # a PyTorch-layout index: its cu126 folder serving +cpu wheels does not carry torch 2.13.0+cu126
    # (not at /whl: every server here is 127.0.0.1, and the catalog's flat-cn is known by host and path)
    index = serve("mislabelled")
    torch_index(index, variant="cpu", prefix="/pt")
    index.routes["/pt/cu126/torch/"] = index.routes["/pt/cpu/torch/"]
    index.routes["/pt/cu126/"] = index.routes["/pt/cpu/"]
    pick = pick_pytorch_index("cu126", "2.13.0", preference=f"{index.base}/pt", catalog=catalog, timeout=3)
    assert "lists torch" not in pick.reason and pick.failed and "2.13.0+cu126" in pick.failed
    pick = pick_pytorch_index("cu126", None, preference=f"{index.base}/pt", catalog=catalog, timeout=3)
    assert pick.failed == "its index lists no torch wheels for cu126"


def test_the_root_of_a_private_index_suggests_its_simple_folder(serve, catalog):
    index = pypi_index(serve("private"))
    url, why = chosen_pypi_failure(f"{index.base}/", catalog=catalog, timeout=3)
    assert url == index.base and why.endswith(f"; did you mean {index.base}/simple/?")
    # its /simple/ answers: nothing to say
    assert chosen_pypi_failure(f"{index.base}/simple/", catalog=catalog, timeout=3) is None
    # a root with no index below it gets no suggestion, nor does a path that is not a root
    empty = serve("empty")
    assert "did you mean" not in chosen_pypi_failure(f"{empty.base}/", catalog=catalog, timeout=3)[1]
    assert "did you mean" not in chosen_pypi_failure(f"{index.base}/pypi/", catalog=catalog, timeout=3)[1]
