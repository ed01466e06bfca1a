"""mirror.apt: a chosen apt mirror is written into the system's apt sources before the first apt step.

Found in use (a tester in China): the wizard offered an apt mirror, answers files took `mirror.apt`, and
no plan ever used it: the driver and a 3 GB toolkit came through whatever sources the machine had. Now
the apt-mirror recipe edits the system's sources file (installer.mirrors.writers.apt), as root, first; a
plan with no apt step says the mirror is not used; a mirror of another distribution's archive, and a
recorded machine whose sources cannot be read from here, are said too. The sources file is a recording
(tests/fixtures/hardware/apt/debian-12.sources) in a fake root (TORCH_SETUP_ROOT).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.errors import InputError
from installer.hardware import osinfo
from installer.hardware.report import load_report
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipes
from installer.plan.script import render_script
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures"
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True, conda=None)
ANSWERS = """
version: 1
target: {{kind: venv, path: .venv-torch}}
torch: {{version: 2.13.0, variant: cpu, extras: []}}
cuda_toolkit: {{install: {toolkit}, version: "12.6", source: apt}}
mirror: {{apt: {apt}}}
"""


@pytest.fixture
def debian_root(tmp_path, monkeypatch) -> Path:
    """A Debian 12 machine's files: its os-release, its kernel, its apt sources."""
    root = tmp_path / "root"
    (root / "etc" / "apt" / "sources.list.d").mkdir(parents=True)
    shutil.copy(FIXTURES / "hardware" / "os-release" / "debian-12", root / "etc" / "os-release")
    shutil.copy(FIXTURES / "hardware" / "apt" / "debian-12.sources",
                root / "etc" / "apt" / "sources.list.d" / "debian.sources")
    (root / "proc" / "sys" / "kernel").mkdir(parents=True)
    (root / "proc" / "sys" / "kernel" / "osrelease").write_text("6.1.0-28-amd64\n")
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(root))
    return root


