"""The data files themselves: every row has its source, flags point at real fields, the form is canonical."""

from __future__ import annotations

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from installer.compat.data import DATA_DIR, load
from installer.compat.data_model import PLATFORMS
from installer.compat.machine import parse_cc
from installer.compat.update import RELEASES_HEADER
from installer.compat.yamlout import dump_data

SOURCED = ("python", "date", "variants", "pypi_default", "torchvision", "torchaudio")


def test_files_are_versioned():
    for name in ("releases.yaml", "builds.yaml", "drivers.yaml", "amd.yaml"):
        doc = yaml.safe_load((DATA_DIR / name).read_text())
        assert doc["schema_version"] == 1 and Version(doc["updated"].replace("-", ".")), name


def test_every_release_row_names_a_source_for_each_fact():
    for r in load().releases.releases:
        for key in SOURCED:
            assert r.source.get(key), (r.torch, key)
        for flag in r.unverified:
            field, _dot, platform = flag.partition(".")
            assert field in type(r).model_fields, (r.torch, flag)
            assert not platform or platform in PLATFORMS, (r.torch, flag)


def test_releases_cover_1_13_to_the_newest_and_platform_keys_are_known():
    rows = load().releases.releases
    versions = sorted(Version(r.torch) for r in rows)
    assert versions[0] == Version("1.13.0")
    for r in rows:
        assert set(r.python) <= set(PLATFORMS) and set(r.variants) <= set(PLATFORMS)
        assert set(r.pypi_default) <= set(r.variants), r.torch
        for plat, default in r.pypi_default.items():
            assert default in r.variants[plat], (r.torch, plat)
        assert r.torchvision and r.torchaudio, r.torch


def test_every_cuda_variant_on_linux_x86_64_has_kernel_data_with_a_source():
    data = load()
    for r in data.released():
        for v in r.variants.get("linux_x86_64", []):
            if v.startswith("cu"):
                build = data.cuda_build(v, r.torch)
                assert build is not None and "linux_x86_64" in build.kernels, (r.torch, v)
                assert build.source
    for b in data.builds.cuda:
        SpecifierSet(b.torch)
        for plat, k in b.kernels.items():
            assert plat in PLATFORMS
            assert all(parse_cc(c) for c in k.sm + k.ptx), (b.variant, b.torch)
            assert set(k.ptx) <= set(k.sm), (b.variant, b.torch)


def test_build_rows_do_not_overlap():
    data = load()
    for r in data.released():
        for v in {v for vs in r.variants.values() for v in vs if v.startswith("cu")}:
            rows = [b for b in data.builds.cuda if b.variant == v and Version(r.torch) in SpecifierSet(b.torch)]
            assert len(rows) <= 1, (r.torch, v)


def test_drivers_rows_have_sources_and_ordered_toolkits():
    d = load().drivers
    cudas = [Version(t.cuda) for t in d.toolkits]
    assert cudas == sorted(cudas)
    linux = [tuple(int(x) for x in t.linux.split(".")) for t in d.toolkits if t.linux]
    assert linux == sorted(linux)  # a newer toolkit never needs an older driver
    for row in [*d.toolkits, *d.minor_compat, *d.architectures, *d.branches, *d.gpu_names]:
        assert row.source
    legacy = {a.name: a.last_branch for a in d.architectures}
    assert legacy["Kepler"] == "470" and legacy["Pascal"] == legacy["Volta"] == legacy["Maxwell"] == "580"


def test_releases_file_is_in_the_canonical_form_matrix_update_writes():
    text = (DATA_DIR / "releases.yaml").read_text()
    assert dump_data(yaml.safe_load(text), RELEASES_HEADER) == text


def test_a_broken_data_file_is_reported_with_file_and_line(tmp_path):
    import shutil

    import pytest

    from installer.compat.data import load_from
    from installer.errors import TorchSetupError

    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / "drivers.yaml"
    path.write_text(path.read_text().replace("  - name: Kepler\n", "  - nmae: Kepler\n", 1))
    with pytest.raises(TorchSetupError) as err:
        load_from(tmp_path / "data")
    import re

    assert re.search(r"drivers\.yaml:\d+: architectures\[1\]\.name: this key is required", err.value.message)
