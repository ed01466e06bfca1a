"""What a GPU should reach: dense peak TFLOP/s per dtype and memory bandwidth, from NVIDIA's figures.

Dense figures only (NVIDIA's datasheets print the 2:4-sparsity figure, twice the dense one, with an
asterisk). For GeForce cards the fp16/bf16 figure is the one "with FP32 accumulate", which is what
torch.matmul uses. Peaks are theoretical: a good torch.matmul reaches 60-90% of the tensor-core
figure and 80-95% of fp32; a copy reaches 80-92% of the memory bandwidth.

Where a figure was checked against a copy of the datasheet through the search tool, `checked` says
so; `derived` marks figures computed from a published one (noted how).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reference:
    name: str
    match: tuple[str, ...]  # lowercase substrings of the name torch/NVML reports
    tflops: dict[str, float]  # dtype -> dense peak TFLOP/s: fp32, tf32, fp16, bf16
    memory_gbps: float  # GB/s (10^9 bytes per second)
    pcie: tuple[int, int] | None  # (generation, lanes) the card is built for
    source: str
    checked: bool = False
    derived: dict[str, str] = field(default_factory=dict)


_H100_SXM = {"fp32": 66.9, "tf32": 494.7, "fp16": 989.4, "bf16": 989.4}

REFERENCES: tuple[Reference, ...] = (
    Reference("NVIDIA H100 SXM5", ("h100 80gb hbm3", "h100 sxm"), _H100_SXM, 3350.0, (5, 16),
              "NVIDIA H100 datasheet (sparse figures / 2); copies: glennklockwood.com/garden/processors/h100, "
              "archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html", checked=True),
    Reference("NVIDIA H100 PCIe", ("h100 pcie",), {"fp32": 51.0, "tf32": 378.0, "fp16": 756.5, "bf16": 756.5},
              2000.0, (5, 16), "NVIDIA H100 datasheet, PCIe column (sparse figures / 2); copy: "
              "archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html", checked=True),
    Reference("NVIDIA H200", ("h200",), _H100_SXM, 4800.0, (5, 16),
              "NVIDIA H200 datasheet: H100 SXM compute with 4.8 TB/s HBM3e (glennklockwood.com: 'same as H100')",
              derived={"memory_gbps": "H200 datasheet figure, not re-read here"}),
    Reference("NVIDIA A100 SXM4 80GB", ("a100-sxm4-80gb", "a100 80gb sxm"),
              {"fp32": 19.5, "tf32": 156.0, "fp16": 312.0, "bf16": 312.0}, 2039.0, (4, 16),
              "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf); copy: "
              "glennklockwood.com/garden/processors/A100", checked=True),
    Reference("NVIDIA A100 40GB", ("a100-sxm4-40gb", "a100-pcie-40gb", "a100 40gb"),
              {"fp32": 19.5, "tf32": 156.0, "fp16": 312.0, "bf16": 312.0}, 1555.0, (4, 16),
              "NVIDIA A100 datasheet; copy: upb-pc2 wiki 'NVIDIA A100 40GB with NVLINK'", checked=True),
    Reference("NVIDIA A100 80GB PCIe", ("a100 80gb pcie", "a100-pcie-80gb"),
              {"fp32": 19.5, "tf32": 156.0, "fp16": 312.0, "bf16": 312.0}, 1935.0, (4, 16),
              "NVIDIA A100 datasheet, 80GB PCIe column", derived={"memory_gbps": "datasheet figure, not re-read"}),
    Reference("NVIDIA L40S", ("l40s",), {"fp32": 91.6, "tf32": 183.0, "fp16": 362.05, "bf16": 362.05}, 864.0,
              (4, 16), "NVIDIA L40S datasheet (dense column); copy: mullet.se product page", checked=True),
    Reference("NVIDIA L40", ("nvidia l40",), {"fp32": 90.5, "tf32": 90.5, "fp16": 181.05, "bf16": 181.05},
              864.0, (4, 16), "NVIDIA L40 datasheet (dense column); copy: mullet.se product page", checked=True),
    Reference("NVIDIA L4", ("nvidia l4",), {"fp32": 30.3, "tf32": 60.0, "fp16": 121.0, "bf16": 121.0}, 300.0,
              (4, 16), "NVIDIA L4 datasheet (242 TFLOPS fp16 with sparsity, 300 GB/s)",
              derived={"tf32": "120 with sparsity / 2", "fp16": "242 with sparsity / 2"}),
    Reference("NVIDIA A10", ("nvidia a10",), {"fp32": 31.2, "tf32": 62.5, "fp16": 125.0, "bf16": 125.0}, 600.0,
              (4, 16), "NVIDIA A10 datasheet (sparse figures / 2)",
              derived={"all": "datasheet figures, not re-read here"}),
    Reference("Tesla T4", ("tesla t4",), {"fp32": 8.1, "fp16": 65.0}, 320.0, (3, 16),
              "NVIDIA T4 datasheet (65 TFLOPS mixed precision fp16/fp32)",
              derived={"all": "datasheet figures, not re-read here"}),
    Reference("Tesla V100 SXM2", ("v100-sxm2", "v100 sxm2"), {"fp32": 15.7, "fp16": 125.0}, 900.0, (3, 16),
              "NVIDIA V100 datasheet", derived={"all": "datasheet figures, not re-read here"}),
    Reference("Tesla V100 PCIe", ("v100-pcie", "v100 pcie"), {"fp32": 14.0, "fp16": 112.0}, 900.0, (3, 16),
              "NVIDIA V100 datasheet", derived={"all": "datasheet figures, not re-read here"}),
    Reference("GeForce RTX 5090", ("rtx 5090",), {"fp32": 104.8, "tf32": 104.8, "fp16": 209.6, "bf16": 209.6},
              1792.0, (5, 16), "NVIDIA RTX Blackwell GPU architecture whitepaper; copies: spheron.network RTX 5090 "
              "specs (1,792 GB/s; 838.4 TFLOPS fp16 sparse), pocketmags Linux Format review (104 FP32)",
              derived={"fp16": "838.4 (sparse, FP16 accumulate) / 2 (dense) / 2 (FP32 accumulate on GeForce, as "
                               "for the RTX 4090); unverified", "tf32": "assumed equal to fp32, as on the RTX 4090"}),
    Reference("GeForce RTX 4090", ("rtx 4090",), {"fp32": 82.6, "tf32": 82.6, "fp16": 165.2, "bf16": 165.2},
              1008.0, (4, 16), "NVIDIA Ada GPU architecture whitepaper, appendix; copies: waredb.com RTX 4090, "
              "hmc-tech.com (Tensor FP16-32 165.2, TF32 82.58, 1.01 TB/s)", checked=True),
    Reference("GeForce RTX 3090", ("rtx 3090",), {"fp32": 35.6, "tf32": 35.6, "fp16": 71.0, "bf16": 71.0}, 936.0,
              (4, 16), "NVIDIA Ampere GA102 GPU architecture whitepaper, appendix; bandwidth copy: gfxspeak.com "
              "(936 GB/s); fp32/fp16 copy: ctc.archdevil.net table (35.6 / 71.2)", checked=True),
)


def find_reference(name: str | None) -> Reference | None:
    """The reference for a GPU name as torch or NVML prints it.

    A pattern matches whole words only ("nvidia l40" is not in "nvidia l40s", "a10" not in "a100");
    the longest matching pattern wins.
    """
    if not name:
        return None
    low = name.lower()
    best: tuple[int, Reference] | None = None
    for ref in REFERENCES:
        for m in ref.match:
            if re.search(r"(?<![a-z0-9])" + re.escape(m) + r"(?![a-z0-9])", low) and (best is None or len(m) > best[0]):
                best = (len(m), ref)
    return best[1] if best else None


# PCIe: GT/s per lane and line-code efficiency per generation (PCI-SIG base specifications)
_PCIE = {1: (2.5, 8 / 10), 2: (5.0, 8 / 10), 3: (8.0, 128 / 130), 4: (16.0, 128 / 130), 5: (32.0, 128 / 130),
         6: (64.0, 242 / 256)}


def pcie_gbps(generation: int | None, lanes: int | None) -> float | None:
    """Usable one-direction bandwidth of a PCIe link in GB/s before protocol overhead (~15.75 for 3.0 x16)."""
    if not generation or not lanes or generation not in _PCIE:
        return None
    gts, eff = _PCIE[generation]
    return gts * eff * lanes / 8.0
