"""The host side of the probes: run verify.py / bench.py in a TARGET interpreter and read their JSON.

The probe scripts are passed to the target interpreter by path and never imported here: the host
process must not import torch (an import-linter contract, and a test, hold that line).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from installer.errors import InputError, StepFailed
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
    if not str(python).strip():
        raise InputError(_("the path is empty"), key="--python",
                         hint=_("give the python of the environment to check, e.g. .venv-torch/bin/python"))
    try:
        path = Path(python).expanduser()
    except RuntimeError:  # ~name of a user this system does not have
        user = str(python)[1:].split("/", 1)[0]
        raise InputError(_("no user {user} for ~{name}", user=repr(user), name=user), key="--python",
                         hint=_("write the full path of the interpreter")) from None
    try:
        path.stat()
    except PermissionError:
        from installer.i18n.phrases import closed_folder_problem

        if closed := closed_folder_problem(str(path.absolute()), interpreter=True):
            raise InputError(closed[0], key="--python", hint=closed[1]) from None
        raise InputError(_("{path} cannot be read: permission denied", path=path), key="--python",
                         hint=_("give the path of a Python interpreter you may run")) from None
    except OSError:  # not there: said below, with a guess at what was meant
        pass
    if path.is_dir():
        from installer.paths import env_interpreter

        inside = env_interpreter(path)
        if inside is not None:
            return inside
        raise InputError(_("{path} is a folder without bin/python: give the interpreter itself", path=path),
                         key="--python", hint=_("e.g. --python .venv/bin/python"))
    if not path.exists():
        found = shutil.which(str(python))
        if found and os.sep not in str(python):
            return found
        named = shutil.which(f"python{python}") if re.fullmatch(r"[23]\.[0-9]{1,2}", str(python)) else None
        if named:  # `--python 3.11`: a version where a path belongs
            raise InputError(_("no interpreter at {path}", path=path), key="--python",
                             hint=_("--python takes a path: did you mean --python {found}?", found=named))
        raise InputError(_("no interpreter at {path}", path=path), key="--python",
                         hint=_("give the path of the Python that has torch, e.g. --python .venv/bin/python"))
    if not os.access(path, os.X_OK):
        raise InputError(_("{path} is not executable", path=path), key="--python",
                         hint=_("give the path of a Python interpreter"))
    # keep the venv's own path (not the symlink target): a venv's python resolves to the base interpreter
    return str(path.absolute())


# Python 2 and 3 both run this and print the marker; anything else (/bin/true, a shell script, a text
# file) does not. Asked only once a probe has failed to answer, so a working target pays nothing for it.
_IDENTIFY = "import sys; sys.stdout.write('torch-setup-python %d.%d\\n' % tuple(sys.version_info[:2]))"
_IDENTITY = re.compile(r"^torch-setup-python ([0-9]+)\.([0-9]+)$", re.MULTILINE)


def _not_python(python: str, why: str) -> InputError:
    return InputError(_("{path} is not a Python interpreter ({why})", path=python, why=why), key="--python",
                      hint=_("give the python of the environment to check, e.g. .venv-torch/bin/python"))


def check_interpreter(python: str, env: dict[str, str] | None = None) -> None:
    """InputError (exit 2) unless `python` runs as a Python 3 interpreter.

    A --python that is no Python at all, or a Python 2, is the user's mistake; a real Python 3 whose torch
    is missing or crashes is not (that is what verify and doctor are for), so this returns quietly for it,
    and for a target too slow to answer at all.
    """
    try:
        # -E -S (both Python 2 and 3 know them): no PYTHON* variables, no site, so a Python whose
        # sitecustomize or site-packages crash still says what it is
        proc = subprocess.run([python, "-E", "-S", "-c", _IDENTIFY], capture_output=True, text=True, errors="replace",
                              timeout=60, env=_env(env), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return
    except OSError as exc:
        raise _not_python(python, _("it cannot be started: {error}", error=exc.strerror or exc)) from None
    found = _IDENTITY.search(proc.stdout)
    if found is None:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        if not said:
            why = _("it printed nothing and exited {code}", code=proc.returncode)
        elif "torch-setup-python" in said[0]:  # it echoed the question (echo, ls): nothing worth quoting
            why = _("it printed something else and exited {code}", code=proc.returncode)
        else:
            why = _("it exited {code}, saying: {text}", code=proc.returncode, text=said[0].strip()[:200])
        raise _not_python(python, why)
    version = f"{found.group(1)}.{found.group(2)}"
    if int(found.group(1)) < 3:
        raise InputError(_("{path} is Python {version}: torch needs Python 3", path=python, version=version),
                         key="--python",
                         hint=_("give the python of the environment to check, e.g. .venv-torch/bin/python"))
    refuse_unsupported(python, version)


def refuse_unsupported(python: str, version: str | None) -> None:
    """InputError (exit 2) when `version` ("3.5", "3.5.10") is older than every Python that a PyTorch
    release in the compatibility data has wheels for: no torch can be there to check, and the probes
    themselves do not run on it (a SyntaxError, once shown as a failed check, exit 1)."""
    if not version:
        return
    try:
        given = tuple(int(x) for x in version.split(".")[:2])
    except ValueError:
        return
    oldest, lowest, newest, newest_lowest = _supported_pythons()
    if given >= lowest:
        return
    raise InputError(
        _("{path} is Python {version}: no PyTorch release torch-setup knows has wheels for it (the oldest, "
          "torch {oldest}, needs Python {lowest} or newer)", path=python, version=".".join(map(str, given)),
          oldest=oldest, lowest=_dotted(lowest)),
        key="--python",
        hint=_("give the python of an environment with Python {lowest} or newer (the newest torch, {newest}, "
               "needs {newest_lowest} or newer), e.g. .venv-torch/bin/python", lowest=_dotted(lowest),
               newest=newest, newest_lowest=_dotted(newest_lowest)))


def _supported_pythons() -> tuple[str, tuple[int, int], str, tuple[int, int]]:
    """From the compatibility data: the oldest release and the lowest Python it (or any release) has
    wheels for, on any platform; the newest release and its lowest Python."""
    from installer.compat.data import load
    from installer.compat.solver import parse_range

    released = load().released()  # newest first
    lows = [(min(parse_range(text)[0] for text in r.python.values()), r.torch) for r in released if r.python]
    lowest, oldest = min(reversed(lows), key=lambda low_torch: low_torch[0])  # the oldest of equals
    return oldest, lowest, lows[0][1], lows[0][0]


def _dotted(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    env.update(extra or {})
    return env


def half_installed(python: str, names: tuple[str, ...] = ("torch", "torchvision", "torchaudio"), *,
                   timeout: float = 60, env: dict[str, str] | None = None) -> tuple[str, ...]:
    """The packages of `names` in `python` that uv or pip left half installed (a file their RECORD lists is
    not there), as `name==version`: the install step's own check (installer.plan.kinds.pip), so doctor says
    what the installer's guard finds (found in use: doctor said "nothing wrong found" of a torch the next
    install called "half installed (files are missing)"). Only the copy that Python would load (the first
    on sys.path); () when none is, or when the check cannot run (doctor has more to say than this)."""
    from installer.plan.kinds.pip import _COMPLETE

    script = _COMPLETE + (
        "want, seen = {key(n) for n in sys.argv[1:]}, set()\n"
        "for folder, name in entries():\n"
        "    n, _, v = name[:-10].partition('-')\n"
        "    if not name.endswith('.dist-info') or key(n) not in want or key(n) in seen:\n"
        "        continue\n"
        "    seen.add(key(n))\n"
        "    if installer(os.path.join(folder, name)) in ('', 'uv', 'pip') and not complete(folder, name):\n"
        "        print(n + '==' + v)\n")
    try:
        proc = subprocess.run([python, "-c", script, *names], capture_output=True, text=True, errors="replace",
                              timeout=timeout, env=_env(env), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if proc.returncode != 0:
        return ()
    return tuple(line.strip() for line in proc.stdout.splitlines() if "==" in line)


class MissingDependency(NamedTuple):
    """A package that torch or a companion needs, in turn, and that is not there, or is half installed."""

    name: str  # as pip names it (its key: lower case, "-" for "_" and ".")
    by: str  # the installed package whose Requires-Dist names it
    root: str  # which of torch, torchvision, torchaudio needs it (through `by`)
    wants: str  # `by`'s requirement of it, its marker left out ("pillow!=8.3.*,>=5.3.0"); "" where unread
    have: str  # the version of a half-installed copy; "" where none is there


def missing_dependencies(python: str, names: tuple[str, ...] = ("torch", "torchvision", "torchaudio"), *,
                         timeout: float = 60, env: dict[str, str] | None = None) -> tuple[MissingDependency, ...]:
    """What the packages of `names` in `python` need (their Requires-Dist, in turn) that is not installed, or
    half installed: the install step's own check (installer.plan.kinds.pip._REQUIRES), so doctor says what the
    guard finds (found in use: torch imported, `import sympy` failed for a missing mpmath, and doctor said
    "nothing else to mend"). Each with the root that needs it and the requirement it was named by, which the
    fix installs: found in use, a pillow missing under torchvision got a fix that installed torch again,
    which never brings pillow. The packages of `names` themselves are left to their own findings (torch
    missing, half installed, a companion that does not fit), not called a dependency of another of them.
    () when the check cannot run."""
    from installer.plan.kinds.pip import _COMPLETE, _REQUIRES

    script = _COMPLETE + _REQUIRES + (
        "import json\n"
        "def wants(dep, by):\n"
        "    place = first.get(by)\n"
        "    try:\n"
        "        import importlib.metadata as m, pathlib\n"
        "        dist = m.PathDistribution(pathlib.Path(*place)) if place else m.distribution(by)\n"
        "        for text in dist.requires or ():\n"
        "            got = needed(text, (), marker_env())\n"
        "            if got is not None and got[0] == dep:\n"
        "                return text.partition(';')[0].strip()\n"
        "    except Exception:\n"
        "        pass\n"
        "    return ''\n"
        "first = first_infos()\n"
        "wanted = {key(n) for n in sys.argv[1:]}\n"
        "roots = [key(n) for n in sys.argv[1:] if key(n) in first]\n"
        "seen = set()\n"
        "for root in roots:\n"
        "    for dep, by in sorted(set(missing_requirements([root], first))):\n"
        "        if by and dep not in wanted and (dep, by) not in seen:\n"
        "            seen.add((dep, by))\n"
        "            have = first[dep][1][:-10].partition('-')[2] if dep in first else ''\n"
        "            print(json.dumps([dep, by, root, wants(dep, by), have]))\n")
    try:
        proc = subprocess.run([python, "-I", "-c", script, *names], capture_output=True, text=True,
                              errors="replace", timeout=timeout, env=_env(env), stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if proc.returncode != 0:
        return ()
    out = []
    for line in proc.stdout.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, list) and len(row) == 5 and all(isinstance(x, str) for x in row):
            out.append(MissingDependency(*row))
    return tuple(out)


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
               compile_timeout: float = 120, wheelhouse: str | None = None) -> dict[str, Any]:
    """Run the verify probe in `python` and return its JSON verdict (`ok`, `checks`, devices...).
    `wheelhouse`: the folder the environment was installed from with no index (method: wheel), which its
    `pip install` fixes then install from (installer.probes.offline_fixes).

    Never raises for a broken target: a missing torch, a crash or a hang come back as a failed check
    with a fix. A hung probe is killed with everything it started (run_probe). A `python` that does not exist, or is not a Python 3 interpreter, is an InputError (exit 2).
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
        proc = run_probe(cmd, env=_env(env), limit=timeout)
    except OSError as exc:
        check_interpreter(exe, env)  # not a program this system can run: the user's mistake
        return _probe_failure(exe, _("could not start {python}: {error}", python=exe, error=exc),
                              _("check that {python} is a working Python interpreter", python=exe))
    if proc.timed_out:
        return _probe_failure(exe, _("the verify probe did not finish within {s} s", s=int(timeout)),
                              _("a GPU that hangs is often a driver problem: look at `dmesg` for Xid errors, "
                                "then run `torch-setup doctor`"), stderr=proc.stderr)
    result = _last_json(proc.stdout)
    if result is not None:
        # it answered, as Python 3.6 still does: a Python no torch release supports is the wrong --python
        refuse_unsupported(exe, (result.get("python") or {}).get("version"))
    if result is None:
        check_interpreter(exe, env)  # no verdict: from a Python whose torch broke (exit 1), or from no Python
        tail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        if "SyntaxError" in tail:  # Python 2 or an early 3.x: the probe (and torch) cannot run there
            fix = _("{python} is too old to run torch: use a Python 3.8 or newer interpreter", python=exe)
        else:
            fix = _("run `{python} {script}` to see the whole error", python=shlex.quote(exe),
                    script=shlex.quote(str(VERIFY_SCRIPT)))
        return _probe_failure(exe, _("the verify probe gave no verdict: {error}", error=tail), fix,
                              stderr=proc.stderr)
    result.setdefault("ok", False)
    result.setdefault("checks", [])
    if wheelhouse:
        from installer.probes.offline_fixes import wheelhouse_fixes

        wheelhouse_fixes(result, exe, wheelhouse)
    else:
        _pip_fixes(result, exe)
    result["host_seconds"] = round(time.monotonic() - started, 3)
    return result


