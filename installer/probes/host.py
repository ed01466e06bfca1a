"""The host side of the probes: run verify.py / bench.py in a TARGET interpreter and read their JSON.

The probe scripts are passed to the target interpreter by path and never imported here: the host
process must not import torch (an import-linter contract, and a test, hold that line).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from installer.errors import InputError
from installer.i18n import _

PROBES_DIR = Path(__file__).resolve().parent
VERIFY_SCRIPT = PROBES_DIR / "verify.py"
BENCH_SCRIPT = PROBES_DIR / "bench.py"


def resolve_python(python: str | os.PathLike[str] | None) -> str:
    """The interpreter to check: the one given (a file, or an env folder), else the active env's.

    torch-setup's own interpreter is the last resort only: it almost never holds torch.
    """
    if python is None:
        for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
            prefix = os.environ.get(var)
            if prefix and (Path(prefix) / "bin" / "python").exists():
                return str(Path(prefix) / "bin" / "python")
        found = shutil.which("python3") or shutil.which("python")
        return found or sys.executable
    path = Path(python).expanduser()
    if path.is_dir():
        for candidate in (path / "bin" / "python", path / "bin" / "python3", path / "python.exe"):
            if candidate.exists():
                return str(candidate)
        raise InputError(_("{path} is a folder without bin/python: give the interpreter itself", path=path),
                         key="--python", hint=_("e.g. --python .venv/bin/python"))
    if not path.exists():
        found = shutil.which(str(python))
        if found and os.sep not in str(python):
            return found
        raise InputError(_("no interpreter at {path}", path=path), key="--python",
                         hint=_("give the path of the Python that has torch, e.g. --python .venv/bin/python"))
    if not os.access(path, os.X_OK):
        raise InputError(_("{path} is not executable", path=path), key="--python",
                         hint=_("give the path of a Python interpreter"))
    # keep the venv's own path (not the symlink target): a venv's python resolves to the base interpreter
    return str(path.absolute())


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    env.update(extra or {})
    return env


def _probe_failure(python: str, detail: str, fix: str, *, stderr: str = "") -> dict[str, Any]:
    """The verdict when the probe could not speak for itself: same shape, one failed check."""
    return {
        "schema": 1, "ok": False, "python": {"executable": python}, "torch_version": None,
        "cuda_build": None, "variant": None, "cuda": {"is_available": False, "device_count": 0},
        "arch_list": [], "devices": [], "cudnn": None,
        "checks": [{"name": "probe", "ok": False, "level": "error", "detail": detail, "fix": fix,
                    "detail_msg": None, "fix_msg": None}],
        "stderr_tail": stderr[-4000:],
    }


def _last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def run_verify(python: str | os.PathLike[str] | None, *, timeout: float = 180, env: dict[str, str] | None = None,
               expect_variant: str | None = None, compile: bool = False,
               compile_timeout: float = 120) -> dict[str, Any]:
    """Run the verify probe in `python` and return its JSON verdict (`ok`, `checks`, devices...).

    Never raises for a broken target: a missing torch, a crash or a hang come back as a failed check
    with a fix. Only a `python` that does not exist is an InputError (exit 2).
    """
    exe = resolve_python(python)
    cmd = [exe, str(VERIFY_SCRIPT), "--json"]
    if expect_variant and expect_variant != "auto":
        cmd += ["--expect-variant", expect_variant]
    if compile:
        cmd += ["--compile", "--compile-timeout", str(compile_timeout)]
        timeout = max(timeout, compile_timeout + 60)
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(env),
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return _probe_failure(exe, _("the verify probe did not finish within {s} s", s=int(timeout)),
                              _("a GPU that hangs is often a driver problem: look at `dmesg` for Xid errors, "
                                "then run `torch-setup doctor`"), stderr=stderr)
    except OSError as exc:
        return _probe_failure(exe, _("could not start {python}: {error}", python=exe, error=exc),
                              _("check that {python} is a working Python interpreter", python=exe))
    result = _last_json(proc.stdout)
    if result is None:
        tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        if "SyntaxError" in tail:  # Python 2 or an early 3.x: the probe (and torch) cannot run there
            fix = _("{python} is too old to run torch: use a Python 3.8 or newer interpreter", python=exe)
        else:
            fix = _("run `{python} {script}` to see the whole error", python=exe, script=VERIFY_SCRIPT)
        return _probe_failure(exe, _("the verify probe gave no verdict: {error}", error=tail), fix,
                              stderr=proc.stderr)
    result.setdefault("ok", False)
    result.setdefault("checks", [])
    result["host_seconds"] = round(time.monotonic() - started, 3)
    return result


ProgressFn = Callable[[dict[str, Any]], None]


def run_bench(python: str | os.PathLike[str] | None, *, quick: bool = True, on_progress: ProgressFn | None = None,
              timeout: float | None = None, env: dict[str, str] | None = None,
              cancel: threading.Event | None = None, device: str = "auto") -> dict[str, Any]:
    """Run the benchmark probe in `python` and read its figures against what the device should reach.

    Progress lines go to `on_progress` as they come. The result is the probe's (device, tests with median
    and spread, skipped) plus, from installer.probes.results: `peak` and `share` per test where the GPU is
    in the reference table, the GPU's state under load from NVML (`gpu_state`), `notes` explaining low
    figures, and a one-line `summary`. Raises StepFailed when the probe cannot run, KeyboardInterrupt when
    `cancel` was set.
    """
    from installer.probes import gpu_state, results

    index = int(device[5:]) if device.startswith("cuda:") and device[5:].isdigit() else 0
    # NVML numbers GPUs in PCI order: make CUDA do the same, so the sampler watches the measured GPU
    run_env = {"CUDA_DEVICE_ORDER": "PCI_BUS_ID", **(env or {})}
    with gpu_state.Sampler(index) as sampler:
        raw = _run_bench_probe(python, quick=quick, on_progress=on_progress, timeout=timeout, env=run_env,
                               cancel=cancel, device=device)
    on_gpu = (raw.get("device") or {}).get("type") == "cuda"
    return results.enrich(raw, sampler.state() if on_gpu else None)


def _run_bench_probe(python: str | os.PathLike[str] | None, *, quick: bool, on_progress: ProgressFn | None,
                     timeout: float | None, env: dict[str, str] | None, cancel: threading.Event | None,
                     device: str) -> dict[str, Any]:
    from installer.errors import StepFailed

    exe = resolve_python(python)
    cmd = [exe, str(BENCH_SCRIPT), "--device", device] + (["--quick"] if quick else [])
    limit = timeout if timeout is not None else (120 if quick else 900)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=_env(env), stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise StepFailed(_("could not start {python}: {error}", python=exe, error=exc)) from None
    # stderr is drained in a thread, so a chatty torch cannot fill the pipe and stall the probe
    err_chunks: list[str] = []
    assert proc.stderr is not None and proc.stdout is not None
    drain = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    timer = threading.Timer(limit, proc.kill)
    timer.start()
    watcher = None
    if cancel is not None:
        def _watch() -> None:
            while proc.poll() is None:
                if cancel.wait(0.2):
                    proc.kill()
                    return
        watcher = threading.Thread(target=_watch, daemon=True)
        watcher.start()
    result: dict[str, Any] | None = None
    try:
        for line in proc.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("type") == "result":
                result = event
            elif on_progress is not None:
                on_progress(event)
        proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    drain.join(timeout=5)
    stderr = "".join(err_chunks)
    if cancel is not None and cancel.is_set():
        raise KeyboardInterrupt
    if result is None:
        if proc.returncode is not None and proc.returncode < 0 and not (cancel and cancel.is_set()):
            reason = _("the benchmark did not finish within {s} s", s=int(limit))
        else:
            reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        raise StepFailed(_("the benchmark failed: {error}", error=reason),
                         hint=_("run `torch-setup verify --python {python}` first: the benchmark needs a "
                                "working torch", python=exe))
    result["python"] = result.get("python") or {"executable": exe}
    return result
