"""The offline wheelhouse, both ends, for real: wheels downloaded from PyPI by `pip download` for a
target platform and Python, a manifest of hashes, then an install with no index at all.

The install runs (1) through the executor with every package index unreachable (PIP_INDEX_URL on a
closed 127.0.0.1 port, no pip configuration) and (2) inside a network namespace with no network
(`bwrap --unshare-net`). The small set (jinja2 + MarkupSafe, a binary wheel) keeps the default run
fast; the torch wheelhouse is the `slow` test.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from installer.answers import Answers
from installer.executor.events import RunFinished, StepFinished
from installer.executor.runner import run_plan
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.wheel import KIND, WheelParams, check_wheelhouse
from installer.plan.model import Plan, Step
from installer.plan.tools import Tools, find_uv

REPO = Path(__file__).resolve().parents[2]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
PINS = ("jinja2==3.1.6", "markupsafe==3.0.2")  # 3.0.2 wheels are tagged manylinux_2_17 only


def closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/simple"


def ctx(python_version: str = "3.11", arch: str = "x86_64", *, with_uv: bool = True) -> KindContext:
    report = HardwareReport.model_validate_json(MACHINE.read_text())
    report.os.arch = arch
    tools = Tools(uv=find_uv() if with_uv else None, python=sys.executable, host_pip=True)
    return KindContext(answers=Answers(), report=report, pins=None, indexes=Indexes(), tools=tools,
                       values={"target.python_version": python_version})


def step_for(params: WheelParams, context: KindContext, step_id: str) -> Step:
    compiled = KIND.compile(params, context)
    return Step(id=step_id, title=step_id, kind="wheel", commands=compiled.commands, guard=compiled.guard,
                writable=compiled.writable, timeout=900)


def run(step: Step, state: Path) -> list:
    return list(run_plan(Plan(steps=(step,)), state_dir=state))


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory) -> Path:
    """A wheelhouse for this machine's Python, built through the executor from PyPI."""
    wh = tmp_path_factory.mktemp("wh") / "wheelhouse"
    state = tmp_path_factory.mktemp("state")
    step = step_for(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                    ctx(f"{sys.version_info.major}.{sys.version_info.minor}"), "wheelhouse-build")
    events = run(step, state)
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    return wh


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(path)
    return path / "bin" / "python"


def test_build_downloads_wheels_and_writes_a_manifest_of_hashes(wheelhouse):
    names = sorted(p.name for p in wheelhouse.glob("*.whl"))
    assert any(n.startswith("jinja2-3.1.6-") for n in names)
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert any(n.lower().startswith("markupsafe-3.0.2-") and tag in n and "manylinux_2_17_x86_64" in n for n in names)
    lines = [ln for ln in (wheelhouse / "requirements.txt").read_text().splitlines() if not ln.startswith("#")]
    assert sorted(ln.split(" ")[0] for ln in lines) == ["jinja2==3.1.6", "markupsafe==3.0.2"]
    assert all("--hash=sha256:" in ln for ln in lines)
    manifest = json.loads((wheelhouse / "manifest.json").read_text())
    assert {f["file"] for f in manifest["files"]} == set(names)
    assert check_wheelhouse(wheelhouse, list(PINS)) == []


def test_build_for_another_platform_and_python(tmp_path, xdg_home):
    wh = tmp_path / "wh-aarch64"
    step = step_for(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable,
                                packages=("markupsafe==3.0.2",)), ctx("3.12", "aarch64"), "build-foreign")
    events = run(step, tmp_path / "state")
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    # pip's own wheel (pure Python) rides along, for the new venv (test_offline_venv_has_pip)
    names = [p.name for p in wh.glob("*.whl") if not p.name.startswith("pip-")]
    assert len(names) == 1 and "cp312-cp312" in names[0] and "aarch64" in names[0], names
    platforms = json.loads((wh / "manifest.json").read_text())["platforms"]
    assert platforms[0] == "manylinux_2_28_aarch64" and "manylinux_2_17_aarch64" in platforms


