"""Config writers: pip, uv, conda and apt rendered as their tools read them, then applied with a diff,
a backup and an atomic write, and restored byte for byte."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mirror_servers import pypi_index

from installer.mirrors import writers
from installer.mirrors.writers import apt, conda, pip, uv

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; uv.toml is then checked by a real TOML parser
TUNA = "https://pypi.tuna.tsinghua.edu.cn/simple"
VENV_PY = Path(sys.executable)


# --------------------------------------------------------------------------------------------- pip
def test_pip_new_file():
    assert pip.render_pip_conf(None, TUNA) == f"[global]\nindex-url = {TUNA}\n"


def test_pip_keeps_comments_and_other_settings():
    current = ("# my settings\n[global]\ntimeout = 60\nindex-url = https://old.example.org/simple\n"
               "; keep me\n\n[install]\nuser = false\n")
    out = pip.render_pip_conf(current, TUNA)
    assert out == ("# my settings\n[global]\n" f"index-url = {TUNA}\n" "timeout = 60\n; keep me\n\n"
                   "[install]\nuser = false\n")
    parsed = configparser.ConfigParser()
    parsed.read_string(out)
    assert parsed["global"]["index-url"] == TUNA and parsed["install"]["user"] == "false"
    back = pip.render_pip_conf(out, None)
    assert "index-url" not in back and "timeout = 60" in back


def test_pip_loopback_http_is_trusted():
    out = pip.render_pip_conf(None, "http://127.0.0.1:8000/simple")
    assert "trusted-host = 127.0.0.1\n" in out


def test_pip_reads_what_we_write(tmp_path):
    conf = tmp_path / "pip.conf"
    conf.write_text(pip.render_pip_conf("[global]\ntimeout = 5\n", TUNA))
    env = {**os.environ, "PIP_CONFIG_FILE": str(conf)}
    env.pop("PIP_INDEX_URL", None)
    listed = subprocess.run([str(VENV_PY), "-m", "pip", "config", "list"], env=env, capture_output=True,
                            text=True, timeout=60).stdout
    assert f"global.index-url='{TUNA}'" in listed


def test_pip_locations(tmp_path):
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    assert pip.pip_config_path("user", environ=env, platform="linux") == tmp_path / "cfg" / "pip" / "pip.conf"
    assert pip.pip_config_path("env", env_prefix=tmp_path / "venv", environ=env) == tmp_path / "venv" / "pip.conf"
    assert pip.pip_config_path("env", env_prefix="C:/v", environ=env, platform="win32") == Path("C:/v/pip.ini")
    assert pip.pip_config_path("none", environ=env) is None
    with pytest.raises(ValueError):
        pip.pip_config_path("env", environ=env)


# ---------------------------------------------------------------------------------------------- uv
UV_CURRENT = """\
cache-dir = "/data/uv-cache"

[[index]]
name = "internal"
url = "https://pypi.internal.example/simple"

[[index]]
url = "https://old.example.org/simple"
default = true

