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
