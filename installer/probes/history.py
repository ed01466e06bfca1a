"""Benchmark results kept as JSON in the XDG data dir (paths.data_dir()/bench), and compared run to run."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

from installer import paths


def bench_dir() -> Path:
    return paths.data_dir() / "bench"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "device"


def save(result: dict[str, Any], directory: Path | None = None, *, now: float | None = None) -> Path:
    """Write one result atomically; the name sorts by time and says which device it measured."""
    folder = directory or bench_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))
    device = (result.get("device") or {}).get("name") or "device"
    path = folder / f"{stamp}-{_slug(str(device))}.json"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stamp}-{_slug(str(device))}-{n}.json"
    record = dict(result, saved_at=stamp)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_all(directory: Path | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """Earlier results, oldest first; unreadable files are skipped (a half-written file from a crash)."""
    folder = directory or bench_dir()
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("tests"), list):
            out.append((path, data))
    return out


def previous_for(result: dict[str, Any], earlier: list[tuple[Path, dict[str, Any]]]) -> tuple[Path, dict[str, Any]] | None:
    """The latest earlier run on the same device (same name and kind)."""
    device = result.get("device") or {}
    key = (device.get("type"), device.get("name"))
    for path, data in reversed(earlier):
        d = data.get("device") or {}
        if (d.get("type"), d.get("name")) == key:
            return path, data
    return None


def compare(result: dict[str, Any], previous: dict[str, Any] | None, previous_path: Path | None = None) -> dict[str, Any] | None:
    """Per test: the earlier median, this one, and the change in percent (positive: faster now)."""
    if previous is None:
        return None
    before = {t.get("id"): t for t in previous.get("tests") or []}
    changes = []
    for t in result.get("tests") or []:
        old = before.get(t.get("id"))
        if not old or not old.get("median"):
            continue
        pct = 100.0 * (float(t["median"]) - float(old["median"])) / float(old["median"])
        # a change inside the two runs' own spread is noise, not a finding
        noise = max(float(t.get("spread_pct") or 0), float(old.get("spread_pct") or 0))
        changes.append({"id": t["id"], "previous": old["median"], "current": t["median"], "unit": t.get("unit"),
                        "change_pct": round(pct, 2), "significant": abs(pct) > max(noise, 5.0),
                        "noise_pct": round(max(noise, 5.0), 1)})
    return {"previous": str(previous_path) if previous_path else None, "previous_saved_at": previous.get("saved_at"),
            "changes": changes,
            # tests the earlier run measured at another size (installer.probes.results.comparable): not compared
            "not_compared": list(previous.get("measured_otherwise") or ())}
