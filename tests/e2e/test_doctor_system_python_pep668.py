"""doctor of a distribution's own Python (PEP 668's EXTERNALLY-MANAGED marker, as on Debian 12) advises what
`plan` accepts: a venv made from it, not `target: {kind: existing}`, which `plan` refuses (exit 2). Found in use
(t9). The real CLI, on this machine's /usr/bin/python3 when it carries the marker."""

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


def test_doctor_of_a_system_python_gives_the_venv_route_plan_accepts(cli, xdg_home, tmp_path, monkeypatch):
    monkeypatch.delenv("PIP_BREAK_SYSTEM_PACKAGES", raising=False)
    r = cli("doctor", "--python", SYSTEM, "--json")
    assert r.returncode == 1, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    missing = next(f for f in doc["findings"] if f["id"] == "torch-missing")
    check = next(c for c in doc["verify"]["checks"] if c["name"] == "torch-import")
    for fix in (missing["fix"], check["fix"]):
        assert "PEP 668" in fix, fix
        assert "kind: existing" not in fix and "an existing Python interpreter" not in fix, fix
        assert f"--python {SYSTEM} install" not in fix, fix  # pip's own line would be refused the same way

    # the answers line doctor gives is one `plan` takes; the one it gave before is refused
    line = re.search(r"`(target: \{kind: venv, python: [^`]*\})`", missing["fix"])
    assert line is not None, missing["fix"]
    (tmp_path / "advised.yaml").write_text(f"{line.group(1)}\ntorch: {{variant: cpu}}\n")
    assert cli("plan", "--answers", "advised.yaml", cwd=tmp_path).returncode == 0
    (tmp_path / "old.yaml").write_text(f"target: {{kind: existing, python: {SYSTEM}}}\ntorch: {{variant: cpu}}\n")
    refused = cli("plan", "--answers", "old.yaml", cwd=tmp_path)
    assert refused.returncode == 2 and "PEP 668" in refused.stderr + refused.stdout
