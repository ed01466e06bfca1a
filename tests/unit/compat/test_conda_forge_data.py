"""data/conda_forge.yaml: every row has its source, its flags name real fields, its capabilities parse,
and the loader finds a release's builds newest CUDA first."""

from __future__ import annotations

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from installer.compat.conda_forge import CondaForgeBuild, conda_forge_builds, conda_forge_data
from installer.compat.data import DATA_DIR
from installer.compat.machine import parse_cc


def test_every_build_row_is_sourced_and_well_formed():
    doc = yaml.safe_load((DATA_DIR / "conda_forge.yaml").read_text())
    assert doc["schema_version"] == 1 and Version(doc["updated"].replace("-", "."))
    rows = conda_forge_data().builds
    assert rows
    for b in rows:
        assert b.source.strip(), b
        SpecifierSet(b.torch)  # a version specifier, not a bare version
        assert Version(b.cuda) and len(b.cuda.split(".")) == 2, b.cuda
        assert b.sm and all(parse_cc(c) for c in b.sm + b.ptx), b
        assert all(parse_cc(p) >= max(parse_cc(c) for c in b.sm) for p in b.ptx), b  # +PTX goes to the newest
        assert set(b.unverified) <= set(CondaForgeBuild.model_fields), b.unverified


def test_builds_of_a_release_newest_cuda_first():
    assert [b.cuda for b in conda_forge_builds("2.10.0")] == ["13.0", "12.9"]
    assert conda_forge_builds("2.10.0")[1].build_prefix == "cuda129"
    assert conda_forge_builds("9.9.0") == []  # not covered: the conda kind says so


def test_only_the_releases_a_source_shows_are_covered():
    """2.11.0 and 2.12.0 have sourced CUDA 12.9 / 13.0 rows; 2.12.1 and 2.13+ have none (no source found)."""
    for release in ("2.11.0", "2.12.0"):
        assert [b.cuda for b in conda_forge_builds(release)] == ["13.0", "12.9"], release
    for release in ("2.12.1", "2.13.0", "2.14.1", "2.15.0"):
        assert conda_forge_builds(release) == [], release
