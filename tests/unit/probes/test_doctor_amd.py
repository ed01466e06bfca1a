"""diagnose() on an AMD machine: a CPU build of torch where a ROCm build would use the GPU is the same
mistake as a CPU build on an NVIDIA machine, and the fix is the ROCm build the compatibility data picks."""

from __future__ import annotations

from probes_support import hardware, recorded_verify

from installer.compat import recommend
from installer.hardware.report import GPU
from installer.i18n import set_language
from installer.probes.doctor import diagnose, verdict


def _amd_with(**gpu: object):
    report = hardware("amd-rx7900xtx")
    changed = GPU.model_validate({**report.gpus[0].model_dump(), **gpu})
    return report.model_copy(update={"gpus": [changed]})


def test_cpu_wheel_on_a_radeon_names_the_rocm_build_that_fits_it():
    report = hardware("amd-rx7900xtx")
    verify = recorded_verify("cpu-2.13.0")
    findings = diagnose(report, verify)
    assert [f.id for f in findings] == ["cpu-wheel"]
    f = findings[0]
    assert f.severity == "error" and not verdict(findings)
    assert "AMD GPU" in f.title
    assert "CPU-only build" in f.explanation and "AMD Radeon RX 7900 XTX" in f.explanation
    assert "gfx1100" in f.explanation  # why the ROCm build runs on it, as the compat solver says
    # the build the solver would recommend for this GPU and this interpreter's Python, not a constant; of
    # the torch version installed (2.13.0), as it has one: a newer torch would leave its companions behind
    best = next(c for c in recommend(report, python=verify["python"]["version"], torch="2.13.0").choices
                if c.variant.startswith("rocm"))
    assert best.torch == "2.13.0"
    assert f"torch=={best.torch} --index-url https://download.pytorch.org/whl/{best.variant}" in f.fix
    assert f.fix.startswith(f"install torch {best.torch} ({best.variant})")
    assert "/dev/kfd" in f.fix  # what a ROCm build needs besides the wheel


def test_no_rocm_build_for_the_gpu_is_nothing_to_mend_and_names_the_gpu():
    # an RX 580 (gfx803): no ROCm wheel carries its kernels, so the CPU build is the right one
    findings = diagnose(_amd_with(name="AMD Radeon RX 580", pci_id="1002:67df", gfx_target="gfx803"),
                        recorded_verify("cpu-2.13.0", numpy=True))
    assert [f.id for f in findings] == ["healthy"] and verdict(findings)
    assert "AMD Radeon RX 580" in findings[0].explanation and "NVIDIA" not in findings[0].explanation


def test_the_amd_finding_reads_in_chinese():
    set_language("zh")
    try:
        f = diagnose(hardware("amd-rx7900xtx"), recorded_verify("cpu-2.13.0"))[0]
    finally:
        set_language("en")
    assert f.title == "有 AMD GPU 的机器上装的是只支持 CPU 的 torch 构建"
    assert "完全不含 ROCm" in f.explanation and "；ROCm wheel 还需要 amdgpu 内核驱动" in f.fix
