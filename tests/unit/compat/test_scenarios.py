"""The scenario table: recorded machine -> the first choice, and the facts its reasons and rejections name.

Every expectation here follows from a published fact (a wheel's kernel list, a toolkit's driver), which the
row's comment names; the machines are described in tests/fixtures/machines/README.md.
"""

from __future__ import annotations

import pytest
from compat_machines import machine

from installer.compat import recommend
from installer.compat.model import Recommendation


def first(rec: Recommendation) -> tuple[str, str]:
    assert rec.choices, rec.to_dict()
    return rec.choices[0].torch, rec.choices[0].variant


def reasons_of(rec: Recommendation, i: int = 0) -> str:
    return " | ".join(rec.choices[i].reasons)


def rejection(rec: Recommendation, torch: str, variant: str) -> str:
    for r in rec.rejected:
        if r.torch == torch and r.variant == variant:
            return r.reason
    raise AssertionError(f"{torch} {variant} not rejected: {[(r.torch, r.variant) for r in rec.rejected]}")


SCENARIOS = [
    # (machine, python, first choice, needs actions, facts named in the first choice's reasons)
    # Ada 8.9 runs the sm_86 cubins of cu126; 550 is above the CUDA 12 floor 525.60.13 but below 580 (cu13x)
    ("rtx4090-550", None, ("2.14.1", "cu126"), (), ["compute capability 8.9", "sm_86", "550.54.14", "525.60.13",
                                                   "through minor-version compatibility"]),
    # exactly 580.65.06: the CUDA 13 floor holds, so the newest torch (PyPI default cu132) works as is
    ("rtx4090-580.65.06", None, ("2.15.0", "cu132"), (), ["580.65.06", "minor-version compatibility"]),
    # one below the boundary: every CUDA 13 build needs a driver change
    ("rtx4090-580.65.05", None, ("2.14.1", "cu126"), (), ["sm_86"]),
    # Pascal 6.1: cu126 carries sm_60 (same major, lower minor); nothing newer than 2.14.1 has sm_6x
    ("gtx1080ti-535", None, ("2.14.1", "cu126"), (), ["compute capability 6.1", "sm_60 kernels, which run on it",
                                                      "535.183.01"]),
    # Maxwell 5.2 on the last branch for it (R580): cu126 carries sm_50; 580 is newer than the CUDA 12.6
    # toolkit's own driver (560.28.03), so it runs them as the toolkit does, not by minor-version compatibility
    ("gtx960-580", None, ("2.14.1", "cu126"), (), ["compute capability 5.2", "sm_50",
                                                  "driver 580.82.09 runs CUDA 12.6 wheels (they need driver >= "
                                                  "525.60.13)"]),
    # Volta 7.0 with a 515 driver: below the CUDA 12 floor; cu118 (11.x floor 450.80.02) has sm_70; Python 3.8
    ("titanv-515", None, ("2.4.1", "cu118"), (), ["compute capability 7.0", "sm_70", "450.80.02",
                                                  "Python 3.8"]),
    ("v100-535", None, ("2.14.1", "cu126"), (), ["compute capability 7.0", "sm_70 kernels"]),
    # Turing 7.5 on Colab's 550.54.15
    ("t4-550", None, ("2.14.1", "cu126"), (), ["compute capability 7.5", "sm_75 kernels", "550.54.15"]),
    ("a100x4-555", None, ("2.14.1", "cu126"), (), ["compute capability 8.0", "sm_80 kernels"]),
    ("h100x8-565", None, ("2.14.1", "cu126"), (), ["compute capability 9.0", "sm_90 kernels"]),
    # consumer Blackwell 12.0 with 570: cu128 (2.11 is its last release) carries sm_120; cu126 has nothing for it
    ("rtx5090x4-570", None, ("2.11.0", "cu128"), (), ["compute capability 12.0", "sm_120 kernels", "570.195.03"]),
    # data-center Blackwell 10.0
    ("b200x8-570", None, ("2.11.0", "cu128"), (), ["compute capability 10.0", "sm_100 kernels"]),
    # Kepler 3.7 on R470: only cu118 wheels carry sm_37, and 2.4.1 is the newest with a cp38 wheel
    ("k80-470", None, ("2.4.1", "cu118"), (), ["compute capability 3.7", "sm_37", "470.82.01"]),
    ("k80-470", "3.11", ("2.7.1", "cu118"), (), ["sm_37", "Python 3.11"]),
    # no driver at all: the GPU build after a driver install still ranks above the CPU build
    ("nodriver-rtx3060", None, ("2.15.0", "cu132"), ("install-driver",), ["compute capability 8.6"]),
    # Ampere 8.6 + Volta 7.0: a wheel must carry kernels for both, so cu126, not cu130
    ("mixed-3090-v100-580", None, ("2.14.1", "cu126"), (), ["RTX 3090", "sm_86", "V100", "sm_70"]),
    # WSL: the Windows driver 566.36, judged by the Windows column (12.x floor 527.41)
    ("wsl-rtx4070laptop-566", None, ("2.14.1", "cu126"), (), ["Windows driver 566.36", "527.41"]),
    ("amd-rx7900xtx", None, ("2.14.1", "rocm7.2"), (), ["gfx1100"]),
    ("apple-m2pro", None, ("2.15.0", "mps"), (), ["MPS"]),
    # Jetson Orin: the index's aarch64 CUDA wheels are SBSA builds; the CPU wheel is what works from here
    ("jetson-orin-nano", None, ("2.14.1", "cpu"), (), ["CPU"]),
    ("cpu-only", None, ("2.15.0", "cpu"), (), ["CPU", "Python 3.11"]),
    # old and new Pythons on the same machine
    ("rtx4090-580.65.06", "3.10", ("2.14.1", "cu130"), (), ["Python 3.10"]),
    ("rtx4090-580.65.06", "3.9", ("2.8.0", "cu128"), (), ["Python 3.9"]),
]