def pip_install_line(python: str, args: list[str]) -> str:
    """`pip install ARGS` into `python`'s environment with torch-setup's own pip (`pip --python`), which works
    whether or not that environment has pip (one made by `uv venv` has none), as the plans' fallback does.
    Where torch-setup has no pip of its own (installed with `uv tool install`), its uv, which takes the same
    arguments (`--force-reinstall` included) and is given the sources pip would read from its configuration;
    that command alone would have failed with "No module named pip"."""
    return _pip_line(python, "install", args)


def pip_uninstall_line(python: str, names: list[str]) -> str:
    """`pip uninstall -y NAMES` from `python`'s environment, as pip_install_line chooses the tool: uv's
    uninstall asks nothing and has no `-y` (it refuses the flag), pip's asks unless given it."""
    return _pip_line(python, "uninstall", names, pip_only=["-y"])


def _pip_line(python: str, verb: str, args: list[str], pip_only: tuple[str, ...] | list[str] = ()) -> str:
    from installer.plan.tools import find_uv, host_pip_works, uv_system_certs_flag

    uv = None if host_pip_works() else find_uv()
    if uv:
        # (the system's certificates, as pip 24.2+ and the plans' uv use them: behind a TLS-inspecting proxy
        # uv's own roots alone fail)
        more = [*_pip_sources_for_uv(args), uv_system_certs_flag(uv)] if verb == "install" else []
        cmd = [uv, "pip", verb, "--python", python, *args, *more]
    else:
        cmd = [sys.executable, "-m", "pip", "--python", python, verb, *pip_only, *args]
    return " ".join(shlex.quote(c) for c in cmd)


