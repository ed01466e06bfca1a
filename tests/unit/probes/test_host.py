"""The host side: finding the interpreter, and verdicts for targets that cannot speak for themselves."""

from __future__ import annotations

import stat
import sys

import pytest

from installer.errors import InputError, StepFailed
from installer.probes.host import resolve_python, run_bench, run_verify


def _script(tmp_path, body: str):
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_missing_or_unusable_interpreter_is_bad_input(tmp_path):
    with pytest.raises(InputError) as exc:
        resolve_python(tmp_path / "nope" / "python")
    assert exc.value.key == "--python" and exc.value.exit_code == 2
    (tmp_path / "emptyenv").mkdir()
    with pytest.raises(InputError):
        resolve_python(tmp_path / "emptyenv")
    plain = tmp_path / "file"
    plain.write_text("")
    with pytest.raises(InputError):
        resolve_python(plain)


def test_an_env_folder_means_its_bin_python(tmp_path):
    env = tmp_path / "venv"
    (env / "bin").mkdir(parents=True)
    _script(env / "bin", "exit 0")
    assert resolve_python(env) == str(env / "bin" / "python")


def test_interpreter_without_torch_gets_a_verdict_not_a_crash():
    result = run_verify(sys.executable)  # torch-setup's own venv: no torch in it
    assert result["ok"] is False and result["torch_version"] is None
    check = result["checks"][0]
    assert check["name"] == "torch-import" and "No module named 'torch'" in check["detail"]
    assert "torch-setup install" in check["fix"]


def test_a_crash_and_a_hang_become_failed_checks(tmp_path):
    # a real Python that crashes (a sitecustomize that dereferences NULL): its torch, not the user, is at fault
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import ctypes\nctypes.string_at(0)\n")
    crashed = run_verify(sys.executable, env={"PYTHONPATH": str(site)})
    assert crashed["ok"] is False and crashed["checks"][0]["name"] == "probe"
    assert "gave no verdict" in crashed["checks"][0]["detail"]
    hang_dir = tmp_path / "h"
    hang_dir.mkdir()
    hung = run_verify(_script(hang_dir, "exec sleep 30"), timeout=1)
    assert hung["ok"] is False and "did not finish within 1 s" in hung["checks"][0]["detail"]


def test_bench_without_torch_raises_a_step_failure_with_a_hint():
    with pytest.raises(StepFailed) as exc:
        run_bench(sys.executable, quick=True)
    assert "No module named 'torch'" in exc.value.message
    assert "torch-setup verify" in (exc.value.hint or "")


@pytest.mark.skipif(not __import__("os").access("/root/.pyenv/versions/2.7.18/bin/python", __import__("os").X_OK),
                    reason="needs a Python 2 interpreter")
def test_a_python_2_is_bad_input_naming_its_version():
    python2 = "/root/.pyenv/versions/2.7.18/bin/python"
    with pytest.raises(InputError) as exc:
        run_verify(python2)
    assert exc.value.key == "--python" and exc.value.exit_code == 2
    assert exc.value.message == f"{python2} is Python 2.7: torch needs Python 3"
    with pytest.raises(InputError):
        run_bench(python2, quick=True)