[pip]
compile-bytecode = true
"""


def test_uv_replaces_only_the_default_index():
    out = uv.render_uv_toml(UV_CURRENT, TUNA)
    data = tomllib.loads(out)
    assert data["cache-dir"] == "/data/uv-cache" and data["pip"]["compile-bytecode"] is True
    assert data["index"] == [{"name": "internal", "url": "https://pypi.internal.example/simple"},
                             {"url": TUNA, "default": True}]
    assert "old.example.org" not in out
    removed = tomllib.loads(uv.render_uv_toml(out, None))
    assert removed["index"] == [{"name": "internal", "url": "https://pypi.internal.example/simple"}]


def test_uv_reads_what_we_write(serve, tmp_path):
    mirror = pypi_index(serve("uv-mirror"))
    conf = tmp_path / "uv.toml"
    conf.write_text(uv.render_uv_toml(None, f"{mirror.base}/simple"))
    uv_bin = VENV_PY.parent / "uv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PIP_"))}
    subprocess.run([str(uv_bin), "pip", "install", "--dry-run", "--no-cache", "--config-file", str(conf),
                    "--python", str(VENV_PY), "sympy"], env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert "/simple/sympy/" in mirror.requests  # uv asked our index, as uv.toml told it to


def test_uv_env_for_one_environment():
    assert uv.uv_env(TUNA) == {"UV_DEFAULT_INDEX": TUNA}
    assert uv.uv_env(None, torch_index="https://m/whl/cpu", torch_flat=True) == {"UV_FIND_LINKS": "https://m/whl/cpu"}
    assert uv.uv_config_path("env") is None


# ------------------------------------------------------------------------------------------- conda
def test_conda_tuna_env_file_keeps_the_environment_on_conda_forge():
    # TUNA's help page maps conda-forge to <endpoint>/cloud; its `channels: [defaults]` and default_channels
    # (pkgs/main, r, msys2) would send a later `conda install` in this conda-forge environment to Anaconda's
    # repositories, so they are not written
    out = yaml.safe_load(conda.render_condarc(None, "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge",
                                              "anaconda", "env"))
    assert out == {
        "channels": ["conda-forge"],
        "show_channel_urls": True,
        "custom_channels": {"conda-forge": "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud"},
    }


def test_conda_env_file_written_before_loses_the_anaconda_template():
    # an environment's file from an older torch-setup (the mirrors' generic Anaconda template)
    t = "https://mirrors.tuna.tsinghua.edu.cn/anaconda"
    before = yaml.safe_dump({"channels": ["defaults", "bioconda"], "show_channel_urls": True,
                             "default_channels": [f"{t}/pkgs/main", f"{t}/pkgs/r", f"{t}/pkgs/msys2"],
                             "custom_channels": {"conda-forge": f"{t}/cloud", "pytorch": f"{t}/cloud"}})
    out = yaml.safe_load(conda.render_condarc(before, f"{t}/cloud/conda-forge", "anaconda", "env"))
    assert out == {"channels": ["conda-forge", "bioconda"], "show_channel_urls": True,
                   "custom_channels": {"conda-forge": f"{t}/cloud"}}


def test_conda_user_file_maps_conda_forge_only():
    # ~/.condarc is read by every environment: `channels: [defaults]` there would come before Miniforge's
    # `channels: [conda-forge]` and move a person's other environments to Anaconda's repositories
    current = ("auto_activate_base: false\nchannels:\n  - conda-forge\n"
               "default_channels:\n  - https://repo.example.org/main\n")
    out = yaml.safe_load(conda.render_condarc(current, "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge",
                                              "anaconda", "user"))
    assert out == {"auto_activate_base": False, "channels": ["conda-forge"],
                   "default_channels": ["https://repo.example.org/main"],
                   "custom_channels": {"conda-forge": "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud"}}
    assert conda.render_condarc(None, "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge", "conda-forge",
                                "user") == "custom_channels:\n  conda-forge: https://mirrors.ustc.edu.cn/anaconda/cloud\n"


def test_conda_ustc_layout_and_back_to_upstream():
    current = "auto_activate_base: false\ncustom_channels:\n  bioconda: https://example.org/cloud\n"
    out = yaml.safe_load(conda.render_condarc(current, "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge",
                                              "conda-forge"))
    assert out["custom_channels"] == {"bioconda": "https://example.org/cloud",
                                      "conda-forge": "https://mirrors.ustc.edu.cn/anaconda/cloud"}
    assert out["channels"] == ["conda-forge"] and out["auto_activate_base"] is False
    back = yaml.safe_load(conda.render_condarc(yaml.safe_dump(out), None, "upstream"))
    assert back["custom_channels"] == {"bioconda": "https://example.org/cloud"}
    assert "default_channels" not in back and back["auto_activate_base"] is False


# --------------------------------------------------------------------------------------------- apt
UBUNTU_SOURCES = """\
Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
"""

JAMMY_LIST = """\
# See http://help.ubuntu.com/community/UpgradeNotes
deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb [arch=amd64] http://us.archive.ubuntu.com/ubuntu/ jammy-updates main restricted
# deb-src http://archive.ubuntu.com/ubuntu/ jammy main restricted
deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted
deb http://archive.ubuntu.com/ubuntu/ jammy-security universe
"""


def test_apt_deb822_moves_the_archive_not_security():
    path, out = apt.render_sources({apt.DEB822_FILES[0]: UBUNTU_SOURCES}, "https://mirrors.ustc.edu.cn/ubuntu")
    assert path == "/etc/apt/sources.list.d/ubuntu.sources"
    assert "URIs: https://mirrors.ustc.edu.cn/ubuntu/\nSuites: noble noble-updates" in out
    assert "URIs: http://security.ubuntu.com/ubuntu/\nSuites: noble-security" in out
    assert out.count("Signed-By:") == 2


def test_apt_one_line_format():
    path, out = apt.render_sources({apt.ONE_LINE_FILE: JAMMY_LIST}, "https://mirrors.ustc.edu.cn/ubuntu")
    assert path == "/etc/apt/sources.list"
    lines = out.splitlines()
    assert lines[1] == "deb https://mirrors.ustc.edu.cn/ubuntu/ jammy main restricted"
    assert lines[2] == "deb [arch=amd64] https://mirrors.ustc.edu.cn/ubuntu/ jammy-updates main restricted"
    assert lines[3].startswith("# deb-src http://archive.ubuntu.com")  # comments untouched
    assert lines[4] == "deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted"
    assert lines[5] == "deb http://archive.ubuntu.com/ubuntu/ jammy-security universe"


def test_apt_ports_keep_their_flavour():
    src = UBUNTU_SOURCES.replace("http://archive.ubuntu.com/ubuntu/", "http://ports.ubuntu.com/ubuntu-ports/")
    _path, out = apt.render_sources({apt.DEB822_FILES[0]: src}, "https://mirrors.tuna.tsinghua.edu.cn/ubuntu")
    assert "URIs: https://mirrors.tuna.tsinghua.edu.cn/ubuntu-ports/" in out


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="apt-get is not on this machine")
@pytest.mark.parametrize("fmt", ["deb822", "one-line"])
def test_apt_reads_what_we_write(tmp_path, fmt):
    parts, lists = tmp_path / "parts", tmp_path / "lists"
    parts.mkdir()
    (lists / "partial").mkdir(parents=True)
    existing = {apt.DEB822_FILES[0]: UBUNTU_SOURCES} if fmt == "deb822" else {apt.ONE_LINE_FILE: JAMMY_LIST}
    _path, out = apt.render_sources(existing, "https://mirrors.ustc.edu.cn/ubuntu")
    if fmt == "deb822":
        (parts / "ubuntu.sources").write_text(out)
        source_list = "/dev/null"
    else:
        (tmp_path / "sources.list").write_text(out)
        source_list = str(tmp_path / "sources.list")
    proc = subprocess.run(["apt-get", "-o", f"Dir::Etc::sourcelist={source_list}",
                           "-o", f"Dir::Etc::sourceparts={parts}", "-o", f"Dir::State::lists={lists}",
                           "-o", "Debug::NoLocking=1", "update", "--print-uris"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    uris = [ln.split("'")[1] for ln in proc.stdout.splitlines() if ln.startswith("'")]
    releases = {u for u in uris if u.endswith("InRelease")}
    suite = "noble" if fmt == "deb822" else "jammy"
    assert f"https://mirrors.ustc.edu.cn/ubuntu/dists/{suite}-updates/InRelease" in releases
    assert f"http://security.ubuntu.com/ubuntu/dists/{suite}-security/InRelease" in releases


# ------------------------------------------------------------------------ diff, apply, restore
def _user_env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}


def test_apply_and_restore_byte_for_byte(xdg_home, tmp_path):
    env = _user_env(xdg_home)
    pip_path = xdg_home / "config" / "pip" / "pip.conf"
    pip_path.parent.mkdir(parents=True)
    # CRLF, no final newline, non-ASCII comment, odd spacing: restore must give back exactly these bytes
    original = "# 镜像设置\r\n[global]\r\nindex-url   =   https://old.example.org/simple\r\ntimeout=7".encode()
    pip_path.write_bytes(original)
    os.chmod(pip_path, 0o600)

    files = [writers.pip_file(TUNA, "user", environ=env),
             writers.uv_file(TUNA, "user", environ=env),
             writers.conda_file("https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge", "conda-forge", "env",
                                env_prefix=tmp_path / "env")]
    diff = writers.preview(files)
    assert f"+index-url = {TUNA}" in diff and "-index-url   =   https://old.example.org/simple" in diff
    assert "+++ " + str(xdg_home / "config" / "uv" / "uv.toml") in diff
    assert "--- /dev/null" in diff  # uv.toml and .condarc are new
    assert not (xdg_home / "config" / "uv" / "uv.toml").exists()  # a preview writes nothing

    written = writers.apply(files)
    assert sorted(written) == sorted(f.path for f in files)
    assert f"index-url = {TUNA}" in pip_path.read_text()
    assert os.stat(pip_path).st_mode & 0o777 == 0o600  # the user's private file stays private
    assert tomllib.loads((xdg_home / "config" / "uv" / "uv.toml").read_text())["index"][0]["url"] == TUNA
    assert (tmp_path / "env" / ".condarc").exists()
    # applying the same again changes nothing
    again = [writers.pip_file(TUNA, "user", environ=env)]
    assert not again[0].changed and writers.apply(again) == []

    for f in files:
        assert writers.restore(f.path)
    assert pip_path.read_bytes() == original
    assert not (xdg_home / "config" / "uv" / "uv.toml").exists()
    assert not (tmp_path / "env" / ".condarc").exists()


def test_scope_none_and_env_touch_nothing_of_the_user(xdg_home, tmp_path):
    env = _user_env(xdg_home)
    assert writers.pip_file(TUNA, "none", environ=env) is None
    assert writers.uv_file(TUNA, "env", environ=env) is None
    f = writers.pip_file(TUNA, "env", env_prefix=tmp_path / "venv", environ=env)
    assert f is not None and f.path == str(tmp_path / "venv" / "pip.conf")
    writers.apply([f])
    assert not (xdg_home / "config" / "pip").exists()


def test_new_file_with_a_token_is_private(xdg_home):
    env = _user_env(xdg_home)
    f = writers.pip_file("https://user:s3cret@pypi.internal.example/simple", "user", environ=env)
    writers.apply([f])
    assert os.stat(f.path).st_mode & 0o777 == 0o600


def test_apt_file_reads_under_the_root(tmp_path, monkeypatch):
    d = tmp_path / "etc" / "apt" / "sources.list.d"
    d.mkdir(parents=True)
    (d / "ubuntu.sources").write_text(UBUNTU_SOURCES)
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    f = writers.apt_file("https://mirrors.ustc.edu.cn/ubuntu")
    assert f is not None and f.root and f.path == str(d / "ubuntu.sources")
    assert "+URIs: https://mirrors.ustc.edu.cn/ubuntu/" in f.diff()
    assert "-URIs: http://archive.ubuntu.com/ubuntu/" in f.diff()