def _plan(apt: str, *, toolkit: bool = True, this_machine: bool = True):
    answers = parse_answers(ANSWERS.format(apt=apt, toolkit=str(toolkit).lower()))
    report = load_report(FIXTURES / "machines" / "cpu-only.json")
    if this_machine:
        here = osinfo.probe()
        report = report.model_copy(update={"os": report.os.model_copy(update={
            k: getattr(here, k) for k in ("system", "id", "version_id", "arch", "kernel", "wsl", "pretty_name")})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")


def test_the_chosen_mirror_moves_the_archive_first_and_leaves_security_alone(debian_root):
    plan = _plan("tuna-debian")
    first = plan.steps[0]
    assert (first.id, first.kind, first.root) == ("apt-mirror", "file", True)
    assert [s.kind for s in plan.steps[1:3]] == ["apt", "apt"]  # the keyring, then the toolkit
    (fw,) = first.files
    assert fw.path == str(debian_root / "etc" / "apt" / "sources.list.d" / "debian.sources")
    recorded = (FIXTURES / "hardware" / "apt" / "debian-12.sources").read_text()
    assert fw.content == recorded.replace("URIs: http://deb.debian.org/debian\n",
                                          "URIs: https://mirrors.tuna.tsinghua.edu.cn/debian\n")
    assert "URIs: http://deb.debian.org/debian-security\n" in fw.content


def test_a_url_is_taken_as_it_is(debian_root):
    (fw,) = _plan("https://apt.lab.example/debian/").steps[0].files
    assert "URIs: https://apt.lab.example/debian\n" in fw.content


def test_a_plan_without_apt_steps_says_the_mirror_is_not_used(debian_root):
    plan = _plan("tuna-debian", toolkit=False)
    assert [s.id for s in plan.steps] == ["venv", "torch"]
    assert "the apt mirror tuna-debian is not used: no step of this plan installs with apt" in plan.notes


def test_auto_and_none_leave_the_sources_alone(debian_root):
    for choice in ("auto", "none"):
        plan = _plan(choice)
        assert "apt-mirror" not in [s.id for s in plan.steps]
        assert not any("apt mirror" in n for n in plan.notes)


def test_another_distributions_mirror_is_refused_on_its_key(debian_root):
    with pytest.raises(InputError) as caught:
        _plan("tuna-ubuntu")
    assert caught.value.key == "mirror.apt"
    assert caught.value.message == "tuna-ubuntu is a mirror of the Ubuntu archive; this machine runs Debian"


def test_a_recorded_machines_sources_are_left_to_it_and_the_plan_says_so(debian_root):
    """Found in use: the note said the mirror went into that machine's sources when "its install" ran, atop a
    script (`plan --hardware`) that says it does what install does and has no such step. The sources are
    edited from what they hold, which cannot be read from here: the note says this plan does not switch apt,
    and how to, there."""
    plan = _plan("https://apt.lab.example/debian", this_machine=False)
    assert "apt-mirror" not in [s.id for s in plan.steps]
    assert not any(fw.path.endswith((".sources", "sources.list")) for s in plan.steps for fw in s.files)
    (said,) = [n for n in plan.notes if "apt.lab.example" in n]
    assert said.startswith("this plan does not switch apt to the mirror https://apt.lab.example/debian: ")
    assert ("`torch-setup install --answers F` makes it (and shows it first); or, by hand before this script runs: "
            "in /etc/apt/sources.list.d/debian.sources (or /etc/apt/sources.list where that file is missing) point "
            "the Debian archive's URIs at https://apt.lab.example/debian, leaving the security ones as they are, "
            "then run `sudo apt-get update`") in said
    script = render_script(plan)
    assert f"# note: {said}" in script and "apt-mirror" not in script.split("set -euo pipefail", 1)[1]


def test_the_change_by_hand_names_the_mirrors_ports_folder_for_an_arm_ubuntu():
    """Ubuntu serves arm64 from ubuntu-ports, which the sources' edit keeps (installer.mirrors.writers.apt):
    the change by hand says the same folder."""
    answers = parse_answers(ANSWERS.format(apt="aliyun-ubuntu", toolkit="true"))
    report = load_report(FIXTURES / "machines" / "nodriver-rtx3060.json")
    assert report.os.id == "ubuntu"
    report = report.model_copy(update={"os": report.os.model_copy(update={"arch": "aarch64"})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    plan = make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache")
    (said,) = [n for n in plan.notes if "does not switch apt" in n]
    assert ("in /etc/apt/sources.list.d/ubuntu.sources (or /etc/apt/sources.list where that file is missing) "
            "point the Ubuntu archive's URIs at https://mirrors.aliyun.com/ubuntu-ports,") in said


def _plan_for(apt: str, machine: str, arch: str | None = None):
    answers = parse_answers(ANSWERS.format(apt=apt, toolkit="true"))
    report = load_report(FIXTURES / "machines" / f"{machine}.json")
    if arch is not None:
        report = report.model_copy(update={"os": report.os.model_copy(update={"arch": arch})})
    pins = pins_for(answers, report, tools=TOOLS, cwd="/home/u")
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None), tools=TOOLS,
                     cwd="/home/u", recipes=load_recipes(REPO / "recipes"), cache_dir="/cache", recorded=True)


def test_the_ports_archive_on_an_x86_machine_is_refused_for_its_processor():
    """Found in a re-check: "ubuntu-ports is a mirror of Ubuntu-ports; the recorded machine runs Ubuntu", of
    an Ubuntu machine. What does not fit is its processor: the ports archive is for arm64 and the others."""
    with pytest.raises(InputError) as caught:
        _plan_for("ubuntu-ports", "a100x4-555")
    assert caught.value.key == "mirror.apt"
    assert caught.value.message == (
        "ubuntu-ports is a mirror of Ubuntu's ports archive, which carries arm64 and the other processors that "
        "are not x86; the recorded machine's processor is x86_64, whose packages are in Ubuntu's main archive")
    assert caught.value.hint == ("choose one of the catalog's Ubuntu mirrors: ubuntu, tuna-ubuntu, ustc-ubuntu, "
                                 "bfsu-ubuntu, aliyun-ubuntu, tencent-ubuntu, huawei-ubuntu, cernet-ubuntu; or auto")


def test_ubuntus_main_archive_on_an_arm_machine_is_refused_and_a_ports_mirror_taken():
    """archive.ubuntu.com carries amd64 and i386 only (arm64 is on ports.ubuntu.com); a ports mirror, refused
    before as "a mirror of Ubuntu-ports" on any Ubuntu, is what an arm64 machine takes."""
    with pytest.raises(InputError) as caught:
        _plan_for("ubuntu", "nodriver-rtx3060", arch="aarch64")
    assert caught.value.message == (
        "ubuntu is Ubuntu's main archive, which carries x86 processors only (amd64, i386); the recorded machine's "
        "processor is aarch64, whose packages are in the ports archive")
    assert caught.value.hint.startswith("choose one of the catalog's Ubuntu ports mirrors: ubuntu-ports, "
                                        "tuna-ubuntu-ports, ")
    plan = _plan_for("tuna-ubuntu-ports", "nodriver-rtx3060", arch="aarch64")
    (said,) = [n for n in plan.notes if "does not switch apt" in n]
    assert "point the Ubuntu archive's URIs at https://mirrors.tuna.tsinghua.edu.cn/ubuntu-ports," in said
