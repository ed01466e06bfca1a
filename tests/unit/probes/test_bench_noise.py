"""bench's "vs last run": a change inside the two runs' measured spread is said to be noise, and a test the
last run measured at another size says it was not compared. Found in use (s22), on a 2-core box:
"main memory copy 64 MiB  21.04 GB/s ±112.4%  (+33.9% vs last run)", read as a finding."""

from __future__ import annotations

from installer.probes import history
from installer.probes.results import comparable, render


def _run(copy_gbps: float, copy_spread: float, bf16_size: int = 4096) -> dict:
    return {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2}, "torch_version": "2.13.0+cpu", "quick": True,
            "tests": [
                {"id": "memory-bandwidth", "label": "main memory copy 64 MiB", "unit": "GB/s", "median": copy_gbps,
                 "bytes": 64 << 20, "memory": "main", "spread_pct": copy_spread},
                {"id": "matmul-bf16", "label": f"matmul bf16 {bf16_size}x{bf16_size}", "unit": "GFLOP/s",
                 "median": 390.0, "size": bf16_size, "dtype": "bf16", "spread_pct": 4.0}]}


def _row(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith(start))


def test_a_change_inside_the_spread_is_called_noise():
    before, now = _run(15.7, 7.8), _run(21.04, 224.8)
    comparison = history.compare(now, comparable(now, before), None)
    text = render(now, comparison)
    row = _row(text, "main memory copy")
    assert "±112.4%" in row and "(vs last run: +34.0%, inside the runs' spread of 225%)" in row
    assert "(+34.0% vs last run)" not in row


def test_a_change_beyond_the_spread_is_a_change():
    before, now = _run(15.7, 2.0), _run(21.04, 3.0)
    row = _row(render(now, history.compare(now, comparable(now, before), None)), "main memory copy")
    assert row.endswith("(+34.0% vs last run)")


def test_a_test_measured_at_another_size_last_time_says_so():
    before, now = _run(15.7, 2.0, bf16_size=2048), _run(21.04, 3.0)
    comparison = history.compare(now, comparable(now, before), None)
    assert comparison["not_compared"] == ["matmul-bf16"]
    assert [c["id"] for c in comparison["changes"]] == ["memory-bandwidth"]
    row = _row(render(now, comparison), "matmul bf16")
    assert "vs last run" not in row and row.endswith("(last run measured another size: not compared)")
