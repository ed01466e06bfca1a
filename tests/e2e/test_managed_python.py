"""A Python asked for by version that the machine lacks: uv downloads one (a python-build-standalone
release) and builds the environment from it, inside torch-setup's sandbox and scrubbed environment.

The real download is a GitHub release, which cannot be reached here: a stand-in is served on 127.0.0.1
and named to uv through UV_PYTHON_DOWNLOADS_JSON_URL, as a mirror is through UV_PYTHON_INSTALL_MIRROR.
It is the smallest archive uv accepts as a CPython install (python/bin/python3.X and the
_sysconfigdata_ file uv patches): its interpreter hands over to a real CPython of that version found on
this machine but not on PATH. Before the fix, the step failed twice over: the sandbox kept uv's Python
folder read-only ("Read-only file system ... uv/python"), and the scrubbed environment dropped the
variables that point uv at a mirror.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from installer.executor import run_plan
from installer.executor.events import RunFinished, StepFinished
from installer.plan.planner import plan_from_files

HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


def _runs(cmd: str) -> bool:
    found = shutil.which(cmd)
    if not found:
        return False
    return subprocess.run([found, "-c", "pass"], capture_output=True).returncode == 0


def _other_cpython() -> tuple[str, str] | None:
    """(X.Y, interpreter) of a CPython 3.9+ on this machine whose pythonX.Y is not on PATH."""
    for exe in sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3.*") + glob.glob("/usr/bin/python3.*")
                      + glob.glob("/usr/local/bin/python3.*")):
        name = os.path.basename(exe)
        version = name.removeprefix("python")
        if not version.replace(".", "").isdigit() or version == HERE or int(version.split(".")[1]) < 9:
            continue
        if _runs(name) or not os.access(exe, os.X_OK):
            continue
        return version, exe
    return None


def _standin_archive(folder: Path, version: str, real: str) -> Path:
    root = folder / "src" / "python"
    (root / "bin").mkdir(parents=True)
    lib = root / "lib" / f"python{version}"
    lib.mkdir(parents=True)
    exe = root / "bin" / f"python{version}"
    exe.write_text(f'#!/bin/bash\nexec -a "$0" {real} "$@"\n')
    exe.chmod(0o755)
    for alias in ("python3", "python"):
        (root / "bin" / alias).symlink_to(exe.name)
    sysconfig = subprocess.run([real, "-c", "import sysconfig, importlib.util as u; "
                                "print(u.find_spec(sysconfig._get_sysconfigdata_name()).origin)"],
                               capture_output=True, text=True, check=True).stdout.strip()
    shutil.copy(sysconfig, lib)
    archive = folder / f"cpython-{version}-standin.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="python")
    return archive


@pytest.fixture
def served(tmp_path):
    found = _other_cpython()
    if found is None:
        pytest.skip("no CPython 3.9+ of another version off PATH on this machine to stand in for a download")
    version, real = found
    archive = _standin_archive(tmp_path / "pbs", version, real)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(archive.parent))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    major, minor = (int(x) for x in version.split("."))
    patch = int(subprocess.run([real, "-c", "import sys; print(sys.version_info.micro)"], capture_output=True,
                               text=True, check=True).stdout)
    downloads = tmp_path / "downloads.json"
    downloads.write_text(json.dumps({f"cpython-{version}.{patch}-linux-x86_64-gnu": {
        "name": "cpython", "arch": {"family": "x86_64", "variant": None}, "os": "linux", "libc": "gnu",
        "major": major, "minor": minor, "patch": patch, "prerelease": "", "variant": None,
        "url": f"http://127.0.0.1:{server.server_port}/{archive.name}",
        "sha256": hashlib.sha256(archive.read_bytes()).hexdigest()}}))
    yield version, downloads
    server.shutdown()


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the stand-in's metadata is for x86_64")
def test_a_python_that_uv_must_download_builds_the_environment(tmp_path, monkeypatch, xdg_home, served):
    version, downloads = served
    pythons = tmp_path / "uv-python"
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(pythons))
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS_JSON_URL", str(downloads))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(
        f'version: 1\ntarget: {{kind: venv, path: envs/t, python: "{version}"}}\n'
        "torch: {variant: cpu, extras: []}\nmirror: {pytorch: none}\nverify: false\n")
    _, _, plan = plan_from_files("a.yaml", probe_timeout=0.5)
    venv_step = plan.steps[0]
    assert venv_step.id == "venv" and str(pythons) in venv_step.writable
    assert any(f"Python {version} was not found on this machine" in n for n in plan.notes)

    events = list(run_plan(replace(plan, steps=(venv_step,)), state_dir=str(tmp_path / "state")))
    finished = [e for e in events if isinstance(e, StepFinished)]
    assert finished[0].status == "changed", finished[0].tail
    assert isinstance(events[-1], RunFinished) and events[-1].ok
    py = tmp_path / "envs" / "t" / "bin" / "python"
    out = subprocess.run([py, "-c", "import sys; print('%d.%d' % sys.version_info[:2], sys.prefix)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == [version, str(tmp_path / "envs" / "t")]
    assert any(p.name.startswith(f"cpython-{version}") for p in pythons.iterdir())  # uv's own, downloaded
