"""The target interpreter: its version and prefix, the pip configuration pip would use there, and an
existing torch read from its package metadata (the host never imports torch)."""

from __future__ import annotations

import ast
import subprocess
import sys
import venv

import pytest


def _pip_setup(machine, tmp_path):
    xdg_dirs = tmp_path / "xdg"
    (xdg_dirs / "pip").mkdir(parents=True, exist_ok=True)
    (xdg_dirs / "pip" / "pip.conf").write_text(
        "[global]\nindex-url = https://mirror.example/simple\nextra-index-url =\n"
        "    https://a.example/simple\n    https://b.example/simple\ntimeout = 60\n")
    user = machine.home / ".config" / "pip"
    user.mkdir(parents=True, exist_ok=True)
    (user / "pip.conf").write_text("[install]\nfind-links = /wheels/one /wheels/two\n")
    return {"XDG_CONFIG_DIRS": str(xdg_dirs), "PIP_TRUSTED_HOST": "mirror.example a.example"}


def test_pip_configuration_with_pips_precedence(machine, tmp_path):
    env = _pip_setup(machine, tmp_path)
    pip = machine.detect(**env)["mirror_config"]["pip"]
    assert pip["index_url"] == "https://mirror.example/simple"
    assert pip["extra_index_urls"] == ["https://a.example/simple", "https://b.example/simple"]
    assert pip["find_links"] == ["/wheels/one", "/wheels/two"]
    assert pip["trusted_hosts"] == ["mirror.example", "a.example"]
    assert pip["sources"]["trusted_hosts"] == "PIP_TRUSTED_HOST"
    assert pip["sources"]["find_links"].endswith("/.config/pip/pip.conf")
    assert pip["files"][0].endswith("xdg/pip/pip.conf")


def test_same_values_as_pip_config_list(machine, tmp_path):
    """Our reading of the files equals what pip itself lists (`pip config list`) for the same environment."""
    env = machine.env(**_pip_setup(machine, tmp_path))
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    # pip prints each value as a Python literal: 'a\\nb'
    listed = {k: ast.literal_eval(v) for k, v in (line.split("=", 1) for line in out.splitlines() if "=" in line)}
    assert listed["global.index-url"] == "https://mirror.example/simple"
    pip = machine.detect(**_pip_setup(machine, tmp_path))["mirror_config"]["pip"]
    assert listed["global.extra-index-url"].split() == pip["extra_index_urls"]
    assert listed["install.find-links"].split() == pip["find_links"]
    assert listed[":env:.trusted-host"].split() == pip["trusted_hosts"]


def test_asking_pip_for_its_files_gives_the_same_result(machine, tmp_path):
    env = _pip_setup(machine, tmp_path)
    native = machine.detect(**env)["mirror_config"]["pip"]
    asked = machine.detect(TORCH_SETUP_ASK_PIP="1", **env)["mirror_config"]["pip"]
    assert asked == native


def test_environment_wins_and_pip_config_file_devnull_hides_files(machine, tmp_path):
    env = _pip_setup(machine, tmp_path)
    pip = machine.detect(PIP_INDEX_URL="https://env.example/simple", PIP_EXTRA_INDEX_URL="https://x/simple\nhttps://y/simple",
                         **env)["mirror_config"]["pip"]
    assert pip["index_url"] == "https://env.example/simple"
    assert pip["extra_index_urls"] == ["https://x/simple", "https://y/simple"]  # newline-separated works too
    pip = machine.detect(PIP_CONFIG_FILE="/dev/null", **env)["mirror_config"]["pip"]
    assert pip["index_url"] is None and pip["find_links"] == [] and pip["files"] == []
    assert pip["trusted_hosts"] == ["mirror.example", "a.example"]  # variables still count


def test_this_machines_pip_configuration(cli):
    """The development machine's own configuration: find-links /opt/wheels, the local file:// indexes."""
    import json

    result = cli("detect", "--json")
    pip = json.loads(result.stdout)["mirror_config"]["pip"]
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True,
                            timeout=60).stdout
    if "find-links" not in listed and "PIP_FIND_LINKS" not in __import__("os").environ:
        pytest.skip("this machine has no pip find-links configured")
    assert "/opt/wheels" in pip["find_links"]
    for line in listed.splitlines():
        if line.startswith("global.extra-index-url="):
            assert pip["extra_index_urls"] == ast.literal_eval(line.split("=", 1)[1]).split()


