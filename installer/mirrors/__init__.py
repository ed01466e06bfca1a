"""Mirrors: the catalog, concurrent probing, picking an index, and writing configuration.

`pick_pytorch_index(variant, torch_version, preference=..., region=..., timeout=...) -> IndexPick`
is what the planner calls; `probe(...) -> ProbeReport` feeds `torch-setup mirrors` and the wizard;
`installer.mirrors.writers` renders and applies pip / uv / conda / apt configuration.
"""

from __future__ import annotations

from installer.mirrors.catalog import KINDS, Catalog, Mirror, load_catalog
from installer.mirrors.pick import IndexPick, pick_mirror, pick_pypi_index, pick_pytorch_index
from installer.mirrors.probing import MirrorResult, ProbeReport, aprobe, candidates, probe
from installer.mirrors.region import guess_region, resolve_region
from installer.mirrors.targets import ProbeContext

__all__ = [
    "KINDS", "Catalog", "IndexPick", "Mirror", "MirrorResult", "ProbeContext", "ProbeReport", "aprobe",
    "candidates", "guess_region", "load_catalog", "pick_mirror", "pick_pypi_index", "pick_pytorch_index", "probe",
    "resolve_region",
]
