"""Detection speed (issue 3: `detect` <= 0.3 s on this machine, every external command bounded).

Prints the median and worst of N runs of the real CLI (`torch-setup detect --json` and the summary for
people) and of the in-process detect() call (pydantic model included). Returns 1 when the CLI median
misses the target, so `make bench` reports it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.3
RUNS = 15
REPO = Path(__file__).resolve().parents[2]


def _cli(args: list[str]) -> list[float]:
    times = []
    env = dict(os.environ, NO_COLOR="1")
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "installer", *args], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def _in_process() -> list[float]:
    sys.path.insert(0, str(REPO))
    from installer.hardware import detect

    detect()  # first call pays the imports; the rest measure the probes
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        detect()
        times.append(time.perf_counter() - start)
    return times


def _line(label: str, times: list[float]) -> str:
    return (f"{label:<34} median {statistics.median(times):.3f} s   best {min(times):.3f} s   "
            f"worst {max(times):.3f} s   (n={len(times)})")


def main() -> int:
    json_runs = _cli(["detect", "--json"])
    human_runs = _cli(["detect"])
    calls = _in_process()
    print(_line("torch-setup detect --json", json_runs))
    print(_line("torch-setup detect (summary)", human_runs))
    print(_line("detect() in process, warm", calls))
    median = statistics.median(json_runs)
    verdict = "meets" if median <= TARGET_S else "MISSES"
    print(f"target: detect <= {TARGET_S} s -> {verdict} it ({median:.3f} s median, --json)")
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
