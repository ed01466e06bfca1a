"""doctor after an install was stopped by Ctrl-C, with an earlier one finished elsewhere. Found in use (t7):
`doctor --python` of the stopped install's venv said both "resume it" and "install torch into it with the wizard";
plain `doctor` said "[ok] nothing else to mend" (exit 0) of the earlier environment, "the environment torch-setup
last installed into", the stopped one a warning; and a half-done install elsewhere was a full block in every
output. Real installs of torch 2.13.0 (CPU, from the wheel on this disk), a real Ctrl-C, the real CLI."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from helpers import ctrl_c_install, folder_with_example

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not any(Path("/opt/wheels").glob("torch-2.13.0+cpu-*.whl")),
                                                   reason="needs torch 2.13.0+cpu in /opt/wheels"),
              pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="torch-setup must run in a venv of its own")]
# as `source .venv/bin/activate` of torch-setup's checkout leaves the shell: plain doctor checks the last install
OWN = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}


def _ctrl_c_during_the_torch_step(folder: Path) -> None:
    ctrl_c_install(folder, lambda out: re.search(r"\$ .*/uv pip install", out) is not None)


def test_doctor_after_a_stopped_install(cli, xdg_home, tmp_path):
    a, b = folder_with_example(tmp_path, "A"), folder_with_example(tmp_path, "B")
    done = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=a)
    assert done.returncode == 0, done.stdout + done.stderr
    _ctrl_c_during_the_torch_step(b)
    resume = f"cd {b} && torch-setup install --answers {b / 'cpu-venv.yaml'} --yes"
    python_a, python_b = a / ".venv-torch" / "bin" / "python", b / ".venv-torch" / "bin" / "python"

    # the stopped install's own venv: resuming it is the only advice, said once (found in use, t-s28: the check
    # line and the torch-missing finding each repeated the stopped install's resume command), in the stopped
    # install's finding; the check and the finding of torch missing defer to it
    r = cli("doctor", "--python", str(python_b), "--timeout", "300")
    assert r.returncode == 1
    assert "Combination screen" not in r.stdout and f"--python {python_a}" not in r.stdout, r.stdout
    assert r.stdout.count(resume) == 1, r.stdout
    assert "-> going on with the install that stopped is the fix (under findings)\n" in r.stdout, r.stdout
    doc = json.loads(cli("doctor", "--python", str(python_b), "--json", "--timeout", "300").stdout)
    stopped = next(f for f in doc["findings"] if f["id"] == "last-run-failed")
    assert f"run `{resume}`" in stopped["fix"] and not stopped["fix"].startswith("where it says why"), stopped
    # the journal keeps which signal stopped it (found in use, t10: "with Ctrl-C, or by a signal")
    assert stopped["explanation"].endswith(": it was stopped with Ctrl-C"), stopped
    missing = next(f for f in doc["findings"] if f["id"] == "torch-missing")
    assert missing["fix"] == ("go on with the install that stopped, above: it was installing torch into this "
                              "environment")
    check = next(c for c in doc["verify"]["checks"] if c["name"] == "torch-import")
    assert check["fix"] == "going on with the install that stopped is the fix (under findings)"

    # plain doctor checks the environment that finished, says so truly, and names the stopped install first, as a
    # problem (exit 1), not "[ok] nothing else to mend" alone
    r = cli("doctor", "--timeout", "300", env=OWN)
    assert r.returncode == 1, r.stdout
    assert f"checking {a / '.venv-torch'}, the environment torch-setup last finished installing into" in r.stdout
    findings = r.stdout.split("findings:\n")[1]
    assert findings.startswith(f"  [PROBLEM] the install into {b / '.venv-torch'} stopped at step torch\n")
    assert f"run `{resume}`" in findings

    # doctor of A: B is one line, with its resume command, and how to be rid of it
    r = cli("doctor", "--python", str(python_a), "--timeout", "300")
    assert r.returncode == 0, r.stdout
    assert f"the install into {b / '.venv-torch'}" not in r.stdout
    line = next(x for x in r.stdout.splitlines() if x.startswith(f"  - {b / '.venv-torch'}: stopped at step torch"))
    assert line.endswith(f", not the environment checked here; to finish it, run `{resume}`"), line
    assert "one whose folder has been deleted is no longer listed" in r.stdout
