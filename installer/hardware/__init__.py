"""Hardware detection: what the machine is, read-only, every probe bounded (see detection.py).

Names are resolved lazily: `torch-setup detect` starts its slow probes before pydantic is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from installer.hardware.detection import detect, load_or_detect
    from installer.hardware.report import GPU, HardwareReport, load_report

__all__ = ["GPU", "HardwareReport", "detect", "load_or_detect", "load_report"]


def __getattr__(name: str) -> Any:
    if name in ("detect", "load_or_detect"):
        from installer.hardware import detection

        return getattr(detection, name)
    if name in ("GPU", "HardwareReport", "load_report"):
        from installer.hardware import report

        return getattr(report, name)
    raise AttributeError(name)