@pytest.mark.parametrize(("name", "python", "expected", "actions", "facts"), SCENARIOS,
                         ids=[f"{s[0]}-py{s[1] or 'report'}" for s in SCENARIOS])
def test_first_choice(name, python, expected, actions, facts):
    rec = recommend(machine(name), python=python)
    assert first(rec) == expected
    assert tuple(a.kind for a in rec.choices[0].actions) == actions
    text = reasons_of(rec) + " | " + " | ".join(a.reason for a in rec.choices[0].actions)
    for fact in facts:
        assert fact in text, f"{fact!r} not in {text!r}"


def test_cpu_never_above_a_gpu_build_the_machine_can_get():
    for name in ("rtx4090-550", "nodriver-rtx3060", "gtx1080ti-535", "k80-470", "amd-rx7900xtx"):
        rec = recommend(machine(name))
        kinds = [c.variant == "cpu" for c in rec.choices]
        assert kinds[0] is False, name
        assert kinds.count(True) == 1 and kinds[-1] is True, (name, [c.variant for c in rec.choices])


def test_as_is_choices_come_before_driver_changes_and_say_what_they_unlock():
    rec = recommend(machine("rtx4090-550"))
    costs = [bool(c.action("install-driver")) for c in rec.choices if c.variant != "cpu"]
    assert costs == sorted(costs), "a driver change ranked above a choice that works as is"
    upgrade = rec.choices[1]
    assert (upgrade.torch, upgrade.variant) == ("2.15.0", "cu132")
    action = upgrade.action("install-driver")
    assert action is not None and action.branch == "580"
    assert "580.65.06" in action.reason and "550.54.14" in action.reason
    assert "CUDA 13.2 build, after installing driver branch R580" in upgrade.reasons


def test_boundary_580_65_05_is_one_short_of_cuda_13():
    below = recommend(machine("rtx4090-580.65.05"))
    cu13 = [c for c in below.choices if c.variant in ("cu130", "cu132")]
    assert cu13 and all(c.action("install-driver") for c in cu13)
    assert all("580.65.06" in c.action("install-driver").reason and "580.65.05" in c.action("install-driver").reason
               for c in cu13)
    at = recommend(machine("rtx4090-580.65.06"))
    assert all(not c.actions for c in at.choices if c.variant in ("cu130", "cu132"))


