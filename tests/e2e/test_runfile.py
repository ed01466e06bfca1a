"""The CUDA runfile recipe, run for real: a makeself archive built like NVIDIA's runfile, served from
127.0.0.1, downloaded by the executor, checked, and run into a temporary prefix.

The recipe is the real recipes/cuda-runfile.yaml with two changes only: its mirror list points at the
local server, and its 12.6 release entry names the fixture runfile with that file's sha256 and size (so the
disk check asks for what this file needs, not for the 6 GiB of NVIDIA's real one).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from helpers import recipe_fixture

from installer.answers import parse_answers
from installer.executor.events import OutputLine, Progress, RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "recipes"
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
RUNFILE = "cuda_12.6.3_560.35.05_linux.run"


rangeserver = recipe_fixture("rangeserver")
make_runfile = recipe_fixture("make_runfile")

pytestmark = pytest.mark.skipif(shutil.which("makeself") is None, reason="needs Debian's makeself")


@pytest.fixture(scope="module")
def runfile(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runfile") / RUNFILE
    return make_runfile.build(out, "12.6.3", filler=3 * 1024 * 1024)


@pytest.fixture
def www(tmp_path, runfile):
    root = tmp_path / "www"
    where = root / "compute" / "cuda" / "12.6.3" / "local_installers"
    where.mkdir(parents=True)
    shutil.copy(runfile, where / RUNFILE)
    with rangeserver.RangeServer(root) as server:
        yield server, where / RUNFILE


def local_recipe(tmp_path: Path, server, served: Path, sha256: str) -> Path:
    """recipes/cuda-runfile.yaml pointed at `server`, its 12.6 entry naming the fixture `served` there."""
    mirror, size = f"{server.base}/compute/cuda", served.stat().st_size
    data = yaml.safe_load((REPO / "recipes" / "cuda-runfile.yaml").read_text())
    for step in data["steps"]:
        if step["kind"] == "runfile":
            step["with"]["mirrors"] = [mirror]
            step["with"]["releases"]["12.6"]["x86_64"] = {"file": RUNFILE, "sha256": sha256, "size": size}
    path = tmp_path / "cuda-runfile-local.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def plan_for(tmp_path: Path, recipe: Path, prefix: Path):
    answers = parse_answers(f"""
