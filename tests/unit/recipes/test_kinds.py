"""The step kinds of issue 5 (apt, runfile, conda, wheel, file): what each compiles to, and what it refuses."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from installer.answers import Answers
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.kinds.apt import INSTALLED_CHECK as DPKG_CHECK
from installer.plan.kinds.apt import KIND as APT
from installer.plan.kinds.apt import AptParams, NvidiaDriver, driver_packages_for, nvidia_repo_path, simulate
from installer.plan.kinds.base import KindContext
from installer.plan.kinds.conda import INSTALLED_CHECK as CONDA_CHECK
from installer.plan.kinds.conda import KIND as CONDA
from installer.plan.kinds.conda import CondaParams
from installer.plan.kinds.file import KIND as FILE
from installer.plan.kinds.file import FileParams
from installer.plan.kinds.runfile import KIND as RUNFILE
from installer.plan.kinds.runfile import Release, RunfileParams, same_major_below
from installer.plan.kinds.wheel import KIND as WHEEL
from installer.plan.kinds.wheel import WheelParams, manylinux_platforms
from installer.plan.model import Step
from installer.plan.tools import Tools

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
SHA = "a" * 64


def ctx(machine: str = "rtx4090-550.json", *, answers: Answers | None = None, **values) -> KindContext:
    report = HardwareReport.model_validate(json.loads((MACHINES / machine).read_text()))
    base = {"cache.dir": "/home/u/.cache/torch-setup", "torch.version": "2.13.0", "torch.variant": "cu126",
            "torch.cuda": "12.6", "target.python_version": "3.11"}
    base.update(values)
    return KindContext(answers=answers or Answers(), report=report, pins=None, indexes=Indexes(),
                       tools=Tools(uv="/usr/bin/uv", python="/usr/bin/python3", host_pip=True), values=base)


# ---------------------------------------------------------------- apt: NVIDIA driver rules

@pytest.mark.parametrize("machine, branch, modules, expected", [
    # Ada: open; the first branch for cu126 NVIDIA still supports (R535 to R570 are past their eol)
    ("rtx4090-550.json", "latest", "auto", ["nvidia-driver-pinning-580", "nvidia-open-580"]),
    ("rtx4090-550.json", "580", "auto", ["nvidia-driver-pinning-580", "nvidia-open-580"]),
    ("rtx4090-550.json", "570", "proprietary", ["cuda-drivers-570"]),             # no pinning package before 580
    ("rtx4090-550.json", "595", "auto", ["nvidia-driver-pinning-595", "nvidia-open"]),  # 590 on: unsuffixed
    ("gtx1080ti-535.json", "latest", "auto", ["nvidia-driver-pinning-580", "cuda-drivers-580"]),  # Pascal
    ("v100-535.json", "550", "auto", ["cuda-drivers-550"]),                       # Volta: proprietary
])
def test_driver_packages_by_gpu_generation(machine, branch, modules, expected):
    cc = {"rtx4090-550.json": "8.9", "gtx1080ti-535.json": "6.1", "v100-535.json": "7.0"}[machine]
    packages, why = driver_packages_for(NvidiaDriver(branch=branch, modules=modules),
                                        ctx(machine, **{"hw.min_compute_capability": cc}))
    assert packages == expected
    assert ("open" if expected[-1].startswith("nvidia-open") else "proprietary") in why


def test_driver_rules_refuse_what_cannot_work():
    pascal = ctx("gtx1080ti-535.json", **{"hw.min_compute_capability": "6.1"})
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="590", modules="auto"), pascal)
    assert err.value.key == "driver.branch" and "580" in err.value.message
    with pytest.raises(InputError) as err:
        driver_packages_for(NvidiaDriver(branch="latest", modules="open"), pascal)
    assert err.value.key == "driver.kernel_modules"
    with pytest.raises(InputError):
        driver_packages_for(NvidiaDriver(branch="sample", modules="auto"), pascal)


@pytest.mark.parametrize("os_id, version, arch, wsl, expected", [
    ("ubuntu", "22.04", "x86_64", False, "ubuntu2204/x86_64"),
    ("ubuntu", "24.04", "aarch64", False, "ubuntu2404/sbsa"),
    ("debian", "12", "x86_64", False, "debian12/x86_64"),
    ("ubuntu", "22.04", "x86_64", True, "wsl-ubuntu/x86_64"),
])
def test_nvidia_repository_path(os_id, version, arch, wsl, expected):
    c = ctx()
    c.report.os.id, c.report.os.version_id, c.report.os.arch, c.report.os.wsl = os_id, version, arch, wsl
    assert nvidia_repo_path(c) == expected


def test_cuda_repo_keyring_from_nvidias_own_hosts_only_region_first():
    cn = ctx(answers=Answers.model_validate({"mirror": {"region": "cn"}}))
    compiled = APT.compile(AptParams(cuda_repo=True, cuda_toolkit="auto"), cn)
    (dl,) = compiled.downloads
    assert dl.dest == "/home/u/.cache/torch-setup/downloads/cuda-keyring_1.1-1_all.deb"
    # the keyring is the trust anchor of NVIDIA's repository, with no published checksum: never from a
    # third-party mirror (the catalog's Aliyun nvidia-cuda), NVIDIA's China host first for region cn
    assert dl.urls == (
        "https://developer.download.nvidia.cn/compute/cuda/repos/ubuntu2204/x86_64/cuda-keyring_1.1-1_all.deb",
        "https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2204/x86_64/cuda-keyring_1.1-1_all.deb")
    (note,) = [n for n in compiled.notes if "cuda-keyring" in n]
    assert "NVIDIA's own hosts only (developer.download.nvidia.cn, developer.download.nvidia.com)" in note
    argvs = [c.argv for c in compiled.commands]
    assert argvs[0] == ("dpkg", "-i", dl.dest)
    assert argvs[1][:2] == ("apt-get", "update")
    assert argvs[2][-1] == "cuda-toolkit-12-6"
    assert ("DEBIAN_FRONTEND", "noninteractive") in compiled.env


def test_cudnn_package_follows_the_cuda_major():
    compiled = APT.compile(AptParams(cudnn="13.0"), ctx())
    assert compiled.commands[-1].argv[-1] == "cudnn9-cuda-13"


def test_apt_refuses_package_names_a_shell_would_read():
    for bad in ("hello; rm -rf /", "$(id)", "Hello", "-y"):
        with pytest.raises(ValidationError):
            AptParams(packages=(bad,))
    AptParams(packages=("libc6:amd64", "cuda-toolkit-12-6", "hello=2.10-3"))


def test_simulate_turns_installs_into_apt_get_s_and_drops_the_rest():
    compiled = APT.compile(AptParams(cuda_repo=True, packages=("hello",), hold=("hello",)), ctx())
    step = Step(id="s", title="s", kind="apt", commands=compiled.commands, root=True)
    assert [c.argv[:3] for c in simulate(step)] == [("apt-get", "-s", "install")]


def test_dpkg_guard_tells_installed_from_unknown():
    assert subprocess.run([sys.executable, "-c", DPKG_CHECK, "dpkg"]).returncode == 0
    assert subprocess.run([sys.executable, "-c", DPKG_CHECK, "dpkg", "no-such-package-xyz"]).returncode == 1


# ---------------------------------------------------------------- runfile

RELEASES = {
    "12.6": Release(version="12.6.3", x86_64={"file": "cuda_12.6.3_560.35.05_linux.run", "sha256": SHA}),
    "13.1": Release(version="13.1.1", x86_64={"file": "cuda_13.1.1_590.48.01_linux.run", "sha256": SHA}),
}


def test_runfile_toolkit_only_into_a_prefix_with_nvidias_hosts():
    params = RunfileParams(flavor="cuda", version="12.6", releases=RELEASES, prefix="/opt/cuda-12.6")
    compiled = RUNFILE.compile(params, ctx())
    (dl,) = compiled.downloads
    assert dl.sha256 == SHA
    assert dl.urls[0] == ("https://developer.download.nvidia.com/compute/cuda/12.6.3/local_installers/"
                          "cuda_12.6.3_560.35.05_linux.run")
    assert any("developer.download.nvidia.cn" in u for u in dl.urls)
    argv = compiled.commands[-1].argv
    assert argv[:5] == ("sh", dl.dest, "--silent", "--toolkit", "--toolkitpath=/opt/cuda-12.6")
    assert "--driver" not in argv and "--override" in argv and any(a.startswith("--tmpdir=") for a in argv)
    assert compiled.guard and compiled.guard.creates == "/opt/cuda-12.6/bin/nvcc"
    assert "/opt/cuda-12.6" in compiled.writable
    # where the installer writes its log, as root and as a user: the sandbox binds an existing file read-only
    # unless its folder is writable (found as a normal user: the second runfile install failed on its log)
    assert {"/var/log", "/tmp"} <= set(compiled.writable)
    step = Step(id="t", title="t", kind="runfile", commands=compiled.commands)
    assert RUNFILE.failure_logs(step) == ("/var/log/cuda-installer.log", "/tmp/cuda-installer.log")


def test_the_system_install_extracts_outside_the_users_cache():
    """As root, a --tmpdir in the user's cache left a root-owned folder there, which the user's own
    runfile install (the same folder) could then not write."""
    def tmpdir(compiled):
        (arg,) = [a for a in compiled.commands[-1].argv if a.startswith("--tmpdir=")]
        return arg.removeprefix("--tmpdir=")

    context = ctx(**{"cache.dir": "/home/ana/.cache/torch-setup"})
    system = RUNFILE.compile(RunfileParams(flavor="cuda", version="12.6", releases=RELEASES), context)
    user = RUNFILE.compile(RunfileParams(flavor="cuda", version="12.6", releases=RELEASES, prefix="/opt/c"), context)
    assert tmpdir(system) == "/var/tmp/torch-setup-runfile"
    assert tmpdir(user) == "/home/ana/.cache/torch-setup/runfile-tmp"
    for compiled in (system, user):
        assert compiled.commands[0].argv == ("mkdir", "-p", tmpdir(compiled))
        assert tmpdir(compiled) in compiled.writable


def test_runfile_auto_takes_the_builds_cuda_or_the_nearest_same_major():
    compiled = RUNFILE.compile(RunfileParams(flavor="cuda", version="auto", releases=RELEASES),
                               ctx(**{"torch.cuda": "13.2.1"}))
    assert "13.1.1" in compiled.downloads[0].urls[0]
    assert any("13.1" in n and "13.2" in n for n in compiled.notes)
    assert same_major_below("12.9", RELEASES) == "12.6"
    assert same_major_below("11.8", RELEASES) is None
    with pytest.raises(InputError):  # an explicit version is taken at its word
        RUNFILE.compile(RunfileParams(flavor="cuda", version="13.2", releases=RELEASES), ctx())
    with pytest.raises(InputError) as err:
        RUNFILE.compile(RunfileParams(flavor="cuda", version="auto", releases=RELEASES),
                        ctx(**{"torch.cuda": None, "torch.variant": "cpu"}))
    assert err.value.key == "cuda_toolkit.version"


def test_runfile_options_are_an_allowlist():
    with pytest.raises(ValidationError):
        RunfileParams(flavor="cuda", version="12.6", releases=RELEASES, options=("--driver",))
    with pytest.raises(ValidationError):
        RunfileParams(flavor="cuda", version="12.6", releases=RELEASES, prefix="relative/path")


def test_miniforge_runs_batch_mode_into_its_prefix():
    releases = {"26.1.1-3": Release(version="26.1.1-3",
                                    x86_64={"file": "Miniforge3-26.1.1-3-Linux-x86_64.sh", "sha256": SHA})}
    # region global: github first (region auto would follow this machine's timezone)
    compiled = RUNFILE.compile(RunfileParams(flavor="miniforge", version="26.1.1-3", releases=releases,
                                             prefix="/opt/mf"),
                               ctx(answers=Answers.model_validate({"mirror": {"region": "global"}})))
    assert compiled.commands[0].argv[2:] == ("-b", "-f", "-p", "/opt/mf")
    assert compiled.downloads[0].urls[0] == ("https://github.com/conda-forge/miniforge/releases/download/"
                                             "26.1.1-3/Miniforge3-26.1.1-3-Linux-x86_64.sh")
    assert compiled.guard and compiled.guard.creates == "/opt/mf/bin/conda"


# ---------------------------------------------------------------- conda

def test_conda_pins_the_build_and_cuda_version_and_keeps_its_cache_known():
    # 2.13 is a release conda-forge's data does not cover: any CUDA build of the wheel's CUDA major
    compiled = CONDA.compile(CondaParams(action="install", prefix="/e", engine="mamba", torch=True),
                             ctx(**{"torch.cuda": "12.6.3", "torch.extras": ("torchvision",),
                                    "pins.torchvision": "0.28.0"}))
    argv = compiled.commands[0].argv
    assert argv[:6] == ("mamba", "install", "-y", "-p", "/e", "--override-channels")
    assert argv[6:8] == ("-c", "conda-forge")
    assert argv[8:] == ("pytorch=2.13.0=cuda*", "cuda-version=12", "torchvision=0.28.0")
    assert compiled.packages == argv[8:]  # the plan's header shows what conda installs
    env = dict(compiled.env)
    # the loaded driver's CUDA (rtx4090-550: 12.4), which conda cannot ask from inside the sandbox
    assert env["CONDA_OVERRIDE_CUDA"] == "12.4" and env["CONDA_PKGS_DIRS"] in compiled.writable
    # a release it covers: that compiler's build by its build string, its CUDA libraries by cuda-version
    covered = CONDA.compile(CondaParams(action="install", prefix="/e", engine="mamba", torch=True),
                            ctx(**{"torch.version": "2.10.0", "torch.variant": "cu128", "torch.cuda": "12.8"}))
    assert covered.commands[0].argv[8:] == ("pytorch=2.10.0=cuda129*", "cuda-version=12.9")


def test_conda_mirror_and_engine_fallback():
    answers = Answers.model_validate({"mirror": {"conda": "https://mirrors.example.org/anaconda/cloud/conda-forge"}})
    compiled = CONDA.compile(CondaParams(action="create", prefix="/e", miniforge="/opt/mf"), ctx(answers=answers))
    argv = compiled.commands[0].argv
    assert argv[0] == "/opt/mf/bin/conda"
    assert argv[argv.index("-c") + 1] == "https://mirrors.example.org/anaconda/cloud/conda-forge"
    assert argv[-1] == "python=3.11"
    assert compiled.guard and compiled.guard.creates == "/e/conda-meta/history"


def test_conda_guard_reads_conda_meta(tmp_path):
    meta = tmp_path / "conda-meta"
    meta.mkdir()
    (meta / "pytorch-2.13.0-cpu_0.json").write_text(json.dumps({"name": "pytorch", "version": "2.13.0"}))
    check = [sys.executable, "-c", CONDA_CHECK, str(tmp_path)]
    assert subprocess.run([*check, "pytorch==2.13.0"]).returncode == 0
    assert subprocess.run([*check, "pytorch==2.12.0"]).returncode == 1
    assert subprocess.run([*check, "pytorch==2.13.0", "torchvision==0.28.0"]).returncode == 1


def test_conda_refuses_specs_and_channels_a_shell_would_read():
    with pytest.raises(ValidationError):
        CondaParams(action="install", prefix="/e", packages=("numpy; rm -rf ~",))
    with pytest.raises(ValidationError):
        CondaParams(action="create", prefix="/e", channels=("$(curl evil)",))


# ---------------------------------------------------------------- wheel

def test_wheelhouse_build_and_install_argv():
    build = WHEEL.compile(WheelParams(action="build", wheelhouse="/wh", python="/usr/bin/python3",
                                      packages=("torch==2.13.0+cpu",)), ctx(**{"target.python_version": "3.12"}))
    assert build.commands[0].argv[1:5] == ("-m", "installer.plan.kinds.wheel", "start", "/wh")
    dl = build.commands[1].argv
    assert dl[1:4] == ("-m", "pip", "download") and "--only-binary=:all:" in dl
    assert dl[dl.index("--dest") + 1] == "/wh/.torch-setup-downloading"
    assert dl[dl.index("--python-version") + 1] == "3.12" and dl[dl.index("--abi") + 1] == "cp312"
    assert dl[dl.index("--platform") + 1] == "manylinux_2_28_x86_64"
    # pip for a new venv: the same download on its own, allowed to fail (an index without pip)
    seed = build.commands[2]
    assert seed.argv == (*dl[:dl.index("torch==2.13.0+cpu")], "pip") and seed.ok_codes == (0, 1)
    assert build.commands[3].argv[1:6] == ("-m", "installer.plan.kinds.wheel", "manifest", "--move-from",
                                           "/wh/.torch-setup-downloading")
    assert "--seed" in build.commands[3].argv and "--with-seed" in (build.guard.unless or ())
    install = WHEEL.compile(WheelParams(action="install", wheelhouse="/wh", python="/v/bin/python"), ctx())
    offline = ("--no-index", "--find-links", "/wh", "--require-hashes", "-r", "/wh/requirements.txt")
    uv = install.commands[1].argv
    assert uv[1:5] == ("pip", "install", "--python", "/v/bin/python") and uv[5:] == offline
    fallback = install.commands[1].fallback
    assert fallback is not None
    assert fallback.argv[fallback.argv.index("install") + 1:] == ("--disable-pip-version-check", "--no-input",
                                                                  *offline)
    # the wheelhouse is pip's only find-links: its variable replaces pip.conf's (a flag adds to them)
    assert fallback.env == (("PIP_FIND_LINKS", "/wh"),)


def test_a_wheelhouse_with_a_blank_in_its_name_is_given_to_pip_as_a_file_url():
    from installer.plan.kinds.wheel import only_these_links

    assert only_these_links("/media/USB Stick/wheels") == (("PIP_FIND_LINKS", "file:///media/USB%20Stick/wheels"),)


def test_manylinux_range_covers_older_tags():
    tags = manylinux_platforms("x86_64")
    assert tags[0] == "manylinux_2_28_x86_64" and "manylinux_2_17_x86_64" in tags and "manylinux2014_x86_64" in tags
    assert "manylinux1_aarch64" not in manylinux_platforms("aarch64")


# ---------------------------------------------------------------- file

def test_shell_env_snippet_keeps_odd_paths_literal_and_is_idempotent(tmp_path):
    odd = tmp_path / "cuda $(touch pwned) 'x'"
    params = FileParams(dir=str(odd), name="env.sh", shell_env={"base": str(odd), "set": {"CUDA_HOME": "."},
                                                                "prepend": {"PATH": ["bin"]}})
    (fw,) = FILE.compile(params, ctx()).files
    assert fw.path == f"{odd}/env.sh"
    snippet = tmp_path / "env.sh"
    snippet.write_text(fw.content)
    script = f". {shlex.quote(str(snippet))}; . {shlex.quote(str(snippet))}; printf '%s\\n' \"$CUDA_HOME\" \"$PATH\""
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                         env={"PATH": "/usr/bin:/bin"}).stdout.splitlines()
    assert out == [str(odd), f"{odd}/bin:/usr/bin:/bin"]
    assert not (tmp_path / "pwned").exists()


def test_file_params_need_one_source_and_one_place():
    with pytest.raises(ValidationError):
        FileParams(path="/etc/x.conf")
    with pytest.raises(ValidationError):
        FileParams(path="/etc/x.conf", dir="/etc", name="x.conf", lines=["a"])
    with pytest.raises(ValidationError):
        FileParams(path="/etc/x.conf", lines=["a\nb"])
    (fw,) = FILE.compile(FileParams(path="/etc/modprobe.d/b.conf", lines=["blacklist nouveau"]), ctx()).files
    assert fw.content.endswith("blacklist nouveau\n") and fw.content.startswith("# ")


def _venv_step(python: str, machine: str = "rtx4090-550.json"):
    from dataclasses import replace as _replace

    from installer.plan.kinds.pip import KIND as PIP
    from installer.plan.kinds.pip import PipParams

    context = ctx(machine)
    context = _replace(context, tools=_replace(context.tools, uv_python_dir="/home/u/.local/share/uv/python"))
    return PIP.compile(PipParams(venv="/home/u/env", python=python), context)


@pytest.mark.parametrize("python, downloads, note", [
    ("python3.12", True, True),  # the recorded machine has 3.11: uv may download 3.12
    ("python3.11", True, False),  # it has 3.11: a download is possible (PATH may differ) but not expected
    ("/usr/bin/python3", False, False),  # a path: uv never downloads
])
def test_a_venv_from_a_python_asked_by_version_may_write_uvs_python_folder(python, downloads, note):
    compiled = _venv_step(python)
    assert ("/home/u/.local/share/uv/python" in compiled.writable) == downloads
    assert any("was not found on this machine" in n for n in compiled.notes) == note


def test_uvs_python_folder_follows_uvs_own_rule():
    from installer.plan.tools import uv_python_dir

    assert uv_python_dir({"UV_PYTHON_INSTALL_DIR": "/opt/py", "HOME": "/h"}) == "/opt/py"
    assert uv_python_dir({"XDG_DATA_HOME": "/d", "HOME": "/h"}) == "/d/uv/python"
    home = str(Path.home())
    assert uv_python_dir({}) == f"{home}/.local/share/uv/python"