@pytest.mark.parametrize(("driver", "as_is"), [("525.60.13", True), ("525.60.12", False)])
def test_boundary_525_60_13_is_the_cuda_12_floor(driver, as_is):
    rec = recommend(machine("t4-550", nvidia_driver={"version": driver, "cuda": "12.0"}), keep_driver=True)
    if as_is:
        assert first(rec) == ("2.14.1", "cu126")
        assert "525.60.13" in reasons_of(rec)
    else:
        # cu118 still runs through the CUDA 11 floor (450.80.02): the newest such torch comes first
        assert first(rec) == ("2.7.1", "cu118")
        reason = rejection(rec, "2.14.1", "cu126")
        assert "525.60.13" in reason and "525.60.12" in reason


def test_pascal_is_refused_every_cuda_13_build_naming_its_capability():
    rec = recommend(machine("gtx1080ti-535"))
    reason = rejection(rec, "2.15.0", "cu130")
    assert "GTX 1080 Ti is compute capability 6.1" in reason and "sm_75" in reason
    assert not any(c.variant in ("cu128", "cu129", "cu130", "cu132") for c in rec.choices)
    # R580 is the last branch for Pascal: no driver change can bring CUDA 13 kernels to it
    assert not any(c.action("install-driver") for c in rec.choices)


def test_several_gpus_the_oldest_decides():
    rec = recommend(machine("mixed-3090-v100-580"))
    reason = rejection(rec, "2.15.0", "cu130")
    assert "Tesla V100-SXM2-32GB is compute capability 7.0" in reason
    # the RTX 3090 alone would take cu130 as is; the V100s forbid it
    alone = recommend(machine("mixed-3090-v100-580", gpus=[machine("mixed-3090-v100-580").gpus[0].model_dump()]))
    assert first(alone) == ("2.15.0", "cu132")


def test_kepler_cannot_go_past_cuda_11_wheels():
    rec = recommend(machine("k80-470"))
    assert "compute capability 3.7" in rejection(rec, "2.14.1", "cu126")
    assert all(c.variant in ("cu118", "cpu") for c in rec.choices)
    py = next(c for c in rec.choices if c.action("install-python"))
    assert (py.torch, py.variant, py.action("install-python").version) == ("2.7.1", "cu118", "3.9")


def test_a_driver_action_never_names_a_branch_that_dropped_the_gpu():
    rec = recommend(machine("titanv-515"), python="3.12")
    drivers = [c.action("install-driver") for c in rec.choices if c.action("install-driver")]
    assert drivers, rec.to_dict()
    assert all(int(a.branch) <= 580 for a in drivers)  # Volta: R580 is the last
    # cu126 runs on R535 by minor-version compatibility, but R535, R550 and R570 are past NVIDIA's support on the
    # day of the data (drivers.yaml eol): R580 is the first still supported
    assert first(rec) == ("2.7.1", "cu118")
    upgrade = next(c for c in rec.choices if c.action("install-driver"))
    assert (upgrade.torch, upgrade.variant, upgrade.action("install-driver").branch) == ("2.14.1", "cu126", "580")


def test_keep_driver_turns_driver_changes_into_rejections():
    rec = recommend(machine("rtx4090-550"), keep_driver=True)
    assert not any(c.action("install-driver") for c in rec.choices)
    assert "the driver is kept" in rejection(rec, "2.15.0", "cu132")


