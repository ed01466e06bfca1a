"""How long choosing takes: loading the data files, `recommend` per recorded machine, `resolve_pins`,
and the `recommend --json` command end to end (a fresh process, as a person runs it)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "tests" / "fixtures" / "machines"


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, max {max(samples) * 1000:.2f} ms"


def main() -> None:
    sys.path.insert(0, str(REPO))
    from installer.compat import recommend, resolve_pins
    from installer.compat.data import DATA_DIR, load_from
    from installer.hardware.report import load_report

    loads = []
    for _ in range(5):
        t = time.perf_counter()
        data = load_from(DATA_DIR)
        loads.append(time.perf_counter() - t)
    print(f"compat data load (4 YAML files): {_ms(loads)}")

    reports = [load_report(p) for p in sorted(MACHINES.glob("*.json"))]
    per_machine = []
    for report in reports:
        for _ in range(5):
            t = time.perf_counter()
            recommend(report, data=data)
            per_machine.append(time.perf_counter() - t)
    print(f"recommend, {len(reports)} recorded machines x5: {_ms(per_machine)}")

    pins = []
    for report in reports:
        t = time.perf_counter()
        resolve_pins(report, data=data)
        pins.append(time.perf_counter() - t)
    print(f"resolve_pins latest/auto: {_ms(pins)}")

    cli = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "installer", "recommend", "--hardware",
                        str(MACHINES / "rtx4090-550.json"), "--json"], check=True, capture_output=True, cwd=REPO)
        cli.append(time.perf_counter() - t)
    print(f"`torch-setup recommend --hardware F --json` (new process): {_ms(cli)}")


if __name__ == "__main__":
    main()
