"""diagnose(): recorded machines + recorded verify outputs -> the cause and its fix. Pure, no subprocess."""

from __future__ import annotations

import copy

from probes_support import hardware, recorded_verify

from installer.i18n import set_language
from installer.probes.doctor import EnvFacts, Finding, diagnose, verdict


def _ids(findings: list[Finding]) -> list[str]:
    return [f.id for f in findings]


def test_cpu_wheel_on_a_machine_with_an_nvidia_gpu():
    findings = diagnose(hardware("rtx5090-570"), recorded_verify("cpu-2.13.0"))
    assert _ids(findings) == ["cpu-wheel"]
    f = findings[0]
    assert f.severity == "error" and not verdict(findings)
    assert "CPU-only build" in f.explanation and "NVIDIA GeForce RTX 5090" in f.explanation
    # the fix is a concrete build from the compat data that runs on driver 570 as it is (CUDA 12.8)
    assert "--index-url https://download.pytorch.org/whl/cu128" in f.fix
    assert "torch==2.11.0" in f.fix


def test_driver_older_than_the_build_needs():
    findings = diagnose(hardware("rtx5090-570"), recorded_verify("rtx5090-cu130-old-driver"))
    assert _ids(findings) == ["driver-too-old"]
    f = findings[0]
    assert "CUDA 13.0" in f.explanation and "570.195.03" in f.explanation and "12.8" in f.explanation
    assert ">= 580.65.06" in f.fix  # the CUDA 13 driver floor (NVIDIA minor-version compatibility)
    assert "whl/cu128" in f.fix  # ... or keep the driver and take a build that runs on it


def test_build_without_the_gpus_architecture():
    findings = diagnose(hardware("rtx5090-570"), recorded_verify("rtx5090-cu124-no-sm120"))
    assert _ids(findings) == ["arch-missing"]
    f = findings[0]
    assert "sm_120" in f.explanation and "sm_90" in f.explanation
    assert f.fix.startswith("no kernels for sm_120 in this build: install torch 2.11.0 (cu128)")


def test_arch_missing_is_found_from_the_report_when_torch_cannot_see_the_gpu():
    # a GTX 1080 Ti (sm_61) with a cu130 build (sm_75+): the driver also fails, but the arch is judged
    # from detection's compute capability and the build's arch list
    verify = copy.deepcopy(recorded_verify("rtx5090-cu130-old-driver"))
    findings = diagnose(hardware("gtx1080ti-535"), verify)
    assert "arch-missing" in _ids(findings) and "driver-too-old" in _ids(findings)
    arch = next(f for f in findings if f.id == "arch-missing")
    assert "sm_61" in arch.fix and "cu126" in arch.fix


def test_nouveau_and_secure_boot_both_explained_before_anything_else():
    findings = diagnose(hardware("rtx3060-nouveau-secureboot"), recorded_verify("rtx3060-no-driver-cu126"))
    assert _ids(findings)[:2] == ["nouveau", "secure-boot"]
    assert "blacklist nouveau" in findings[0].fix
    assert "mokutil" in findings[1].fix


def test_no_driver_without_nouveau_or_secure_boot():
    report = hardware("rtx3060-nouveau-secureboot").model_copy(update={"nouveau_loaded": False,
                                                                          "secure_boot": False})
    findings = diagnose(report, recorded_verify("rtx3060-no-driver-cu126"))
    assert _ids(findings) == ["no-driver"]
    assert "Found no NVIDIA driver" in findings[0].evidence[0]


def test_on_rocky_linux_the_fixes_use_its_own_tools():
    """The fixes named Debian's update-initramfs, and `torch-setup`'s driver install, on Rocky Linux."""
    report = hardware("rtx3060-nouveau-secureboot")
    assert "sudo update-initramfs -u`" in diagnose(report, recorded_verify("rtx3060-no-driver-cu126"))[0].fix
    rocky_os = report.os.model_copy(update={"id": "rocky", "version_id": "9.7", "id_like": "rhel centos fedora"})
    rocky = report.model_copy(update={"os": rocky_os})
    findings = diagnose(rocky, recorded_verify("rtx3060-no-driver-cu126"))
    assert findings[0].id == "nouveau"
    assert "blacklist-nouveau.conf && sudo dracut --force`" in findings[0].fix
    alone = rocky.model_copy(update={"nouveau_loaded": False, "secure_boot": False})
    [finding] = diagnose(alone, recorded_verify("rtx3060-no-driver-cu126"))
    assert finding.id == "no-driver"
    assert "with your distribution's packages (torch-setup installs it on Ubuntu and Debian only)" in finding.fix
    assert "let `torch-setup` do it" not in finding.fix


