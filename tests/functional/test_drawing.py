"""The small drawing helpers the screens share: benchmark bars, download figures, aligned labels."""

from __future__ import annotations

from rich.cells import cell_len

from installer.executor.units import size_text
from installer.i18n.linebreak import pad
from installer.tui.screens.base import aligned
from installer.tui.screens.bench import BAR, bar, figures_of
from installer.tui.screens.install import time_left


def test_bar_fills_in_proportion_and_marks_the_expected_figure():
    half = bar(50.0, None, 100.0)
    assert len(half) == BAR and half.count("█") == BAR // 2 and "│" not in half
    marked = bar(50.0, 100.0, 100.0)
    assert marked[-1] == "│" and marked.count("█") == BAR // 2
    assert bar(0.0, None, 100.0) == "░" * BAR
    assert bar(250.0, 100.0, 250.0).count("█") == BAR - 1  # full, the expected mark drawn over it


def test_figures_of_reads_the_benchmark_tests():
    result = {"tests": [{"id": "matmul-fp32", "label": "matmul fp32 2048x2048", "unit": "GFLOP/s",
                         "median": 41.3}, {"id": "x", "label": "no figure", "unit": "GB/s", "median": None},
                        {"id": "matmul-bf16", "label": "matmul bf16", "unit": "TFLOP/s", "median": 600.0,
                         "peak": 989.4}]}
    rows = figures_of(result)
    assert [(r["name"], r["value"], r["unit"], r["expected"]) for r in rows] == [
        ("matmul single precision (fp32)", 41.3, "GFLOP/s", None), ("matmul bfloat16 (bf16)", 600.0, "TFLOP/s", 989.4)]


def test_download_figures():
    # the wizard shows the executor's binary units (the plain front-end prints the same figures)
    assert size_text(1_500_000) == "1.4 MiB"
    assert size_text(999) == "999 B"
    assert time_left(0, 3_000_000, 1_000_000) == "0:03 left"
    assert time_left(10, None, 1.0) == "" and time_left(5, 10, None) == ""


def test_labels_line_up_in_chinese_too():
    text = aligned([("系统", "Debian"), ("GPU", "none")])
    first, second = (line.replace("[b]", "").replace("[/b]", "") for line in text.splitlines())
    assert cell_len(first.split("Debian")[0]) == cell_len(second.split("none")[0])
    assert cell_len(pad("安全启动", 10)) == 10