version: 1
torch: {{version: 2.13.0, variant: cu126, extras: []}}
cuda_toolkit: {{install: true, version: "12.6", source: runfile, prefix: {prefix}}}
""")
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=[load_recipe(recipe)], cache_dir=str(tmp_path / "cache"))


def run(plan, state: Path, cancel: threading.Event | None = None, on_event=None) -> list:
    events = []
    for ev in run_plan(plan, state_dir=state, cancel=cancel):
        events.append(ev)
        if on_event:
            on_event(ev)
    return events


def test_runfile_installs_into_a_temporary_prefix(tmp_path, www, xdg_home):
    server, served = www
    sha = hashlib.sha256(served.read_bytes()).hexdigest()
    prefix = tmp_path / "cuda-12.6"
    plan = plan_for(tmp_path, local_recipe(tmp_path, server, served, sha), prefix)
    assert [s.id for s in plan.steps] == ["cuda-toolkit-user", "cuda-profile-user"]
    argv = plan.steps[0].commands[-1].argv
    assert argv[2:5] == ("--silent", "--toolkit", f"--toolkitpath={prefix}") and "--override" in argv

    events = run(plan, tmp_path / "state")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.ok, events
    assert any(isinstance(e, Progress) and e.done == e.total for e in events)
    nvcc = prefix / "bin" / "nvcc"
    out = subprocess.run([str(nvcc)], capture_output=True, text=True, check=True).stdout
    assert "release 12.6, V12.6.3" in out
    assert (prefix / "lib64" / "libcudart.so.12").is_symlink()
    # the profile snippet puts this toolkit first on PATH, and sourcing it twice adds it once
    env_sh = prefix / "torch-setup-env.sh"
    shell = subprocess.run(["bash", "-c", f". {env_sh}; . {env_sh}; command -v nvcc; echo $LD_LIBRARY_PATH"],
                           capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    where, ld = shell.stdout.split("\n")[:2]
    assert where == str(nvcc)
    assert ld == str(prefix / "lib64")
    # the downloaded runfile (3-5 GiB for NVIDIA's) is removed once the toolkit is in place, and says so
    dest = tmp_path / "cache" / "downloads" / RUNFILE
    assert not dest.exists() and dest.parent.is_dir()
    said = [e.line for e in events if isinstance(e, OutputLine) and e.step_id == "cuda-toolkit-user"]
    assert f"removed {dest} ({served.stat().st_size / 2**20:.1f} MiB): nothing needs it now" in said
    assert plan.steps[0].downloads[0].discard

    # a second run changes nothing: the guard (prefix/bin/nvcc) and the journal say it is done
    server.stats.reset()
    again = run(plan, tmp_path / "state")
    statuses = [e.status for e in again if isinstance(e, StepFinished)]
    assert statuses == ["unchanged", "unchanged"]
    assert server.stats.requests == []


def test_tampered_runfile_fails_and_runs_nothing(tmp_path, www, xdg_home):
    server, served = www
    good_sha = hashlib.sha256(served.read_bytes()).hexdigest()
    data = bytearray(served.read_bytes())
    data[-100] ^= 0xFF  # one byte of the payload, as a tampered mirror would serve it
    served.write_bytes(bytes(data))
    prefix = tmp_path / "cuda-12.6"
    logs = [Path(p) for p in ("/var/log/cuda-installer.log", "/tmp/cuda-installer.log")]
    before = {p: p.stat().st_mtime_ns for p in logs if p.exists()}
    plan = plan_for(tmp_path, local_recipe(tmp_path, server, served, good_sha), prefix)

    events = run(plan, tmp_path / "state")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and not finished.ok  # `install` exits 1 on this
    assert finished.failed_step == "cuda-toolkit-user"
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.status == "failed" and "sha256 mismatch" in failed.detail
    assert not (prefix / "bin").exists()
    dest = tmp_path / "cache" / "downloads" / RUNFILE
    assert not dest.exists() and not Path(str(dest) + ".part").exists()
    # the installer inside never started: it writes its log first thing
    assert {p: p.stat().st_mtime_ns for p in logs if p.exists()} == before


def test_download_interrupted_half_way_resumes_with_less_than_half(tmp_path, www, xdg_home):
    server, served = www
    size = served.stat().st_size
    sha = hashlib.sha256(served.read_bytes()).hexdigest()
    prefix = tmp_path / "cuda-12.6"
    plan = plan_for(tmp_path, local_recipe(tmp_path, server, served, sha), prefix)
    server.behaviour[str(served.relative_to(tmp_path / "www"))] = rangeserver.Behaviour(bytes_per_s=2 * 1024 * 1024)
    cancel = threading.Event()

    def stop_half_way(ev) -> None:
        if isinstance(ev, Progress) and ev.done > size * 0.55:
            cancel.set()

    first = run(plan, tmp_path / "state", cancel=cancel, on_event=stop_half_way)
    assert isinstance(first[-1], RunFinished) and first[-1].interrupted
    assert not (prefix / "bin" / "nvcc").exists()

    server.behaviour.clear()
    server.stats.reset()
    second = run(plan, tmp_path / "state")
    assert isinstance(second[-1], RunFinished) and second[-1].ok, second
    sent = sum(server.stats.sent.values())
    assert 0 < sent < size / 2, f"the resumed download transferred {sent} of {size} bytes"
    assert server.stats.requests[0].range is not None
    assert (prefix / "bin" / "nvcc").exists()


def test_failing_installer_stops_the_run_and_its_log_explains(tmp_path, xdg_home):
    """The installer fails (as on a full disk): the step fails with the installer's own words, the
    run stops there, and the runfile kind names the log whose tail says why."""
    from installer.plan.kinds.base import get_kind

    root = tmp_path / "www"
    where = root / "compute" / "cuda" / "12.6.3" / "local_installers"
    where.mkdir(parents=True)
    make_runfile.build(where / RUNFILE, "12.6.3", fail="No space left on device")
    sha = hashlib.sha256((where / RUNFILE).read_bytes()).hexdigest()
    prefix = tmp_path / "cuda-12.6"
    with rangeserver.RangeServer(root) as server:
        plan = plan_for(tmp_path, local_recipe(tmp_path, server, where / RUNFILE, sha), prefix)
        events = run(plan, tmp_path / "state")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and not finished.ok
    assert finished.failed_step == "cuda-toolkit-user"
    failed = next(e for e in events if isinstance(e, StepFinished) and e.status == "failed")
    assert any("See log at" in line for line in failed.tail)
    assert not any(isinstance(e, StepFinished) and e.step_id == "cuda-profile-user" for e in events)
    assert finished.log_path and "See log at" in Path(finished.log_path).read_text()
    # a failed step keeps its download: the retry runs it without fetching 3-5 GiB again
    assert (tmp_path / "cache" / "downloads" / RUNFILE).is_file()
    logs = get_kind("runfile").failure_logs(plan.steps[0])  # type: ignore[attr-defined]
    newest = max((Path(p) for p in logs if Path(p).exists()), key=lambda p: p.stat().st_mtime)
    assert "No space left on device" in newest.read_text().splitlines()[-1]
    # the executor shows that log's tail with the failure: the installer's own words for why
    assert f"--- the last lines of {newest} ---" in failed.tail
    assert "No space left on device" in failed.tail[-1]
    assert "No space left on device" in Path(finished.log_path).read_text()
