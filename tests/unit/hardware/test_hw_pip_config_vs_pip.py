"""Our reading of pip's configuration equals pip's own answer, layout by layout.

The target is a real venv; pip itself (this checkout's, put on the venv's path) parses `pip install`'s
options in the same environment, and its log says which files it loads, in order. Our side runs the
target script in that venv as detection does, then applies pip's precedence on the host.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import venv
from pathlib import Path

import pytest

from installer.hardware import target_python

PIP_HOME = str(Path(importlib.util.find_spec("pip").origin).parent.parent)  # type: ignore[arg-type,union-attr]
PYPI = "https://pypi.org/simple"

# What `pip install` ends up with, and the files pip tried, in its order (its verbose log says so)
ORACLE = r"""
import json, logging, re
tried = []
class Tried(logging.Handler):
    def emit(self, record):
        m = re.match(r"For variant '(\w+)', will try loading '(.*)'$", record.getMessage())
        if m:
            tried.append(m.group(2))
from pip._internal.commands import create_command  # first: pip installs its own logger class
log = logging.getLogger("pip._internal.configuration")
log.setLevel(1)
log.addHandler(Tried())
opts, _ = create_command("install").parse_args([])
print(json.dumps({"index_url": opts.index_url, "extra_index_urls": opts.extra_index_urls,
                  "find_links": opts.find_links, "trusted_hosts": opts.trusted_hosts,
                  "no_index": opts.no_index, "tried": tried}))
