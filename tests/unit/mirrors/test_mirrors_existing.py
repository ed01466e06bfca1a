"""The configuration already on the machine is found, offered as a candidate, and kept by default."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mirror_servers import pypi_index, write_catalog

from installer.mirrors import ProbeContext, load_catalog, probe
from installer.mirrors.existing import current_as_mirrors, current_config


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    for var in list(os.environ):
        if var.startswith(("PIP_", "UV_", "CONDA")) or var == "VIRTUAL_ENV":
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    # keep /etc/pip.conf of this machine out of the picture: PIP_CONFIG_FILE is read first, the rest later
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
    assert cfg.conda_forge == "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge"
    ids = [m.id for m in current_as_mirrors()]
    assert ids == ["current-pip", "current-uv", "current-conda"]


def test_environment_wins_and_devnull_disables_files(home, monkeypatch):
    _write(home / ".config" / "pip" / "pip.conf", "[global]\nindex-url = https://files.example/simple\n")
    monkeypatch.setenv("PIP_INDEX_URL", "https://env.example/simple")
    assert current_config().pip_index == "https://env.example/simple"
    monkeypatch.delenv("PIP_INDEX_URL")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    assert current_config().pip_index is None


def test_pip_config_list_is_asked(home, monkeypatch):
    conf = home / "custom.conf"
    _write(conf, "[global]\nindex-url = https://listed.example/simple\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    cfg = current_config(ask_pip=True)
    assert cfg.pip_index == "https://listed.example/simple"


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
    assert "t0ken-123" not in text and "***@127.0.0.1" in text
