"""What kind of index a hand-typed mirror URL surely is, by its shape alone (no network).

People paste the address of the wrong kind of mirror from the same site: TUNA's conda channel, or the
site's front page, as the PyPI index; a PyTorch wheel index's cu118 folder as the index for a cu126
build. Only what is surely wrong is said here; an address of unknown shape (Artifactory, devpi, a
private PEP 503 index at any path) is left to the probe.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from installer.i18n import _
from installer.mirrors.catalog import Catalog, Mirror, load_catalog
from installer.mirrors.urls import url_problem

# a PyTorch wheel index's variant folder (download.pytorch.org/whl/cu126; research/mirrors.md 2.1)
VARIANT_FOLDER = re.compile(r"^(cpu|cu\d{3}|rocm\d+(\.\d+)*|xpu)$")
# path segments only conda repositories have: the mirrors' `<site>/anaconda/...` endpoint, a channel named
# conda-forge, Anaconda's `pkgs/main` (research/mirrors.md 3.1-3.2)
_CONDA_SEGMENTS = frozenset({"anaconda", "conda-forge"})
_ANACONDA_REPOS = frozenset({("pkgs", "main"), ("pkgs", "free"), ("pkgs", "r"), ("pkgs", "msys2")})
# the parent folder of the variant folders on PyTorch's own index and its mirrors' (catalog `pytorch` urls)
_WHEEL_FOLDERS = frozenset({"whl", "pytorch-wheels"})


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def site_mirror(host: str, catalog: Catalog, kind: str) -> Mirror | None:
    """The catalog's mirror of `kind` run by the site that serves `host` (any of its mirrors is at that
    host): ids name the site first (tuna-conda, tuna-pypi), as unknown_id_hint reads them too. An upstream
    host (conda.anaconda.org) gives the upstream of `kind` (pypi.org)."""
    at_host = [m for m in catalog.mirrors if _host(m.url) == host]
    if not at_host:
        return None
    if any(m.upstream for m in at_host):
        return next(iter(catalog.upstream(kind)), None)
    sites = {m.id.split("-")[0] for m in at_host}
    return next((m for m in catalog.of_kind(kind) if not m.upstream and m.id.split("-")[0] in sites), None)


def pypi_url_problem(url: str, catalog: Catalog | None = None) -> tuple[str, str] | None:
    """(message, hint) when `url`, given as mirror.pypi, is surely no PyPI index: a conda channel
    (a path under /anaconda or a conda-forge channel), a PyTorch wheel index (a variant folder under /whl,
    or a catalog pytorch index), or the bare site of a catalog mirror, whose PyPI lives at another path or
    host. The hint gives the catalog's PyPI index for that site when it has one. None otherwise."""
    catalog = catalog or load_catalog()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segs = _segments(url)
    shown = url.rstrip("/")
    site = site_mirror(host, catalog, "pypi")
    netloc = parts.netloc.rsplit("@", 1)[-1] or "mirror.example"
    # the example keeps the scheme typed (http://127.0.0.1:8765 is a local proxy) where the URL rules allow it
    scheme = parts.scheme if url_problem(f"{parts.scheme}://{netloc}/") is None else "https"
    # found in use: the TUNA site's PyPI is on another host (pypi.tuna.tsinghua.edu.cn), Aliyun's under /pypi
    write = (_("write {url}, PyPI itself", url=site.url) if site is not None and site.upstream else
             _("write {url}, the same site's PyPI index", url=site.url) if site is not None else
             _("write the address of the site's PyPI index, which usually ends in /simple (such as "
               "{scheme}://{host}/pypi/simple)", scheme=scheme, host=netloc))
    conda_hosts = {h.lower() for h in catalog.info("conda").upstream_hosts}
    if _CONDA_SEGMENTS & set(segs) or tuple(segs[-2:]) in _ANACONDA_REPOS or host in conda_hosts:
        return (_("{url} is a conda channel, not a PyPI index: pip would find no packages there", url=shown),
                _("{write}; a conda-forge mirror goes in mirror.conda", write=write))
    if _torch_index(url, catalog):
        return (_("{url} is a PyTorch wheel index, not a PyPI index: it carries torch and a few of its "
                  "dependencies, not the rest of PyPI", url=shown),
                _("{write}; a PyTorch wheel index goes in mirror.pytorch", write=write))
    if not segs and any(_host(m.url) == host for m in catalog.mirrors):
        return (_("{url} is the front page of a site, not its PyPI index", url=shown), write)
    return None


def _torch_index(url: str, catalog: Catalog) -> bool:
    """A PyTorch wheel index (its base or a variant folder): a catalog `pytorch` entry's, or one laid out
    like download.pytorch.org (a variant folder under /whl or /pytorch-wheels)."""
    split = split_variant(url)
    base = split[0] if split else url.rstrip("/")
    if known_torch_index(base, catalog) is not None:
        return True
    segs = _segments(base)
    return split is not None and bool(segs) and segs[-1] in _WHEEL_FOLDERS


def split_variant(url: str) -> tuple[str, str] | None:
    """(base, variant) when `url` ends in a PyTorch variant folder (…/whl/cu118/), else None."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if not VARIANT_FOLDER.match(last) or parts.query or parts.fragment:
        return None
    base = urlunsplit((parts.scheme, parts.netloc, path[: -len(last) - 1], "", ""))
    return base.rstrip("/"), last


def known_torch_index(base: str, catalog: Catalog | None = None) -> Mirror | None:
    """The catalog's PyTorch wheel index at `base` (same host and path; mirrors.nju.edu.cn and
    mirror.nju.edu.cn are one site, research/mirrors.md 2.2, so the path and the site count), or None."""
    catalog = catalog or load_catalog()
    host, path = _host(base), urlsplit(base).path.rstrip("/")
    for m in catalog.mirrors:
        if m.kind != "pytorch" or urlsplit(m.url).path.rstrip("/") != path:
            continue
        if _host(m.url) == host or site_mirror(host, catalog, "pytorch") == m:
            return m
    return None


def typed_upstream(url: str, kind: str, catalog: Catalog | None = None) -> Mirror | None:
    """The catalog's upstream of `kind` when `url` is its address (same host and path, any trailing /):
    https://pypi.org/simple typed as mirror.pypi is the catalog's `pypi`, PyPI itself, not a mirror of it."""
    catalog = catalog or load_catalog()
    here = _place(url)
    return next((m for m in catalog.upstream(kind) if _place(m.url) == here), None)


def known_pypi_index(url: str, catalog: Catalog | None = None) -> Mirror | None:
    """The catalog's `pypi` entry (PyPI itself or one of its mirrors) at `url` (same host, port and path, any
    trailing /), or None. Such an index carries PyPI's packages only, never a PyTorch build labelled +cpu or
    +cuNNN: PyPI refuses a local version label (PEP 440), and its mirrors copy PyPI. An index of unknown shape
    may have them (a private proxy of both)."""
    catalog = catalog or load_catalog()
    here = _place(url)
    return next((m for m in catalog.of_kind("pypi") if _place(m.url) == here), None)


def _place(address: str) -> tuple[str, int | None, str]:
    # the port counts: a server on another port of the same host is another server
    parts = urlsplit(address)
    return _host(address), parts.port, parts.path.rstrip("/")
