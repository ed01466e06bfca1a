"""A torch folder without its __init__.py (an install cut off, a file deleted) imports as a namespace package:
no __file__, no __version__. Found in use: verify said "the verify probe itself failed: module 'torch' has no
attribute '__version__' -> report this with the traceback printed on stderr" (nothing was printed), showed
the interpreter as `?`, and doctor said "the check of this environment did not run"."""

from __future__ import annotations

import importlib.util
import json
import sys

from probes_support import VERIFY, run_verify_script

from installer.probes.doctor import advise_import
from installer.probes.text import render_verify


def test_a_torch_without_init_is_a_half_installed_torch_not_a_probe_failure(tmp_path):
    (tmp_path / "torch" / "lib").mkdir(parents=True)  # what is left once __init__.py is gone
    rc, out = run_verify_script({"PYTHONPATH": str(tmp_path)})
    check = next(c for c in out["checks"] if c["name"] == "torch-import")
    assert rc == 1 and out["ok"] is False and out["torch_version"] is None
    assert "has no __init__.py (half installed, files are missing)" in out["import_error"]
    assert str(tmp_path / "torch") in out["import_error"]
    assert "report this" not in json.dumps(out) and "probe itself" not in json.dumps(out)
    assert out["python"]["executable"] == sys.executable
    # the host writes the command that mends it, of the build the install step's guard found half installed
    advise_import(out, None, ("torch==2.13.0+cpu",))
    assert check["fix"].startswith("torch 2.13.0+cpu is half installed (files are missing): reinstall it: `")
    assert "--force-reinstall --no-deps torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu" \
        in check["fix"]
    assert "torch-setup doctor" not in check["fix"]
    assert render_verify(out).splitlines()[0] == f"torch does not import in {sys.executable}"


def test_a_torch_simply_missing_keeps_its_install_fix():
    result = {"torch_version": None, "import_error": "ModuleNotFoundError: No module named 'torch'",
              "python": {"executable": "/x/bin/python"},
              "checks": [{"name": "torch-import", "ok": False, "fix": "install it", "fix_msg": None}]}
    advise_import(result, None, ("torch==2.13.0+cpu",))
    assert result["checks"][0]["fix"] == "install it"


def test_a_probe_that_fails_names_the_command_that_shows_its_traceback(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("verify_probe_hollow", VERIFY)
    assert spec is not None and spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)

    def broken(args):
        raise AttributeError("a bug")

    monkeypatch.setattr(probe, "collect", broken)
    assert probe.main(["--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    check = out["checks"][0]
    # the host keeps the probe's stderr: "printed on stderr" pointed at nothing a person saw
    assert "stderr" not in check["fix"] and str(VERIFY) in check["fix"] and sys.executable in check["fix"]
    assert out["python"]["executable"] == sys.executable
    assert check["detail_msg"]["text"] == "the verify probe itself failed: {error}"
