"""The benchmark's table: "vs last run" only between figures measured alike (same test, size, dtype and
bytes), and the rows named in the person's language."""

from __future__ import annotations

from installer.i18n import set_language
from installer.probes import history
from installer.probes.results import comparable, label, render


def _cpu_run(bf16_size: int, copy_mib: int, bf16: float) -> dict:
    return {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2}, "torch_version": "2.13.0+cpu",
            "quick": copy_mib == 64, "tests": [
                {"id": "matmul-fp32", "label": "matmul fp32 2048x2048", "unit": "GFLOP/s", "median": 100.0,
                 "size": 2048, "dtype": "fp32", "spread_pct": 1.0},
                {"id": "matmul-bf16", "label": f"matmul bf16 {bf16_size}x{bf16_size}", "unit": "GFLOP/s",
                 "median": bf16, "size": bf16_size, "dtype": "bf16", "spread_pct": 1.0},
                {"id": "memory-bandwidth", "label": f"main memory copy {copy_mib} MiB", "unit": "GB/s",
                 "median": 20.0, "bytes": copy_mib << 20, "memory": "main", "spread_pct": 1.0}],
            "skipped": [{"id": "matmul-tf32", "reason": "TF32 is a GPU mode"}]}


def test_a_figure_at_another_size_is_not_compared():
    # found in use: `bench` then `bench --quick`, bf16 at 4096x4096 then at 2048x2048 read as "+71.7%"
    full, quick = _cpu_run(4096, 256, 400.0), _cpu_run(2048, 64, 200.0)
    comparison = history.compare(quick, comparable(quick, full), None)
    assert [c["id"] for c in comparison["changes"]] == ["matmul-fp32"]
    text = render(quick, comparison)
    assert "vs last run" in next(line for line in text.splitlines() if "matmul fp32" in line)
    assert "vs last run" not in next(line for line in text.splitlines() if "matmul bf16" in line)
    alike = history.compare(quick, comparable(quick, _cpu_run(2048, 64, 100.0)), None)
    assert {c["id"]: c["change_pct"] for c in alike["changes"]}["matmul-bf16"] == 100.0


def test_the_rows_are_named_in_chinese_and_stay_aligned():
    run = _cpu_run(2048, 64, 200.0)
    set_language("zh")
    try:
        lines = render(run).splitlines()
        progress = label({"type": "progress", "test": "memory-bandwidth", "label": "main memory copy 64 MiB",
                          "bytes": 64 << 20, "memory": "main"})
    finally:
        set_language("en")
    assert lines[1].startswith("  矩阵乘法 fp32 2048x2048 ") and lines[3].startswith("  主内存复制 64 MiB ")
    assert progress == "主内存复制 64 MiB"
    # each figure starts in the same terminal column, whatever the width of the characters before it
    from installer.i18n.linebreak import cells

    columns = {cells(line[:line.index(" GB/s")]) if "GB/s" in line else cells(line[:line.index(" GFLOP/s")])
               for line in lines[1:4]}
    assert len(columns) == 1, lines


def test_an_older_result_without_the_fields_keeps_its_label():
    assert label({"id": "memory-bandwidth", "label": "main memory copy 64 MiB", "bytes": 64 << 20}) == \
        "main memory copy 64 MiB"
    assert label({"id": "memory-bandwidth", "label": "device memory copy 1024 MiB", "bytes": 1 << 30}) == \
        "device memory copy 1024 MiB"
    assert label({"id": "something-new", "label": "a new test"}) == "a new test"
