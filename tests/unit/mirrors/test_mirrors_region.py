"""The cn / global default, from the timezone first and the locale second."""

from __future__ import annotations

import os

import pytest

from installer.mirrors.region import guess_region, resolve_region


@pytest.mark.parametrize("env,region", [
    ({"TZ": "Asia/Shanghai", "LANG": "en_US.UTF-8"}, "cn"),
    ({"TZ": ":/usr/share/zoneinfo/Asia/Urumqi"}, "cn"),
    ({"TZ": "Europe/Berlin", "LANG": "zh_CN.UTF-8"}, "global"),  # a Chinese speaker abroad
    ({"TZ": "Asia/Hong_Kong", "LANG": "zh_HK.UTF-8"}, "global"),
    ({"TZ": "UTC", "LANG": "zh_CN.UTF-8"}, "cn"),  # a UTC server: the locale breaks the tie
    ({"TZ": "UTC", "LANG": "C.UTF-8"}, "global"),
    ({"TZ": "Asia/Shanghai", "TORCH_SETUP_REGION": "global"}, "global"),
])
def test_region_from_environment(env, region):
    guess = guess_region(env)
    assert guess.region == region, guess.reason
    assert guess.reason


def test_timezone_files_under_the_root(tmp_path, monkeypatch):
    etc = tmp_path / "etc"
    etc.mkdir()
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    os.symlink("/usr/share/zoneinfo/Asia/Shanghai", etc / "localtime")
    guess = guess_region({"LANG": "C"})
    assert guess.region == "cn" and "/etc/localtime" in guess.reason
    (etc / "timezone").write_text("America/New_York\n")
    guess = guess_region({"LANG": "zh_CN.UTF-8"})
    assert guess.region == "global" and "America/New_York" in guess.reason


def test_resolve_keeps_an_explicit_choice():
    assert resolve_region("cn", {"TZ": "Europe/Paris"}) == "cn"
    assert resolve_region("auto", {"TZ": "Asia/Shanghai"}) == "cn"
    assert resolve_region(None, {"TZ": "Europe/Paris"}) == "global"
