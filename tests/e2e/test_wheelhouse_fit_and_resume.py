"""A wheelhouse that does not fit the target (another Python, another architecture) is refused before
anything runs; a copy cut short is said as such; a build stopped half-way leaves nothing a re-run trips
over; a build that finds no source for the build asked for says so (not "build the wheelhouse again").

Real parts: the CLI as a subprocess, the executor running `pip download` from PyPI, real wheels."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import load_module

from installer.errors import InputError
from installer.executor.diagnose import diagnose
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.plan.kinds.base import KindContext, check_inputs
from installer.plan.kinds.wheel import DOWNLOADING, WheelParams, check_wheelhouse, write_manifest
from installer.plan.model import Plan

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
OFFLINE_EXAMPLE = REPO / "recipes" / "answers" / "wheelhouse-offline.yaml"
FAILURES = REPO / "tests" / "fixtures" / "failures"
HERE = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "3.12" if HERE != "3.12" else "3.11"
PINS = ("markupsafe==3.0.2",)


_wheelhouse_tests = load_module(Path(__file__).with_name("test_wheelhouse.py"), "wheelhouse_cases")
step_for = _wheelhouse_tests.step_for


def ctx(python_version: str = HERE, arch: str = "x86_64") -> KindContext:
    """test_wheelhouse's context (the RTX 4090 machine, uv and this Python's pip), for this Python."""
    return _wheelhouse_tests.ctx(python_version, arch)


def built_for(wh: Path, python_version: str, arch: str = "x86_64", pins: tuple[str, ...] = ("torch==2.13.0+cpu",)) -> Path:
    """What a build leaves, without the wheels (plan time hashes nothing)."""
    wh.mkdir(parents=True, exist_ok=True)
    (wh / "manifest.json").write_text(json.dumps({
        "format": 1, "python_version": python_version, "platforms": [f"manylinux_2_28_{arch}", f"manylinux2014_{arch}"],
        "requirements": list(pins), "files": []}))
    (wh / "requirements.txt").write_text("".join(f"{p}\n" for p in pins))
    return wh


def offline_answers(folder: Path, wh: Path) -> int:
    text = OFFLINE_EXAMPLE.read_text().replace("/media/usb/torch-wheelhouse", str(wh))
    (folder / "offline.yaml").write_text(text)
    return next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("wheelhouse:"))


# ---------------------------------------------------------------- another Python, another architecture

@pytest.mark.parametrize("command", [("plan", "--answers", "offline.yaml"), ("answers", "check", "offline.yaml"),
                                     ("install", "--answers", "offline.yaml", "--yes")])
def test_a_wheelhouse_for_another_python_is_refused_before_anything_runs(cli, tmp_path, xdg_home, command):
    """Found in use: built for 3.12, it passed plan and answers check on a 3.11 machine; install made the venv,
    then failed, told to build the same wrong thing again."""
    wh = built_for(tmp_path / "wh312", OTHER)
    line = offline_answers(tmp_path, wh)
    result = cli(*command, "--probe-timeout", "0.2", cwd=tmp_path, env={"LANG": "C.UTF-8", "LC_ALL": ""})
    assert result.returncode == 2, result.stdout + result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first == (f"offline.yaml:{line}: wheelhouse: the wheelhouse {wh} was built for Python {OTHER}, and the "
                     f"Python it would install into is {HERE}")
    assert hint.startswith(f"  -> build it again for Python {HERE} (target.python: \"{HERE}\"")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "offline.yaml", "wh312"]  # no .venv-torch


def test_the_same_wheelhouse_for_this_python_passes(cli, tmp_path, xdg_home):
    wh = built_for(tmp_path / "wh", HERE)
    offline_answers(tmp_path, wh)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"check --python-version={HERE} --arch=" in result.stdout  # the script's own check holds it too


def test_a_wheelhouse_for_another_architecture_is_refused(tmp_path):
    wh = built_for(tmp_path / "wh-arm", HERE, arch="aarch64")
    install = step_for(WheelParams(action="install", wheelhouse=str(wh), python=sys.executable,
                                   packages=("torch==2.13.0+cpu",)), ctx(arch="x86_64"), "install")
    with pytest.raises(InputError) as refused:
        check_inputs(Plan(steps=(install,)))
    assert refused.value.key == "wheelhouse"
    assert refused.value.message == f"the wheelhouse {wh} was built for aarch64, and this machine is x86_64"
    assert "torch-setup detect --json" in (refused.value.hint or "")
    # a manifest from before python_version and platforms were read (or that leaves them out) still passes
    (wh / "manifest.json").write_text(json.dumps({"format": 1, "requirements": ["torch==2.13.0+cpu"], "files": []}))
    check_inputs(Plan(steps=(install,)))


def test_the_steps_own_check_refuses_another_python_as_the_plan_script_runs_it(tmp_path):
    wh = built_for(tmp_path / "wh", OTHER)
    install = step_for(WheelParams(action="install", wheelhouse=str(wh), python=sys.executable), ctx(), "install")
    result = subprocess.run(install.commands[0].argv, capture_output=True, text=True, cwd=REPO,
                            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert result.returncode == 1
    assert f"was built for Python {OTHER}, and the Python it would install into is {HERE}" in result.stderr


# ---------------------------------------------------------------- a copy cut short, in both languages

def _one_wheel_wheelhouse(wh: Path) -> Path:
    """A wheelhouse of one (small, real) file, described by the build's own manifest writer."""
    wh.mkdir()
    wheel = wh / "demo-1.0-py3-none-any.whl"
    wheel.write_bytes(bytes(range(256)) * 400)
    write_manifest(wh, ["demo==1.0"], python_version=HERE, platforms=["manylinux_2_28_x86_64"])
    return wheel


