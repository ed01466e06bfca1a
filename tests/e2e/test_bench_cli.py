"""`torch-setup bench --quick` on the real torch 2.13.0 CPU build: the CPU figures, saved and compared."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def test_quick_bench_gives_cpu_gflops_and_bandwidth_and_keeps_the_result(cli, torch_python, xdg_home):
    r = cli("bench", "--python", str(torch_python), "--quick", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["device"]["type"] == "cpu" and out["device"]["threads"] >= 1
    tests = {t["id"]: t for t in out["tests"]}
    assert set(tests) == {"matmul-fp32", "matmul-fp16", "matmul-bf16", "memory-bandwidth"}
    assert {s["id"] for s in out["skipped"]} == {"matmul-tf32"}
    fp32, bw = tests["matmul-fp32"], tests["memory-bandwidth"]
    assert fp32["unit"] == "GFLOP/s" and bw["unit"] == "GB/s"
    assert bw["label"] == "main memory copy 64 MiB"  # on a CPU, not the "device memory" a GPU has
    # plausible for any CPU that runs this suite, not a speed claim: 0.5 GFLOP/s .. 100 TFLOP/s
    assert 0.5 < fp32["median"] < 100_000 and 0.1 < bw["median"] < 10_000
    for t in out["tests"]:
        assert t["repeats"] == 5 and t["min"] <= t["median"] <= t["max"] and len(t["samples"]) == 5
    assert out["reference"] is None and out["notes"][0].startswith("no GPU in use")
    saved = list((xdg_home / "data" / "torch-setup" / "bench").glob("*.json"))
    assert [str(p) for p in saved] == [out["saved_to"]] and out["comparison"] is None

    again = json.loads(cli("bench", "--python", str(torch_python), "--quick", "--json").stdout)
    assert again["comparison"]["previous"] == out["saved_to"]
    # like with like only: a CPU's matmul size follows its speed, so a row measured at another size is left out
    alike = {t["id"] for t in again["tests"] if t.get("size") == tests[t["id"]].get("size")}
    assert "memory-bandwidth" in alike and {c["id"] for c in again["comparison"]["changes"]} == alike


def test_text_output_shows_progress_on_stderr_and_a_table_on_stdout(cli, torch_python, xdg_home):
    """Found in use: each figure was printed on stderr as it came, then again in the table, a second list
    under it: stderr (a pipe, a log) names each test once, and the figures are the table's alone."""
    r = cli("bench", "--python", str(torch_python), "--quick", "--no-save")
    assert r.returncode == 0
    assert "GFLOP/s" in r.stdout and "matmul fp32" in r.stdout and "saved to" not in r.stdout
    named = [line for line in r.stderr.splitlines() if line.startswith("measuring ")]
    assert [line.split()[1:3] for line in named] == [["matmul", "fp32"], ["matmul", "fp16"], ["matmul", "bf16"],
                                                     ["main", "memory"]], r.stderr
    assert "GFLOP/s" not in r.stderr and "GB/s" not in r.stderr, r.stderr
    assert not (xdg_home / "data" / "torch-setup" / "bench").exists()


def test_a_terminal_sees_one_progress_line_erased_before_the_table(torch_python, xdg_home):
    """With stderr a terminal (a real pty), the progress is one line rewritten in place and erased at the
    end: the figures are shown once, in the table on stdout."""
    import os
    import sys

    from helpers import stderr_on_a_pty

    code, out, shown = stderr_on_a_pty([sys.executable, "-m", "installer", "bench", "--python", str(torch_python),
                                        "--quick", "--no-save"], {**os.environ, "NO_COLOR": "1"}, 600)
    assert code == 0, shown
    assert "\r\x1b[Kmatmul fp32" in shown and "1/5" in shown
    assert shown.endswith("\r\x1b[K") and "\n" not in shown  # one line, erased: nothing stays on the screen
    assert "GFLOP/s" not in shown and "measuring" not in shown
    assert out.count("matmul fp32") == 1 and "GFLOP/s" in out


def test_a_bad_device_is_bad_input(cli, torch_python):
    r = cli("bench", "--python", str(torch_python), "--device", "gpu7")
    assert r.returncode == 2 and "--device" in r.stderr and "Traceback" not in r.stderr


def test_progress_arrives_as_json_lines_and_cancel_stops_the_probe(torch_python):
    import threading

    from installer.probes.host import run_bench

    events: list[dict] = []
    result = run_bench(torch_python, quick=True, on_progress=events.append)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and set(events[0]["tests"]) >= {"matmul-fp32", "memory-bandwidth"}
    progress = [e for e in events if e["type"] == "progress" and e.get("total")]
    assert progress and all(1 <= e["done"] <= e["total"] for e in progress)
    measured = [e["test"]["id"] for e in events if e["type"] == "measurement"]
    assert measured == [t["id"] for t in result["tests"]]

    cancel = threading.Event()
    seen: list[str] = []

    def stop_at_first_figure(event: dict) -> None:
        if event["type"] == "measurement":
            seen.append(event["test"]["id"])
            cancel.set()

    with pytest.raises(KeyboardInterrupt):
        run_bench(torch_python, quick=True, on_progress=stop_at_first_figure, cancel=cancel)
    # the probe was killed: the figures after the first never came (a run to the end gives four)
    assert 1 <= len(seen) < len(result["tests"])
