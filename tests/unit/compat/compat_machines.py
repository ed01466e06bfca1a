"""Recorded machines for the compat tests, loaded through the real report loader."""

from __future__ import annotations

import json
from pathlib import Path

from installer.hardware.report import HardwareReport, load_report

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"


def machine(name: str, **changes: object) -> HardwareReport:
    """A recorded machine; `changes` replace top-level keys or, with dotted names, nested ones."""
    if not changes:
        return load_report(MACHINES / f"{name}.json")
    data = json.loads((MACHINES / f"{name}.json").read_text())
    for key, value in changes.items():
        target = data
        parts = key.split("__")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    return HardwareReport.model_validate(data)
