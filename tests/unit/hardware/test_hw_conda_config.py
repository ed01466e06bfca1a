"""conda's configuration as conda reads it: its search path, and its merge rules.

No conda runs on this machine, so the expectations are conda's documented rules ("Using the .condarc
conda configuration file": the search path, lowest precedence first; lists merge, mappings merge,
plain values clobber) and its code (conda/common/configuration.py: a later source's list items come
first, `#!final` stops the sources after it; CONDA_* variables come after every file).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from installer.hardware import mirror_files


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """A machine under TORCH_SETUP_ROOT with home /home/u and no conda variables of this one."""
    for var in list(os.environ):
        if var.startswith("CONDA") or var.startswith("XDG_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    monkeypatch.setenv("HOME", "/home/u")
    return tmp_path


def _write(tree: Path, path: str, text: str) -> None:
    p = tree / path.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def test_search_path_order(tree, monkeypatch):
    for path in ("/home/u/.condarc", "/etc/conda/condarc.d/10-lab.yaml", "/etc/conda/condarc.d/notes.txt",
                 "/etc/conda/.condarc", "/opt/env/.condarc", "/home/u/.config/conda/condarc",
                 "/home/u/.conda/condarc", "/srv/site.yml", "/srv/myrc", "/var/lib/conda/condarc",
                 "/opt/conda/.condarc"):
        _write(tree, path, "channels: [conda-forge]\n")
    monkeypatch.setenv("CONDA_PREFIX", "/opt/env")
    monkeypatch.setenv("CONDARC", "/srv/site.yml")
    assert mirror_files.condarc_files() == [
        "/etc/conda/.condarc", "/etc/conda/condarc.d/10-lab.yaml", "/var/lib/conda/condarc", "/opt/conda/.condarc",
        "/home/u/.config/conda/condarc", "/home/u/.conda/condarc", "/home/u/.condarc", "/opt/env/.condarc",
        "/srv/site.yml"]
    monkeypatch.setenv("CONDARC", "/srv/myrc")  # conda takes only .condarc, condarc or a YAML name
    assert "/srv/myrc" not in mirror_files.condarc_files()


def test_merge_rules(tree):
    _write(tree, "/etc/conda/.condarc", "channels: [defaults, conda-forge]\nchannel_alias: https://a.example/anaconda\n"
                                        "custom_channels:\n  conda-forge: https://sys.example/cloud\n"
                                        "  pytorch: https://sys.example/cloud\n")
    _write(tree, "/home/u/.condarc", "channels:\n  - https://u.example/conda-forge\n  - conda-forge\n"
                                     "channel_alias: https://b.example/anaconda\n"
                                     "custom_channels:\n  conda-forge: https://user.example/cloud\n")
    conda = mirror_files.conda_config()
    # the later file's items first, then the earlier file's that are not there yet
    assert conda["channels"] == ["https://u.example/conda-forge", "conda-forge", "defaults"]
    assert conda["channel_alias"] == "https://b.example/anaconda"
    assert conda["custom_channels"] == {"conda-forge": "https://user.example/cloud", "pytorch": "https://sys.example/cloud"}
    assert conda["sources"] == {"channels": "/home/u/.condarc", "channel_alias": "/home/u/.condarc",
                                "custom_channels.conda-forge": "/home/u/.condarc",
                                "custom_channels.pytorch": "/etc/conda/.condarc"}


def test_final_in_a_system_file_locks_the_setting(tree):
    _write(tree, "/etc/conda/.condarc", "channels: #!final\n  - https://lab.example/conda-forge\n"
                                        "channel_alias: https://lab.example/anaconda\n")
    _write(tree, "/home/u/.condarc", "channels: [conda-forge]\nchannel_alias: https://mine.example/anaconda\n")
    conda = mirror_files.conda_config()
    assert conda["channels"] == ["https://lab.example/conda-forge"]
    assert conda["channel_alias"] == "https://mine.example/anaconda"  # not locked: the later file wins


def test_variables_come_after_every_file(tree, monkeypatch):
    _write(tree, "/home/u/.condarc", "channels: [conda-forge]\nchannel_alias: https://file.example/anaconda\n")
    monkeypatch.setenv("CONDA_CHANNELS", "https://var.example/conda-forge, defaults")
    monkeypatch.setenv("CONDA_CHANNEL_ALIAS", "https://var.example/anaconda")
    conda = mirror_files.conda_config()
    assert conda["channels"] == ["https://var.example/conda-forge", "defaults", "conda-forge"]
    assert conda["channel_alias"] == "https://var.example/anaconda"
    assert conda["sources"]["channel_alias"] == "CONDA_CHANNEL_ALIAS"
    assert conda["files"] == ["/home/u/.condarc"]


def test_variables_in_values_are_expanded(tree, monkeypatch):
    monkeypatch.setenv("MIRROR", "https://env.example")
    _write(tree, "/home/u/.condarc", "custom_channels:\n  conda-forge: ${MIRROR}/cloud\n")
    assert mirror_files.conda_config()["custom_channels"] == {"conda-forge": "https://env.example/cloud"}


def test_a_broken_file_is_skipped_not_fatal(tree):
    _write(tree, "/etc/conda/.condarc", "channels: [unclosed\n")
    _write(tree, "/home/u/.condarc", "channels: [conda-forge]\n")
    conda = mirror_files.conda_config()
    assert conda["channels"] == ["conda-forge"] and conda["files"] == ["/home/u/.condarc"]


def test_no_conda_settings_at_all(tree):
    assert mirror_files.conda_config() == {"channels": [], "default_channels": [], "channel_alias": None,
                                           "custom_channels": {}, "files": [], "sources": {}}
