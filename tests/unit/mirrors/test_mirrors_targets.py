"""What each kind's probe fetches: small real resources, the machine's own suite and repo."""

from __future__ import annotations

import platform

from installer.mirrors import ProbeContext, load_catalog
from installer.mirrors.targets import target_for


def test_targets_of_the_shipped_catalog():
    catalog = load_catalog()
    ctx = ProbeContext.from_catalog(catalog, variant="cu126")
    t = target_for(catalog.get("tuna-pypi"), ctx)
    assert t.url == "https://pypi.tuna.tsinghua.edu.cn/simple/sympy/" and t.range_bytes is None
    t = target_for(catalog.get("nju-pytorch"), ctx)
    assert t.url == "https://mirrors.nju.edu.cn/pytorch/whl/cu126/torch/"
    assert t.alt_url == "https://mirrors.nju.edu.cn/pytorch/whl/cu126/"
    assert t.config_url == "https://mirrors.nju.edu.cn/pytorch/whl/cu126"
    t = target_for(catalog.get("aliyun-pytorch"), ctx)
    assert t.check == "torch-flat" and t.url == "https://mirrors.aliyun.com/pytorch-wheels/cu126/"
    t = target_for(catalog.get("tuna-conda"), ctx)
    assert t.url.endswith("/anaconda/cloud/conda-forge/noarch/repodata.json") and t.range_bytes == 65536
    t = target_for(catalog.get("nvidia-cuda"), ctx)
    assert t.url == "https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/Release"
    t = target_for(catalog.get("nvidia-runfile"), ctx)
    assert t.url.endswith("/12.6.3/local_installers/cuda_12.6.3_560.35.05_linux.run") and t.range_bytes == 1024
    t = target_for(catalog.get("tuna-miniforge"), ctx)
    assert t.url.endswith("/LatestRelease/Miniforge3-Linux-x86_64.sh")
    # no probe ever asks for a whole index root
    for m in catalog.mirrors:
        target = target_for(m, ctx)
        if target is not None:
            assert not target.url.rstrip("/").endswith(("/simple", "/whl", "/conda-forge")), target.url


def test_this_machine_under_a_fake_root(tmp_path, monkeypatch):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text('ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n')
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    catalog = load_catalog()
    ctx = ProbeContext.for_this_machine(catalog, variant="cpu")
    arm = platform.machine().lower() in ("aarch64", "arm64")
    distro = "ubuntu-ports" if arm else "ubuntu"
    assert ctx.apt_distros == (distro,) and ctx.apt_suites[distro] == "jammy"
    assert ctx.cuda_repo == ("ubuntu2204/sbsa" if arm else "ubuntu2204/x86_64")
    assert target_for(catalog.get("tuna-debian"), ctx) is None  # another distribution: not probed
    t = target_for(catalog.get("tuna-ubuntu-ports" if arm else "tuna-ubuntu"), ctx)
    folder = "ubuntu-ports" if arm else "ubuntu"
    assert t.url == f"https://mirrors.tuna.tsinghua.edu.cn/{folder}/dists/jammy-updates/InRelease"
    assert target_for(catalog.get("tuna-ubuntu" if arm else "tuna-ubuntu-ports"), ctx) is None


def test_a_recorded_machine_is_probed_for_its_own_distribution():
    """The wizard with --hardware: an Ubuntu 22.04 recording (no codename saved) on this Debian machine
    was probed, and offered, Debian's apt mirrors."""
    from pathlib import Path

    from installer.hardware.report import load_report
    from installer.tui.engine import Engine

    machines = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
    catalog = load_catalog()
    wsl = load_report(str(machines / "wsl-rtx4070laptop-566.json"))  # Ubuntu 22.04, x86_64
    ctx = Engine.probe_context(catalog, wsl)
    assert ctx.apt_distros == ("ubuntu",) and ctx.apt_suites["ubuntu"] == "jammy"
    assert ctx.cuda_repo == "ubuntu2204/x86_64"
    assert target_for(catalog.get("nvidia-cuda"), ctx).url.endswith("/repos/ubuntu2204/x86_64/Release")
    jetson = Engine.probe_context(catalog, load_report(str(machines / "jetson-orin-nano.json")))
    assert jetson.apt_distros == ("ubuntu-ports",) and jetson.apt_arch == "arm64"
    debian = Engine.probe_context(catalog, load_report(str(machines / "cpu-only.json")))
    assert debian.apt_distros == ("debian",) and debian.apt_suites["debian"] == "bookworm"
    # only the mirrors that are probed are listed, so none stays "probing…"
    rows = Engine(catalog=None).mirror_candidates(kinds=("apt",), region="cn", recorded=wsl)
    distros = {catalog.get(r["id"]).distro for r in rows}
    assert distros == {"ubuntu"}, distros


def test_a_system_without_apt_probes_no_apt_mirror(tmp_path, monkeypatch):
    """A Rocky Linux machine was offered, and probed for, Ubuntu's and Debian's archives; a Linux whose
    distribution is built on Debian (ID_LIKE) or not known at all still gets them."""
    from pathlib import Path

    from installer.hardware.report import load_report
    from installer.mirrors.targets import uses_apt
    from installer.tui.engine import Engine

    assert uses_apt("debian") and uses_apt("linuxmint", "ubuntu debian") and uses_apt("")
    assert not uses_apt("rocky", "rhel centos fedora") and not uses_apt("fedora")
    assert not uses_apt("", system="Darwin")
    machines = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
    catalog = load_catalog()
    for name in ("rocky94-2x3060-560.json", "apple-m2pro.json"):
        recorded = load_report(str(machines / name))
        ctx = Engine.probe_context(catalog, recorded)
        assert ctx.apt_distros == () and target_for(catalog.get("tuna-ubuntu"), ctx) is None
        rows = Engine(catalog=None).mirror_candidates(kinds=("pypi", "apt"), region="cn", recorded=recorded)
        assert rows and {r["kind"] for r in rows} == {"pypi"}
        assert not Engine().uses_apt(recorded)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n')
    monkeypatch.setenv("TORCH_SETUP_ROOT", str(tmp_path))
    assert ProbeContext.for_this_machine(catalog, variant="cpu").apt_distros == ()


def test_the_mirrors_command_says_why_a_system_without_apt_has_no_apt_row(cli, tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n')
    result = cli("mirrors", "--kind", "apt", env={"TORCH_SETUP_ROOT": str(tmp_path)}, timeout=60)
    assert "0 of 0 mirrors usable" in result.stdout, result.stdout + result.stderr
    assert "this system installs its packages without apt, so no apt mirror was probed" in result.stdout
    assert result.returncode == 1  # nothing usable, as for any kind with no answer


def test_the_family_of_a_distribution_by_its_os_release():
    from installer.hardware.osinfo import family

    assert family("ubuntu", None) == family("linuxmint", "ubuntu debian") == family("debian", "") == "debian"
    assert family("rocky", "rhel centos fedora") == family("fedora", None) == family("almalinux", "rhel") == "rhel"
    assert family("arch", None) is None and family(None, None) is None
