"""The driver branch a plan installs follows every GPU's generation (installer/compat/data/drivers.yaml),
and a branch asked for is checked against the GPUs, on the recorded machines."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from installer.answers import Answers
from installer.compat.data import load
from installer.compat.machine import read_machine
from installer.compat.rules import supports
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import NvidiaDriver, driver_packages_for, ubuntu_drivers_argv
from installer.plan.kinds.base import KindContext
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"
ANSWERS = REPO / "recipes" / "answers"


def _report(machine: str, *, cc: dict[int, str] | None = None) -> HardwareReport:
    data = json.loads((MACHINES / machine).read_text())
    for index, value in (cc or {}).items():  # a made-up mixed machine: GPU `index` gets capability `value`
        data["gpus"][index]["compute_capability"] = value
    return HardwareReport.model_validate(data)


def _ctx(machine: str, **kw) -> KindContext:
    return KindContext(answers=Answers(), report=_report(machine, **kw), pins=None, indexes=Indexes(),
                       tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3", host_pip=True),
                       values={"cache.dir": "/home/u/.cache/torch-setup"})


def _branch_of(packages: list[str]) -> str | None:
    """The branch a package list installs: from 590 on only the pinning package names it (the driver is the
    unsuffixed nvidia-open / cuda-drivers); before, the driver package's name does."""
    pinned = [m.group(1) for p in packages if (m := re.fullmatch(r"nvidia-driver-pinning-([0-9]{3})", p))]
    m = re.fullmatch(r"(?:nvidia-open|cuda-drivers)(?:-([0-9]{3}))?", packages[-1])
    if m is None or (m.group(1) and pinned and pinned != [m.group(1)]):
        return None
    return m.group(1) or (pinned[0] if pinned else None)


# ---------------------------------------------------------------- branch: latest follows the generation

@pytest.mark.parametrize("machine, packages, argv", [
    ("gtx960-580.json", ["nvidia-driver-pinning-580", "cuda-drivers-580"], "nvidia:580"),       # Maxwell
    ("gtx1080ti-535.json", ["nvidia-driver-pinning-580", "cuda-drivers-580"], "nvidia:580"),    # Pascal
    ("titanv-515.json", ["nvidia-driver-pinning-580", "cuda-drivers-580"], "nvidia:580"),       # Volta
    ("mixed-3090-v100-580.json", ["nvidia-driver-pinning-580", "cuda-drivers-580"], "nvidia:580"),  # V100 rules
    ("rtx4090-550.json", ["nvidia-open"], None),                                                 # Ada
    ("rtx5090x4-570.json", ["nvidia-open"], None),                                               # Blackwell
])
def test_latest_gets_the_branch_every_gpu_supports(machine, packages, argv):
    ctx = _ctx(machine)
    got, why = driver_packages_for(NvidiaDriver(branch="latest"), ctx)
    assert got == packages
    cmd, _ = ubuntu_drivers_argv(NvidiaDriver(branch="latest", tool="ubuntu-drivers"), ctx)
    assert cmd == ("ubuntu-drivers", "install") + ((argv,) if argv else ())


@pytest.mark.parametrize("tool", ["apt", "ubuntu-drivers"])
def test_kepler_is_refused_with_what_to_do(tool):
    """K80: Kepler's last branch is 470 (the data), which torch-setup does not install; 580 would ignore it."""
    ctx = _ctx("k80-470.json")
    with pytest.raises(InputError) as err:
        if tool == "apt":
            driver_packages_for(NvidiaDriver(branch="latest"), ctx)
        else:
            ubuntu_drivers_argv(NvidiaDriver(branch="latest", tool="ubuntu-drivers"), ctx)
    assert err.value.key == "driver.install"
    assert "Tesla K80 (Kepler, compute capability 3.7)" in err.value.message and "470" in err.value.message
    assert "keep the 470.82.01 driver" in (err.value.hint or "") and "driver.install: false" in (err.value.hint or "")
    # without a driver installed, the hint says to install R470 by hand
    bare = replace(ctx, report=ctx.report.model_copy(update={"nvidia_driver": None}))
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="latest"), bare)
    assert "install R470 yourself, from Ubuntu's nvidia-driver-470-server packages" in (err.value.hint or "")


# ---------------------------------------------------------------- a branch asked for is checked

