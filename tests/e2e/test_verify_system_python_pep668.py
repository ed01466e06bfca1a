"""verify of a distribution's own Python (PEP 668's EXTERNALLY-MANAGED marker, as on Debian 12) advises what
`plan` accepts, as doctor does: a venv made from it, not `target: {kind: existing}`, which `plan` refuses (exit
2). The real CLI, on this machine's /usr/bin/python3 when it carries the marker."""

from __future__ import annotations

import glob
import json
import re

import pytest

SYSTEM = "/usr/bin/python3"
# Debian's python3.11 package installs the marker in its stdlib folder (PEP 668, "Marking an interpreter as
# using an external package manager")
pytestmark = pytest.mark.skipif(not glob.glob("/usr/lib/python3*/EXTERNALLY-MANAGED"),
                                reason="needs a system Python carrying PEP 668's EXTERNALLY-MANAGED marker")


def _import_fix(doc: dict) -> str:
    return next(c for c in doc["checks"] if c["name"] == "torch-import")["fix"]


def test_verify_of_a_system_python_gives_doctors_venv_route(cli, xdg_home, tmp_path, monkeypatch):
    monkeypatch.delenv("PIP_BREAK_SYSTEM_PACKAGES", raising=False)
    r = cli("verify", "--python", SYSTEM, "--json")
    assert r.returncode == 1, r.stdout + r.stderr
    fix = _import_fix(json.loads(r.stdout))
    assert "PEP 668" in fix, fix
    assert "kind: existing" not in fix and "an existing Python interpreter" not in fix, fix
    assert "a new virtual environment" in fix, fix
    # the same advice as doctor's, word for word (one function gives both)
    doctor = cli("doctor", "--python", SYSTEM, "--json")
    assert _import_fix(json.loads(doctor.stdout)["verify"]) == fix

    # the answers line it gives is one `plan` takes
    line = re.search(r"`(target: \{kind: venv, python: [^`]*\})`", fix)
    assert line is not None, fix
    (tmp_path / "advised.yaml").write_text(f"{line.group(1)}\ntorch: {{variant: cpu}}\n")
    assert cli("plan", "--answers", "advised.yaml", cwd=tmp_path).returncode == 0
    # and the text output says it too
    text = cli("verify", "--python", SYSTEM)
    assert f"`target: {{kind: venv, python: {SYSTEM}}}`" in text.stdout, text.stdout
