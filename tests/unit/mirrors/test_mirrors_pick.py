"""pick_pytorch_index: by hand, off, or by probing; never stuck, never silent about why."""

from __future__ import annotations

import time

import pytest
from mirror_servers import PORTAL, Reply, conda_channel, dead_base, pypi_index, torch_index, write_catalog

from installer.errors import InputError
from installer.mirrors import load_catalog, pick_mirror, pick_pypi_index, pick_pytorch_index


def _entry(mid, base, *, layout="pep503", upstream=False, region="cn", variants=None):
    e = {"id": mid, "kind": "pytorch", "name": mid.upper(), "url": f"{base}/whl", "region": region,
         "upstream": upstream, "layout": layout, "source": "loopback test server"}
    if variants:
        e["variants"] = variants
    return e


@pytest.fixture
def catalog(serve, tmp_path):
    upstream = torch_index(serve("upstream", delay=0.2))
    near = torch_index(serve("near"))
    flat = torch_index(serve("flat"), layout="flat")
    entries = [_entry("upstream", upstream.base, upstream=True, region="global"),
               _entry("near", near.base), _entry("flat-cn", flat.base, layout="flat", variants=["cpu"])]
    return load_catalog(write_catalog(tmp_path / "c.yaml", {"pytorch": {"upstream_hosts": [upstream.netloc]}},
                                      entries))


def test_auto_picks_the_best_live_index_of_the_region(catalog):
    pick = pick_pytorch_index("cpu", "2.13.0", region="cn", catalog=catalog, timeout=5)
    assert pick.mirror_id in ("near", "flat-cn") and pick.url.endswith("/whl/cpu")
    assert "2.13.0+cpu" in pick.reason
    assert pick.layout == ("flat" if pick.mirror_id == "flat-cn" else "pep503")


def test_auto_outside_the_region_keeps_to_upstream(catalog):
    pick = pick_pytorch_index("cpu", "2.13.0", region="global", catalog=catalog, timeout=5)
    assert pick.mirror_id == "upstream" and pick.layout == "pep503"


def test_auto_skips_an_index_without_the_version(catalog):
    pick = pick_pytorch_index("cpu", "2.99.0", region="cn", catalog=catalog, timeout=5)
    assert pick.url is None
    assert "does not list torch 2.99.0+cpu" in pick.reason


def test_none_and_default_variant():
    assert pick_pytorch_index("cu126", "2.13.0", preference="none").url is None
    pick = pick_pytorch_index("", "2.13.0")
    assert pick.url is None and "PyPI" in pick.reason


def test_by_id(catalog):
    pick = pick_pytorch_index("cpu", "2.13.0", preference="flat-cn", catalog=catalog)
    assert pick.layout == "flat" and pick.url.endswith("/whl/cpu") and pick.mirror_id == "flat-cn"
    with pytest.raises(InputError) as exc:
        pick_pytorch_index("cu126", "2.13.0", preference="flat-cn", catalog=catalog)
    assert exc.value.key == "mirror.pytorch" and "does not carry the cu126" in exc.value.render()
    with pytest.raises(InputError) as exc:
        pick_pytorch_index("cpu", "2.13.0", preference="no-such-mirror", catalog=catalog)
    assert "near" in exc.value.render()  # the hint lists the ids


def test_by_url(serve, catalog):
    flat = torch_index(serve("flat2"), layout="flat")
    pick = pick_pytorch_index("cpu", "2.13.0", preference=f"{flat.base}/whl", catalog=catalog, timeout=3)
    assert pick.url == f"{flat.base}/whl/cpu" and pick.layout == "flat"
    pick = pick_pytorch_index("cpu", "2.13.0", preference=f"{flat.base}/whl/cpu/", catalog=catalog, timeout=3)
    assert pick.url == f"{flat.base}/whl/cpu"
    dead = dead_base()
    pick = pick_pytorch_index("cpu", "2.13.0", preference=f"{dead}/whl", catalog=catalog, timeout=3)
    assert pick.url == f"{dead}/whl/cpu" and "connection refused" in pick.reason  # kept: the user chose it
    with pytest.raises(InputError) as exc:
        pick_pytorch_index("cpu", "2.13.0", preference="http://mirror.example.org/whl", catalog=catalog)
    assert "plain http" in exc.value.render()


def test_nothing_answers_gives_none_within_the_timeout(serve, tmp_path):
    hung1 = serve("hung1", hang=True)
    hung2 = serve("hung2", hang=True)
    portal = serve("portal", fallback=Reply(200, PORTAL))
    entries = [_entry("up", dead_base(), upstream=True, region="global"), _entry("hung1", hung1.base),
               _entry("hung2", hung2.base), _entry("portal", portal.base)]
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {}, entries))
    t0 = time.monotonic()
    pick = pick_pytorch_index("cu126", "2.13.0", region="cn", catalog=catalog, timeout=1.0)
    took = time.monotonic() - t0
    assert pick.url is None
    assert took < 1.6, took  # concurrent: one timeout, not the sum of three
    # each mirror named once; the two that hung failed the same way, and are told together
    assert "up: connection refused" in pick.reason
    assert "hung1, hung2: too slow" in pick.reason and pick.reason.count("too slow") == 1
    assert "portal: answered 200 with an HTML page" in pick.reason


