"""Choosing one index for an install: by hand (a catalog id or a URL), off, or by probing.

`pick_pytorch_index` answers the planner's question 'where do the torch wheels come from?'. It never
raises for a network problem: when nothing answers it returns url None with the reason, and the
install relies on the pip configuration already there. A bad preference is an InputError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.mirrors.catalog import Catalog, Mirror, load_catalog
from installer.mirrors.reasons import failures_in_brief
from installer.mirrors.region import resolve_region
from installer.mirrors.urls import check_url

if TYPE_CHECKING:
    from installer.mirrors.probing import MirrorResult

Layout = Literal["pep503", "flat"]
VARIANT = re.compile(r"^(cpu|cu\d{3}|rocm\d+(\.\d+)*|xpu)$")


@dataclass(frozen=True)
class IndexPick:
    url: str | None  # None: add no index, pip's own configuration decides
    reason: str
    # pep503: pass as --index-url (uv: an index); flat: a find-links page (-f; uv: format = "flat")
    layout: Layout = "pep503"
    mirror_id: str | None = None  # the catalog entry, when it came from the catalog
    condarc: str | None = None  # conda picks: the .condarc layout its help page documents (writers/conda.py)
    failed: str | None = None  # chosen by hand and kept although its probe failed: why, in the probe's words


def _probe_one(mirror: Mirror, catalog: Catalog, variant: str, torch_version: str | None, timeout: float,
               samples: int = 2) -> MirrorResult | None:
    from installer.mirrors.probing import probe
    from installer.mirrors.targets import ProbeContext

    ctx = ProbeContext.from_catalog(catalog, variant=variant, torch_version=torch_version)
    report = probe([mirror], catalog=catalog, context=ctx, timeout=timeout, include_current=False,
                   samples=samples, top_k=0)
    return report.results[0] if report.results else None


def _wanted(torch_version: str | None) -> str | None:
    return None if torch_version in (None, "", "latest") else torch_version


def pick_pytorch_index(variant: str, torch_version: str | None, *, preference: str = "auto",
                       region: str | None = None, timeout: float = 3.0,
                       catalog: Catalog | None = None) -> IndexPick:
    """Where the torch wheels for `variant` come from.

    preference: 'auto' (probe the official index and the region's mirrors at once, take the best live
    one that lists the version), 'none', a catalog id, or a URL (the base, or the per-variant folder).
    """
    pref = (preference or "auto").strip()
    if not VARIANT.match(variant):
        # the PyPI default build (and macOS): no PyTorch index is involved
        return IndexPick(None, _("the {variant} build comes from PyPI itself: no PyTorch index needed",
                                 variant=variant or "default"))
    if pref == "none":
        return IndexPick(None, _("mirror selection is off: pip's own configuration decides"))
    catalog = catalog or load_catalog()
    wanted = _wanted(torch_version)
    if "://" in pref:
        return _by_url(pref, catalog, variant, wanted, timeout)
    if pref != "auto":
        return _by_id(pref, catalog, variant)
    return _auto(catalog, variant, wanted, region, timeout)


def _by_url(pref: str, catalog: Catalog, variant: str, wanted: str | None, timeout: float) -> IndexPick:
    return _by_url_probed(pref, catalog, variant, wanted, timeout)[0]


def typed_pytorch_index(url: str, variant: str, torch_version: str | None, *, timeout: float = 3.0,
                        catalog: Catalog | None = None) -> tuple[IndexPick, MirrorResult | None]:
    """The plan's verdict on a PyTorch index typed by hand (`pick`, its `failed` set when it will not serve
    the build), with the probe's figures: the wizard's Mirrors table shows the same verdict Review's plan
    reaches (found in use: a dead typed index was in no table and no warning, only in Review's notes).
    InputError as `pick_pytorch_index` raises it (a variant folder the build cannot use)."""
    return _by_url_probed(url, catalog or load_catalog(), variant, _wanted(torch_version), timeout)


def _by_url_probed(pref: str, catalog: Catalog, variant: str, wanted: str | None,
                   timeout: float) -> tuple[IndexPick, MirrorResult | None]:
    from installer.mirrors.shapes import known_torch_index
    from installer.redaction import redact_text

    base = check_url(pref, key="mirror.pytorch")
    url, swapped = _variant_folder(base, variant, catalog)
    # a catalog index typed by its URL (mirrors.aliyun.com/pytorch-wheels/cu126) is laid out as the catalog
    # says: Aliyun's is a flat page, which as --extra-index-url looks empty, even when the probe gets no answer
    known = known_torch_index(url.rsplit("/", 1)[0], catalog)
    if known is not None and known.variants is not None and variant not in known.variants:
        # refused as the same mirror given by its id is (_by_id): typed as a URL it was probed, and kept when
        # the probe failed, for a build its folder cannot hold
        raise InputError(_("{url} is the catalog's {id}, which does not carry the {variant} wheels (it has {have})",
                           url=redact_text(base), id=known.id, variant=variant, have=listed(known.variants)),
                         key="mirror.pytorch", hint=_carriers_hint(catalog, variant))
    layout: Layout = "flat" if known is not None and known.layout == "flat" else "pep503"
    # download.pytorch.org/whl typed by hand is the upstream itself, probed as such (not as a mirror of it)
    hand = Mirror(id="by-hand", kind="pytorch", name=_("chosen by hand"), url=url.rsplit("/", 1)[0],
                  region="global", source="user", layout=layout, upstream=known is not None and known.upstream)
    result = _probe_one(hand, catalog, variant, wanted, timeout)
    listed_here = result is not None and result.ok and result.fresh is not False and (
        wanted is not None or result.newest is not None)
    if result is not None and listed_here:
        layout = "flat" if result.layout == "flat" else "pep503"
        said = _("chosen by hand; it answers ({layout}) and lists torch {version}",
                 layout=layout, version=f"{result.newest if wanted is None else wanted}+{variant}")
        return IndexPick(url, _("{swapped}; {probed}", swapped=swapped, probed=said) if swapped else said,
                         layout=layout), result
    # answering is not enough: the probe read the page, and a page without the wanted torch (or, on a
    # variant's folder, without any torch of that variant) fails the install as surely as a dead host
    if result is not None and result.ok and wanted is None:
        why = _("its index lists no torch wheels for {variant}", variant=variant)
    else:
        why = str(result.reason if result is not None else _("not probed"))
    said = _("chosen by hand and kept, although it does not work from here: {why}", why=why)
    return IndexPick(url, _("{swapped}; {probed}", swapped=swapped, probed=said) if swapped else said,
                     layout=layout, failed=str(why)), result


def _carriers_hint(catalog: Catalog, variant: str) -> str:
    """What to write instead of a PyTorch mirror that does not carry `variant`: the catalog's that may."""
    ids = [m.id for m in catalog.of_kind("pytorch") if m.variants is None or variant in m.variants]
    return (_("choose one of the catalog's PyTorch wheel mirrors that may carry {variant}: {ids}; or auto",
              variant=variant, ids=listed(ids)) if ids else _("pick another mirror, or auto"))


def _variant_folder(base: str, variant: str, catalog: Catalog) -> tuple[str, str | None]:
    """(the index to use for `variant`, what the plan says of a folder changed) for mirror.pytorch `base`.

    Chinese tutorials paste https://download.pytorch.org/whl/cu118 or .../pytorch-wheels/cu118: the cu118
    folder, typed for the build the tutorial's author had, not for the build chosen here (cu126 for this
    GPU and driver). Kept as typed, `--extra-index-url .../cu118 torch==2.14.1+cu126` cannot resolve. What the
    user wants is that mirror, for the build torch-setup chose: on an index whose layout is known (a catalog
    PyTorch index: <base>/<variant> on every one, research/mirrors.md 2.2) the variant folder is swapped, and
    the plan says so. On another index the folders may not be laid out so: refused with the base to write,
    rather than guessed."""
    from installer.mirrors.shapes import known_torch_index, split_variant
    from installer.redaction import redact_text

    split = split_variant(base)
    if split is None:
        return f"{base}/{variant}", None
    root, typed = split
    if typed == variant:
        return base, None
    if known_torch_index(root, catalog) is not None:
        return f"{root}/{variant}", _("mirror.pytorch names its {typed} folder, and the build chosen is {variant}: "
                                      "its {variant} folder is used", typed=typed, variant=variant)
    raise InputError(_("{url} is the {typed} folder of a PyTorch wheel index, and the build chosen is {variant}: "
                       "the {variant} wheels are not in the {typed} folder", url=redact_text(base), typed=typed,
                       variant=variant), key="mirror.pytorch",
                     hint=_("write {url}, the folder the variant folders are in: torch-setup adds the one of the "
                            "build it chooses ({variant} here); or, for the {typed} build, set torch.variant: {typed}",
                            url=redact_text(root), variant=variant, typed=typed))


def unknown_id_hint(choice: str, kind: str, catalog: Catalog, distro: str | None = None) -> str:
    """What to write instead of `choice`, no mirror id of this kind: the id it misspells, as a misspelt key
    gets (tuna-pypii: did you mean 'tuna-pypi'?), else every id of the kind. `distro` (apt): only the
    mirrors of that archive, the one the machine planned for runs (a Debian mirror suggested for an
    Ubuntu machine was then refused in the next run)."""
    from installer.yamlfile import closest

    known = [m.id for m in catalog.mirrors if m.kind == kind and (distro is None or m.distro == distro)]
    other = catalog.get(choice)
    same_site = [k for k in known if k.split("-")[0] == choice.split("-")[0]]
    if other is not None and same_site:
        # tuna-pypi as the apt mirror: the same site's mirror of this kind is what was meant
        return _("{id} is a mirror of another kind ({kind}); did you mean {value}?", id=choice, kind=other.kind,
                 value=" / ".join(repr(k) for k in same_site))
    close = closest(choice, known)
    if close:
        return _("did you mean {value}?", value=repr(close))
    return _("use one of: {ids}; or auto, none, or an https:// URL", ids=listed(known))


def pypi_mirror_as_torch_index(url: str, region: str | None = None,
                               catalog: Catalog | None = None) -> tuple[str, str] | None:
    """(message, hint) when `url`, given as the PyTorch wheel index, is a PyPI mirror: one of the catalog's
    `pypi` entries (same host and path), or any /simple index (PyPI's own layout: /simple, /pypi/simple,
    /pypi/web/simple). Many Chinese tutorials say to give TUNA's PyPI mirror as the PyTorch index; the plan
    then appends the variant and asks PyPI's page for a package named cu126. None for anything else
    (download.pytorch.org/whl, the catalog's pytorch entries, a private index)."""
    from urllib.parse import urlsplit

    from installer.redaction import redact_text

    try:
        parts = urlsplit(url)
    except ValueError:
        return None  # url_problem says what is wrong with it
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    variant = last if VARIANT.match(last) else "cu126"
    if VARIANT.match(last):  # .../simple/cu126: the variant folder of the same index
        path = path[: -len(last) - 1]
    host = (parts.hostname or "").lower()
    catalog = catalog or load_catalog()
    pypi = [m for m in catalog.mirrors if m.kind == "pypi"]
    known = any((urlsplit(m.url).hostname or "").lower() == host and urlsplit(m.url).path.rstrip("/") == path
                for m in pypi)
    if not (known or path.endswith("/simple")):
        return None
    region = resolve_region(region if region in ("cn", "global") else None)
    torch = sorted(catalog.of_kind("pytorch"), key=lambda m: (m.region != region, m.upstream))
    ids = [m.id for m in torch if m.region in (region, "global")]
    shown = redact_text(url.rstrip("/"))
    page = shown if VARIANT.match(last) else f"{shown}/{variant}"
    return (_("{url} is a PyPI mirror, not a PyTorch wheel index: {page} is PyPI's page of a package named "
              "{variant}", url=shown, page=page, variant=variant),
            _("a PyPI mirror goes in mirror.pypi; for mirror.pytorch give auto or one of the catalog's PyTorch "
              "wheel mirrors: {ids} (`torch-setup mirrors` lists them)", ids=listed(ids)))


def _by_id(pref: str, catalog: Catalog, variant: str) -> IndexPick:
    entry = catalog.get(pref)
    if entry is None or entry.kind != "pytorch":
        raise InputError(_("unknown PyTorch wheel mirror {id!r}", id=pref), key="mirror.pytorch",
                         hint=unknown_id_hint(pref, "pytorch", catalog))
    if entry.variants is not None and variant not in entry.variants:
        raise InputError(_("{id} does not carry the {variant} wheels (it has {have})", id=entry.id,
                           variant=variant, have=listed(entry.variants)), key="mirror.pytorch",
                         hint=_carriers_hint(catalog, variant))
    layout: Layout = "flat" if entry.layout == "flat" else "pep503"
    return IndexPick(entry.variant_url(variant), _("{name}, chosen by hand", name=entry.shown_name()), layout=layout,
                     mirror_id=entry.id)


def _auto(catalog: Catalog, variant: str, wanted: str | None, region: str | None, timeout: float) -> IndexPick:
    from installer.mirrors.probing import candidates, probe
    from installer.mirrors.targets import ProbeContext

    region = resolve_region(region)
    pool = [m for m in candidates(catalog, kinds=["pytorch"], region=region)
            if m.variants is None or variant in m.variants]
    ctx = ProbeContext.from_catalog(catalog, variant=variant, torch_version=wanted)
    report = probe(pool, catalog=catalog, context=ctx, timeout=timeout, include_current=False, samples=2, top_k=2)
    best = report.best("pytorch", need_fresh=True)
    what = f"torch {wanted}+{variant}" if wanted else _("the newest torch for {variant}", variant=variant)
    if best is not None:
        speed = f", {best.throughput_mbps:.1f} MB/s" if best.throughput_mbps is not None else ""
        layout: Layout = "flat" if best.layout == "flat" else "pep503"
        return IndexPick(best.url, _("{name}: the best of {n} probed indexes that lists {what} "
                                     "({ms:.0f} ms{speed})", name=best.shown_name, n=len(report.results), what=what,
                                     ms=best.latency_ms or 0.0, speed=speed), layout=layout, mirror_id=best.id)
    details = failures_in_brief(report.results)
    # what the run relies on instead is for the plan to say (installer.plan.indexes): the pip configuration,
    # or a PyPI mirror chosen in the answers
    return IndexPick(None, _("no PyTorch wheel index that lists {what} answered within {s:.1f} s ({details})",
                             what=what, s=timeout, details=details))


def pick_pypi_index(*, preference: str = "auto", region: str | None = None, timeout: float = 3.0,
                    catalog: Catalog | None = None, configured_index: str | None = None,
                    read_machine: bool = True) -> IndexPick:
    """Where everything else comes from. 'auto' keeps the index already configured on the machine.

    configured_index: the index the target machine's pip already uses (a saved hardware report's
    mirror_config.pip.index_url); read_machine=False stops looking at this machine's own files, for a
    plan made for another machine.
    """
    from installer.mirrors.existing import current_pip_index

    pref = (preference or "auto").strip()
    if pref == "none":
        return IndexPick(None, _("mirror selection is off: pip's own configuration decides"))
    catalog = catalog or load_catalog()
    if "://" in pref:
        return IndexPick(check_url(pref, key="mirror.pypi"), _("chosen by hand"))
    if pref != "auto":
        entry = catalog.get(pref)
        if entry is None or entry.kind != "pypi":
            raise InputError(_("unknown PyPI mirror {id!r}", id=pref), key="mirror.pypi",
                             hint=unknown_id_hint(pref, "pypi", catalog))
        return IndexPick(entry.url, _("{name}, chosen by hand", name=entry.shown_name()), mirror_id=entry.id)
    existing = configured_index or (current_pip_index() if read_machine else None)
    if existing:
        return IndexPick(None, _("pip is already configured to use {url}: kept", url=existing))
    from installer.mirrors.probing import candidates, probe

    pool = candidates(catalog, kinds=["pypi"], region=resolve_region(region))
    report = probe(pool, catalog=catalog, timeout=timeout, include_current=False, samples=2, top_k=2)
    best = report.best("pypi", need_fresh=False)
    if best is None:
        return IndexPick(None, _("no PyPI index answered within {s:.1f} s: pip's own configuration decides",
                                 s=timeout))
    if best.upstream:
        return IndexPick(None, _("PyPI itself is the best here: no mirror needed"), mirror_id=best.id)
    return IndexPick(best.url, _("{name}: the best of {n} probed PyPI indexes ({ms:.0f} ms)", name=best.shown_name,
                                 n=len(report.results), ms=best.latency_ms or 0.0), mirror_id=best.id)


def chosen_pypi_failure(preference: str, *, timeout: float = 3.0, catalog: Catalog | None = None,
                        ) -> tuple[str, str] | None:
    """(url, why) when the PyPI index chosen by hand (a catalog id or a URL) does not answer from here; None
    when it answers, or when none was chosen by hand (auto, none). The PyTorch index chosen by hand was
    always probed; this one was not, and a tester's dead choice went on into the environment's pip.conf."""
    pref = (preference or "auto").strip()
    if pref in ("auto", "none"):
        return None
    catalog = catalog or load_catalog()
    if "://" in pref:
        from installer.mirrors.shapes import typed_upstream

        url = check_url(pref, key="mirror.pypi")
        # https://pypi.org/simple typed by hand is the catalog's `pypi`: probed as the upstream it is
        mirror = typed_upstream(url, "pypi", catalog) or Mirror(
            id="by-hand", kind="pypi", name=_("chosen by hand"), url=url, region="global", source="user")
    else:
        entry = catalog.get(pref)
        if entry is None or entry.kind != "pypi":
            return None  # an unknown id is the plan's input error (installer.plan.indexes.catalog_mirror)
        mirror = entry
    result = _probe_one(mirror, catalog, "cpu", None, timeout, samples=1)
    if result is not None and result.ok:
        return None
    why = str(result.reason if result is not None else _("not probed"))
    simple = _simple_below(mirror.url, catalog, timeout) if "://" in pref else None
    if simple is not None:
        why = _("{why}; did you mean {url}?", why=why, url=simple)
    return mirror.url, why


def _simple_below(url: str, catalog: Catalog, timeout: float) -> str | None:
    """`<root>/simple/` when `url` is the bare root of a host (http://127.0.0.1:8080/) and that folder answers
    the same probe as a PEP 503 index: a private index (devpi, pypiserver, a proxy) serves /simple/, its root
    is a web page or nothing, and the shape of a root cannot say so (installer.mirrors.shapes stays pure).
    None otherwise."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.path.strip("/") or parts.query or parts.fragment:
        return None
    simple = urlunsplit((parts.scheme, parts.netloc, "/simple/", "", ""))
    mirror = Mirror(id="by-hand", kind="pypi", name=_("chosen by hand"), url=simple, region="global", source="user")
    result = _probe_one(mirror, catalog, "cpu", None, timeout, samples=1)
    return simple if result is not None and result.ok else None


def pick_mirror(kind: str, *, preference: str = "auto", region: str | None = None, timeout: float = 3.0,
                catalog: Catalog | None = None) -> IndexPick:
    """A conda-forge channel, apt archive, CUDA repository or Miniforge installer, chosen like the indexes.

    'auto' keeps a conda channel already configured on the machine, and otherwise probes the upstream
    and the region's mirrors of that kind; url None means: leave the tool's configuration alone.
    """
    from installer.mirrors.catalog import KINDS

    if kind not in KINDS or kind in ("pypi", "pytorch"):
        raise ValueError(f"pick_mirror is for conda, apt, cuda and miniforge, not {kind!r}")
    pref = (preference or "auto").strip()
    if pref == "none":
        return IndexPick(None, _("mirror selection is off: the tool's own configuration decides"))
    catalog = catalog or load_catalog()
    key = f"mirror.{kind}"
    if "://" in pref:
        return IndexPick(check_url(pref, key=key), _("chosen by hand"),
                         condarc="conda-forge" if kind == "conda" else None)
    if pref != "auto":
        entry = catalog.get(pref)
        if entry is None or entry.kind != kind:
            raise InputError(_("unknown {kind} mirror {id!r}", kind=kind, id=pref), key=key,
                             hint=unknown_id_hint(pref, kind, catalog))
        return IndexPick(entry.url, _("{name}, chosen by hand", name=entry.shown_name()), mirror_id=entry.id,
                         condarc=entry.condarc)
    if kind == "conda":
        from installer.mirrors.existing import current_config

        configured = current_config().conda_forge
        if configured:
            return IndexPick(None, _("conda is already configured to use {url}: kept", url=configured))
    from installer.mirrors.probing import candidates, probe
    from installer.mirrors.targets import ProbeContext

    pool = candidates(catalog, kinds=[kind], region=resolve_region(region))
    report = probe(pool, catalog=catalog, context=ProbeContext.for_this_machine(catalog), timeout=timeout,
                   include_current=False, samples=2, top_k=2)
    best = next((r for r in report.of_kind(kind) if r.ok and r.fresh is not False), None)
    if best is None:
        details = failures_in_brief(report.results)
        return IndexPick(None, _("no {kind} mirror answered within {s:.1f} s ({details}); the tool's own "
                                 "configuration decides", kind=kind, s=timeout, details=details))
    entry = catalog.get(best.id)
    return IndexPick(best.url, _("{name}: the best of {n} probed ({ms:.0f} ms)", name=best.shown_name,
                                 n=len(report.results), ms=best.latency_ms or 0.0), mirror_id=best.id,
                     condarc=entry.condarc if entry else None)
