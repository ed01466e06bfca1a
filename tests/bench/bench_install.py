"""`torch-setup install` of recipes/answers/cpu-venv.yaml against raw uv doing the same work.

Raw: `uv venv` + `uv pip install` of the same pins with the same flags (index, find-links) the plan
uses, into a fresh folder. Ours: `torch-setup install --answers cpu-venv.yaml --yes` in a fresh folder
(detection, pins, index choice, plan, sandboxed journaled run), once as the example says (verify: true,
which imports torch in the new environment and runs a matmul) and once with verify: false, the install
alone. Warm: both share one uv cache (a first install fills it), so the figures compare the work
done, not the disk. Cold: each run gets an empty cache, as on a new machine. Medians of several rounds
(the order reversed every other round, the disk synced before each timed run), and the median of the
round-by-round ratios, which the machine's minute-to-minute drift in speed does not skew.
`plan` alone (start-up, detection, pins, index choice, recipes: everything before the first step)
is timed too: it is most of the fixed overhead. So is a floor: the least any front-end of this design
(Python, answers validated with pydantic, the two commands sandboxed) can take. Target: ours (install
alone) <= 1.15 x raw.

BENCH_ROUNDS=N (default 3); BENCH_QUICK=1 times only the warm install and `plan` (for A/B runs on a
shared, noisy machine: PYTHONPATH=<another checkout> runs that checkout's torch-setup instead).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
QUICK = os.environ.get("BENCH_QUICK") == "1"


def _env(root: Path, cache: str = "cache") -> dict[str, str]:
    env = dict(os.environ)
    for var, sub in (("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", cache), ("XDG_DATA_HOME", "data")):
        env[var] = str(root / sub)
    env["NO_COLOR"] = "1"
    return env


def _raw_commands(root: Path, env: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """The venv and install argv the plan itself would run, for the same pins and flags."""
    probe = root / "probe"
    probe.mkdir()
    shutil.copy(EXAMPLE, probe / "cpu-venv.yaml")
    code = ("import json, sys\nfrom installer.plan.planner import plan_from_files\n"
            "_, _, plan = plan_from_files('cpu-venv.yaml')\n"
            "steps = {s.id: s for s in plan.steps}\n"
            "print(json.dumps([steps['venv'].commands[0].argv, steps['torch'].commands[-1].argv,"
            " str(plan.steps[0].writable[0])]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=probe, env=env, capture_output=True, text=True, check=True)

    venv_argv, install_argv, venv_path = json.loads(out.stdout)
    return tuple(venv_argv), tuple(install_argv), venv_path


def _raw(root: Path, env: dict[str, str], venv_argv: tuple[str, ...], install_argv: tuple[str, ...],
         planned_venv: str, name: str) -> float:
    target = str(root / name / ".venv-torch")
    swap = [target if a == planned_venv else a.replace(planned_venv, target) for a in venv_argv]
    inst = [a.replace(planned_venv, target) for a in install_argv]
    start = time.perf_counter()
    subprocess.run(swap, env=env, check=True, capture_output=True)
    subprocess.run(inst, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _ours(root: Path, env: dict[str, str], name: str, verify: bool) -> float:
    work = root / name
    work.mkdir()
    text = EXAMPLE.read_text()
    if not verify:
        text = text.replace("verify: true", "verify: false")
    (work / "cpu-venv.yaml").write_text(text)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes",
                           "--quiet"], cwd=work, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"torch-setup install failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


# The least any front-end of this design does: start Python, validate the answers file with its pydantic
# model, and run the same two commands in the same sandbox. No detection, no pins, no plan, no journal.
FLOOR = """
import json, subprocess, sys
from installer.answers import load_answers
from installer.executor.sandbox import wrap
load_answers("cpu-venv.yaml")
venv, install, writable = (json.loads(a) for a in sys.argv[1:4])
subprocess.run(wrap(tuple(venv), writable), check=True, capture_output=True)
subprocess.run(wrap(tuple(install), writable), check=True, capture_output=True)
"""


def _floor(root: Path, env: dict[str, str], venv_argv: tuple[str, ...], install_argv: tuple[str, ...],
           planned_venv: str, name: str) -> float:
    work = root / name
    work.mkdir()
    shutil.copy(EXAMPLE, work / "cpu-venv.yaml")
    target = str(work / ".venv-torch")
    venv = [target if a == planned_venv else a.replace(planned_venv, target) for a in venv_argv]
    inst = [a.replace(planned_venv, target) for a in install_argv]
    writable = [str(work), str(Path(env["XDG_CACHE_HOME"]) / "uv")]
    args = [json.dumps(venv), json.dumps(inst), json.dumps(writable)]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR, *args], cwd=work, env=env, check=True)
    return time.perf_counter() - start


def _plan_only(root: Path, env: dict[str, str]) -> float:
    work = root / "plan"
    work.mkdir(exist_ok=True)
    shutil.copy(EXAMPLE, work / "cpu-venv.yaml")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "installer", "plan", "--answers", "cpu-venv.yaml"], cwd=work, env=env,
                   capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-install-"))
    try:
        env = _env(root)
        venv_argv, install_argv, planned = _raw_commands(root, env)
        _raw(root, env, venv_argv, install_argv, planned, "warmup")  # fills the shared uv cache
        jobs: dict[str, Callable[[int], float]] = {
            "raw": lambda i: _raw(root, env, venv_argv, install_argv, planned, f"raw{i}"),
            "ours": lambda i: _ours(root, env, f"ours{i}", verify=False),
            "plan": lambda i: _plan_only(root, env),
            "floor": lambda i: _floor(root, env, venv_argv, install_argv, planned, f"floor{i}"),
        }
        if not QUICK:
            jobs["ours_verify"] = lambda i: _ours(root, env, f"oursv{i}", verify=True)
            # a first install on a new machine: nothing in the cache yet (each run gets an empty one)
            jobs["raw_cold"] = lambda i: _raw(root, _env(root, f"cold-raw{i}"), venv_argv, install_argv, planned,
                                              f"rawc{i}")
            jobs["ours_cold"] = lambda i: _ours(root, _env(root, f"cold-ours{i}"), f"oursc{i}", verify=False)
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for i in range(ROUNDS):
            # every other round in reverse: whichever runs second does not always pay for the first's
            # disk writes; and those are flushed (sync) before each timed run
            for name in (list(jobs) if i % 2 == 0 else list(reversed(jobs))):
                os.sync()
                times[name].append(jobs[name](i))
        raw, ours, plans, floors = times["raw"], times["ours"], times["plan"], times["floor"]
        ours_verify, raw_cold, ours_cold = times.get("ours_verify"), times.get("raw_cold"), times.get("ours_cold")
        med = statistics.median
        r, o, pl, fl = med(raw), med(ours), med(plans), med(floors)
        # this machine's speed drifts from minute to minute: the ratio within each round, then the median
        paired = med(b / a for a, b in zip(raw, ours, strict=True))
        print(f"bench_install: torch==2.13.0+cpu into a fresh venv, median of {ROUNDS} (target: ratio <= 1.15x)")
        print(f"  warm cache  raw uv venv + uv pip install          {r:6.2f} s")
        print(f"  warm cache  torch-setup install (verify off)      {o:6.2f} s   ratio {o / r:5.2f}x"
              f"   (round by round: {paired:4.2f}x)")
        if not QUICK:
            assert ours_verify and raw_cold and ours_cold
            ov, rc, oc = med(ours_verify), med(raw_cold), med(ours_cold)
            paired_cold = med(b / a for a, b in zip(raw_cold, ours_cold, strict=True))
            print(f"  warm cache  torch-setup install (example, verify) {ov:6.2f} s   ratio {ov / r:5.2f}x")
            print(f"  cold cache  raw uv venv + uv pip install          {rc:6.2f} s")
            print(f"  cold cache  torch-setup install (verify off)      {oc:6.2f} s   ratio {oc / rc:5.2f}x"
                  f"   (round by round: {paired_cold:4.2f}x)")
        print(f"  torch-setup plan (everything before the first step) {pl:6.2f} s")
        print(f"  floor: Python + answers validated + the 2 commands sandboxed {fl:6.2f} s   ratio {fl / r:5.2f}x")
        print(f"  fixed overhead of torch-setup (warm): {o - r:5.2f} s (start-up, detection, index choice, plan, "
              "guards, journal)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