"""


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("target") / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    return folder


class Layout:
    """A home, two global folders, a venv and an env file, each with an optional pip.conf."""

    def __init__(self, base: Path, venv_dir: Path) -> None:
        self.base, self.venv = base, venv_dir
        self.paths = {
            "global1": base / "xdg1" / "pip" / "pip.conf", "global2": base / "xdg2" / "pip" / "pip.conf",
            "legacy": base / "home" / ".pip" / "pip.conf", "user": base / "home" / ".config" / "pip" / "pip.conf",
            "site": venv_dir / "pip.conf", "envfile": base / "env.conf",
        }
        (base / "home").mkdir(parents=True, exist_ok=True)

    def write(self, files: dict[str, str]) -> None:
        for path in self.paths.values():
            path.unlink(missing_ok=True)  # the venv (and its site file) is shared by the layouts
        for name, text in files.items():
            self.paths[name].parent.mkdir(parents=True, exist_ok=True)
            self.paths[name].write_text(text)

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PIP_", "XDG_", "VIRTUAL_ENV", "PYTHON", "TORCH_SETUP_"))}
        env.update({"HOME": str(self.base / "home"), "XDG_CONFIG_HOME": str(self.base / "home" / ".config"),
                    "XDG_CONFIG_DIRS": f"{self.base / 'xdg1'}:{self.base / 'xdg2'}",
                    "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
        env.update({k: v.replace("{envfile}", str(self.paths["envfile"])) for k, v in extra.items()})
        return env


def _ours(python: Path, env: dict[str, str]) -> tuple[dict, list[str]]:
    out = subprocess.run([str(python), "-c", target_python.SCRIPT], env=env, capture_output=True, text=True,
                         timeout=60, check=True)
    facts = json.loads(out.stdout)
    return target_python.pip_config(facts, environ=env), facts["pip_config"]["files"]


def _pips(python: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([str(python), "-c", ORACLE], env={**env, "PYTHONPATH": PIP_HOME}, capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


G = "[global]\nindex-url = https://global.example/simple\nextra-index-url = https://gx1.example/simple https://gx2.example/simple\n"
USER = "[global]\nindex-url = https://user.example/simple\nfind-links = /srv/user-wheels\n"
SITE = "[global]\nindex-url = https://site.example/simple\n"
ENVFILE = "[global]\nindex-url = https://envfile.example/simple\ntrusted-host = envfile.example\n"

LAYOUTS = {
    "global only": ({"global1": G}, {}),
    "the later global folder wins": ({"global1": G, "global2": "[global]\nindex-url = https://g2.example/simple\n"}, {}),
    "legacy user file over global": ({"global1": G, "legacy": "[global]\nindex-url = https://legacy.example/simple\n"}, {}),
    "XDG user file over the legacy one": ({"legacy": "[global]\nindex-url = https://legacy.example/simple\n",
                                           "user": USER}, {}),
    "site file over user": ({"user": USER, "site": SITE}, {}),
    "PIP_CONFIG_FILE over every file, user files skipped": (
        {"global1": G, "user": USER, "site": SITE, "envfile": ENVFILE}, {"PIP_CONFIG_FILE": "{envfile}"}),
    "a missing PIP_CONFIG_FILE keeps the user files": ({"user": USER}, {"PIP_CONFIG_FILE": "/nonexistent/pip.conf"}),
    "PIP_CONFIG_FILE=/dev/null: no file at all, variables still count": (
        {"global1": G, "user": USER, "site": SITE}, {"PIP_CONFIG_FILE": os.devnull, "PIP_TRUSTED_HOST": "t.example"}),
    "PIP_INDEX_URL over every file": ({"user": USER, "site": SITE}, {"PIP_INDEX_URL": "https://var.example/simple"}),
    "[install] of an earlier file over [global] of a later one": (
        {"user": "[install]\nindex-url = https://install.example/simple\n", "site": SITE}, {}),
    "an empty later value removes the setting": ({"global1": G, "user": "[global]\nindex-url =\n"}, {}),
    "an empty [install] value leaves [global]'s": ({"global1": G, "user": "[install]\nindex-url =\n"}, {}),
    "pypi-url and underscores are pip's names too": (
        {"global1": "[global]\npypi-url = https://alias.example/simple\n",
         "user": "[global]\nfind_links = /srv/a /srv/b\nno-index = yes\n"}, {}),
    "variables for the lists": ({"user": USER}, {"PIP_EXTRA_INDEX_URL": "https://v1.example/simple\nhttps://v2.example/simple",
                                                 "PIP_FIND_LINKS": "/srv/var-wheels"}),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_same_answer_as_pip(name, target, tmp_path):
    files, extra = LAYOUTS[name]
    layout = Layout(tmp_path, target)
    layout.write(files)
    env = layout.env(extra)
    python = target / "bin" / "python"
    ours, tried = _ours(python, env)
    pips = _pips(python, env)
    assert (ours["index_url"] or PYPI) == pips["index_url"]
    for key in ("extra_index_urls", "find_links", "trusted_hosts", "no_index"):
        assert ours[key] == pips[key], key
    assert tried == pips["tried"]
    assert ours["files"] == [f for f in pips["tried"] if os.path.isfile(f)]


def test_pip_config_file_beats_the_users_file(target, tmp_path):
    """The bug the mirrors code had: it read PIP_CONFIG_FILE first, so ~/.config/pip/pip.conf won."""
    layout = Layout(tmp_path, target)
    layout.write({"user": USER, "envfile": ENVFILE})
    env = layout.env({"PIP_CONFIG_FILE": "{envfile}"})
    ours, _tried = _ours(target / "bin" / "python", env)
    assert ours["index_url"] == "https://envfile.example/simple"
    assert ours["sources"]["index_url"] == str(layout.paths["envfile"])
    assert ours["find_links"] == []  # pip skips the user files when PIP_CONFIG_FILE names one


def test_sources_name_the_file_or_the_variable(target, tmp_path):
    layout = Layout(tmp_path, target)
    layout.write({"global1": G, "user": USER})
    ours, _tried = _ours(target / "bin" / "python", layout.env({"PIP_TRUSTED_HOST": "a.example b.example"}))
    assert ours["sources"] == {"index_url": str(layout.paths["user"]), "extra_index_urls": str(layout.paths["global1"]),
                               "find_links": str(layout.paths["user"]), "trusted_hosts": "PIP_TRUSTED_HOST"}


def test_a_blank_xdg_config_dirs_means_etc_xdg(target, tmp_path):
    """platformdirs (pip's) treats an empty XDG_CONFIG_DIRS as unset: /etc/xdg/pip/pip.conf is tried."""
    layout = Layout(tmp_path, target)
    layout.write({})
    env = {**layout.env({}), "XDG_CONFIG_DIRS": ""}
    _ours_conf, tried = _ours(target / "bin" / "python", env)
    assert tried[0] == "/etc/xdg/pip/pip.conf"
    assert tried == _pips(target / "bin" / "python", env)["tried"]


def test_unknown_sections_and_keys_change_nothing():
    items = [("global", "index-url", "https://a.example/simple", "/f1"), ("download", "index-url", "https://d/", "/f1"),
             ("global", "timeout", "60", "/f1"), (":env:", "index_url", "https://e.example/simple", "PIP_INDEX_URL")]
    conf = target_python.effective_pip_config(items, environ={})
    assert conf["index_url"] == "https://e.example/simple" and conf["sources"] == {"index_url": "PIP_INDEX_URL"}