def test_target_venv_python_and_its_site_config(machine, tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    (target / "pip.conf").write_text("[global]\nindex-url = https://site.example/simple\n")
    py = target / "bin" / "python"
    report = machine.detect("--python", str(py))
    assert report["python"]["executable"] == str(py)
    assert report["python"]["prefix"] == str(target)
    assert report["python"]["is_venv"] is True
    assert report["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert report["mirror_config"]["pip"]["index_url"] == "https://site.example/simple"
    assert report["disk"]["target"]["path"] == str(target)
    assert report["existing_torch"] is None


def test_whether_pip_may_install_into_the_target(machine, tmp_path):
    """A venv is writable and never managed; a distribution's Python has PEP 668's marker, read where pip
    reads it (sysconfig's stdlib); pip's consent to override it (break-system-packages) is read from its
    configuration, as pip reads it."""
    from helpers import distro_python

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    info = machine.detect("--python", str(target / "bin" / "python"))["python"]
    assert (info["externally_managed"], info["site_writable"], info["conda_env"]) == (None, True, False)
    assert info["site_packages"] == str(target / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
                                        / "site-packages")
    (target / "conda-meta").mkdir()  # what makes a prefix a conda environment, to conda itself
    assert machine.detect("--python", str(target / "bin" / "python"))["python"]["conda_env"] is True
    system = distro_python(tmp_path / "distro")
    if system is None:
        pytest.skip("needs Debian's /usr/bin/python3.11 to stand in for a distribution's Python")
    report = machine.detect("--python", str(system))
    assert report["python"]["externally_managed"] == str(tmp_path / "distro" / "lib" / "python3.11" / "EXTERNALLY-MANAGED")
    assert report["python"]["is_venv"] is False
    # Debian's scheme: pip installs under PREFIX/local, a folder not made yet (its parent is writable)
    assert report["python"]["site_packages"] == str(tmp_path / "distro" / "local" / "lib" / "python3.11" / "dist-packages")
    assert report["python"]["site_writable"] is True
    assert report["mirror_config"]["pip"]["break_system_packages"] is False
    consent = machine.detect("--python", str(system), PIP_BREAK_SYSTEM_PACKAGES="1")["mirror_config"]["pip"]
    assert consent["break_system_packages"] is True and consent["sources"]["break_system_packages"] == "PIP_BREAK_SYSTEM_PACKAGES"
    conf = machine.home / ".config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text("[global]\nbreak-system-packages = true\n")
    assert machine.detect("--python", str(system))["mirror_config"]["pip"]["break_system_packages"] is True
    refused = machine.detect("--python", str(system), PIP_BREAK_SYSTEM_PACKAGES="0")["mirror_config"]["pip"]
    assert refused["break_system_packages"] is False  # the variable wins over the file, as in pip


def test_missing_target_python_is_bad_input(machine, tmp_path):
    result = machine.run("detect", "--python", str(tmp_path / "no" / "python"))
    assert result.returncode == 2
    assert "--python" in result.stderr and "Traceback" not in result.stderr


def test_broken_target_python_is_reported_not_fatal(machine, tmp_path):
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    report = machine.detect("--python", str(broken))
    assert report["python"] is None
    assert any("could not run" in w and str(broken) in w for w in report["warnings"])


@pytest.mark.slow
def test_existing_torch_from_metadata(machine, torch_python):
    report = machine.detect("--python", str(torch_python))
    t = report["existing_torch"]
    assert (t["version"], t["local"]) == ("2.13.0", "+cpu")
    assert t["installer"] == "uv"
    assert t["location"].endswith("site-packages")


def test_host_never_imports_torch():
    code = ("import sys, installer.hardware as h; h.detect(); "
            "assert 'torch' not in sys.modules, 'torch imported'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


def test_unreadable_pip_conf_is_a_warning(machine):
    conf = machine.home / ".config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("index-url = https://no-section.example/simple\n")  # pip refuses a file without [section]
    report = machine.detect()
    assert any(str(conf) in w and "pip cannot read" in w for w in report["warnings"])
    assert report["mirror_config"]["pip"]["index_url"] is None


def _summary_with(**python: object) -> list[str]:
    import json
    from pathlib import Path

    from installer.hardware.summary import render

    machines = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
    report = json.loads((machines / "rtx4090-550.json").read_text())
    report["python"] = {**report["python"], **python}
    return render(report).splitlines()


def test_the_summary_says_when_torch_cannot_go_into_the_interpreter_itself():
    marker = "/usr/lib/python3.11/EXTERNALLY-MANAGED"
    lines = _summary_with(externally_managed=marker, site_writable=False)
    at = next(i for i, line in enumerate(lines) if line.startswith("Python:"))
    assert lines[at + 1].strip() == (f"managed by the operating system (PEP 668: {marker}): torch goes into a "
                                     "virtual environment made from it")  # the stronger reason, alone

    lines = _summary_with(externally_managed=None, site_writable=False, site_packages="/opt/py/site-packages")
    at = next(i for i, line in enumerate(lines) if line.startswith("Python:"))
    assert lines[at + 1].strip() == ("its site-packages (/opt/py/site-packages) is not writable by you: torch "
                                     "goes into a virtual environment made from it")

    lines = _summary_with(externally_managed=None, site_writable=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("Python:"))
    assert not lines[at + 1].startswith(" ")  # nothing to say: the next line is the next fact
