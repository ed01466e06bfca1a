"""`bench` when it cannot give figures: `--json` still prints one document, and a probe that hangs is
stopped at the time limit (children and all) with exit 1."""

from __future__ import annotations

import json
import stat
import sys
import time
from pathlib import Path

import pytest
from helpers import process_gone

from installer.errors import InputError, StepFailed
from installer.probes.host import BENCH_TIMEOUT_FULL, BENCH_TIMEOUT_QUICK, BenchFailed, run_bench

NO_TORCH = str(Path(sys.executable).parent.parent)  # torch-setup's own venv: no torch in it


def _script(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "python"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_without_torch_json_prints_one_document_with_the_error_and_exits_1(cli, xdg_home):
    r = cli("bench", "--python", NO_TORCH, "--json", "--quick")
    assert r.returncode == 1
    doc = json.loads(r.stdout)  # one document, and nothing else on stdout
    assert doc["ok"] is False and doc["schema"] == 1 and doc["quick"] is True
    assert doc["tests"] == [] and doc["skipped"] == [] and doc["device"] is None
    assert doc["python"]["executable"] == str(Path(NO_TORCH) / "bin" / "python")
    assert "No module named 'torch'" in doc["error"]["detail"] and doc["error"]["timed_out"] is False
    assert "torch-setup verify" in doc["error"]["fix"]
    assert "ModuleNotFoundError" in doc["stderr_tail"]
    assert "No module named 'torch'" in r.stderr and "Traceback" not in r.stderr  # the person reads why
    assert not (xdg_home / "data" / "torch-setup" / "bench").exists()  # a failed run is not kept


def test_without_json_the_failure_is_a_message_and_stdout_stays_empty(cli, xdg_home):
    r = cli("bench", "--python", NO_TORCH, "--quick")
    assert r.returncode == 1 and r.stdout == ""
    # torch-setup's own interpreter named: said to be its own first, then why the run failed
    said = r.stderr.splitlines()
    assert said[0].endswith("is torch-setup's own Python, not a place for torch")
    assert said[1].startswith("the benchmark failed: ModuleNotFoundError: No module named 'torch'")


@pytest.mark.timeout(60)
def test_a_hanging_interpreter_is_stopped_at_the_limit_with_its_children(cli, tmp_path, xdg_home):
    # the shell waits on a child that holds stdout open: killing the shell alone left the read waiting
    pid_file = tmp_path / "child.pid"
    hang = _script(tmp_path / "hang", f"sleep 600 &\necho $! > {pid_file}\nwait")
    started = time.monotonic()
    r = cli("bench", "--python", str(hang), "--json", "--timeout", "2", timeout=50)
    took = time.monotonic() - started
    assert r.returncode == 1 and took < 30
    doc = json.loads(r.stdout)
    assert doc["ok"] is False and doc["error"]["timed_out"] is True
    assert doc["error"]["detail"] == "the benchmark did not finish within 2 s"
    assert "--timeout" in doc["error"]["fix"]
    assert "the benchmark did not finish within 2 s" in r.stderr and "Traceback" not in r.stderr
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while not process_gone(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process_gone(child), "the probe's child outlived the timeout"


@pytest.mark.timeout(60)
def test_the_limit_holds_in_the_library_too_and_says_so_in_chinese(tmp_path):
    from installer.i18n import set_language

    hang = _script(tmp_path / "hang", "exec sleep 600")
    set_language("zh")
    try:
        with pytest.raises(BenchFailed) as err:
            run_bench(hang, quick=True, timeout=1)
    finally:
        set_language("en")
    assert isinstance(err.value, StepFailed) and err.value.exit_code == 1 and err.value.timed_out
    assert err.value.message == "基准测试未在 1 秒内完成"


def test_a_crash_is_a_failure_not_a_timeout(tmp_path):
    # a real Python whose start segfaults (as a broken torch can): reported by its exit, not as a hang
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import ctypes\nctypes.string_at(0)\n")
    with pytest.raises(BenchFailed) as err:
        run_bench(sys.executable, quick=True, env={"PYTHONPATH": str(site)}, timeout=120)
    assert not err.value.timed_out and err.value.message == "the benchmark failed: exit -11"


def test_time_limits_are_checked_as_usage(cli):
    for value, said in (("0", "give between 1 and 86400 seconds, not '0'"),
                        ("30s", "without a unit: 30 (between 1 and 86400)"),
                        ("soon", "not 'soon'")):
        r = cli("bench", "--python", NO_TORCH, "--timeout", value, "--json")
        assert r.returncode == 2 and said in r.stderr and r.stdout == "", (value, r.stderr)


def test_default_limits_leave_a_slow_gpu_room(tmp_path):
    assert BENCH_TIMEOUT_QUICK >= 600 and BENCH_TIMEOUT_FULL >= BENCH_TIMEOUT_QUICK
    # a --python that is no Python stays bad input (exit 2), as before
    with pytest.raises(InputError):
        run_bench(_script(tmp_path / "false", "exit 3"), quick=True)


@pytest.mark.slow
def test_a_failure_has_the_keys_of_a_success(cli, torch_python, xdg_home):
    """Whoever reads `bench --json` finds the same keys either way; `ok` and `error` tell them apart."""
    good = json.loads(cli("bench", "--python", str(torch_python), "--quick", "--json", "--no-save").stdout)
    assert good["ok"] is True and good["error"] is None and good["tests"]
    bad = json.loads(cli("bench", "--python", NO_TORCH, "--quick", "--json").stdout)
    assert set(bad) - {"stderr_tail"} <= set(good) and bad["ok"] is False
    assert {k: type(v) for k, v in good.items() if k in ("tests", "skipped", "notes", "python", "summary")} == \
        {k: type(bad[k]) for k in ("tests", "skipped", "notes", "python", "summary")}