def test_ptx_needs_the_toolkits_own_driver():
    # a GPU newer than every cubin (capability 13.0) can only run the embedded PTX for 12.0
    future = {"index": 0, "vendor": "nvidia", "name": "Future GPU", "pci_id": None, "compute_capability": "13.0",
              "memory_mib": None}
    rec = recommend(machine("rtx4090-580.65.06", gpus=[future], nvidia_driver={"version": "590.44.01",
                                                                              "cuda": "13.1"}))
    # 590.44.01 can JIT CUDA 13.0 PTX (580.65.06) but not 13.2 PTX (595.45.04), minor compatibility or not
    assert first(rec) == ("2.15.0", "cu130")
    assert "only PTX for sm_120" in reasons_of(rec)
    cu132 = next(c for c in rec.choices if c.variant == "cu132")
    reason = cu132.action("install-driver").reason
    assert "595.45.04" in reason and "PTX" in reason


def test_unknown_capability_without_driver_comes_from_the_name_table_with_a_warning():
    rec = recommend(machine("nodriver-rtx3060"))
    assert rec.facts["nvidia_gpus"][0]["compute_capability"] == "8.6"
    warnings = " | ".join(rec.warnings)
    for fact in ("Secure Boot", "nouveau", "no NVIDIA driver is loaded", "NVIDIA's table"):
        assert fact in warnings
    assert rec.choices[0].action("install-driver").branch == "580"


def test_wsl_driver_changes_happen_on_windows():
    rec = recommend(machine("wsl-rtx4070laptop-566"))
    choice = next(c for c in rec.choices if c.action("install-driver"))
    action = choice.action("install-driver")
    assert action is not None and action.host == "windows"
    assert any("WSL" in w for w in rec.warnings)
    # the reason says where the driver changes: in Windows, not as a Linux driver inside WSL
    said = [r for r in choice.reasons if "driver" in r]
    assert said and all("updating the Windows driver" in r and "installing driver branch" not in r for r in said)


def test_jetson_cuda_wheels_are_refused_with_what_to_use_instead():
    rec = recommend(machine("jetson-orin-nano"))
    assert all(c.variant == "cpu" for c in rec.choices)
    assert "JetPack" in rejection(rec, "2.15.0", "cu130")
    assert any("JetPack" in w for w in rec.warnings)


def test_apple_old_macos_is_refused_newer_releases():
    rec = recommend(machine("apple-m2pro", os={"system": "Darwin", "id": "macos", "version_id": "13.6",
                                               "kernel": "22.6.0", "arch": "arm64", "wsl": False,
                                               "container": False}))
    assert first(rec) == ("2.11.0", "mps")
    assert rec.choices[0].local == ""
    assert "macOS 14.0" in rejection(rec, "2.12.0", "mps")


def test_amd_gets_no_cuda_and_nvidia_gets_no_rocm():
    amd = recommend(machine("amd-rx7900xtx"))
    assert not any(c.variant.startswith("cu") for c in amd.choices)
    nv = recommend(machine("rtx4090-550"))
    assert not any(c.variant.startswith("rocm") for c in nv.choices)


def test_new_python_beyond_an_extra_asks_for_another_python():
    rec = recommend(machine("rtx4090-580.65.06"), python="3.15")
    best = rec.choices[0]
    assert (best.torch, best.python) == ("2.15.0", "3.14")
    assert "torchaudio 2.11.0 has no wheel for Python 3.15" in best.action("install-python").reason
    without_audio = recommend(machine("rtx4090-580.65.06"), python="3.15", extras=("torchvision",))
    assert without_audio.choices[0].python == "3.15" and not without_audio.choices[0].actions


def test_choices_are_pure_and_repeatable():
    a = recommend(machine("h100x8-565")).to_dict()
    b = recommend(machine("h100x8-565")).to_dict()
    assert a == b


def test_a_data_warning_names_the_build_it_is_about():
    """"the first choice" alone was read as about the build a person picked instead (found in use: the second
    choice chosen, the warning still shown)."""
    rec = recommend(machine("rtx4090-550"), python="3.11")
    best = first(rec)
    flagged = [w for w in rec.warnings if "not yet confirmed" in w]
    assert flagged and all(w.startswith(f"torch {best[0]} ({best[1]}), the first choice:") for w in flagged)
    assert not any("primary source" in w or "cubin" in w for w in [*rec.warnings, reasons_of(rec)])