@pytest.mark.parametrize("machine, branch, modules, key, said", [
    ("rtx4090-550.json", "999", "auto", "driver.branch", "999 is not an NVIDIA driver branch"),
    ("rtx4090-550.json", "470", "auto", "driver.branch", "Ada needs branch 520 or newer"),
    ("rtx5090x4-570.json", "470", "auto", "driver.branch", "Blackwell needs branch 570 or newer"),
    ("rtx5090x4-570.json", "560", "auto", "driver.branch", "Blackwell needs branch 570 or newer"),
    ("gtx1080ti-535.json", "590", "auto", "driver.branch", "580 is the last branch for Pascal"),
    ("gtx960-580.json", "470", "auto", "driver.branch", "torch-setup does not install driver 470"),
    ("titanv-515.json", "595", "proprietary", "driver.branch", "580 is the last branch for Volta"),
    ("mixed-3090-v100-580.json", "590", "auto", "driver.branch", "Tesla V100-SXM2-32GB (Volta"),
    ("mixed-3090-v100-580.json", "580", "open", "driver.kernel_modules", "Tesla V100-SXM2-32GB (Volta"),
    ("gtx1080ti-535.json", "latest", "open", "driver.kernel_modules", "GTX 1080 Ti (Pascal"),
    ("a100x4-555.json", "510", "open", "driver.kernel_modules", "from the 515 branch on"),
    ("rtx5090x4-570.json", "580", "proprietary", "driver.kernel_modules", "needs the open kernel modules"),
])
def test_a_branch_that_cannot_drive_a_gpu_is_refused_with_one_that_can(machine, branch, modules, key, said):
    ctx = _ctx(machine)
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch=branch, modules=modules), ctx)
    assert err.value.key == key and said in err.value.message, err.value.render()
    with pytest.raises(InputError):  # Ubuntu's packages get the same checks
        ubuntu_drivers_argv(NvidiaDriver(branch=branch, modules=modules, tool="ubuntu-drivers"), ctx)
    hinted = re.search(r"use branch: ([0-9]{3})", err.value.hint or "")
    if key == "driver.branch":
        assert hinted, err.value.render()
    if hinted:  # the branch the hint names works on this machine
        packages, _ = driver_packages_for(NvidiaDriver(branch=hinted.group(1), modules="auto"), ctx)
        assert _branch_of(packages) == hinted.group(1)


@pytest.mark.parametrize("machine, branch, modules, packages, argv", [
    ("rtx4090-550.json", "580", "auto", ["nvidia-driver-pinning-580", "nvidia-open-580"], "nvidia:580-open"),
    # 590 on: NVIDIA's packages lose the branch in their names; the pinning package picks it
    ("rtx4090-550.json", "595", "auto", ["nvidia-driver-pinning-595", "nvidia-open"], "nvidia:595-open"),
    ("rtx5090x4-570.json", "590", "auto", ["nvidia-driver-pinning-590", "nvidia-open"], "nvidia:590-open"),
    ("rtx4090-550.json", "590", "proprietary", ["nvidia-driver-pinning-590", "cuda-drivers"], "nvidia:590"),
    ("rtx5090x4-570.json", "570", "auto", ["nvidia-open-570"], "nvidia:570-open"),
    ("mixed-3090-v100-580.json", "570", "auto", ["cuda-drivers-570"], "nvidia:570"),
    ("gtx960-580.json", "550", "auto", ["cuda-drivers-550"], "nvidia:550"),
    ("a100x4-555.json", "510", "auto", ["cuda-drivers-510"], "nvidia:510"),  # before 515: no open modules
])
def test_a_branch_that_works_is_planned(machine, branch, modules, packages, argv):
    ctx = _ctx(machine)
    assert driver_packages_for(NvidiaDriver(branch=branch, modules=modules), ctx)[0] == packages
    cmd, _ = ubuntu_drivers_argv(NvidiaDriver(branch=branch, modules=modules, tool="ubuntu-drivers"), ctx)
    assert cmd == ("ubuntu-drivers", "install", argv)


def test_gpus_no_one_driver_serves_are_refused():
    # a Kepler K80 next to an RTX 3090 made an Ada: 470 is Kepler's last branch, 520 Ada's first
    kepler_ada = _ctx("mixed-3090-v100-580.json", cc={0: "8.9", 1: "3.7", 2: "3.7"})
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="latest"), kepler_ada)
    assert err.value.key == "driver.install" and "no driver branch drives both" in err.value.message
    # a V100 next to a Blackwell GPU: proprietary modules for the one, open for the other
    volta_blackwell = _ctx("mixed-3090-v100-580.json", cc={0: "12.0"})
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="580"), volta_blackwell)
    assert err.value.key == "driver.branch" and "one driver cannot load both" in err.value.message


def test_no_plan_installs_a_branch_that_skips_a_gpu():
    """On every recorded machine with NVIDIA GPUs, whatever branch is asked for: the branch planned (when
    one is) supports every GPU by the data."""
    data = load()
    branches = ["latest", "470", "510", "535", "550", "570", "580", "590", "595", "999"]
    planned = 0
    for path in sorted(MACHINES.glob("*.json")):
        ctx = _ctx(path.name)
        gpus = read_machine(ctx.report, data).nvidia
        if not gpus:
            continue
        for branch in branches:
            try:
                packages, _ = driver_packages_for(NvidiaDriver(branch=branch), ctx)
            except InputError as exc:
                assert exc.key and exc.hint, (path.name, branch, exc.render())
                continue
            got = _branch_of(packages)
            if got is not None:
                planned += 1
                assert all(supports(got, g) for g in gpus if g.cc), (path.name, branch, packages)
    assert planned >= 20


# ---------------------------------------------------------------- the command line: exit 2, file, line, key

def _line_of(path: Path, key: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.strip().startswith(key + ":"))


