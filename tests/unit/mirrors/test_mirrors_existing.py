"""The configuration already on the machine is found, offered as a candidate, and kept by default.

The mirrors code reads no file itself: it uses a report's mirror_config, or detection's readers on
this machine (installer.hardware), so what `mirrors` shows is what `detect` reports.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mirror_servers import pypi_index, write_catalog

from installer.hardware import mirror_files
from installer.hardware.report import MirrorConfig
from installer.mirrors import ProbeContext, load_catalog, probe
from installer.mirrors.existing import conda_forge_url, current_config, current_pip_index


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    for var in list(os.environ):
        if var.startswith(("PIP_", "UV_", "CONDA", "XDG_")) or var == "VIRTUAL_ENV":
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    # this machine's /etc/xdg/pip/pip.conf and /etc/xdg/uv/uv.toml stay out of the picture
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))
    return tmp_path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_pip_uv_conda_files_are_found(home):
    _write(home / ".config" / "pip" / "pip.conf", "[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple/\n"
           "extra-index-url = https://a.example/simple https://b.example/simple\n")
    _write(home / ".config" / "uv" / "uv.toml", '[[index]]\nurl = "https://pypi.tuna.tsinghua.edu.cn/simple"\n'
           "default = true\n")
    _write(home / ".condarc", "custom_channels:\n  conda-forge: https://mirrors.ustc.edu.cn/anaconda/cloud\n")
    cfg = current_config()
    assert cfg.pip_index == "https://mirrors.aliyun.com/pypi/simple/"
    assert cfg.pip_source == str(home / ".config" / "pip" / "pip.conf")
    assert cfg.pip_extra == ["https://a.example/simple", "https://b.example/simple"]
    assert cfg.uv_index == "https://pypi.tuna.tsinghua.edu.cn/simple"
    assert cfg.uv_source == str(home / ".config" / "uv" / "uv.toml")
    assert cfg.conda_forge == "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge"
    assert cfg.conda_source == str(home / ".condarc")
    assert [m.id for m in cfg.as_mirrors()] == ["current-pip", "current-uv", "current-conda"]
    assert [m.id for m in cfg.as_mirrors(["conda"])] == ["current-conda"]


def test_pip_config_file_beats_the_users_file(home, monkeypatch):
    """pip loads PIP_CONFIG_FILE last, over every other file (and then skips the user's files)."""
    _write(home / ".config" / "pip" / "pip.conf", "[global]\nindex-url = https://user.example/simple\n")
    _write(home / "team.conf", "[global]\nindex-url = https://team.example/simple\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(home / "team.conf"))
    cfg = current_config()
    assert cfg.pip_index == "https://team.example/simple" == current_pip_index()
    assert cfg.pip_source == str(home / "team.conf")


def test_environment_wins_and_devnull_disables_files(home, monkeypatch):
    _write(home / ".config" / "pip" / "pip.conf", "[global]\nindex-url = https://files.example/simple\n")
    monkeypatch.setenv("PIP_INDEX_URL", "https://env.example/simple")
    cfg = current_config()
    assert (cfg.pip_index, cfg.pip_source) == ("https://env.example/simple", "PIP_INDEX_URL")
    monkeypatch.delenv("PIP_INDEX_URL")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    assert current_config().pip_index is None


def test_the_same_answer_as_detection(home):
    """One reader: the mirrors code's view of this machine is detection's mirror_config, field by field."""
    from installer.hardware import detect

    _write(home / ".config" / "pip" / "pip.conf", "[install]\nindex-url = https://p.example/simple\n")
    _write(home / ".config" / "uv" / "uv.toml", 'index-url = "https://u.example/simple"\n')
    _write(home / ".conda" / "condarc", "channel_alias: https://c.example/anaconda\n")
    report = detect()
    assert MirrorConfig.model_validate(mirror_files.this_machine()) == report.mirror_config
    assert current_config(report.mirror_config) == current_config()
    assert current_config().conda_forge == "https://c.example/anaconda/conda-forge"


def test_a_report_is_used_as_it_is(home):
    """A plan for another machine: its report's configuration counts, not this machine's files."""
    _write(home / ".config" / "pip" / "pip.conf", "[global]\nindex-url = https://here.example/simple\n")
    theirs = MirrorConfig.model_validate({
        "pip": {"index_url": "https://there.example/simple", "sources": {"index_url": "/etc/pip.conf"}},
        "uv": {"index_url": "https://uv.there.example/simple", "sources": {"index_url": "UV_DEFAULT_INDEX"}},
        "conda": {"channels": ["https://conda.there.example/conda-forge"], "sources": {"channels": "/etc/conda/.condarc"}},
    })
    cfg = current_config(theirs)
    assert (cfg.pip_index, cfg.pip_source) == ("https://there.example/simple", "/etc/pip.conf")
    assert (cfg.uv_index, cfg.uv_source) == ("https://uv.there.example/simple", "UV_DEFAULT_INDEX")
    assert (cfg.conda_forge, cfg.conda_source) == ("https://conda.there.example/conda-forge", "/etc/conda/.condarc")


@pytest.mark.parametrize(("conda", "expected"), [
    ({}, None),
    ({"channel_alias": "https://conda.anaconda.org/"}, None),  # conda's own default is no mirror
    ({"channel_alias": "https://m.example/anaconda"}, "https://m.example/anaconda/conda-forge"),
    ({"channels": ["conda-forge", "https://m.example/x/conda-forge/"], "channel_alias": "https://a.example/c"},
     "https://m.example/x/conda-forge"),
    ({"custom_channels": {"conda-forge": "https://m.example/cloud/"}, "channels": ["https://o.example/conda-forge"]},
     "https://m.example/cloud/conda-forge"),
])
def test_where_conda_forge_comes_from(conda, expected):
    assert conda_forge_url(MirrorConfig.model_validate({"conda": conda}).conda)[0] == expected


def test_configured_mirror_is_probed_and_marked(home, serve, tmp_path):
    mine = pypi_index(serve("mine"))
    _write(home / ".config" / "pip" / "pip.conf", f"[global]\nindex-url = {mine.base}/simple\n")
    _write(home / ".config" / "uv" / "uv.toml", 'index-url = "http://pypi.example.org/simple"\n')
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"pypi": {"probe_project": "sympy"}}, []))
    report = probe(catalog=catalog, context=ProbeContext.from_catalog(catalog), kinds=["pypi"], timeout=5)
    by_id = {r.id: r for r in report.results}
    assert by_id["current-pip"].ok and by_id["current-pip"].current
    # a plain-http index someone configured is shown, and refused with the reason
    assert not by_id["current-uv"].ok and "plain http is refused" in by_id["current-uv"].reason