def test_mirrors_no_name_resolves_for_are_told_in_one_breath(serve, tmp_path, monkeypatch):
    """An offline machine: every host fails its DNS lookup; one reason, each mirror and host named once."""
    import socket

    from installer.mirrors import dns

    real = dns._getaddrinfo

    async def resolve(host, port):
        if host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return await real(host, port)

    monkeypatch.setattr(dns, "_getaddrinfo", resolve)
    hung = serve("hung", hang=True)
    entries = [_entry("up", "https://download.pytorch.invalid", upstream=True, region="global"),
               _entry("nju", "https://mirrors.nju.invalid/pytorch"), _entry("sjtu", "https://mirror.sjtu.invalid"),
               _entry("hung", hung.base)]
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {}, entries))
    pick = pick_pytorch_index("cu126", "2.13.0", region="cn", catalog=catalog, timeout=1.0)
    assert pick.url is None
    assert ("up, nju, sjtu: DNS lookup failed for download.pytorch.invalid, mirrors.nju.invalid, "
            "mirror.sjtu.invalid: no route to this mirror from here") in pick.reason
    assert pick.reason.count("DNS lookup failed") == 1
    assert "; hung: too slow" in pick.reason


def test_pypi_pick_respects_the_existing_configuration(serve, tmp_path, monkeypatch):
    mirror = pypi_index(serve("m"))
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"pypi": {"probe_project": "sympy"}}, [
        {"id": "up", "kind": "pypi", "name": "UP", "url": f"{dead_base()}/simple", "region": "global",
         "upstream": True, "source": "loopback"},
        {"id": "m", "kind": "pypi", "name": "M", "url": f"{mirror.base}/simple", "region": "cn", "source": "loopback"}]))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "none.conf"))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    pick = pick_pypi_index(region="cn", catalog=catalog, timeout=3)
    assert pick.url == f"{mirror.base}/simple" and pick.mirror_id == "m"
    monkeypatch.setenv("PIP_INDEX_URL", "https://pypi.example.org/simple")
    pick = pick_pypi_index(region="cn", catalog=catalog, timeout=3)
    assert pick.url is None and "https://pypi.example.org/simple" in pick.reason and "kept" in pick.reason


def test_pick_mirror_for_conda(serve, tmp_path, monkeypatch):
    now = time.time()
    up = conda_channel(serve("up", delay=0.3, rate=2e6), modified=now)  # slower to answer and to send
    near = conda_channel(serve("near"), modified=now - 600, prefix="/anaconda/cloud/conda-forge")
    old = conda_channel(serve("old"), modified=now - 9 * 86400, prefix="/anaconda/cloud/conda-forge")
    entries = [{"id": "up", "kind": "conda", "name": "UP", "url": f"{up.base}/conda-forge", "region": "global",
                "upstream": True, "condarc": "upstream", "source": "loopback"},
               {"id": "near", "kind": "conda", "name": "NEAR", "url": f"{near.base}/anaconda/cloud/conda-forge",
                "region": "cn", "condarc": "anaconda", "source": "loopback"},
               {"id": "old", "kind": "conda", "name": "OLD", "url": f"{old.base}/anaconda/cloud/conda-forge",
                "region": "cn", "condarc": "anaconda", "source": "loopback"}]
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"conda": {"upstream_hosts": [up.netloc]}}, entries))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CONDARC", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    pick = pick_mirror("conda", region="cn", catalog=catalog, timeout=5)
    assert pick.mirror_id == "near" and pick.condarc == "anaconda"
    assert pick_mirror("conda", region="cn", preference="old", catalog=catalog).url.endswith("/conda-forge")
    (tmp_path / ".condarc").write_text(f"custom_channels:\n  conda-forge: {near.base}/anaconda/cloud\n")
    kept = pick_mirror("conda", region="cn", catalog=catalog, timeout=5)
    assert kept.url is None and "kept" in kept.reason
    with pytest.raises(InputError) as exc:
        pick_mirror("conda", preference="near-pypi", catalog=catalog)
    assert exc.value.key == "mirror.conda"
    with pytest.raises(ValueError):
        pick_mirror("pytorch")


def test_mirrors_told_together_are_listed_in_the_languages_way(zh):
    """Chinese lists with the enumeration comma: a reason read "pytorch, nju-pytorch, sjtu-pytorch：" (a trial)."""
    from installer.mirrors.reasons import grouped_failures

    told = grouped_failures([("up", "https://download.pytorch.invalid/whl", "download.pytorch.invalid 的 DNS 查询失败"),
                             ("nju", "https://mirrors.nju.invalid/pytorch", "mirrors.nju.invalid 的 DNS 查询失败")])
    assert told == [("up、nju", "download.pytorch.invalid、mirrors.nju.invalid 的 DNS 查询失败")]