def test_a_truncated_copy_is_said_with_its_sizes(tmp_path, monkeypatch):
    wheel = _one_wheel_wheelhouse(tmp_path / "wh")
    with wheel.open("r+b") as f:
        f.truncate(60000)
    assert check_wheelhouse(tmp_path / "wh", ["demo==1.0"]) == [
        f"{wheel}: 60000 of 102400 bytes: the copy is incomplete; copy it again"]
    # the check runs in the step's environment, which keeps LANG: in Chinese there
    zh = subprocess.run([sys.executable, "-m", "installer.plan.kinds.wheel", "check", str(tmp_path / "wh")],
                        capture_output=True, text=True, cwd=REPO, env={"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"})
    assert zh.returncode == 1
    assert zh.stderr.strip() == f"{wheel}：只有 60000 / 102400 字节，复制不完整；请重新复制"
    wheel.unlink()
    zh = subprocess.run([sys.executable, "-m", "installer.plan.kinds.wheel", "check", str(tmp_path / "wh")],
                        capture_output=True, text=True, cwd=REPO, env={"PATH": "/usr/bin:/bin", "LANG": "zh_CN.UTF-8"})
    assert zh.stderr.strip() == f"缺少 {wheel}：请从构建生成的 wheelhouse 中把它复制过来"


def test_a_changed_copy_of_the_same_size_is_still_a_hash_mismatch(tmp_path):
    wheel = _one_wheel_wheelhouse(tmp_path / "wh")
    data = bytearray(wheel.read_bytes())
    data[100] ^= 0xFF
    wheel.write_bytes(bytes(data))
    (problem,) = check_wheelhouse(tmp_path / "wh", ["demo==1.0"])
    assert problem.startswith(f"{wheel} changed since the wheelhouse was built (sha256 mismatch)")


# ---------------------------------------------------------------- a build stopped half-way

def _statuses(events: list) -> list[str]:
    return [e.status for e in events if isinstance(e, StepFinished)]


def test_a_build_stopped_while_a_wheel_was_written_completes_when_run_again(tmp_path, xdg_home):
    """Found in use: a build killed (SIGKILL of the process group) while pip wrote the torch wheel left a
    partial .whl, and every re-run failed on it ("Wheel 'torch' ... is invalid"). Here, for real: the
    state such a kill leaves (a truncated wheel in the download folder, and one in the wheelhouse itself,
    as the builds before this one wrote there; no manifest yet), then the same step again."""
    wh = tmp_path / "wheelhouse"
    build = step_for(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                     ctx(), "wheelhouse-build")
    first = list(run_plan(Plan(steps=(build,)), state_dir=tmp_path / "state1"))
    assert isinstance(first[-1], RunFinished) and first[-1].ok, first
    (whole,) = [p for p in wh.glob("*.whl") if p.name.lower().startswith("markupsafe-3.0.2-")]
    size = whole.stat().st_size
    assert not (wh / DOWNLOADING).exists()  # moved in, then removed
    # what a kill leaves
    (wh / "manifest.json").unlink()
    (wh / "requirements.txt").unlink()
    (wh / DOWNLOADING).mkdir()
    shutil.copy(whole, wh / DOWNLOADING / whole.name)
    for partial in (whole, wh / DOWNLOADING / whole.name):
        with partial.open("r+b") as f:
            f.truncate(size // 3)
    again = list(run_plan(Plan(steps=(build,)), state_dir=tmp_path / "state2"))
    finished = [e for e in again if isinstance(e, StepFinished)]
    assert isinstance(again[-1], RunFinished) and again[-1].ok, finished
    assert _statuses(again) == ["changed"]
    assert whole.stat().st_size == size
    assert check_wheelhouse(wh, list(PINS), python_version=HERE, arch="x86_64") == []
    assert not (wh / DOWNLOADING).exists()
    # and done is done: the guard sees a sound wheelhouse
    assert _statuses(list(run_plan(Plan(steps=(build,)), state_dir=tmp_path / "state2"))) == ["unchanged"]


# ---------------------------------------------------------------- the build's own failure

def test_a_build_that_finds_no_source_for_the_build_names_the_pytorch_index():
    """Recorded (tests/fixtures/failures/pip-wheelhouse-build-not-found.txt): the build step's output when
    no source has torch 2.13.0+cpu. It is a `wheel` step, as the offline install is, and must not be told
    to build the wheelhouse again."""
    recorded = (FAILURES / "pip-wheelhouse-build-not-found.txt").read_text().splitlines()
    found = diagnose(recorded, kind="wheel")
    assert found is not None
    assert found.cause.startswith("no package source this build uses has torch==2.13.0+cpu")
    assert "mirror.pytorch" in found.hint and "find-links" in found.hint
    assert "build the wheelhouse again" not in found.hint
    # without the build's first line, the same pip output from an offline install keeps its own advice
    offline = diagnose(recorded[1:], kind="wheel")
    assert offline is not None and offline.hint.startswith("build the wheelhouse again")


def test_a_missing_wheelhouse_under_the_working_directory_says_relative_paths_start_there(cli, tmp_path, xdg_home):
    text = OFFLINE_EXAMPLE.read_text().replace("/media/usb/torch-wheelhouse", "torch-wheelhouse")
    (tmp_path / "offline.yaml").write_text(text)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert (f"wheelhouse: there is no wheelhouse folder at {tmp_path}/torch-wheelhouse (a relative wheelhouse is "
            f"taken from the folder torch-setup runs in, {tmp_path})") in result.stderr.splitlines()[0]