def test_a_private_index_token_stays_out_of_the_report(home, serve, tmp_path):
    mine = pypi_index(serve("private"))
    private = mine.base.replace("http://", "http://deploy:t0ken-123@") + "/simple"
    _write(home / ".config" / "pip" / "pip.conf", f"[global]\nindex-url = {private}\n")
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"pypi": {"probe_project": "sympy"}}, []))
    report = probe(catalog=catalog, context=ProbeContext.from_catalog(catalog), kinds=["pypi"], timeout=5)
    assert report.results[0].ok
    text = json.dumps(report.to_dict()) + json.dumps(current_config().to_dict())
    assert "t0ken-123" not in text and "deploy" not in text and "***@127.0.0.1" in text


def test_the_wizard_reads_the_configuration_once_for_every_kind(home, serve, tmp_path, monkeypatch):
    """Each kind is probed in a thread of its own; the files on the machine are read once, and each
    kind's probe still marks the mirror this machine is configured for."""
    from installer.mirrors import existing
    from installer.tui.engine import Engine

    mine = pypi_index(serve("mine"))
    _write(home / ".config" / "pip" / "pip.conf", f"[global]\nindex-url = {mine.base}/simple\n")
    reads = []
    real = existing.current_config
    monkeypatch.setattr(existing, "current_config", lambda mc=None: reads.append(1) or real(mc))
    catalog = write_catalog(tmp_path / "c.yaml", {"pypi": {"probe_project": "sympy"}}, [])
    rows = Engine(catalog=str(catalog), probe_timeout=5).probe_mirrors(kinds=("pypi", "conda", "apt"), region=None)
    assert len(reads) == 1
    assert any(r["id"] == "current-pip" and r["ok"] and r["current"] for r in rows)
