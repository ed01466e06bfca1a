"""The fix doctor gives for what torch or a companion needs and lacks, run as printed. Found in use: a pillow
missing under torchvision got "packages that torch needs are missing" and a fix that installed torch again
(which never brings pillow), and torchvision's failed import ("No module named 'PIL'") was called a
torchvision made for another torch, with a reinstall --no-deps that left pillow missing too.

Real venvs, a real index on 127.0.0.1 that records its requests (wheels made here), the printed commands run
by bash with torch-setup's pip and, where it has none, its uv; a stand-in torchvision (tests/helpers.py) that
needs two packages: `otherdep`, not installed, and `tinydep`, half installed (its module deleted). The index
offers versions each requirement rules out, so a fix that dropped the specifiers would install the wrong one."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TESTS, load_module, stand_in_torchvision

from installer.hardware.report import HardwareReport
from installer.probes.doctor import diagnose
from installer.probes.host import missing_dependencies

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
recording = load_module(TESTS / "e2e" / "test_pip_fallback_chosen_mirror.py", "pip_fallback_chosen_mirror")
UV = Path(sys.executable).parent / "uv"
OFFERED = {"tinydep": ("1.0", "2.0"), "otherdep": ("1.0", "1.5", "2.0")}
NEEDS = ["tinydep<2,>=1.0", "otherdep!=1.5,<2 ; python_version >= '3'"]


def _index(root: Path) -> Path:
    """A PEP 503 index of OFFERED, every version of each on one page."""
    for name, versions in OFFERED.items():
        links = []
        for version in versions:
            wheel = server.tiny_wheel(root / "files", name, version)
            sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
            links.append(f'<a href="../../files/{wheel.name}#sha256={sha}">{wheel.name}</a>')
        page = root / "simple" / name
        page.mkdir(parents=True)
        (page / "index.html").write_text("<!DOCTYPE html><html><body>" + "".join(links) + "</body></html>\n")
    return root


@pytest.fixture
def index(tmp_path):
    served = recording.RecordingIndex(_index(tmp_path / "index"))
    yield served
    served.stop()


@pytest.fixture
def short_venv(tmp_path, index) -> tuple[Path, Path]:
    """A venv with the stand-in torchvision, tinydep 1.0 half installed and no otherdep; its python and
    site-packages."""
    root = tmp_path / "env"
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(root)], check=True, timeout=120)
    py = root / "bin" / "python"
    subprocess.run([str(UV), "pip", "install", "-q", "--python", str(py), "--index-url", index.url,
                    "tinydep==1.0"], check=True, timeout=120, env=_clean_env())
    site = stand_in_torchvision(py, "0.28.0+cpu", NEEDS, body="import tinydep, otherdep\n")
    (site / "tinydep.py").unlink()
    index.seen.clear()
    return py, site


def _clean_env() -> dict[str, str]:
    # no pip or uv configuration of this machine's (root's find-links): the index here is the only source
    return {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}


def _import_error(py: Path) -> str:
    done = subprocess.run([str(py), "-c", "import torchvision"], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    return done.stderr.strip().splitlines()[-1]


def _verify(py: Path, error: str) -> dict[str, object]:
    """What verify reports of this environment: torch there (only its version matters to these findings),
    the stand-in torchvision, its import failing as it does here."""
    return {"torch_version": "2.13.0+cpu", "variant": "cpu", "python": {"executable": str(py)}, "checks": [],
            "companion_checks": {"torchvision": {"version": "0.28.0+cpu", "requires_torch": [],
                                                 "import_error": error}}}


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_the_fix_installs_what_is_missing_as_asked_and_nothing_else(tool, short_venv, index, monkeypatch, tmp_path):
    import installer.plan.tools

    py, site = short_venv
    if tool == "uv":
        # torch-setup without pip of its own (`uv tool install`): its uv writes the commands
        monkeypatch.setattr(installer.plan.tools, "host_pip_works", lambda: False)
        monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "no-pip.conf"))
        for name in [n for n in os.environ if n.startswith("PIP_") and n != "PIP_CONFIG_FILE"]:
            monkeypatch.delenv(name)
    missing = missing_dependencies(str(py))
    assert [(m.name, m.by, m.root, m.have) for m in missing] == [
        ("otherdep", "torchvision", "torchvision", ""), ("tinydep", "torchvision", "torchvision", "1.0")]
    assert missing[0].wants == "otherdep!=1.5,<2"  # the marker is left out
    error = _import_error(py)
    assert "No module named" in error

    findings = diagnose(HardwareReport(), _verify(py, error), missing=missing, index=lambda _version: index.url)
    # one finding, torchvision's: not "packages that torch needs", and not "torchvision does not fit torch"
    assert [f.id for f in findings] == ["dependencies-missing"], [f.title for f in findings]
    (found,) = findings
    assert found.title == "packages needed by torchvision are missing: otherdep and tinydep"
    commands = [c for c in re.findall(r"`([^`]+)`", found.fix)]
    assert len(commands) == 2, found.fix
    absent, broken = commands
    assert "--force-reinstall" not in absent and "'otherdep!=1.5,<2'" in absent and "torch" not in absent
    assert "--force-reinstall" in broken and "--no-deps" in broken and "tinydep==1.0" in broken
    if tool == "uv":
        assert all(Path(c.split()[0]).name == "uv" for c in commands)

    for command in commands:
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=_clean_env(),
                              timeout=300)
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
    versions = subprocess.run([str(py), "-c", "import tinydep, otherdep, torchvision; "
                               "print(tinydep.VERSION, otherdep.VERSION)"], capture_output=True, text=True,
                              timeout=60)
    assert versions.returncode == 0, versions.stderr
    assert versions.stdout.split() == ["1.0", "1.0"]  # as torchvision asks: not 2.0, nor otherdep 1.5
    assert missing_dependencies(str(py)) == ()
    # nothing else was asked for, and the stand-in torchvision is the one there still
    assert not [p for p in index.seen if "torch" in p], index.seen
    assert (site / "torchvision-0.28.0+cpu.dist-info").is_dir()


def test_without_the_host_check_verify_says_a_dependency_is_missing_not_a_wrong_build(short_venv, index):
    # where the host's dependency check cannot run (or finds nothing), the companion line says what the import
    # error means, and its pip line (no --force-reinstall, no --no-deps) keeps torchvision and adds what it needs
    py, _site = short_venv
    findings = diagnose(HardwareReport(), _verify(py, _import_error(py)), index=lambda _version: index.url)
    (found,) = [f for f in findings if f.id == "companion-torchvision"]
    assert found.severity == "error"
    assert found.title == "torchvision 0.28.0+cpu does not import: a package it needs is missing"
    assert "otherdep" in found.explanation or "tinydep" in found.explanation
    assert "does not fit" not in found.title and "another build of torch" not in found.explanation
    assert "--force-reinstall" not in found.fix and "--no-deps" not in found.fix
    assert "torchvision==0.28.0+cpu" in found.fix and "torch-setup doctor" in found.fix


# --- through the command line, after a real install of the example (torch alone: no torchvision) ---------

def _doctor(cli: object, work: Path) -> dict[str, object]:
    import json

    done = cli("doctor", "--json", "--python", str(work / ".venv-torch" / "bin" / "python"), cwd=work)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_doctor_offers_the_install_again_only_where_it_installs_what_needs_them(cli, tmp_path, xdg_home):
    import json
    import shutil

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(TESTS.parent / "recipes" / "answers" / "cpu-venv.yaml", work)
    first = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work)
    assert first.returncode == 0, first.stdout + first.stderr
    py = work / ".venv-torch" / "bin" / "python"
    site = stand_in_torchvision(py, "0.28.0+cpu", ["torch==2.13.0", "pillow!=8.3.*,>=5.3.0"], body="import PIL\n")

    # torchvision lacks pillow: the answers never named torchvision, so installing them again would not mend it
    report = _doctor(cli, work)
    assert [f["id"] for f in report["findings"]] == ["dependencies-missing"], report["findings"]
    (found,) = report["findings"]
    assert found["title"] == "packages needed by torchvision are missing: pillow"
    assert "torch-setup install" not in found["fix"] and "'pillow!=8.3.*,>=5.3.0'" in found["fix"]
    assert "torch==" not in found["fix"]
    # verify, whose torchvision import fails for PIL, names the package as doctor does: one line, doctor's fix
    checked = json.loads(cli("verify", "--python", str(py), "--json", cwd=work).stdout)
    assert not checked["ok"]
    assert not [c for c in checked["checks"] if c["name"] == "companion-torchvision"], checked["checks"]
    (line,) = [c for c in checked["checks"] if c["name"] == "dependencies-missing"]
    assert not line["ok"] and line["detail"].startswith("pillow is not installed (torchvision needs it)")
    assert line["fix"] == found["fix"]

    # torch itself lacks mpmath (through sympy) and typing_extensions, so `import torch` fails: the install of
    # these answers mends it, and doctor and verify say so
    shutil.rmtree(site / "torchvision")
    shutil.rmtree(site / "torchvision-0.28.0+cpu.dist-info")
    for gone in [*site.glob("mpmath*"), *site.glob("typing_extensions*")]:
        (shutil.rmtree if gone.is_dir() else Path.unlink)(gone)
    report = _doctor(cli, work)
    (found,) = [f for f in report["findings"] if f["id"] == "dependencies-missing"]
    assert found["title"] == "packages needed by torch are missing: mpmath and typing-extensions"
    rerun = re.match(r"run `([^`]+)`", found["fix"])
    assert rerun and f"cd {work} && torch-setup install --answers " in rerun.group(1), found["fix"]
    assert rerun.group(1).endswith(" --yes")
    checked = json.loads(cli("verify", "--python", str(py), "--json", cwd=work).stdout)
    (line,) = [c for c in checked["checks"] if c["name"] == "dependencies-missing"]
    assert line["fix"] == found["fix"]
    (torch_line,) = [c for c in checked["checks"] if c["name"] == "torch-import"]
    assert "No module named 'typing_extensions'" in torch_line["detail"] and "named below" in torch_line["fix"]
    # run as printed, from elsewhere (torch-setup there is this checkout's)
    again = subprocess.run(["bash", "-c", rerun.group(1).replace("torch-setup", f"{sys.executable} -m installer")],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "PYTHONPATH": str(TESTS.parent)})
    assert again.returncode == 0, again.stdout + again.stderr
    assert not [f for f in _doctor(cli, work)["findings"] if f["id"] == "dependencies-missing"]
    assert subprocess.run([str(py), "-c", "import mpmath, torch"], capture_output=True).returncode == 0
