"""The interpreter torch-setup last installed torch into, kept in the state dir (paths.state_dir()).

`verify` without --python checks the active environment, as documented; right after an install that is
usually not the one torch went into (found in use: an admin's `torch-setup verify` after a good install
failed and told them to install). When torch does not import there, verify names this one instead.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from installer import paths

FILE_NAME = "last-target.json"


def _file(state_dir: Path | None) -> Path:
    return (state_dir if state_dir is not None else paths.state_dir()) / FILE_NAME


def record_last_target(python: str, state_dir: Path | None = None) -> None:
    """Keep `python` (a plan's target_python, after its run finished) as the last install's interpreter.

    Never raises: the record only helps a later `verify`, and an install that worked must not fail
    over it (a state dir that filled up since the journal was written)."""
    from installer.executor.journal import write_atomic_json

    try:
        write_atomic_json(_file(state_dir), {"python": os.path.abspath(python), "at": time.time()})
    except OSError:
        pass


def last_target(state_dir: Path | None = None) -> str | None:
    """The interpreter the last install went into, while it is still there; None when no install
    recorded one, the record is unreadable, or the environment has been removed since."""
    try:
        data = json.loads(_file(state_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    python = data.get("python") if isinstance(data, dict) else None
    if not isinstance(python, str) or not os.path.isabs(python) or not os.path.exists(python):
        return None
    return python


def _(text: str, **values: str) -> dict[str, Any]:
    """A message in the probe's own shape (installer/probes/verify.py): the English template and its values,
    translated where it is shown (installer.probes.text.message), so `verify --json` stays in English."""
    return {"text": text, "args": values}


def verify_fix(python: str, fix: str | None = None) -> dict[str, Any]:
    """What a failed torch-import check of another interpreter says to do: check the one torch-setup
    installed into; `fix`, the check's own fix (a torch that is there but broken), is kept after it."""
    if fix:
        return _("torch-setup last installed into {path}: run `torch-setup verify --python {path}`; "
                 "to repair this interpreter instead: {fix}", path=python, fix=fix)
    return _("torch-setup last installed into {path}: run `torch-setup verify --python {path}`", path=python)