def _pip_sources_for_uv(args: list[str]) -> list[str]:
    """What pip would add to `args` from its configuration (pip.conf, PIP_* variables), as uv's flags: uv reads
    neither, so without them the fix of someone whose pip.conf names a mirror (most users in China) went to
    pypi.org. As pip does, an `--index-url` in `args` replaces the configuration's and the rest adds to it; with
    more than one index, uv's unsafe-best-match is pip's way of choosing among them (uv's own stops at the first
    index that has the package: PyPI's torch would have hidden the PyTorch index's +cpu build). A source with
    a password is left out: this command is printed on screen (uv still logs in with ~/.netrc)."""
    from installer.hardware.target_python import pip_config_here
    from installer.plan.indexes import Indexes
    from installer.redaction import has_credentials

    conf = pip_config_here()

    def shown(values: Any) -> tuple[str, ...]:
        return tuple(v for v in values or () if not has_credentials(v))

    index = shown([conf.get("index_url")] if conf.get("index_url") and "--index-url" not in args else [])
    # the plans' own translation into uv's flags (with no password among them, it puts nothing in variables)
    flags, _env = Indexes(index_url=index[0] if index else None, extra_index_urls=shown(conf.get("extra_index_urls")),
                          find_links=shown(conf.get("find_links")),
                          trusted_hosts=shown(conf.get("trusted_hosts"))).uv_args()
    out = ["--no-index"] if conf.get("no_index") and "--no-index" not in args else []
    out += flags
    if "--extra-index-url" in flags and "--index-strategy" not in args:
        out += ["--index-strategy", "unsafe-best-match"]
    return out


