"""Byte counts for people, in binary units (KiB = 1024 B): what the executor's downloads and the wizard show."""

from __future__ import annotations

_UNITS = ("B", "KiB", "MiB", "GiB")


def size_text(n: float) -> str:
    """1536 -> "1.5 KiB": whole bytes below 1 KiB, else one decimal in the largest unit that keeps it >= 1."""
    for unit in _UNITS:
        shown = f"{n:.0f}" if unit == "B" else f"{n:.1f}"
        # judged on the figure as printed, so 1023.97 KiB reads 1.0 MiB, not 1024.0 KiB
        if abs(float(shown)) < 1024:
            return f"{shown} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"
