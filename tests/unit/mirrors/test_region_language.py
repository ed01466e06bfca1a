"""Simplified Chinese chosen for the interface counts toward region `cn` when the timezone says nothing.

Many students in China work on rented GPU containers whose timezone is UTC and whose locale is C: the
timezone and the locale then say nothing, and the one clue left is the language they chose. Real
mirrors on 127.0.0.1: a global PyPI that is down and a mainland one that answers, so which one a run
uses shows which region it went by.
"""

from __future__ import annotations

import json

import pytest
from mirror_servers import Mirror, dead_base, pypi_index, write_catalog

from installer.i18n import chosen_language, set_language
from installer.mirrors.catalog import load_catalog
from installer.mirrors.pick import pick_pypi_index
from installer.mirrors.region import guess_region

NEUTRAL = {"TZ": "UTC", "LANG": "C.UTF-8"}


@pytest.fixture(autouse=True)
def _language_back():
    yield
    set_language("en")


@pytest.mark.parametrize("env,language,region", [
    (NEUTRAL, "zh", "cn"),
    (NEUTRAL, "en", "global"),
    (NEUTRAL, None, "global"),
    ({"TZ": "Europe/Berlin", "LANG": "C.UTF-8"}, "zh", "global"),  # the timezone says where the machine is
    ({"TZ": "UTC", "LANG": "zh_CN.UTF-8"}, "en", "cn"),  # English chosen by a person in China: still cn
    ({**NEUTRAL, "TORCH_SETUP_REGION": "global"}, "zh", "global"),  # the variable settles it
])
def test_the_chosen_language_breaks_a_tie_the_timezone_leaves(env, language, region):
    guess = guess_region(env, language)
    assert guess.region == region, guess.reason


def test_the_reason_says_it_was_the_language():
    assert "Simplified Chinese was chosen" in guess_region(NEUTRAL, "zh").reason


def test_only_a_choice_counts_not_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")  # Chinese messages by default, from a Taiwanese locale
    set_language(None)
    assert chosen_language() is None
    set_language("zh")
    assert chosen_language() == "zh"


@pytest.fixture
def catalog(tmp_path):
    cn = pypi_index(Mirror("cn")).start()
    path = write_catalog(tmp_path / "catalog.yaml", {"pypi": {"upstream_hosts": ["pypi.org"], "probe_project": "sympy"}}, [
        {"id": "loop-pypi", "kind": "pypi", "name": "PyPI (down)", "url": f"{dead_base()}/simple",
         "region": "global", "upstream": True, "source": "a dead port on 127.0.0.1"},
        {"id": "loop-cn-pypi", "kind": "pypi", "name": "Mainland PyPI", "url": f"{cn.base}/simple",
         "region": "cn", "upstream": False, "source": "a server on 127.0.0.1"}])
    yield path
    cn.stop()


@pytest.mark.parametrize("language,picked", [("zh", "loop-cn-pypi"), ("en", None)])
def test_a_plan_picks_the_mirror_of_the_region_the_language_tipped(monkeypatch, catalog, language, picked):
    for var, value in NEUTRAL.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("TORCH_SETUP_REGION", raising=False)
    set_language(language)
    pick = pick_pypi_index(catalog=load_catalog(str(catalog)), read_machine=False, timeout=5)
    assert pick.mirror_id == picked, pick.reason


@pytest.mark.parametrize("lang,region", [(("--lang", "zh"), "cn"), ((), "global"), (("--lang", "en"), "global")])
def test_mirrors_command(cli, tmp_path, catalog, lang, region):
    env = {**NEUTRAL, "LC_ALL": "", "LC_MESSAGES": "", "TORCH_SETUP_REGION": ""}
    result = cli(*lang, "mirrors", "--json", "--catalog", str(catalog), "--kind", "pypi", "--timeout", "5",
                 cwd=tmp_path, env=env)
    assert result.returncode == (0 if region == "cn" else 1), result.stderr  # 1: no PyPI mirror answered
    doc = json.loads(result.stdout)
    assert doc["region"] == region
    probed = {m["id"] for m in doc["mirrors"]}
    assert ("loop-cn-pypi" in probed) == (region == "cn")
