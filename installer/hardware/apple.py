"""Apple Silicon: the GPU is part of the chip; PyTorch reaches it through MPS."""

from __future__ import annotations

import platform

from installer.hardware import run as _run


def probe() -> dict[str, str | int | None] | None:
    if platform.system() != "Darwin" or platform.machine() != "arm64":
        return None
    out = _run.run(["sysctl", "-n", "machdep.cpu.brand_string", "hw.memsize"], timeout=2.0)
    lines = out.stdout.split("\n") if out is not None and out.ok else []
    name = lines[0].strip() if lines and lines[0].strip() else "Apple Silicon"
    memory = int(lines[1]) // (1024 * 1024) if len(lines) > 1 and lines[1].strip().isdigit() else None
    return {"name": name, "memory_mib": memory}