def test_k80_plans_no_580_driver_and_says_where(cli, tmp_path):
    repo = ANSWERS / "driver-nvidia-repo.yaml"  # branch: "580" from NVIDIA's repository
    result = cli("plan", "--answers", str(repo), "--hardware", str(MACHINES / "k80-470.json"), "--probe-timeout", "1")
    assert result.returncode == 2, result.stdout[-2000:]
    assert f"{repo}:{_line_of(repo, 'branch')}: driver.branch: driver 580 does not support Tesla K80" in result.stderr
    assert "470 is the last branch for Kepler" in result.stderr and "keep the 470.82.01 driver" in result.stderr
    assert "cuda-drivers-580" not in result.stdout
    # branch: latest through ubuntu-drivers: the loaded 470 runs the cu118 build chosen for it, so it is kept,
    # which is what the refusal used to tell the person to do by hand
    apt = ANSWERS / "driver-toolkit-apt.yaml"
    result = cli("plan", "--answers", str(apt), "--hardware", str(MACHINES / "k80-470.json"), "--probe-timeout", "1")
    assert result.returncode == 0, result.stderr
    assert "# note: driver.install: the loaded NVIDIA driver 470.82.01 already runs the chosen build's CUDA 11.8" \
        in result.stdout
    assert "nvidia:580" not in result.stdout and "ubuntu-drivers install" not in result.stdout
    # the same machine without its driver (the module unloaded) is still refused: no driver on offer drives it
    bare = tmp_path / "k80-no-driver.json"
    data = json.loads((MACHINES / "k80-470.json").read_text())
    data["nvidia_driver"] = None
    bare.write_text(json.dumps(data))
    result = cli("plan", "--answers", str(apt), "--hardware", str(bare), "--probe-timeout", "1")
    assert result.returncode == 2, result.stdout[-2000:]
    assert f"{apt}:{_line_of(apt, 'install')}: driver.install: Tesla K80" in result.stderr


def test_an_unknown_branch_names_the_line_and_one_that_works(cli, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text((ANSWERS / "driver-nvidia-repo.yaml").read_text().replace('branch: "580"', 'branch: "999"'))
    result = cli("plan", "--answers", str(answers), "--hardware", str(MACHINES / "rtx4090-550.json"),
                 "--probe-timeout", "1")
    assert result.returncode == 2
    assert f"{answers}:{_line_of(answers, 'branch')}: driver.branch: 999 is not an NVIDIA driver branch" in result.stderr
    assert re.search(r"-> use branch: [0-9]{3}", result.stderr) and "nvidia-open-999" not in result.stdout


@pytest.mark.parametrize("cuda, argv", [
    ("13.2.2", ("ubuntu-drivers", "install", "nvidia:580-open")),  # CUDA 13 wheels need R580 or newer
    # CUDA 12 wheels run on R535 by minor-version compat, but R535/R550/R570 are past NVIDIA's support (eol)
    ("12.8.1", ("ubuntu-drivers", "install", "nvidia:580-open")),
    (None, ("ubuntu-drivers", "install")),  # a CPU build needs no particular driver: Ubuntu's choice
])
def test_latest_on_ubuntu_names_the_branch_the_chosen_build_needs(cuda, argv):
    # `latest` is "the one the chosen CUDA build needs" (the schema): what Ubuntu recommends may be older
    ctx = _ctx("rtx4090-550.json")
    ctx = replace(ctx, values={**ctx.values, "torch.cuda": cuda})
    cmd, why = ubuntu_drivers_argv(NvidiaDriver(branch="latest", tool="ubuntu-drivers"), ctx)
    assert cmd == argv
    if cuda:
        assert f"runs the chosen build's CUDA {cuda[:4]}" in why


@pytest.mark.parametrize("machine, cuda, packages, spec", [
    ("nodriver-rtx3060.json", "13.2", ["nvidia-driver-pinning-580", "nvidia-open-580"], "nvidia:580-open"),
    ("rtx4090-550.json", "13.0", ["nvidia-driver-pinning-580", "nvidia-open-580"], "nvidia:580-open"),
    ("gtx1080ti-535.json", "12.6", ["nvidia-driver-pinning-580", "cuda-drivers-580"], "nvidia:580"),
])
def test_latest_is_the_branch_the_build_needs_on_both_paths(machine, cuda, packages, spec):
    """`latest` from NVIDIA's repository was the unpinned `nvidia-open`: whatever branch is newest on the day,
    while the plan's notes (and ubuntu-drivers) said the branch the build needs (found by a tester)."""
    ctx = _ctx(machine)
    ctx = replace(ctx, values={**ctx.values, "torch.cuda": cuda})
    got, why = driver_packages_for(NvidiaDriver(branch="latest"), ctx)
    assert got == packages
    legacy = machine.startswith("gtx1080ti")  # Pascal: its last branch, 580, whatever the build
    assert (f"the first that runs the chosen build's CUDA {cuda}" in why) is not legacy
    cmd, _ = ubuntu_drivers_argv(NvidiaDriver(branch="latest", tool="ubuntu-drivers"), ctx)
    assert cmd == ("ubuntu-drivers", "install", spec)
    assert _branch_of(got) == spec.split(":")[1].split("-")[0]
