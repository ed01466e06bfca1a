"""The pip commands torch-setup prints in its fixes, where it has no pip of its own (installed with `uv tool
install`) and so writes them with its uv: uv reads no pip.conf and no PIP_* variables, so the command carries
the sources pip would have taken from them (found in review: the fix of someone whose pip.conf names a mirror
went to pypi.org). Real uv, real venvs, real indexes on 127.0.0.1 that record every request; the command is
run as printed, in an environment without the pip configuration, as uv would meet it.

torch-setup without pip is stood in for by `host_pip_works` answering False; a real pip-less torch-setup
writes the same command (tests/e2e/test_verify_numpy_real.py runs one)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TESTS, load_module

from installer.plan.tools import uv_system_certs_flag
from installer.probes.host import pip_install_line, pip_uninstall_line

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
recording = load_module(TESTS / "e2e" / "test_pip_fallback_chosen_mirror.py", "pip_fallback_chosen_mirror")
UV = Path(sys.executable).parent / "uv"
SOURCES = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_TRUSTED_HOST", "PIP_NO_INDEX")


@pytest.fixture
def no_host_pip(monkeypatch, tmp_path):
    """torch-setup without pip, and a pip configuration of this test's own: the file PIP_CONFIG_FILE names
    (the user's files are then skipped, as pip skips them) and no PIP_* sources."""
    import installer.plan.tools

    monkeypatch.setattr(installer.plan.tools, "host_pip_works", lambda: False)
    for name in SOURCES:
        monkeypatch.delenv(name, raising=False)
    conf = tmp_path / "pip.conf"
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    return conf


@pytest.fixture
def indexes(tmp_path):
    mirror = recording.RecordingIndex(server.tiny_index(tmp_path / "mirror"))
    other = recording.RecordingIndex(server.tiny_index(tmp_path / "other", version="2.0"))
    yield mirror, other
    mirror.stop()
    other.stop()


def _venv(root: Path) -> Path:
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(root)], check=True, timeout=120)
    return root / "bin" / "python"


