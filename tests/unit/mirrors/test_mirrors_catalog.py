"""The catalog: the shipped one is complete and sourced; a bad one is refused naming file, line, key."""

from __future__ import annotations

import pytest

from installer.errors import InputError
from installer.mirrors import KINDS, load_catalog
from installer.mirrors.urls import check_url, url_problem
from installer.redaction import redact


def test_shipped_catalog_has_every_kind_with_its_upstream():
    catalog = load_catalog()
    for kind in KINDS:
        assert catalog.upstream(kind), f"no upstream for {kind}"
        assert catalog.of_kind(kind)
    assert {m.kind for m in catalog.mirrors} == set(KINDS)


def test_every_entry_names_its_source_and_torch_indexes_their_layout():
    catalog = load_catalog()
    for m in catalog.mirrors:
        assert len(m.source) > 10, m.id
    layouts = {m.id: m.layout for m in catalog.of_kind("pytorch")}
    assert layouts["pytorch"] == "pep503" and layouts["aliyun-pytorch"] == "flat"
    assert layouts["nju-pytorch"] == "pep503" and layouts["sjtu-pytorch"] == "pep503"
    aliyun = catalog.get("aliyun-pytorch")
    assert aliyun is not None and "cu126" in (aliyun.variants or ())


def test_only_the_ubuntu_archive_keeps_plain_http():
    catalog = load_catalog()
    plain = [m.id for m in catalog.mirrors if m.url.startswith("http://")]
    assert plain == ["ubuntu", "ubuntu-ports"]


@pytest.mark.parametrize("url,ok", [
    ("https://pypi.org/simple", True),
    ("http://127.0.0.1:8080/simple", True),
    ("http://localhost/simple", True),
    ("http://[::1]:9000/whl", True),
    ("http://mirrors.aliyun.com/pypi/simple", False),
    ("ftp://example.org/", False),
    ("not a url", False),
])
def test_url_rules(url, ok):
    assert (url_problem(url) is None) is ok


def test_check_url_names_the_key():
    with pytest.raises(InputError) as exc:
        check_url("http://mirrors.example.org/simple", key="mirror.pypi")
    assert exc.value.key == "mirror.pypi"
    assert "plain http is refused" in exc.value.render()


GOOD_ENTRY = """\
  - id: tuna-pypi
    kind: pypi
    name: TUNA
    url: https://pypi.tuna.tsinghua.edu.cn/simple
    region: cn
    source: tuna/mirror-web
"""


@pytest.mark.parametrize("body,line,key,words", [
    (GOOD_ENTRY + "    colour: blue\n", 10, "mirrors[0].colour", "unknown key"),
    (GOOD_ENTRY.replace("    source: tuna/mirror-web\n", ""), 4, "mirrors[0].source", "required"),
    (GOOD_ENTRY.replace("https://pypi.tuna", "http://pypi.tuna"), 7, "mirrors[0].url", "plain http"),
    (GOOD_ENTRY.replace("kind: pypi", "kind: npm"), 5, "mirrors[0].kind", "pypi"),
    (GOOD_ENTRY + GOOD_ENTRY, 10, "mirrors[1].id", "appears twice"),
    (GOOD_ENTRY.replace("kind: pypi", "kind: pytorch"), 4, "mirrors[0]", "layout"),
])
def test_bad_catalog_names_file_line_and_key(tmp_path, body, line, key, words):
    path = tmp_path / "catalog.yaml"
    path.write_text("version: 1\nkinds: {}\nmirrors:\n" + body)
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    err = exc.value
    assert err.file == str(path)
    assert err.line == line, err.render()
    assert err.key == key, err.render()
    assert words in err.render()


def test_bad_yaml_syntax_names_the_line(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("version: 1\nmirrors:\n  - id: [unclosed\n")
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    assert exc.value.file == str(path) and exc.value.line is not None


def test_credentials_never_reach_the_output():
    assert redact("https://user:s3cret@pypi.internal.example:8443/simple/") == \
        "https://***@pypi.internal.example:8443/simple/"
    assert redact("https://pypi.org/simple") == "https://pypi.org/simple"
    assert redact(None) is None


def test_the_http_only_ubuntu_archive_gets_a_reason_not_a_request():
    from installer.mirrors import ProbeContext, probe

    catalog = load_catalog()
    ubuntu = catalog.get("ubuntu")
    assert ubuntu is not None and ubuntu.upstream
    report = probe([ubuntu], catalog=catalog, context=ProbeContext.from_catalog(catalog), timeout=2,
                   include_current=False)
    result = report.results[0]
    assert not result.ok and "plain http only" in result.reason and result.final_url is None