def _pip_fixes(result: dict[str, Any], python: str) -> None:
    """The fixes the probe gives as `pip install` arguments (a check's `pip`: NumPy's), as commands in
    pip_install_line's form where the target has no pip of its own (a uv venv; the probe says so in
    `python.pip`): the probe's own command names the target's pip, which is the one to type where it exists."""
    if (result.get("python") or {}).get("pip"):
        return
    for check in result["checks"]:
        msg = check.get("fix_msg")
        args = check.get("pip")
        if check.get("ok") or not isinstance(args, list) or not isinstance(msg, dict) \
                or "cmd" not in (msg.get("args") or {}):
            continue
        msg["args"] = {**msg["args"], "cmd": pip_install_line(python, [str(a) for a in args])}
        check["fix"] = str(msg.get("text", "")).format(**msg["args"])


ProgressFn = Callable[[dict[str, Any]], None]

# The benchmark's time limits: generous, as a slow GPU is not a hung one. A full run on a fast card takes
# about two minutes, but a consumer card's fp16 (1/64 rate on some) can make one quick 8192x8192 product
# last half a minute, and the first CUDA start on a card the wheel has no kernels for compiles PTX for
# minutes. Only a probe that hangs (a dead GPU, an "interpreter" that never answers) meets these.
BENCH_TIMEOUT_QUICK = 600.0
BENCH_TIMEOUT_FULL = 1800.0


