"""`verify` on a target that hangs: at the time limit the interpreter goes, and so does everything it
started (a torch's workers, a CUDA initialisation child), as the benchmark's probe does.

The target is a real fake interpreter: a script, given as --python, that starts a child which sleeps
(its output not on our pipes, so nothing but the process group can find it), then hangs itself.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from helpers import process_gone


def _hanging_python(folder: Path, pids: Path) -> Path:
    folder.mkdir(parents=True)
    script = folder / "python"
    script.write_text(f"#!{sys.executable}\n"
                      "import os, subprocess, time\n"
                      "child = subprocess.Popen(['sleep', '600'], stdin=subprocess.DEVNULL,\n"
                      "                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                      f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
                      "time.sleep(600)\n")
    script.chmod(0o755)
    return script


@pytest.mark.timeout(60)
def test_a_hanging_target_is_stopped_at_the_limit_with_its_children(cli, tmp_path):
    pids = tmp_path / "pids"
    python = _hanging_python(tmp_path / "env" / "bin", pids)
    started = time.monotonic()
    r = cli("verify", "--python", str(python), "--json", "--timeout", "3", timeout=50)
    assert r.returncode == 1 and time.monotonic() - started < 30, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["checks"][0]["name"] == "probe"
    assert doc["checks"][0]["detail"] == "the verify probe did not finish within 3 s"
    interpreter, child = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 10
    while not (process_gone(interpreter) and process_gone(child)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_gone(interpreter), "the interpreter outlived the timeout"
    assert process_gone(child), "the interpreter's child outlived the timeout"


@pytest.mark.timeout(60)
def test_the_library_call_stops_them_too(tmp_path):
    from installer.probes.host import run_verify

    pids = tmp_path / "pids"
    result = run_verify(_hanging_python(tmp_path / "env" / "bin", pids), timeout=3)
    assert result["ok"] is False and "did not finish within 3 s" in result["checks"][0]["detail"]
    interpreter, child = (int(p) for p in pids.read_text().split())
    deadline = time.monotonic() + 10
    while not (process_gone(interpreter) and process_gone(child)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_gone(interpreter) and process_gone(child), "a process of the probe outlived the timeout"
