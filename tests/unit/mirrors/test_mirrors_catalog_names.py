"""Every mirror has a Chinese name, with where it was read; the loader checks both; the Chinese messages
use it wherever a mirror is named, and `mirrors --json` stays as it was (ids, no new key)."""

from __future__ import annotations

import re

import pytest

from installer.errors import InputError
from installer.i18n import set_language
from installer.mirrors import load_catalog
from installer.mirrors.catalog import shown_name
from installer.mirrors.pick import pick_mirror, pick_pypi_index
from installer.mirrors.probing import MirrorResult, ProbeReport
from installer.mirrors.table import render_table

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese():
    set_language("zh")
    yield
    set_language("en")


def test_every_shipped_mirror_has_a_chinese_name_and_its_source():
    catalog = load_catalog()
    for m in catalog.mirrors:
        assert m.name_zh and HAN.search(m.name_zh), m.id
        assert m.name_zh != m.name, m.id
        assert m.name_zh_source and m.name_zh_source.startswith("https://"), m.id
        assert m.source and len(m.source) > 10, m.id  # the row's own source is kept beside it
    names = {m.id: m.name_zh for m in catalog.mirrors}
    assert names["tuna-pypi"] == "清华大学 TUNA" and names["ustc-conda"] == "中国科学技术大学 USTC"
    assert names["aliyun-pypi"] == "阿里云" and names["bfsu-pypi"] == "北京外国语大学 BFSU"
    assert "官方" in (names["pypi"] or "") and "官方" in (names["pytorch"] or "")


def test_the_name_shown_follows_the_language():
    tuna = load_catalog().get("tuna-pypi")
    assert tuna is not None
    assert tuna.shown_name("zh") == "清华大学 TUNA" and tuna.shown_name("en") == "TUNA (Tsinghua)"
    assert shown_name("Loopback", None, "zh") == "Loopback"  # a catalog of one's own may have none


ENTRY = """\
version: 1
kinds: {}
mirrors:
  - id: tuna-pypi
    kind: pypi
    name: TUNA
    url: https://pypi.tuna.tsinghua.edu.cn/simple
    region: cn
    source: tuna/mirror-web
"""


def test_a_catalog_without_chinese_names_still_loads(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(ENTRY)
    assert load_catalog(path).mirrors[0].name_zh is None


@pytest.mark.parametrize("extra,line,key,words", [
    ("    name_zh: 清华大学 TUNA\n", 4, "mirrors[0].name_zh_source", "go together"),
    ("    name_zh_source: https://mirrors.tuna.tsinghua.edu.cn/\n", 10, "mirrors[0].name_zh_source", "go together"),
    ("    name_zh: TUNA (Tsinghua)\n    name_zh_source: https://mirrors.tuna.tsinghua.edu.cn/\n", 10,
     "mirrors[0].name_zh", "Chinese characters"),
    ('    name_zh: "清华大学\\nTUNA"\n    name_zh_source: https://mirrors.tuna.tsinghua.edu.cn/\n', 10,
     "mirrors[0].name_zh", "one line"),
    ("    name_zh: 清华大学 TUNA\n    name_zh_source: x\n", 11, "mirrors[0].name_zh_source", "at least 3"),
])
def test_the_loader_checks_the_chinese_name(tmp_path, extra, line, key, words):
    path = tmp_path / "catalog.yaml"
    path.write_text(ENTRY + extra, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    err = exc.value
    assert (err.line, err.key) == (line, key), err.render()
    assert words in err.render()


def _report() -> ProbeReport:
    results = [MirrorResult(id="bfsu-pypi", kind="pypi", name="BFSU", name_zh="北京外国语大学 BFSU",
                            url="https://mirrors.bfsu.edu.cn/pypi/web/simple", region="cn", ok=True,
                            latency_ms=20.0, final_url="https://mirrors.bfsu.edu.cn/pypi/web/simple", fresh=True)]
    return ProbeReport(results=results, elapsed_s=0.1, context=None, timeout=10.0)  # type: ignore[arg-type]


def test_the_chinese_table_names_each_mirror_and_the_english_one_keeps_its_columns(chinese):
    zh = render_table(_report())
    assert "名称" in zh and "北京外国语大学 BFSU" in zh and "bfsu-pypi" in zh
    set_language("en")
    en = render_table(_report())
    assert "BFSU " not in en and "name" not in en.splitlines()[1] and "bfsu-pypi" in en


def test_the_json_contract_is_unchanged_by_the_chinese_name(chinese):
    row = _report().results[0].to_dict()
    assert "name_zh" not in row and row["id"] == "bfsu-pypi" and row["name"] == "BFSU"


def test_a_mirror_chosen_by_hand_is_named_in_chinese(chinese):
    assert pick_pypi_index(preference="bfsu-pypi").reason == "北京外国语大学 BFSU，手动选择"
    assert pick_mirror("conda", preference="ustc-conda").reason.startswith("中国科学技术大学 USTC")
