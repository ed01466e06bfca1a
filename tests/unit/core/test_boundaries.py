"""The architecture's boundaries, checked: only the TUI imports textual; the host never imports torch."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():
        lint_path = shutil.which("lint-imports")
        if lint_path is None:
            pytest.skip("import-linter is not installed")
        lint = Path(lint_path)
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_shell_true_anywhere():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "installer").rglob("*.py")
                 if "shell=True" in p.read_text(encoding="utf-8")]
    assert offenders == []
