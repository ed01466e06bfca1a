"""The Benchmark screen draws each unit as a block of its own, so bars of different units are never read
as one scale. Found in use on a CPU: matmul GFLOP/s and memory GB/s were drawn one under the other, both
as full bars. The results are the probe's own shape (a quick CPU run on this machine, recorded)."""

from __future__ import annotations

import json
from pathlib import Path

from tui_support import settle, widget_text

from installer.plan.model import Plan

CPU = {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2},
       "tests": [{"id": "matmul-fp32", "label": "matmul fp32 1024x1024", "unit": "GFLOP/s", "median": 102.7},
                 {"id": "matmul-fp16", "label": "matmul fp16 512x512", "unit": "GFLOP/s", "median": 2.0},
                 {"id": "matmul-bf16", "label": "matmul bf16 2048x2048", "unit": "GFLOP/s", "median": 212.1},
                 {"id": "memory-bandwidth", "label": "device memory copy 64 MiB", "unit": "GB/s",
                  "median": 28.9}],
       "skipped": [{"id": "matmul-tf32", "reason": "TF32 is a GPU mode"}],
       "notes": ["no GPU in use: these are CPU figures (2 threads)"]}

# as installer/probes/results.py enriches a GPU's run: each figure with the peak it is compared with
GPU = {"device": {"type": "cuda", "name": "NVIDIA H100 80GB HBM3"},
       "tests": [{"id": "matmul-fp32", "label": "matmul fp32", "unit": "TFLOP/s", "median": 33.5, "peak": 67.0},
                 {"id": "matmul-bf16", "label": "matmul bf16", "unit": "TFLOP/s", "median": 742.0, "peak": 989.4},
                 {"id": "memory-bandwidth", "label": "device memory copy", "unit": "GB/s", "median": 3015.0,
                  "peak": 3350.0},
                 {"id": "h2d-pinned", "label": "host to device, pinned memory", "unit": "GB/s", "median": 15.75,
                  "peak": 31.5}],
       "skipped": [], "notes": []}


async def _bench_blocks(make_wizard, result, shown: list[str] | None = None) -> list[list[str]]:
    """The Bench screen after a real run's result: each unit's block as its lines (and in `shown`, when
    given, every line the screen shows)."""
    app = make_wizard("cpu-only", as_this_machine=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.ensure_draft()
        app.state.draft["bench"] = "quick"
        # the screen shows a saved result rather than measure again: the environment's interpreter is named
        app.state.plan = Plan(steps=(), summary=(), notes=(), target_python="/nonexistent/bin/python")
        app.state.bench_result = result
        app.go("bench")
        await settle(pilot)
        assert app.current_name == "bench"
        if shown is not None:
            shown.extend(line for w in app.screen.query("#figures Static") for line in widget_text(w).splitlines())
        return [widget_text(w).splitlines() for w in app.screen.query(".bars")]


def _bar(line: str) -> str:
    return "".join(c for c in line if c in "█░│")


async def test_cpu_figures_of_two_units_are_two_blocks(make_wizard):
    blocks = await _bench_blocks(make_wizard, CPU)
    assert [block[0] for block in blocks] == ["GFLOP/s", "GB/s"]  # each block headed by its unit
    flops, memory = blocks
    # GFLOP/s against the largest GFLOP/s figure
    assert _bar(flops[3]).count("█") == len(_bar(flops[3]))
    assert 0 < _bar(flops[1]).count("█") < len(_bar(flops[1]))
    # a figure alone in its unit, with no reference: no bar, which would compare it with nothing
    # named by what it copies in, in the wizard's words (the probe's label on this CPU said "device memory")
    assert "main memory copy (RAM)" in memory[1] and "28.9 GB/s" in memory[1]
    assert _bar(memory[1]) == "", memory


async def test_gpu_figures_are_drawn_against_their_own_reference(make_wizard):
    blocks = await _bench_blocks(make_wizard, GPU)
    assert [block[0] for block in blocks] == ["TFLOP/s", "GB/s"]
    rows = {line[:min(line.index(c) for c in "█░│" if c in line)].strip(): _bar(line)
            for block in blocks for line in block[1:]}
    # half of its own peak is half a bar, whatever the other figures of its unit (bf16's peak is 15x fp32's)
    assert rows["matmul single precision (fp32)"].count("█") == 12
    assert rows["matmul single precision (fp32)"].endswith("│")
    assert rows["host to GPU, pinned memory"].count("█") == 12
    assert rows["GPU memory copy"].count("█") == 22  # 90%


async def test_a_cpu_run_says_it_ran_on_the_cpu_and_names_each_precision(make_wizard):
    """Found in use on a machine without a GPU: "Device: AMD EPYC", and an fp16 row (1.1 GFLOP/s against
    fp32's 24) that said nothing of what fp16 is."""
    shown: list[str] = []
    blocks = await _bench_blocks(make_wizard, CPU, shown)
    assert shown[0] == "Device: CPU, AMD EPYC (no GPU used)", shown
    names = ["matmul single precision (fp32)", "matmul half precision (fp16)", "matmul bfloat16 (bf16)"]
    assert [line[:len(name)] for line, name in zip(blocks[0][1:], names, strict=True)] == names
    assert "matmul TensorFloat-32 (tf32) not measured: TF32 is a GPU mode" in shown


async def test_a_cpu_without_a_model_name_is_still_said_to_be_the_cpu(make_wizard):
    # the probe's fallback where /proc/cpuinfo names no model: platform.machine(), the architecture
    shown: list[str] = []
    await _bench_blocks(make_wizard, CPU | {"device": {"type": "cpu", "name": "x86_64", "threads": 2}}, shown)
    assert shown[0] == "Device: CPU (no GPU used)", shown


async def test_a_gpu_is_named_as_it_was(make_wizard):
    shown: list[str] = []
    await _bench_blocks(make_wizard, GPU, shown)
    assert shown[0] == "Device: NVIDIA H100 80GB HBM3", shown


async def test_a_real_h200_run_is_drawn_row_by_row_against_its_peaks(make_wizard):
    """The full benchmark as the probe printed it on a real H200 (tests/fixtures/probes/real/, the lent
    machine): nine figures in two units, each with its share of the peak it is compared with, and the
    power-limit note the GPU's state gave."""
    real = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "probes" / "real" /
                       "h200-cu130.bench.json").read_text())
    shown: list[str] = []
    blocks = await _bench_blocks(make_wizard, real, shown)
    assert shown[0] == "Device: NVIDIA H200", shown
    assert [block[0] for block in blocks] == ["TFLOP/s", "GB/s"]
    rows = [" ".join(line.replace("█", " ").replace("░", " ").replace("│", " ").split())
            for block in blocks for line in block[1:]]
    assert rows == [
        "matmul single precision (fp32) 53.3 TFLOP/s (80% of 67)",
        "matmul TensorFloat-32 (tf32) 354.1 TFLOP/s (72% of 495)",
        "matmul half precision (fp16) 661.7 TFLOP/s (67% of 989)",
        "matmul bfloat16 (bf16) 689.1 TFLOP/s (70% of 989)",
        "GPU memory copy 4243.1 GB/s (88% of 4800)",
        "host to GPU, pinned memory 54.2 GB/s (86% of 63)",
        "GPU to host, pinned memory 54.6 GB/s (87% of 63)",
        "host to GPU, pageable memory 16.8 GB/s (27% of 63)",
        "GPU to host, pageable memory 12.2 GB/s (19% of 63)",
    ], rows
    assert any("power limit (700.0 W)" in line for line in shown), shown
