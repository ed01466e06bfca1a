"""Mirror probing speed: 12 loopback mirrors with known delays, probed concurrently.

Each mirror waits a known time before every answer (50 ms ... 600 ms) and paces its files at a known
rate; the probe takes three latency samples of each and a 1 MiB throughput sample of the best three.
Probed one after another this would cost the sum of the probes; the claim is that it costs about the
slowest one (<= 1.5x). Run: `make bench` or `.venv/bin/python tests/bench/bench_mirrors.py`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "mirrors"))
from mirror_servers import Mirror, torch_index, write_catalog  # noqa: E402

from installer.mirrors import ProbeContext, load_catalog, probe  # noqa: E402

DELAYS = [0.05 * (i + 1) for i in range(12)]  # 50 ms ... 600 ms before every answer
RATE = 16e6  # bytes per second for file bodies


def run_once(tmp: Path) -> dict[str, float]:
    servers = [torch_index(Mirror(f"m{i:02d}", delay=d, rate=RATE).start()) for i, d in enumerate(DELAYS)]
    try:
        entries = [{"id": s.name, "kind": "pytorch", "name": s.name, "url": f"{s.base}/whl", "region": "global",
                    "layout": "pep503", "upstream": i == 0, "source": "loopback benchmark server"}
                   for i, s in enumerate(servers)]
        catalog = load_catalog(write_catalog(tmp / "catalog.yaml",
                                             {"pytorch": {"upstream_hosts": [servers[0].netloc]}}, entries))
        ctx = ProbeContext.from_catalog(catalog, variant="cpu", torch_version="2.13.0")
        report = probe(catalog=catalog, context=ctx, timeout=10, include_current=False)
    finally:
        for s in servers:
            s.stop()
    live = [r for r in report.results if r.ok]
    assert len(live) == len(DELAYS), [(r.id, r.reason) for r in report.results if not r.ok]
    return {"total": report.elapsed_s, "slowest": report.slowest_live_probe_s(),
            "sum": sum(r.elapsed_s for r in live), "best": live[0].id}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_once(Path(tmp)) for _ in range(3)]
    print("bench_mirrors: 12 loopback PyTorch indexes, delays 50..600 ms, 3 latency samples each, "
          "1 MiB throughput sample on the best 3")
    for i, r in enumerate(runs, 1):
        print(f"  run {i}: total {r['total']:.2f} s | slowest single probe {r['slowest']:.2f} s | "
              f"ratio {r['total'] / r['slowest']:.2f}x | one-by-one would take {r['sum']:.2f} s | best {r['best']}")
    worst = max(r["total"] / r["slowest"] for r in runs)
    verdict = "OK" if worst <= 1.5 else "TOO SLOW"
    print(f"  worst ratio total/slowest: {worst:.2f}x (target <= 1.5x): {verdict}")
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
