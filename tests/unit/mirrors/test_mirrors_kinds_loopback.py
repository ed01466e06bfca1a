"""Every kind's probe against loopback servers: PyPI, conda, apt, CUDA (repo and runfile), Miniforge."""

from __future__ import annotations

import time

import pytest
from mirror_servers import (
    PORTAL,
    Reply,
    apt_archive,
    conda_channel,
    pypi_index,
    script_file,
    write_catalog,
)

from installer.mirrors import ProbeContext, load_catalog, probe

NOW = time.time()
DAY = 86400.0


def _m(mid, kind, url, **extra):
    return {"id": mid, "kind": kind, "name": mid, "url": url, "region": "global", "source": "loopback", **extra}


@pytest.fixture
def report(serve, tmp_path):
    up_pypi = pypi_index(serve("pypi"))
    good_pypi = pypi_index(serve("good-pypi"))
    stale_pypi = pypi_index(serve("stale-pypi"), versions=("1.12.0", "1.13.3"))
    other_pypi = pypi_index(serve("other-pypi"), project="six")
    other_pypi.routes["/simple/sympy/"] = other_pypi.routes["/simple/six/"]  # answers with the wrong project
    missing_pypi = pypi_index(serve("missing-pypi"), project="six")
    back_pypi = pypi_index(serve("back-pypi"), link_base=up_pypi.base)
    broken_pypi = pypi_index(serve("broken-pypi"))
    for path in list(broken_pypi.routes):
        if path.startswith("/packages/"):
            broken_pypi.routes[path] = Reply(200, PORTAL)  # the index works, its files are a portal page

    up_conda = conda_channel(serve("conda"), modified=NOW)
    fresh_conda = conda_channel(serve("fresh-conda"), modified=NOW - 3600, prefix="/anaconda/cloud/conda-forge")
    stale_conda = conda_channel(serve("stale-conda"), modified=NOW - 5 * DAY, prefix="/anaconda/cloud/conda-forge")
    portal_conda = serve("portal-conda", fallback=Reply(200, PORTAL))

    up_apt = apt_archive(serve("apt"), date=NOW)
    fresh_apt = apt_archive(serve("fresh-apt"), date=NOW - 2 * 3600)
    stale_apt = apt_archive(serve("stale-apt"), date=NOW - 3 * DAY)
    junk_apt = serve("junk-apt", fallback=Reply(200, b"hello world, this is not apt", "text/plain"))

    cuda = serve("cuda")
    cuda.routes["/repos/ubuntu2404/x86_64/Release"] = Reply(200, b"Origin: NVIDIA\nLabel: NVIDIA CUDA\n"
                                                           b"Date: " + time.strftime(
                                                               "%a, %d %b %Y %H:%M:%S UTC", time.gmtime(NOW)
                                                           ).encode() + b"\nArchitectures: x86_64\n", "text/plain")
    cuda.routes["/repos/ubuntu2404/x86_64/Packages.gz"] = Reply(200, b"\x1f\x8b" + b"z" * 300_000,
                                                               "application/gzip")
    script_file(cuda, "/cuda/12.6.3/local_installers/cuda_12.6.3_560.35.05_linux.run")

    up_mf = script_file(serve("miniforge"), "/latest/Miniforge3-Linux-x86_64.sh")
    portal_mf = serve("portal-miniforge", fallback=Reply(200, PORTAL))

    kinds = {
        "pypi": {"upstream_hosts": [up_pypi.netloc], "probe_project": "sympy"},
        "conda": {"upstream_hosts": [up_conda.netloc]},
        "apt": {"upstream_hosts": [up_apt.netloc], "distro_suites": {"ubuntu": "noble"}},
        "cuda": {"upstream_hosts": [cuda.netloc]},
        "miniforge": {"upstream_hosts": [up_mf.netloc]},
    }
    entries = [
        _m("pypi", "pypi", f"{up_pypi.base}/simple", upstream=True),
        _m("good-pypi", "pypi", f"{good_pypi.base}/simple"),
        _m("stale-pypi", "pypi", f"{stale_pypi.base}/simple"),
        _m("other-pypi", "pypi", f"{other_pypi.base}/simple"),
        _m("missing-pypi", "pypi", f"{missing_pypi.base}/simple"),
        _m("back-pypi", "pypi", f"{back_pypi.base}/simple"),
        _m("broken-pypi", "pypi", f"{broken_pypi.base}/simple"),
        _m("conda", "conda", f"{up_conda.base}/conda-forge", upstream=True, condarc="upstream"),
        _m("fresh-conda", "conda", f"{fresh_conda.base}/anaconda/cloud/conda-forge", condarc="anaconda"),
        _m("stale-conda", "conda", f"{stale_conda.base}/anaconda/cloud/conda-forge", condarc="anaconda"),
        _m("portal-conda", "conda", f"{portal_conda.base}/anaconda/cloud/conda-forge", condarc="anaconda"),
        _m("apt", "apt", f"{up_apt.base}/ubuntu", upstream=True, distro="ubuntu"),
        _m("fresh-apt", "apt", f"{fresh_apt.base}/ubuntu", distro="ubuntu"),
        _m("stale-apt", "apt", f"{stale_apt.base}/ubuntu", distro="ubuntu"),
        _m("junk-apt", "apt", f"{junk_apt.base}/ubuntu", distro="ubuntu"),
        _m("debian-only", "apt", f"{junk_apt.base}/debian", distro="debian"),
        _m("cuda", "cuda", f"{cuda.base}/repos", upstream=True, repo="apt"),
        _m("runfile", "cuda", f"{cuda.base}/cuda", upstream=True, repo="runfile"),
        _m("miniforge", "miniforge", f"{up_mf.base}/latest", upstream=True),
        _m("portal-miniforge", "miniforge", f"{portal_mf.base}/latest"),
    ]
    catalog = load_catalog(write_catalog(tmp_path / "catalog.yaml", kinds, entries))
    ctx = ProbeContext.from_catalog(catalog, apt_distros=("ubuntu",))
    return probe(catalog=catalog, context=ctx, timeout=10, top_k=10, include_current=False)


