"""A run killed at any moment (SIGKILL included) completes on the next run and never repeats a done step."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_runner import _running, _wait_for

DRIVER = Path(__file__).with_name("driver.py")


def _spec(tmp_path: Path, state: Path, steps: list[dict]) -> Path:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"state": str(state), "steps": steps}))
    return spec


def _driver(spec: Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(DRIVER), str(spec)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def _journal(state: Path) -> dict[str, str]:
    out = {}
    for p in (state / "journal").glob("*.json"):
        data = json.loads(p.read_text())
        out[data["step_id"]] = data["status"]
    return out


def _append(counter: Path, letter: str, sleep: float = 0.0) -> list[str]:
    return [sys.executable, "-c", f"import time; time.sleep({sleep}); open({str(counter)!r}, 'a').write({letter!r})"]


@pytest.mark.parametrize("sandbox", ["bwrap", "none"])
def test_sigkill_in_the_middle_of_a_step_then_resume(tmp_path, state, sandbox):
    if sandbox == "bwrap" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed")
    env = {**os.environ, "TORCH_SETUP_NO_SANDBOX": "1" if sandbox == "none" else "0"}
    out = tmp_path / "out"
    out.mkdir()
    counter, first = out / "counter", out / "first-attempt"
    tag = f"resume-{time.monotonic_ns()}"
    slow = (f"import os, sys, time\nif os.path.exists({str(first)!r}): sys.exit(0)\n"
            f"open({str(first)!r}, 'w').write('1')\ntime.sleep(60)\n# {tag}")
    steps = [{"id": "a", "argv": _append(counter, "a"), "writable": [str(out)]},
             {"id": "b", "argv": [sys.executable, "-c", slow], "writable": [str(out)]},
             {"id": "c", "argv": _append(counter, "c"), "writable": [str(out)]}]
    spec = _spec(tmp_path, state, steps)
    proc = _driver(spec, env)
    assert _wait_for(first.exists), "step b never started"
    assert _running(tag), "step b's process is not running: the kill below would prove nothing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # the step's process dies with the run (PR_SET_PDEATHSIG / bwrap --die-with-parent): no leftover writer
    assert _wait_for(lambda: not _running(tag), 10)
    assert _journal(state) == {"a": "done", "b": "started"}

    second = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True, timeout=120,
                            env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    lines = second.stdout.splitlines()
    assert "StepFinished a unchanged" in " ".join(lines)
    assert any(line.startswith("StepFinished b changed") for line in lines)
    assert any(line.startswith("StepFinished c changed") for line in lines)
    assert counter.read_text() == "ac"
    third = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True, timeout=120)
    assert [line for line in third.stdout.splitlines() if line.startswith("StepFinished")] == [
        "StepFinished a unchanged ", "StepFinished b unchanged ", "StepFinished c unchanged "]
    assert counter.read_text() == "ac"


def test_killed_at_random_moments_never_repeats_a_done_step(tmp_path, state):
    out = tmp_path / "out"
    out.mkdir()
    counter = out / "counter"
    letters = "abcdefgh"
    steps = [{"id": x, "argv": _append(counter, x, 0.15), "writable": [str(out)]} for x in letters]
    spec = _spec(tmp_path, state, steps)
    rng = random.Random(1234)
    for _ in range(6):
        before_done = {k for k, v in _journal(state).items() if v == "done"} if (state / "journal").exists() else set()
        before = counter.read_text() if counter.exists() else ""
        proc = _driver(spec)
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        after = counter.read_text() if counter.exists() else ""
        for letter in before_done:
            assert after.count(letter) == before.count(letter), f"step {letter} was done, and ran again"
    final = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True, timeout=120)
    assert final.returncode == 0 and "RunFinished   True" in final.stdout
    text = counter.read_text()
    assert set(text) == set(letters)
    assert _journal(state) == dict.fromkeys(letters, "done")
    again = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True, timeout=120)
    assert again.stdout.count("unchanged") == len(letters) and counter.read_text() == text