def bench_timeout(quick: bool) -> float:
    return BENCH_TIMEOUT_QUICK if quick else BENCH_TIMEOUT_FULL


class BenchFailed(StepFailed):
    """The benchmark gave no figures (exit 1): what went wrong, and the document `bench --json` prints for it."""

    def __init__(self, message: str, *, hint: str | None, python: str, quick: bool, timed_out: bool,
                 stderr: str = "", partial: dict[str, Any] | None = None) -> None:
        super().__init__(message, hint=hint)
        self.python = python
        self.quick = quick
        self.timed_out = timed_out
        self.stderr = stderr
        # what the probe measured before it stopped (its device, torch_version, tests, skipped): the figures
        # of the stages that finished are worth showing (found in use: `bench | cat` printed none of them
        # when a later stage failed); None when it measured nothing
        self.partial = partial

    def to_result(self) -> dict[str, Any]:
        """The shape of a bench result, without figures: `ok` false and an `error` saying why, as a
        verify verdict for a probe that could not speak for itself is a failed check with a fix."""
        partial = self.partial or {}
        return {"schema": 1, "ok": False, "device": partial.get("device"),
                "torch_version": partial.get("torch_version"), "cuda_build": None,
                "quick": self.quick, "python": {"executable": self.python}, "tests": list(partial.get("tests") or []),
                "skipped": list(partial.get("skipped") or []),
                "reference": None, "gpu_state": None, "notes": [], "summary": self.message, "comparison": None,
                "error": {"detail": self.message, "fix": self.hint, "timed_out": self.timed_out},
                "stderr_tail": self.stderr[-4000:]}


