"""`make bench`: run every tests/bench/bench_*.py, each in its own process, and print its figures.

Each script has a main() that measures one target from the issues (install overhead vs raw uv, detect time,
mirror probing concurrency, probe speed, wizard start-up and memory) and prints what it measured against
the target. A script that fails is reported and the others still run; the exit code says whether all ran.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _bytecode() -> None:
    """Compile the package first, as an installed wheel is: with PYTHONDONTWRITEBYTECODE set (CI, this
    machine) a checkout would otherwise recompile every module on every start, and each timing would
    measure the compiler instead of torch-setup."""
    import compileall

    compileall.compile_dir(str(HERE.parent.parent / "installer"), quiet=1)


def main() -> int:
    _bytecode()
    scripts = sorted(HERE.glob("bench_*.py"))
    only = set(sys.argv[1:])
    failed = []
    for script in scripts:
        name = script.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        print(f"\n=== {name} ({script.relative_to(HERE.parent.parent)})", flush=True)
        start = time.perf_counter()
        code = "import runpy, sys; sys.exit(runpy.run_path(sys.argv[1])['main']() or 0)"
        result = subprocess.run([sys.executable, "-c", code, str(script)], cwd=HERE.parent.parent)
        took = time.perf_counter() - start
        if result.returncode != 0:
            failed.append(name)
            print(f"--- {name}: FAILED (exit {result.returncode}) after {took:.1f} s", flush=True)
        else:
            print(f"--- {name}: done in {took:.1f} s", flush=True)
    if failed:
        print(f"\nbenchmarks that failed to run or missed their target: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