def _by_id(report):
    return {r.id: r for r in report.results}


def test_pypi(report):
    r = _by_id(report)
    assert r["pypi"].ok and r["pypi"].fresh and r["pypi"].newest == "1.14.0"
    assert r["good-pypi"].ok and r["good-pypi"].fresh and r["good-pypi"].throughput_mbps
    assert r["stale-pypi"].ok and r["stale-pypi"].fresh is False
    assert "does not list sympy 1.14.0" in r["stale-pypi"].reason
    assert not r["other-pypi"].ok and "does not list sympy" in r["other-pypi"].reason
    assert not r["missing-pypi"].ok and "404 Not Found for /simple/sympy/" in r["missing-pypi"].reason
    assert not r["back-pypi"].ok and "point back to upstream" in r["back-pypi"].reason
    assert not r["broken-pypi"].ok and "comes back as something else" in r["broken-pypi"].reason
    assert [x.id for x in report.of_kind("pypi")][:3] in (["pypi", "good-pypi", "stale-pypi"],
                                                          ["good-pypi", "pypi", "stale-pypi"])


def test_pypi_probe_never_fetches_the_root_index(serve, tmp_path):
    m = pypi_index(serve("m"))
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"pypi": {"probe_project": "sympy"}},
                                         [_m("m", "pypi", f"{m.base}/simple")]))
    probe(catalog=catalog, context=ProbeContext.from_catalog(catalog), timeout=5, include_current=False)
    assert m.requests and "/simple/" not in m.requests
    assert set(m.requests) <= {"/simple/sympy/", "/packages/01/sympy-1.14.0-py3-none-any.whl"}
    assert m.requests.count("/simple/sympy/") == 3  # repeated samples, median kept


def test_conda(report):
    r = _by_id(report)
    assert r["conda"].ok and r["fresh-conda"].ok and r["fresh-conda"].fresh
    assert r["stale-conda"].ok and r["stale-conda"].fresh is False and "h older" in r["stale-conda"].reason
    assert not r["portal-conda"].ok and "HTML page" in r["portal-conda"].reason
    ranked = [x.id for x in report.of_kind("conda")]
    assert ranked.index("stale-conda") > max(ranked.index("conda"), ranked.index("fresh-conda"))


def test_apt(report):
    r = _by_id(report)
    assert r["apt"].ok and r["fresh-apt"].fresh is True
    assert r["stale-apt"].fresh is False and "72 h older" in r["stale-apt"].reason
    assert not r["junk-apt"].ok and "not an apt Release file" in r["junk-apt"].reason
    assert "debian-only" not in r  # another distribution than this machine's is not probed


def test_cuda_and_miniforge(report):
    r = _by_id(report)
    assert r["cuda"].ok and r["cuda"].throughput_mbps and r["cuda"].fresh is True
    assert r["runfile"].ok and r["runfile"].fresh is None and r["runfile"].throughput_mbps
    assert r["miniforge"].ok and r["miniforge"].url.endswith("/latest/Miniforge3-Linux-x86_64.sh")
    assert not r["portal-miniforge"].ok and "HTML page" in r["portal-miniforge"].reason
