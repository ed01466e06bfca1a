"""The table `torch-setup mirrors` prints lines up in terminal cells, in Chinese too."""

from __future__ import annotations

import re

import pytest

from installer.i18n import set_language
from installer.i18n.linebreak import cells
from installer.mirrors.probing import MirrorResult, ProbeReport
from installer.mirrors.table import render_table


def column_starts(line: str) -> list[int]:
    """The cell where each column begins: columns are set apart by two blanks or more."""
    return [cells(line[:m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_columns_line_up_under_their_headers(lang):
    results = [
        MirrorResult(id="tuna-pypi", kind="pypi", name="TUNA", url="https://pypi.tuna.tsinghua.edu.cn/simple",
                     region="cn", name_zh="清华大学 TUNA", ok=True, latency_ms=31.0, throughput_mbps=42.5,
                     final_url="https://pypi.tuna.tsinghua.edu.cn/simple", fresh=True),
        MirrorResult(id="pypi", kind="pypi", name="PyPI", url="https://pypi.org/simple", region="global",
                     upstream=True, reason="DNS lookup failed for pypi.org: no route to this mirror from here"),
    ]
    set_language(lang)
    try:
        report = ProbeReport(results=results, elapsed_s=0.4, context=None, timeout=10.0)  # type: ignore[arg-type]
        text = render_table(report)
    finally:
        set_language("en")
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#"))
    rows = lines[header + 1:header + 3]
    assert rows[0].lstrip().startswith("1  tuna-pypi") and rows[1].lstrip().startswith("-  pypi")
    want = column_starts(lines[header])
    # in Chinese the mirrors are named too (the ids are English abbreviations), in cells of width 2
    columns = 8 if lang == "zh" else 7
    assert len(want) == columns
    if lang == "zh":
        assert "清华大学 TUNA" in rows[0] and "PyPI" in rows[1]
    assert column_starts(rows[0]) == want[:columns - 1], (lines[header], rows[0])  # no note: the mirror works
    assert column_starts(rows[1]) == want, (lines[header], rows[1])


def test_the_cuda_block_says_no_answer_picks_these_mirrors():
    """`torch-setup mirrors` ranks aliyun-cuda with NVIDIA's hosts (--kind cuda is a contract), but no answer
    chooses a CUDA mirror: the text says where plans take CUDA from; the other blocks say nothing of it."""
    results = [
        MirrorResult(id="aliyun-cuda", kind="cuda", name="Aliyun nvidia-cuda", url="https://mirrors.aliyun.com/nvidia-cuda",
                     region="cn", ok=True, latency_ms=30.0, final_url="https://mirrors.aliyun.com/nvidia-cuda"),
        MirrorResult(id="tuna-pypi", kind="pypi", name="TUNA", url="https://pypi.tuna.tsinghua.edu.cn/simple",
                     region="cn", ok=True, latency_ms=31.0, final_url="https://pypi.tuna.tsinghua.edu.cn/simple"),
    ]
    text = render_table(ProbeReport(results=results, elapsed_s=0.4, context=None, timeout=10.0))  # type: ignore[arg-type]
    blocks = text.split("\n\n")
    cuda = next(b for b in blocks if b.startswith("NVIDIA CUDA repositories and runfiles"))
    assert cuda.splitlines()[-1] == (
        "  No answer picks these: plans fetch CUDA runfiles and cuda-keyring (which sets apt up for NVIDIA's "
        "repository) from NVIDIA's own hosts, developer.download.nvidia.cn first for region cn or beside a mirror "
        "in China chosen by hand")
    assert "No answer picks" not in next(b for b in blocks if b.startswith("PyPI indexes"))