def test_offline_install_with_every_index_unreachable(wheelhouse, tmp_path, monkeypatch, xdg_home):
    monkeypatch.setenv("PIP_INDEX_URL", closed_port())
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    monkeypatch.setenv("UV_INDEX_URL", closed_port())
    py = fresh_venv(tmp_path / "target")
    step = step_for(WheelParams(action="install", wheelhouse=str(wheelhouse), python=str(py), packages=PINS),
                    ctx(), "wheelhouse-install")
    events = run(step, tmp_path / "state")
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    out = subprocess.run([str(py), "-c", "import jinja2, markupsafe; print(jinja2.__version__, markupsafe.__version__)"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["3.1.6", "3.0.2"]
    # done is done: the guard reads the installed versions, nothing runs again
    again = run(step, tmp_path / "state")
    assert [e.status for e in again if isinstance(e, StepFinished)] == ["unchanged"]


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap for a network namespace")
def test_offline_install_inside_a_namespace_without_network(wheelhouse, tmp_path):
    py = fresh_venv(tmp_path / "target")
    step = step_for(WheelParams(action="install", wheelhouse=str(wheelhouse), python=str(py)), ctx(), "install")
    probe = ["bwrap", "--unshare-net", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    # the namespace really has no network: even PyPI cannot be reached from it
    reach = subprocess.run([*probe, sys.executable, "-c",
                            "import socket; socket.create_connection(('pypi.org', 443), timeout=5)"],
                           capture_output=True, text=True)
    if "bwrap" in reach.stderr and "Operation not permitted" in reach.stderr:
        pytest.skip("bwrap cannot make a network namespace here")
    assert reach.returncode != 0
    for cmd in step.commands:
        proc = subprocess.run([*probe, *cmd.argv], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path)})
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert subprocess.run([str(py), "-c", "import jinja2"]).returncode == 0


def tampered_copy(wheelhouse: Path, copy: Path) -> Path:
    """A copy of the wheelhouse in which one byte of the jinja2 wheel is flipped (a bad USB stick)."""
    shutil.copytree(wheelhouse, copy)
    victim = next(copy.glob("jinja2-*.whl"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    return copy


def test_a_changed_wheel_is_refused_and_nothing_is_installed(wheelhouse, tmp_path, xdg_home):
    copy = tampered_copy(wheelhouse, tmp_path / "usb-copy")
    py = fresh_venv(tmp_path / "target")
    step = step_for(WheelParams(action="install", wheelhouse=str(copy), python=str(py)), ctx(), "install")
    events = run(step, tmp_path / "state")
    finished = events[-1]
    assert isinstance(finished, RunFinished) and not finished.ok
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert any("changed since the wheelhouse was built" in line for line in failed.tail)
    assert subprocess.run([str(py), "-c", "import markupsafe"], capture_output=True).returncode != 0


def test_a_wheelhouse_without_a_dependency_says_so_not_a_mirror(wheelhouse, tmp_path, xdg_home):
    """A wheelhouse that holds jinja2 and not MarkupSafe, which it needs: the step fails, and what to do is
    to build the wheelhouse again (offline, no mirror can help), not to choose a mirror."""
    from installer.plan.kinds.wheel import write_manifest

    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(next(wheelhouse.glob("jinja2-*.whl")), partial)
    write_manifest(partial, ["jinja2==3.1.6"])
    py = fresh_venv(tmp_path / "target")
    step = step_for(WheelParams(action="install", wheelhouse=str(partial), python=str(py),
                                packages=("jinja2==3.1.6",)), ctx(), "install")
    events = run(step, tmp_path / "state")
    assert isinstance(events[-1], RunFinished) and not events[-1].ok
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.cause == "markupsafe is not in the wheelhouse, the only package source of an offline install"
    assert failed.hint.startswith("build the wheelhouse again with method: wheelhouse-build")


def swapped_copy(wheelhouse: Path, copy: Path) -> Path:
    """A copy of the wheelhouse whose jinja2 wheel was swapped for another valid wheel of the same name
    (one module changed): the archive is sound, only its hash tells."""
    import zipfile

    shutil.copytree(wheelhouse, copy)
    victim = next(copy.glob("jinja2-*.whl"))
    with zipfile.ZipFile(victim) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(victim, "w") as z:
        for info, data in members:
            z.writestr(info, data + b"\n# swapped\n" if info.filename == "jinja2/__init__.py" else data)
    return copy


@pytest.mark.parametrize("engine", ["uv", "pip"])
def test_each_engine_itself_refuses_a_wheel_whose_hash_differs(wheelhouse, tmp_path, engine):
    """Even without the manifest check, --require-hashes stops a swapped wheel before installing, with uv
    (the first engine) and with pip (its fallback)."""
    copy = swapped_copy(wheelhouse, tmp_path / "usb-copy")
    py = fresh_venv(tmp_path / "target")
    install = step_for(WheelParams(action="install", wheelhouse=str(copy), python=str(py)), ctx(),
                       "install").commands[-1]
    assert install.fallback is not None, "uv is installed with torch-setup: it goes first"
    cmd = install if engine == "uv" else install.fallback
    proc = subprocess.run(list(cmd.argv), capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path),
                               **dict(cmd.env)})
    assert proc.returncode != 0, proc.stdout + proc.stderr
    said = proc.stderr.lower()
    assert ("do not match the hashes" in said) if engine == "pip" else ("hash mismatch" in said), proc.stderr
    assert subprocess.run([str(py), "-c", "import jinja2"], capture_output=True).returncode != 0


@pytest.mark.slow
def test_torch_wheelhouse_round_trip_offline(tmp_path, monkeypatch, xdg_home):
    """torch==2.13.0+cpu (the wheel on this machine's disk, through pip's find-links) and its
    dependencies from PyPI, then installed with no index and imported."""
    if not Path("/opt/wheels").is_dir():
        pytest.skip("the torch CPU wheel is not on this machine's disk")
    wh = tmp_path / "wh"
    build = step_for(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable,
                                 packages=("torch==2.13.0+cpu",)), ctx(), "build")
    events = run(build, tmp_path / "state")
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    assert any(p.name.startswith("torch-2.13.0+cpu-") for p in wh.glob("*.whl"))
    monkeypatch.setenv("PIP_INDEX_URL", closed_port())
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
    py = fresh_venv(tmp_path / "target")
    install = step_for(WheelParams(action="install", wheelhouse=str(wh), python=str(py),
                                   packages=("torch==2.13.0+cpu",)), ctx(), "install")
    events = run(install, tmp_path / "state")
    assert isinstance(events[-1], RunFinished) and events[-1].ok, [e for e in events if isinstance(e, StepFinished)]
    out = subprocess.run([str(py), "-c", "import torch; print(torch.__version__, torch.ones(2).sum().item())"],
                         capture_output=True, text=True, check=True, timeout=300).stdout.split()
    assert out == ["2.13.0+cpu", "2.0"]