def run_bench(python: str | os.PathLike[str] | None, *, quick: bool = True, on_progress: ProgressFn | None = None,
              timeout: float | None = None, env: dict[str, str] | None = None,
              cancel: threading.Event | None = None, device: str = "auto") -> dict[str, Any]:
    """Run the benchmark probe in `python` and read its figures against what the device should reach.

    Progress lines go to `on_progress` as they come. The result is the probe's (device, tests with median
    and spread, skipped) plus, from installer.probes.results: `peak` and `share` per test where the GPU is
    in the reference table, the GPU's state under load from NVML (`gpu_state`), `notes` explaining low
    figures, and a one-line `summary`. `timeout` (default: bench_timeout(quick)) bounds the whole run.
    Raises BenchFailed (a StepFailed) when the probe cannot run or does not finish in time, InputError
    when `python` is not a Python 3 interpreter, KeyboardInterrupt when `cancel` was set.
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


@dataclass(frozen=True)
class ProbeRun:
    """How a probe process ended: what it printed, and whether it was stopped before it was done."""

    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool = False
    cancelled: bool = False


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill the probe and whatever it started: a child left holding stdout would keep the read waiting."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def run_probe(cmd: list[str], *, env: dict[str, str], limit: float, cancel: threading.Event | None = None,
              on_line: Callable[[str], None] | None = None) -> ProbeRun:
    """Run a probe in a session of its own until it exits, `limit` seconds pass or `cancel` is set; each
    line of its stdout goes to `on_line` as it comes. Stopped early, its whole process group is killed:
    a torch's worker processes or a hung CUDA initialisation child go with the interpreter. OSError when
    it cannot be started."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
                            env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    assert proc.stderr is not None and proc.stdout is not None
    # both pipes are read in threads, so a chatty torch cannot fill one and stall the probe, and a probe
    # that stops talking cannot hold this thread past the deadline
    err_chunks: list[str] = []
    drain = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    drain.start()
    lines: queue.Queue[str | None] = queue.Queue()

    def read_lines() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read_lines, daemon=True).start()
    deadline = time.monotonic() + limit
    timed_out = False
    out: list[str] = []
    try:
        while cancel is None or not cancel.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            try:
                line = lines.get(timeout=min(0.2, left))
            except queue.Empty:
                continue
            if line is None:  # the probe closed its stdout: it is done, or about to be
                try:
                    proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
                except subprocess.TimeoutExpired:
                    timed_out = True
                break
            out.append(line)
            if on_line is not None:
                on_line(line)
    finally:
        if proc.poll() is None or timed_out:
            _kill_group(proc)
        proc.wait()
    drain.join(timeout=5)
    return ProbeRun(stdout="".join(out), stderr="".join(err_chunks), returncode=proc.returncode,
                    timed_out=timed_out, cancelled=cancel is not None and cancel.is_set())


def _run_bench_probe(python: str | os.PathLike[str] | None, *, quick: bool, on_progress: ProgressFn | None,
                     timeout: float | None, env: dict[str, str] | None, cancel: threading.Event | None,
                     device: str) -> dict[str, Any]:
    exe = resolve_python(python)
    cmd = [exe, str(BENCH_SCRIPT), "--device", device] + (["--quick"] if quick else [])
    limit = timeout if timeout is not None else bench_timeout(quick)
    hint = _("run `torch-setup verify --python {python}` first: the benchmark needs a working torch",
             python=shlex.quote(exe))
    found: list[dict[str, Any]] = []
    so_far: dict[str, Any] = {"device": None, "torch_version": None, "tests": [], "skipped": []}

    def on_line(line: str) -> None:
        line = line.strip()
        if not line.startswith("{"):
            return
        try:
            event = json.loads(line)
        except ValueError:
            return
        if event.get("type") == "result":
            found.append(event)
            return
        if event.get("type") == "start":
            so_far["device"], so_far["torch_version"] = event.get("device"), event.get("torch_version")
        elif event.get("type") == "measurement" and isinstance(event.get("test"), dict):
            so_far["tests"].append(event["test"])
        elif event.get("type") == "progress" and event.get("skipped"):
            so_far["skipped"].append({"id": event.get("test"), "reason": event["skipped"]})
        if on_progress is not None:
            on_progress(event)

    def partial() -> dict[str, Any] | None:
        return so_far if so_far["tests"] else None

    try:
        proc = run_probe(cmd, env=_env(env), limit=limit, cancel=cancel, on_line=on_line)
    except OSError as exc:
        check_interpreter(exe, env)
        raise BenchFailed(_("could not start {python}: {error}", python=exe, error=exc), hint=hint, python=exe,
                          quick=quick, timed_out=False) from None
    stderr = proc.stderr
    result = found[-1] if found else None
    if proc.cancelled:
        raise KeyboardInterrupt
    if proc.timed_out:
        raise BenchFailed(_("the benchmark did not finish within {s} s", s=int(limit)),
                          hint=_("a GPU that hangs is often a driver problem: look at `dmesg` for Xid errors and "
                                 "run `torch-setup doctor`; a slow GPU may need more time (bench --timeout S)"),
                          python=exe, quick=quick, timed_out=True, stderr=stderr, partial=partial())
    if result is None:
        check_interpreter(exe, env)  # a Python whose torch broke fails the step (1); no Python is bad input (2)
        reason = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        raise BenchFailed(_("the benchmark failed: {error}", error=reason), hint=hint, python=exe, quick=quick,
                          timed_out=False, stderr=stderr, partial=partial())
    result["python"] = result.get("python") or {"executable": exe}
    return result
