"""The target interpreter's facts when it is the running one: read in-process instead of a second Python.

Prints, for the same interpreter, the facts script run as `python -c` (the way for any other target)
against the in-process read, then detect() in this process and `torch-setup detect --json` both ways (the subprocess way forced by
starting the CLI with the in-process path switched off). Interleaved runs, medians: the machine is shared.
Returns 1 when the in-process read is not faster than the subprocess, so `make bench` reports it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1].parent
RUNS = 15
# the CLI exactly as `python -m installer`, with or without the in-process target read
CLI = ("import sys, runpy; import installer.hardware.target_python as t; "
       "t._in_process_allowed = (lambda: False) if sys.argv[1] == 'subprocess' else t._in_process_allowed; "
       "sys.argv = ['torch-setup', 'detect', '--json']; runpy.run_module('installer', run_name='__main__')")


def _facts() -> tuple[list[float], list[float]]:
    sys.path.insert(0, str(REPO))
    from installer.hardware import run, target_python

    child: list[float] = []
    here: list[float] = []
    for _ in range(RUNS * 2):
        start = time.perf_counter()
        assert target_python.collect(run.start([sys.executable, "-c", target_python.SCRIPT])) is not None
        child.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert target_python.collect(target_python.start(None)) is not None
        here.append(time.perf_counter() - start)
    return child, here


def _detect() -> tuple[list[float], list[float]]:
    """detect() in this process, warm, both ways (the other probes run alongside the target's read)."""
    from installer.hardware import detect, target_python

    allowed = target_python._in_process_allowed
    detect()
    child: list[float] = []
    here: list[float] = []
    try:
        for _ in range(RUNS):
            for way, times in (((lambda: False), child), (allowed, here)):
                target_python._in_process_allowed = way  # type: ignore[assignment]
                start = time.perf_counter()
                detect()
                times.append(time.perf_counter() - start)
    finally:
        target_python._in_process_allowed = allowed  # type: ignore[assignment]
    return child, here


def _cli() -> tuple[list[float], list[float]]:
    child: list[float] = []
    here: list[float] = []
    for _ in range(RUNS):
        for way, times in (("subprocess", child), ("in-process", here)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", CLI, way], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return child, here


def _ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1e3:6.1f} ms   best {min(times) * 1e3:6.1f} ms   (n={len(times)})"


def main() -> int:
    child, here = _facts()
    print(f"target facts, `python -c` subprocess   {_ms(child)}")
    print(f"target facts, in-process              {_ms(here)}")
    det_child, det_here = _detect()
    print(f"detect() warm, target as subprocess   {_ms(det_child)}")
    print(f"detect() warm, target in-process      {_ms(det_here)}")
    cli_child, cli_here = _cli()
    print(f"detect --json, target as subprocess   {_ms(cli_child)}")
    print(f"detect --json, target in-process      {_ms(cli_here)}")
    saved = statistics.median(child) - statistics.median(here)
    print(f"in-process read saves {saved * 1e3:.1f} ms of target facts; detect --json median "
          f"{(statistics.median(cli_child) - statistics.median(cli_here)) * 1e3:+.1f} ms")
    return 0 if saved > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