# ---------------------------------------------------------------- method: wheelhouse-build, from answers

BUILD_EXAMPLE = REPO / "recipes" / "answers" / "wheelhouse-build.yaml"


def test_the_build_end_is_chosen_by_its_answers_and_round_trips_through_plan(cli, tmp_path):
    """`method: wheelhouse-build` selects recipes/wheelhouse-build.yaml: the plan for another machine's
    report downloads that machine's wheels (its architecture's platform tags, the Python the answers
    name) and installs nothing; a bash script that `bash -n` accepts, made without creating anything."""
    from installer.answers import dump_answers, load_answers, parse_answers

    answers = load_answers(BUILD_EXAMPLE)
    assert answers.method == "wheelhouse-build" and parse_answers(dump_answers(answers)) == answers
    shutil.copy(BUILD_EXAMPLE, tmp_path / "wh.yaml")
    target = HardwareReport.model_validate_json(MACHINE.read_text())
    target.os.arch = "aarch64"  # the air-gapped machine is an ARM server
    (tmp_path / "target.json").write_text(target.to_json())
    result = cli("plan", "--answers", "wh.yaml", "--hardware", "target.json", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    assert "#   method: wheelhouse-build" in script and f"#   target: {tmp_path}/torch-wheelhouse" in script
    download = next(line for line in script.splitlines() if " -m pip download " in line)
    assert f"--dest {tmp_path}/torch-wheelhouse" in download and download.endswith(" torch==2.13.0+cpu")
    assert "--python-version 3.11" in download and "--abi cp311" in download
    assert "--platform manylinux_2_28_aarch64" in download and "x86_64" not in download
    steps = [line for line in script.splitlines() if line.startswith("# --- step ")]
    assert steps == [f"# --- step 1/1: wheelhouse-build - Download torch==2.13.0+cpu and their dependencies into "
                     f"{tmp_path}/torch-wheelhouse"]  # no environment, no install on this end
    assert "verify --python" not in script
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.json", "wh.yaml"]


def test_the_build_end_needs_its_folder(cli, tmp_path):
    (tmp_path / "wh.yaml").write_text("version: 1\nmethod: wheelhouse-build\n")
    result = cli("plan", "--answers", "wh.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("wh.yaml:2: method: method is wheelhouse-build: give wheelhouse")


@pytest.mark.slow
def test_build_then_offline_install_from_answers_files_alone(cli, tmp_path, xdg_home):
    """The whole offline path from the two example answers files: `install` of wheelhouse-build.yaml
    fills the folder (torch from this machine's disk through pip's find-links, its dependencies from
    the configured index); `install` of wheelhouse-offline.yaml, pointed at that folder, installs it with
    every index unreachable, and verifies torch."""
    if not Path("/opt/wheels").is_dir():
        pytest.skip("the torch CPU wheel is not on this machine's disk")
    online, offline = tmp_path / "online", tmp_path / "offline"
    online.mkdir()
    offline.mkdir()
    shutil.copy(BUILD_EXAMPLE, online / "wh.yaml")
    built = cli("install", "--answers", "wh.yaml", "--yes", "--probe-timeout", "0.2", cwd=online)
    assert built.returncode == 0, built.stdout + built.stderr
    wh = online / "torch-wheelhouse"
    assert any(p.name.startswith("torch-2.13.0+cpu-") for p in wh.glob("*.whl"))
    assert check_wheelhouse(wh, ["torch==2.13.0+cpu"]) == []
    assert not (online / ".venv-torch").exists()

    text = (REPO / "recipes" / "answers" / "wheelhouse-offline.yaml").read_text()
    (offline / "offline.yaml").write_text(text.replace("/media/usb/torch-wheelhouse", str(wh)))
    cut = {"PIP_INDEX_URL": closed_port(), "PIP_CONFIG_FILE": "/dev/null", "PIP_FIND_LINKS": "",
           "UV_INDEX_URL": closed_port()}
    installed = cli("install", "--answers", "offline.yaml", "--yes", cwd=offline, env=cut)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    py = offline / ".venv-torch" / "bin" / "python"
    out = subprocess.run([str(py), "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True,
                         check=True, timeout=300).stdout.strip()
    assert out == "2.13.0+cpu"

    # NumPy, which torch's wheel leaves out and so this wheelhouse lacks: verify's fix fetches it into the folder
    # where there is network and installs it from there with no index (found in a trial: it said `pip install
    # numpy`, which an air-gapped machine cannot run); `verify` of that environment says the same afterwards
    assert "[warn] NumPy is not installed here" in installed.stdout
    assert f"-> the wheelhouse {wh} has no wheel of numpy to install from" in installed.stdout, installed.stdout
    verified = cli("verify", "--python", str(py), "--json", cwd=offline, env=cut)
    check = next(c for c in json.loads(verified.stdout)["checks"] if c["name"] == "numpy")
    assert check["wheelhouse"] == str(wh) and check["wheelhouse_lacks"] == ["numpy"]
    download, install = check["fix_msg"]["args"]["download"], check["fix_msg"]["args"]["cmd"]
    assert install.endswith(f" --no-index --find-links {wh} numpy") and check["fix"] in installed.stdout
    subprocess.run(shlex.split(download), check=True, capture_output=True, timeout=600)  # the online end
    assert check_wheelhouse(wh, ["torch==2.13.0+cpu"]) == []  # the wheelhouse is still whole for its install
    subprocess.run(shlex.split(install), check=True, capture_output=True, timeout=600, env={**os.environ, **cut})
    out = subprocess.run([str(py), "-c", "import torch; print(torch.zeros(2).numpy().tolist())"],
                         capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "[0.0, 0.0]" and "NumPy" not in out.stderr
    again = json.loads(cli("verify", "--python", str(py), "--json", cwd=offline, env=cut).stdout)
    assert again["ok"] and not [c for c in again["checks"] if c["name"] == "numpy"]


# ---------------------------------------------------------------- method: wheel, a wheelhouse that is not there

OFFLINE_EXAMPLE = REPO / "recipes" / "answers" / "wheelhouse-offline.yaml"


def _missing_wheelhouse_answers(folder: Path) -> int:
    """The offline example as it is (/media/usb/torch-wheelhouse, not on this machine); the line of its key."""
    text = OFFLINE_EXAMPLE.read_text()
    assert not Path("/media/usb/torch-wheelhouse").exists()
    (folder / "offline.yaml").write_text(text)
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("wheelhouse:"))


def _says_what_to_do(stderr: str, line: int) -> None:
    first, *rest = stderr.splitlines()
    assert first == f"offline.yaml:{line}: wheelhouse: there is no wheelhouse folder at /media/usb/torch-wheelhouse"
    assert rest and rest[0].startswith("  -> build one") and "method: wheelhouse-build" in rest[0]
    assert "Traceback" not in stderr


def test_install_from_a_missing_wheelhouse_is_bad_input_and_changes_nothing(cli, tmp_path, xdg_home):
    """A person's mistake, said before anything runs (exit 2, file:line: key, what to do), not a step
    that fails half-way (exit 1) after the environment was made."""
    line = _missing_wheelhouse_answers(tmp_path)
    result = cli("install", "--answers", "offline.yaml", "--yes", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    _says_what_to_do(result.stderr, line)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "offline.yaml"]  # no .venv-torch
    assert not (xdg_home / "state" / "torch-setup").exists()  # no journal, no log


def test_plan_from_a_missing_wheelhouse_is_bad_input_and_creates_nothing(cli, tmp_path, xdg_home):
    line = _missing_wheelhouse_answers(tmp_path)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    _says_what_to_do(result.stderr, line)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "offline.yaml"]


def test_a_wheelhouse_made_by_an_earlier_step_is_not_missing(tmp_path):
    """check_inputs sees the whole plan: a wheelhouse the plan's own build step makes need not exist yet;
    the same install alone is refused, naming the key; one that exists is fine."""
    from installer.errors import InputError
    from installer.plan.kinds.base import check_inputs

    wh = tmp_path / "wh"
    build = step_for(WheelParams(action="build", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                     ctx(), "build")
    install = step_for(WheelParams(action="install", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                       ctx(), "install")
    check_inputs(Plan(steps=(build, install)))
    with pytest.raises(InputError) as missing:
        check_inputs(Plan(steps=(install, build)))  # made only after it is needed
    assert missing.value.key == "wheelhouse" and missing.value.message.endswith(str(wh))
    wh.mkdir()
    with pytest.raises(InputError) as gathered:  # a folder, but no wheelhouse build made it
        check_inputs(Plan(steps=(install,)))
    assert gathered.value.message == f"{wh} was not made by a wheelhouse build: it has no manifest.json"
    _manifest(wh, PINS)
    check_inputs(Plan(steps=(install,)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh"]  # the checks made nothing
    assert sorted(p.name for p in wh.iterdir()) == ["manifest.json", "requirements.txt"]


def _manifest(wh: Path, requirements: tuple[str, ...]) -> None:
    """What a wheelhouse build leaves for `requirements`, without the wheels (plan time hashes nothing)."""
    (wh / "manifest.json").write_text(json.dumps({"format": 1, "requirements": list(requirements), "files": []}))
    (wh / "requirements.txt").write_text("".join(f"{r}\n" for r in requirements))


def test_a_wheelhouse_built_for_other_pins_is_refused_before_anything_runs(tmp_path):
    """Its requirements.txt is what gets installed: another torch than the plan names would go in."""
    from installer.errors import InputError
    from installer.plan.kinds.base import check_inputs

    wh = tmp_path / "wh"
    wh.mkdir()
    _manifest(wh, ("jinja2==3.1.5", "markupsafe==3.0.2"))
    install = step_for(WheelParams(action="install", wheelhouse=str(wh), python=sys.executable, packages=PINS),
                       ctx(), "install")
    with pytest.raises(InputError) as other:
        check_inputs(Plan(steps=(install,)))
    assert other.value.key == "wheelhouse"
    assert other.value.message == (f"the wheelhouse {wh} was built for jinja2==3.1.5, markupsafe==3.0.2, "
                                   "not for jinja2==3.1.6")
    _manifest(wh, PINS)
    (wh / "requirements.txt").unlink()  # a copy that left it behind
    with pytest.raises(InputError) as partial:
        check_inputs(Plan(steps=(install,)))
    assert partial.value.message == f"{wh} has no requirements.txt, which its wheelhouse build wrote"
    assert partial.value.hint.startswith("copy the whole folder the build made")


def test_the_install_steps_own_check_holds_the_wheelhouse_to_the_pins(wheelhouse, tmp_path, xdg_home):
    """Between plan and run the folder may change: the check the step runs first names the pins too."""
    install = step_for(WheelParams(action="install", wheelhouse=str(wheelhouse), python=sys.executable,
                                   packages=("jinja2==3.1.5",)), ctx(), "install")
    check = install.commands[0].argv
    assert check[-2:] == (str(wheelhouse), "jinja2==3.1.5")
    result = subprocess.run(check, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1
    assert result.stderr.strip() == "jinja2==3.1.5 is not what this wheelhouse was built for"


def test_plan_from_a_folder_of_wheels_gathered_by_hand_is_bad_input(cli, tmp_path, xdg_home):
    """Found in use: the wizard's offline method with /opt/wheels (wheels, no manifest) passed Review, and
    its install would have stopped at the check after making the environment."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    (folder / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"not a real wheel")
    text = OFFLINE_EXAMPLE.read_text().replace("/media/usb/torch-wheelhouse", str(folder))
    (tmp_path / "offline.yaml").write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("wheelhouse:"))
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first == f"offline.yaml:{line}: wheelhouse: {folder} was not made by a wheelhouse build: it has no manifest.json"
    assert hint.startswith("  -> build the wheelhouse with method: wheelhouse-build") and "method: pip" in hint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "offline.yaml", "wheels"]


class _CountingServer:
    """A find-links page on 127.0.0.1 that only counts who asks for it (an empty page: no wheels)."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        asked: list[str] = []
        self.asked = asked

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                asked.append(self.path)
                body = b"<html><body></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/torch_stable.html"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("engine", ["uv", "pip"])
@pytest.mark.parametrize("where", ["pip.conf", "PIP_FIND_LINKS"])
@pytest.mark.parametrize("folder", ["wheelhouse", "USB Stick/wheels"])
def test_an_offline_install_never_asks_the_find_links_pip_is_configured_with(wheelhouse, tmp_path, monkeypatch,
                                                                            xdg_home, where, folder, engine):
    """pip's `--no-index` drops indexes, not find-links: a configured find-links URL (China's usual
    `-f https://mirrors.aliyun.com/pytorch-wheels/...`) had the air-gapped install try the network first.
    Here that URL is a real page on 127.0.0.1 that counts its visitors: nobody may come, whether uv
    installs (it reads no pip.conf) or pip (where uv is missing, or failed)."""
    page = _CountingServer()
    try:
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nfind-links = {page.url}\n" if where == "pip.conf" else "")
        monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
        if where == "PIP_FIND_LINKS":
            monkeypatch.setenv("PIP_FIND_LINKS", page.url)
        else:
            monkeypatch.delenv("PIP_FIND_LINKS", raising=False)
        monkeypatch.setenv("PIP_INDEX_URL", closed_port())
        wh = tmp_path / folder
        shutil.copytree(wheelhouse, wh)
        py = fresh_venv(tmp_path / "target")
        step = step_for(WheelParams(action="install", wheelhouse=str(wh), python=str(py), packages=PINS),
                        ctx(with_uv=engine == "uv"), "wheelhouse-install")
        assert ("/uv" in step.commands[-1].argv[0]) == (engine == "uv")
        events = run(step, tmp_path / "state")
        finished = [e for e in events if isinstance(e, StepFinished)]
        assert isinstance(events[-1], RunFinished) and events[-1].ok, finished
        assert page.asked == [], f"pip asked the configured find-links page: {page.asked}"
        assert subprocess.run([str(py), "-c", "import jinja2, markupsafe"]).returncode == 0
    finally:
        page.close()