def _run(line: str) -> subprocess.CompletedProcess[str]:
    """The command as a person pastes it, where uv sees no pip configuration at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    return subprocess.run(shlex.split(line), capture_output=True, text=True, env=env, timeout=300)


def _installed(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import secretpkg; print(secretpkg.VERSION)"], capture_output=True,
                          text=True, timeout=60).stdout.strip()


def test_the_mirror_of_pip_conf_is_in_the_command(no_host_pip, indexes, tmp_path):
    mirror, _other = indexes
    no_host_pip.write_text(f"[global]\nindex-url = {mirror.url}\n")
    python = _venv(tmp_path / "env")
    line = pip_install_line(str(python), ["secretpkg"])
    argv = shlex.split(line)
    assert Path(argv[0]).name == "uv" and argv[1:] == ["pip", "install", "--python", str(python), "secretpkg",
                                                       "--index-url", mirror.url, "--system-certs"], line
    done = _run(line)
    assert done.returncode == 0, done.stderr
    assert _installed(python) == "1.0" and "/simple/secretpkg/" in mirror.seen


def test_an_index_in_the_fix_replaces_the_configured_one_and_the_extras_add_to_it(no_host_pip, indexes, tmp_path):
    # as pip: `--index-url` on the command line wins over pip.conf's, extra-index-url still adds; uv then
    # chooses among them as pip does (unsafe-best-match): 2.0, on the extra index, is the best version
    mirror, other = indexes
    no_host_pip.write_text(f"[global]\nindex-url = http://127.0.0.1:9/simple\nextra-index-url = {other.url}\n")
    python = _venv(tmp_path / "env")
    line = pip_install_line(str(python), ["--index-url", mirror.url, "secretpkg"])
    argv = shlex.split(line)
    assert argv[5:] == ["--index-url", mirror.url, "secretpkg", "--extra-index-url", other.url,
                        "--index-strategy", "unsafe-best-match", "--system-certs"], line
    assert "127.0.0.1:9/" not in line
    done = _run(line)
    assert done.returncode == 0, done.stderr
    assert _installed(python) == "2.0" and mirror.seen and other.seen


def test_find_links_trusted_hosts_and_no_index_carry_over(no_host_pip, monkeypatch, tmp_path):
    wheels = tmp_path / "wheels"
    server.tiny_wheel(wheels, "secretpkg", "1.0")
    no_host_pip.write_text("[global]\ntrusted-host = mirror.example.cn\n")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    python = _venv(tmp_path / "env")
    line = pip_install_line(str(python), ["secretpkg"])
    assert shlex.split(line)[5:] == ["secretpkg", "--no-index", "--find-links", str(wheels),
                                     "--allow-insecure-host", "mirror.example.cn", "--system-certs"], line
    done = _run(line)
    assert done.returncode == 0, done.stderr
    assert _installed(python) == "1.0"


def test_a_source_with_a_password_is_not_printed(no_host_pip, indexes, tmp_path):
    mirror, _other = indexes
    secret = mirror.url.replace("http://", "http://someone:s3cret@")
    no_host_pip.write_text(f"[global]\nindex-url = {secret}\nextra-index-url = {mirror.url}\n")
    line = pip_install_line(str(tmp_path / "env" / "bin" / "python"), ["secretpkg"])
    assert "s3cret" not in line and f"--extra-index-url {mirror.url}" in line


def test_uninstall_takes_no_sources_and_no_yes_flag(no_host_pip, indexes, tmp_path):
    # uv's uninstall asks nothing and refuses pip's -y
    mirror, _other = indexes
    no_host_pip.write_text(f"[global]\nindex-url = {mirror.url}\n")
    python = _venv(tmp_path / "env")
    assert _run(pip_install_line(str(python), ["secretpkg"])).returncode == 0
    line = pip_uninstall_line(str(python), ["secretpkg"])
    assert shlex.split(line)[1:] == ["pip", "uninstall", "--python", str(python), "secretpkg"], line
    done = _run(line)
    assert done.returncode == 0, done.stderr
    assert _installed(python) == ""


def test_the_system_certificates_flag_is_the_one_this_uv_takes(tmp_path):
    """uv trusts only its bundled roots unless told otherwise (behind a TLS-inspecting proxy: "invalid peer
    certificate: UnknownIssuer", found as a normal user here). uv 0.11 renamed the flag; the one before it, a real
    uv 0.10.12 from PyPI, refuses the new name."""
    old_root = tmp_path / "old-uv"
    subprocess.run([str(UV), "pip", "install", "--quiet", "--target", str(old_root), "uv==0.10.12"], check=True,
                   capture_output=True, timeout=600)
    wheels = tmp_path / "wheels"
    server.tiny_wheel(wheels, "secretpkg", "1.0")
    for uv, flag in ((old_root / "bin" / "uv", "--native-tls"), (UV, "--system-certs")):
        assert uv_system_certs_flag(str(uv)) == flag
        r = subprocess.run([str(uv), "pip", "install", "--dry-run", "--python", sys.executable, "--no-index",
                            "--find-links", str(wheels), "secretpkg", flag], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0 and "deprecated" not in r.stderr, (uv, r.stderr)
    refused = subprocess.run([str(old_root / "bin" / "uv"), "pip", "install", "--dry-run", "--system-certs", "x"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "unexpected argument '--system-certs'" in refused.stderr


def test_with_its_own_pip_the_command_is_pips_which_reads_its_configuration(monkeypatch, tmp_path):
    import installer.plan.tools

    monkeypatch.setattr(installer.plan.tools, "host_pip_works", lambda: True)
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    python = str(tmp_path / "env" / "bin" / "python")
    assert shlex.split(pip_install_line(python, ["numpy"])) == [sys.executable, "-m", "pip", "--python", python,
                                                                 "install", "numpy"]
    assert shlex.split(pip_uninstall_line(python, ["torchvision"])) == [
        sys.executable, "-m", "pip", "--python", python, "uninstall", "-y", "torchvision"]
