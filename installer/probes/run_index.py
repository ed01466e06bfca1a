"""Where doctor's and verify's reinstall commands take a build from: the PyTorch index the install into that
environment used, as the executor's journal keeps it (installer.executor.journal.Record.index); for a build no
run recorded, the index the mirror choice gives for this machine's region, without probing.

Found in use: the fix for a torchvision that did not fit named download.pytorch.org on a machine in China
whose install had come from a mirror, and which could not reach download.pytorch.org at all. And: a run that took
its +cpu wheels from the pip configuration (a find-links folder set by PIP_FIND_LINKS in that shell), checked later
in a shell without it, got a fix that read PyPI alone, which never has a build labelled +cpu ("there is no version
of torchvision==0.28.0+cpu"): where the pip configuration now cannot have such a build, the region's index is named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from installer.probes.doctor import IndexFor, Source, index_for


def recorded_indexes(checked: dict[str, Any], state_dir: Path | None = None) -> dict[str, tuple[str, str] | None]:
    """{variant: (url, layout)} of the PyTorch indexes the runs into the environment `checked` (verify's
    `python`: executable and prefix) installed from, the newest run's for each variant; None for a variant a
    run took from the pip configuration alone (no PyTorch index)."""
    from installer.probes.last_run import records
    from installer.probes.last_target import same_environment

    found: dict[str, tuple[str, str] | None] = {}
    for record in sorted(records(state_dir), key=lambda r: r.at):
        if not record.python or not same_environment(checked, record.python):
            continue
        if record.index:
            found[record.index.rstrip("/").rsplit("/", 1)[-1]] = (record.index, record.index_layout or "pep503")
        elif record.variant:
            found[record.variant] = None
    return found


def region_index(variant: str) -> Source:
    """The PyTorch index of `variant` the mirror choice `auto` starts from in this machine's region
    (installer.mirrors.region): the region's index from the catalog, a pep503 one before a flat page;
    PyTorch's own index where the region has none (or is global)."""
    from installer.mirrors.catalog import load_catalog
    from installer.mirrors.region import resolve_region

    region = resolve_region(None)
    try:
        catalog = load_catalog()
    except Exception:  # a catalog that cannot be read must not hide doctor's findings
        return index_for(f"+{variant}")
    pool = [m for m in catalog.of_kind("pytorch")
            if m.enabled and m.region == region and (m.variants is None or variant in m.variants)]
    pool.sort(key=lambda m: (not m.upstream, m.layout != "pep503"))
    if not pool:
        return index_for(f"+{variant}")
    best = pool[0]
    url = best.variant_url(variant)
    return ("--find-links", url) if best.layout == "flat" else url


def _pip_config_may_have(variant: str) -> bool:
    """Whether the sources this machine's pip configuration names now may have a build labelled +`variant`: a
    find-links folder or page, or an index that is neither PyPI nor one of the catalog's mirrors of it
    (installer.plan.indexes.pypi_alone, the plan's own rule)."""
    from installer.hardware.report import PipConfig
    from installer.hardware.target_python import pip_config_here
    from installer.plan.indexes import pypi_alone

    try:
        pip = PipConfig.model_validate(pip_config_here())
        return pypi_alone("auto", pip) is None
    except Exception:  # noqa: BLE001 - a configuration that cannot be read: leave the sources to pip, as before
        return True


def index_lookup(checked: dict[str, Any], state_dir: Path | None = None) -> IndexFor:
    """The `index` doctor's fixes take (installer.probes.doctor.IndexFor) for the environment `checked`."""
    recorded = recorded_indexes(checked, state_dir)

    def lookup(version: str) -> Source:
        variant = version.partition("+")[2]
        if not variant:
            return None  # a build without a local label comes from PyPI: pip's own sources
        if variant in recorded:
            kept = recorded[variant]
            if kept is None and _pip_config_may_have(variant):
                return None  # as that install: the pip configuration's sources (pip adds them)
            if kept is None:
                return region_index(variant)
            url, layout = kept
            return ("--find-links", url) if layout == "flat" else url
        return region_index(variant)

    return lookup
