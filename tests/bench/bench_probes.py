"""Speed of the probes on this machine: `verify --json` and `bench --quick --json` (target: <= 20 s).

    python tests/bench/bench_probes.py [--python PATH]

Without --python it makes a venv with torch==2.13.0 (CPU build, from /opt/wheels when there) in a
temporary folder. Each command runs through the real CLI, three times; the median wall time is printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

QUICK_TARGET_S = 20.0


def _torch_venv(root: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(root)
    py = root / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    source = ["--find-links", "/opt/wheels"] if Path("/opt/wheels").is_dir() else [
        "--index-url", "https://download.pytorch.org/whl/cpu"]
    subprocess.run([str(uv), "pip", "install", "--python", str(py), *source, "torch==2.13.0+cpu"],
                   check=True, capture_output=True, timeout=900)
    return py


def _time(argv: list[str], runs: int = 3) -> tuple[float, dict]:
    times, last = [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "installer", *argv], capture_output=True, text=True,
                              timeout=600)
        times.append(time.perf_counter() - t0)
        last = json.loads(proc.stdout)
    return statistics.median(times), last


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", help="an interpreter with torch (default: a fresh venv with torch 2.13.0 CPU)")
    args, _rest = parser.parse_known_args()  # run_all.py passes the script's own path along
    with tempfile.TemporaryDirectory() as tmp:
        py = Path(args.python) if args.python else _torch_venv(Path(tmp) / "venv")
        verify_s, verify = _time(["verify", "--python", str(py), "--json"])
        bench_s, bench = _time(["bench", "--python", str(py), "--quick", "--json", "--no-save"])
    figures = {t["id"]: f"{t['median']:.1f} {t['unit']} (spread {t['spread_pct']}%)" for t in bench["tests"]}
    print(f"probes: verify --json             {verify_s:6.2f} s wall (probe itself {verify.get('seconds')} s)")
    print(f"probes: bench --quick --json      {bench_s:6.2f} s wall (probe itself {bench.get('seconds')} s); "
          f"target <= {QUICK_TARGET_S:.0f} s: {'met' if bench_s <= QUICK_TARGET_S else 'MISSED'}")
    print(f"probes: device {bench['device'].get('name')} ({bench['device'].get('threads')} threads)")
    for test_id, text in figures.items():
        print(f"probes:   {test_id:<18} {text}")
    return 0 if bench_s <= QUICK_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
