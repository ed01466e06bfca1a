"""A torch version the data does not know: the error names the answers key and says what exists."""

from __future__ import annotations

import pytest

from installer.compat.data import load
from installer.compat.solver import recommend, select_releases
from installer.errors import InputError
from installer.hardware.report import HardwareReport


@pytest.fixture(scope="module")
def data():
    return load()


@pytest.mark.parametrize("asked, hint", [
    ("2.13.5", "did you mean 2.13.0? The 2.13 releases are 2.13.0"),  # a patch release that never was
    ("2.14.2", "did you mean 2.14.1? The 2.14 releases are 2.14.0, 2.14.1"),
    ("2.99.0", "did you mean 2.9.0? Known releases run from 1.13.0 to "),  # far past the newest: a typo
    ("2.20", "did you mean 2.2.0? Known releases run from 1.13.0 to "),
    ("1.14.0", "did you mean 2.14.0? The nearest releases are 1.13.1 and 2.0.0"),  # a gap between two series
    ("1.12.1", "torch-setup knows the releases from 1.13.0 on"),
])
def test_an_unknown_version_suggests_the_release_meant(data, asked, hint):
    with pytest.raises(InputError) as err:
        select_releases(data, asked)
    assert err.value.key == "torch.version" and err.value.message == f"unknown torch version {asked}"
    assert err.value.hint is not None and err.value.hint.startswith(hint), err.value.hint


def test_a_version_just_past_the_data_is_not_taken_for_a_typo(data):
    newest = data.released()[0].torch
    major, minor = (int(x) for x in newest.split(".")[:2])
    for asked in (f"{major}.{minor + 1}.0", f"{major + 1}.0.0"):  # may well be out: refresh the data
        with pytest.raises(InputError) as err:
            select_releases(data, asked)
        assert err.value.hint == (f"known releases run from 1.13.0 to {newest}; run `torch-setup matrix update` if "
                                  "a newer one is out")


def test_every_error_about_the_version_names_the_key_given(data):
    for asked in ("two", "9.9.9"):
        with pytest.raises(InputError) as err:
            select_releases(data, asked, key="--torch")
        assert err.value.key == "--torch"
    with pytest.raises(InputError) as err:
        recommend(HardwareReport(), torch="2.99.0", data=data, torch_key="--torch")
    assert err.value.key == "--torch"
    with pytest.raises(InputError) as err:
        recommend(HardwareReport(), torch="2.99.0", data=data)
    assert err.value.key == "torch.version"


def test_known_versions_and_series_still_resolve(data):
    assert [r.torch for r in select_releases(data, "2.13.0")] == ["2.13.0"]
    assert [r.torch for r in select_releases(data, "2.14")] == ["2.14.1"]  # X.Y: the newest of that series