def test_library_shadowing_is_an_error_when_the_gpu_fails_and_a_warning_when_it_works():
    verify = recorded_verify("rtx3090-rtx3060-cu126", numpy=True)
    env = EnvFacts(ld_library_path="/usr/local/cuda-12.4/lib64",
                   libraries_outside_env=("/usr/local/cuda-12.4/lib64/libcudnn.so.9",))
    working = diagnose(hardware("rtx3090-rtx3060-560"), verify, env)
    assert _ids(working) == ["library-shadowing"] and working[0].severity == "warning"
    assert "/usr/local/cuda-12.4/lib64" in working[0].fix and "a system CUDA install" in working[0].explanation
    broken = copy.deepcopy(verify)
    for check in broken["checks"]:
        if check["name"] == "cudnn":
            check["ok"] = False
    assert diagnose(hardware("rtx3090-rtx3060-560"), broken, env)[0].severity == "error"


def test_import_failure_from_ld_library_path():
    verify = {"torch_version": None, "python": {"executable": "/opt/env/bin/python"},
              "import_error": "ImportError: /opt/env/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so: "
                              "undefined symbol: cudnnGetLibConfig, version libcudnn.so.9",
              "env": {"LD_LIBRARY_PATH": "/usr/local/cuda/lib64"}, "checks": []}
    findings = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert _ids(findings) == ["ld-library-path"]
    assert "env -u LD_LIBRARY_PATH /opt/env/bin/python" in findings[0].fix


def test_torch_missing_names_the_interpreter_and_a_build_to_install():
    verify = {"torch_version": None, "python": {"executable": "/usr/bin/python3", "version": "3.11.7"},
              "import_error": "ModuleNotFoundError: No module named 'torch'", "checks": []}
    findings = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert _ids(findings) == ["torch-missing"] and "/usr/bin/python3" in findings[0].title
    # through torch-setup's own pip, pointed at the interpreter (which may have no pip of its own)
    assert "-m pip --python /usr/bin/python3 install --force-reinstall torch==" in findings[0].fix


def test_cuda_visible_devices_hiding_gpus():
    verify = copy.deepcopy(recorded_verify("rtx3090-rtx3060-cu126"))
    verify["env"]["CUDA_VISIBLE_DEVICES"] = ""
    assert "cuda-visible-devices" in _ids(diagnose(hardware("rtx3090-rtx3060-560"), verify))


def test_healthy_gpu_machine_and_healthy_cpu_machine():
    gpu = diagnose(hardware("rtx3090-rtx3060-560"), recorded_verify("rtx3090-rtx3060-cu126", numpy=True))
    assert _ids(gpu) == ["healthy"] and verdict(gpu) and "uses 2 GPUs;" in gpu[0].explanation
    cpu = diagnose(hardware("cpu-only"), recorded_verify("cpu-2.13.0", numpy=True))
    assert _ids(cpu) == ["healthy"] and "no NVIDIA GPU" in cpu[0].explanation


def test_numpy_missing_is_a_warning_of_its_own_where_nothing_else_is_wrong():
    # found in use: the NumPy warning among the checks, then "[ok] nothing to mend", read as "ignore it"
    verify = recorded_verify("rtx3090-rtx3060-cu126")  # recorded where NumPy was not installed
    found = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert _ids(found) == ["numpy"] and found[0].severity == "warning" and verdict(found)
    assert found[0].title == "NumPy is not installed beside torch 2.13.0+cu126"
    assert "If your code never uses NumPy, nothing needs doing" in found[0].explanation
    check = next(c for c in verify["checks"] if c["name"] == "numpy")
    assert found[0].fix == check["fix"] and "install numpy" in found[0].fix
    assert found[0].evidence == ("ModuleNotFoundError: No module named 'numpy'",)


