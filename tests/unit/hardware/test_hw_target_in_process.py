"""When the target is the interpreter running torch-setup, its facts are read in-process: the same
answer the `python -c` script gives, without starting a second Python."""

from __future__ import annotations

import os
import sys
import venv
from pathlib import Path

from installer.hardware import run, target_python


def _fake_dist(site: Path, name: str, version: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n")
    (info / "INSTALLER").write_text("uv\n")


def test_in_process_equals_the_subprocess(tmp_path, monkeypatch):
    for var in list(os.environ):
        if var.startswith(("PIP_", "XDG_")):
            monkeypatch.delenv(var)
    home = tmp_path / "home"
    (home / ".config" / "pip").mkdir(parents=True)
    (home / ".config" / "pip" / "pip.conf").write_text("[global]\nindex-url = https://user.example/simple\n"
                                                       "[install]\nfind-links = /srv/w\n")
    (tmp_path / "xdg" / "pip").mkdir(parents=True)
    (tmp_path / "xdg" / "pip" / "pip.conf").write_text("[global]\nextra-index-url = https://g.example/simple\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))
    monkeypatch.setenv("PIP_TRUSTED_HOST", "user.example")
    site = tmp_path / "site"
    _fake_dist(site, "torch", "2.13.0+cpu")
    # a `python -c` child has '' then PYTHONPATH first; this process has its own first entry, then the same
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.setattr(sys, "path", [sys.path[0], str(site), *sys.path[1:]])

    started = target_python.start(None)
    assert isinstance(started, target_python.InProcess)
    here = target_python.collect(started)
    child = target_python.collect(run.start([sys.executable, "-c", target_python.SCRIPT]))
    assert here is not None and here == child
    assert here["packages"]["torch"]["version"] == "2.13.0+cpu"
    mine = [f for f in here["pip_config"]["loaded"] if f.startswith(str(tmp_path))]  # /etc/pip.conf may be there too
    assert mine == [str(tmp_path / "xdg" / "pip" / "pip.conf"), str(home / ".config" / "pip" / "pip.conf")]
    assert target_python.pip_config(here) == target_python.pip_config_here()


def test_the_same_interpreter_by_path_is_read_in_process():
    assert isinstance(target_python.start(sys.executable), target_python.InProcess)
    assert target_python.is_this_interpreter(os.path.join(os.path.dirname(sys.executable), ".", "python3")) \
        == os.path.exists(os.path.join(os.path.dirname(sys.executable), "python3"))


def test_a_venv_on_the_same_binary_is_another_interpreter(tmp_path):
    """A venv's python is a symlink to the base binary: the same file, yet another sys.prefix."""
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(target)
    python = str(target / "bin" / "python")
    assert os.path.samefile(python, os.path.realpath(sys.executable))
    assert not target_python.is_this_interpreter(python)
    started = target_python.start(python)
    assert not isinstance(started, target_python.InProcess)
    facts = target_python.collect(started)
    assert facts is not None and facts["prefix"] == str(target)


def test_asking_pip_keeps_pip_out_of_this_process(monkeypatch):
    monkeypatch.setenv("TORCH_SETUP_ASK_PIP", "1")
    started = target_python.start(None)
    assert not isinstance(started, target_python.InProcess)
    assert target_python.collect(started) is not None
