"""The upstream typed by hand as a URL is the upstream, and a 404 is told as a 404.

Found by tester t7 (session 26): `mirror.pypi: https://pypi.org/simple` was refused as "redirects back to
upstream pypi.org: this mirror serves nothing itself here", though nothing redirected (`mirror.pypi: pypi`
passed); a typo (https://pypi.org/simpel), answered 404, got the same words. The real upstreams cannot be
reached from here: their addresses are checked against the catalog (a pure decision), and their behaviour
with real servers on 127.0.0.1 that a test catalog names as the upstream hosts.
"""

from __future__ import annotations

import pytest
from mirror_servers import Reply, pypi_index, torch_index, write_catalog

from installer.mirrors import load_catalog, pick_pytorch_index
from installer.mirrors.pick import chosen_pypi_failure
from installer.mirrors.shapes import typed_upstream


def test_the_catalogs_upstream_addresses_typed_by_hand_are_its_upstream_entries():
    catalog = load_catalog()
    for typed in ("https://pypi.org/simple", "https://pypi.org/simple/", "https://PyPI.org/simple"):
        entry = typed_upstream(typed, "pypi", catalog)
        assert entry is not None and entry.upstream and entry.id == "pypi"
    torch = typed_upstream("https://download.pytorch.org/whl/", "pytorch", catalog)
    assert torch is not None and torch.upstream and torch.url == "https://download.pytorch.org/whl"
    # a mirror, a typo of the path, another kind's upstream: not the upstream entry
    assert typed_upstream("https://pypi.tuna.tsinghua.edu.cn/simple", "pypi", catalog) is None
    assert typed_upstream("https://pypi.org/simpel", "pypi", catalog) is None
    assert typed_upstream("https://pypi.org/simple", "pytorch", catalog) is None


@pytest.fixture
def upstream(serve, tmp_path):
    """A stand-in PyPI and PyTorch upstream: its index on one host, its files on another, both upstream
    hosts (as pypi.org's pages link to files.pythonhosted.org)."""
    files = serve("files")
    home = serve("upstream")
    pypi_index(home, link_base=files.base)
    files.routes.update({p: r for p, r in home.routes.items() if p.startswith("/packages/")})
    torch_index(home, versions=("2.13.0",))
    hosts = [home.netloc, files.netloc]
    entries = [{"id": "pypi", "kind": "pypi", "name": "PyPI", "url": f"{home.base}/simple", "region": "global",
                "upstream": True, "source": "loopback test server"},
               {"id": "pytorch", "kind": "pytorch", "name": "PyTorch", "url": f"{home.base}/whl",
                "region": "global", "upstream": True, "layout": "pep503", "source": "loopback test server"}]
    kinds = {"pypi": {"upstream_hosts": hosts, "probe_project": "sympy"}, "pytorch": {"upstream_hosts": hosts}}
    return home, load_catalog(write_catalog(tmp_path / "c.yaml", kinds, entries))


def test_the_pypi_upstream_typed_as_a_url_is_accepted(upstream):
    home, catalog = upstream
    for typed in (f"{home.base}/simple", f"{home.base}/simple/"):
        assert chosen_pypi_failure(typed, catalog=catalog, timeout=3) is None
    assert chosen_pypi_failure("pypi", catalog=catalog, timeout=3) is None  # by its id, as before


def test_the_pytorch_upstream_typed_as_a_url_is_accepted(upstream):
    home, catalog = upstream
    for typed in (f"{home.base}/whl", f"{home.base}/whl/", f"{home.base}/whl/cpu"):
        pick = pick_pytorch_index("cpu", "2.13.0", preference=typed, catalog=catalog, timeout=3)
        assert pick.failed is None and "lists torch 2.13.0+cpu" in pick.reason, pick.reason


def test_a_404_is_told_as_a_404_not_as_a_redirect(serve, upstream):
    home, catalog = upstream
    elsewhere = pypi_index(serve("private"))
    for base in (home.base, elsewhere.base):  # on an upstream host or not: nothing redirected
        url, why = chosen_pypi_failure(f"{base}/simpel", catalog=catalog, timeout=3)
        assert url == f"{base}/simpel"
        assert why.startswith("answered 404 Not Found for /simpel/sympy/: not a package index at this address; "
                              "check the path"), why
        assert "redirect" not in why


def test_a_mirror_that_redirects_to_the_upstream_is_still_refused(serve, upstream):
    home, catalog = upstream
    back = serve("redirect-up", routes={"/simple/sympy/": Reply(
        302, headers={"Location": f"{home.base}/simple/sympy/"})})
    url, why = chosen_pypi_failure(f"{back.base}/simple", catalog=catalog, timeout=3)
    assert why.startswith("redirects back to upstream 127.0.0.1: this mirror serves nothing itself here"), why
    # redirected to a page the upstream does not have: the redirect is still what makes it no mirror
    lost = serve("redirect-lost", routes={"/simple/sympy/": Reply(
        302, headers={"Location": f"{home.base}/simpel/sympy/"})})
    assert chosen_pypi_failure(f"{lost.base}/simple", catalog=catalog, timeout=3)[1].startswith("redirects back")