def test_numpy_that_does_not_fit_the_build_names_both_versions():
    verify = recorded_verify("rtx3090-rtx3060-cu126", numpy=True)
    detail = ("this torch was built against NumPy 1.x and cannot use NumPy 2.4.6: tensor.numpy() and "
              "torch.from_numpy() fail (Failed to initialize NumPy: _ARRAY_API not found)")
    verify["numpy"] = {"version": "2.4.6", "works": False, "error": "RuntimeError: Numpy is not available"}
    verify["checks"].append({"name": "numpy", "ok": False, "level": "warning", "detail": detail,
                             "fix": "install a NumPy 1.x beside it", "pip": ["numpy<2"]})
    found = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert [(f.id, f.title, f.explanation) for f in found] == [
        ("numpy", "torch 2.13.0+cu126 cannot use NumPy 2.4.6", detail)]


def test_beside_a_problem_numpy_is_left_to_its_check():
    # one problem, one fix: the check line still gives NumPy's (tests/e2e/test_verify_numpy_real.py)
    verify = recorded_verify("rtx5090-cu130-old-driver")
    assert any(c["name"] == "numpy" and not c["ok"] for c in verify["checks"])
    assert _ids(diagnose(hardware("rtx5090-570"), verify)) == ["driver-too-old"]


def test_the_numpy_finding_reads_in_chinese():
    set_language("zh")
    try:
        found = diagnose(hardware("cpu-only"), recorded_verify("cpu-2.13.0"))
    finally:
        set_language("en")
    assert found[0].title == "torch 2.13.0+cpu 旁边没有安装 NumPy"
    assert found[0].fix.startswith("如果你的代码用到 NumPy，请安装它：`")


def test_one_gpu_is_one_gpu():
    verify = recorded_verify("rtx3090-rtx3060-cu126", numpy=True)
    verify["cuda"]["device_count"] = 1
    verify["devices"] = verify["devices"][:1]
    found = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert "uses 1 GPU;" in found[0].explanation, [f.explanation for f in found]


def test_an_unexplained_failed_check_is_still_reported():
    verify = copy.deepcopy(recorded_verify("rtx3090-rtx3060-cu126"))
    for check in verify["checks"]:
        if check["name"] == "nccl":
            check.update(ok=False, detail="NCCL all-reduce across 2 GPUs gave a wrong sum", fix="check the links")
    findings = diagnose(hardware("rtx3090-rtx3060-560"), verify)
    assert _ids(findings) == ["check-nccl"] and findings[0].fix == "check the links"


def test_a_half_installed_torch_gets_a_reinstall_that_works_without_pip_in_the_environment():
    # found in use: the fix read `ENV/bin/python -m pip install --force-reinstall torch==VERSION`, in a
    # venv made by `uv venv` (no pip), with VERSION printed as it is
    import sys

    from installer.hardware.report import ExistingTorch

    report = hardware("rtx3090-rtx3060-560")
    report.existing_torch = ExistingTorch(version="2.13.0", local="+cpu")
    verify = {"torch_version": None, "python": {"executable": "/w/.venv-torch/bin/python"},
              "import_error": "ModuleNotFoundError: No module named 'torchgen'", "checks": []}
    findings = diagnose(report, verify)
    assert _ids(findings) == ["torch-broken"]
    fix = findings[0].fix
    # the same build again: --no-deps, so that torch's dependencies are neither fetched nor moved (s22)
    assert f"{sys.executable} -m pip --python /w/.venv-torch/bin/python install --force-reinstall --no-deps " \
           "torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu" in fix
    assert "VERSION" not in fix and "or run `torch-setup install` again" in fix  # its files are missing


def test_a_cuda_torch_missing_a_dependencys_library_is_reinstalled_with_its_dependencies():
    # libcudnn comes from nvidia-cudnn-cu12, a dependency: torch alone again (--no-deps) would leave it missing
    from installer.hardware.report import ExistingTorch

    report = hardware("rtx3090-rtx3060-560")
    report.existing_torch = ExistingTorch(version="2.13.0", local="+cu126")
    verify = {"torch_version": None, "python": {"executable": "/w/.venv-torch/bin/python"},
              "import_error": "ImportError: libcudnn.so.9: cannot open shared object file: No such file or directory",
              "checks": []}
    fix = diagnose(report, verify)[0].fix
    assert "--force-reinstall torch==2.13.0+cu126 --index-url https://download.pytorch.org/whl/cu126" in fix
    verify["import_error"] = "ImportError: libtorch_cpu.so: cannot open shared object file: No such file or directory"
    assert "--force-reinstall --no-deps torch==2.13.0+cu126" in diagnose(report, verify)[0].fix
