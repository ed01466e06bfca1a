"""A misspelt mirror id gets "did you mean", as a misspelt key does (the same difflib rule,
installer.yamlfile.closest). Found in use: `pypi: tuna-pypii` was told only to see `torch-setup mirrors`."""

from __future__ import annotations

import pytest

from installer.errors import InputError
from installer.mirrors import load_catalog, pick_mirror, pick_pypi_index, pick_pytorch_index
from installer.plan.indexes import catalog_mirror


@pytest.mark.parametrize("refuse, meant", [
    (lambda: catalog_mirror("tuna-pypii", "pypi", "mirror.pypi"), "tuna-pypi"),  # what the plan asks
    (lambda: catalog_mirror("tuna-pypy", "pypi", "mirror.pypi"), "tuna-pypi"),
    (lambda: catalog_mirror("tuna-condaa", "conda", "mirror.conda"), "tuna-conda"),
    (lambda: pick_pypi_index(preference="tuna-pypii", catalog=load_catalog()), "tuna-pypi"),
    (lambda: pick_pytorch_index("cpu", "2.13.0", preference="aliyun-pytorc", catalog=load_catalog()),
     "aliyun-pytorch"),
    (lambda: pick_mirror("conda", preference="tuna-condaa", catalog=load_catalog()), "tuna-conda"),
])
def test_a_misspelt_id_is_told_the_one_it_misspells(refuse, meant):
    with pytest.raises(InputError) as caught:
        refuse()
    assert caught.value.hint == f"did you mean '{meant}'?"


def test_an_id_like_none_of_them_gets_the_list():
    with pytest.raises(InputError) as caught:
        catalog_mirror("zzz-qqq", "pypi", "mirror.pypi")
    assert caught.value.hint and "tuna-pypi" in caught.value.hint and "did you mean" not in caught.value.hint
