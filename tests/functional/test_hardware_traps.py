"""The Hardware screen names what the machine itself means for PyTorch before any build is chosen. Found
in use: a Jetson was shown "No known traps on this machine.", and the next screen refused every CUDA
build with "use NVIDIA's JetPack wheels"."""

from __future__ import annotations

from tui_support import screen_text, settle


async def _hardware_text(make_wizard, machine: str) -> str:
    app = make_wizard(machine, dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        assert app.current_name == "hardware"
        return " ".join(screen_text(app).split())


async def test_a_jetson_is_told_of_jetpack_on_the_hardware_screen(make_wizard):
    text = await _hardware_text(make_wizard, "jetson-orin-nano")
    assert "Jetson: the GPU is part of the Tegra SoC; for GPU support use NVIDIA's JetPack builds" in text
    assert "No known traps" not in text


async def test_a_desktop_gpu_has_no_jetson_warning(make_wizard):
    text = await _hardware_text(make_wizard, "rtx4090-550")
    assert "Jetson" not in text and "No known traps on the recorded machine." in text


async def test_a_gpu_the_newest_release_dropped_is_said_before_the_combination(make_wizard):
    # found in use: a K80 was shown "No known traps", and the next screen refused 44 builds
    text = await _hardware_text(make_wizard, "k80-470")
    assert "Tesla K80 (compute capability 3.7) is too old for the newest PyTorch" in text
    assert "No known traps" not in text


def test_only_gpus_without_kernels_in_the_newest_release_are_flagged():
    from pathlib import Path

    from installer.compat.data import load
    from installer.compat.solver import hardware_traps
    from installer.hardware.report import load_report

    machines = Path(__file__).resolve().parents[1] / "fixtures" / "machines"
    newest = load().released()[0].torch
    flagged = {m.stem for m in machines.glob("*.json")
               if any("too old for the newest PyTorch" in t for t in hardware_traps(load_report(m)))}
    # 2.15 dropped cu126 (RFC #190385), the last build with Maxwell, Pascal and Volta kernels
    assert newest == "2.15.0"
    assert flagged == {"k80-470", "k80-nodriver", "gtx960-580", "gtx1080ti-535", "titanv-515", "v100-535", "mixed-3090-v100-580"}


async def test_a_driver_past_nvidias_support_is_said_on_its_row(make_wizard):
    """Found in a trial: Rocky's R560 showed as "NVIDIA 560.35.03 · runs CUDA up to 12.6" above "No known traps",
    and the next screen warned that NVIDIA had stopped supporting it. A supported branch says nothing of it."""
    rocky = await _hardware_text(make_wizard, "rocky94-2x3060-560")
    assert ("Driver NVIDIA 560.35.03 · runs CUDA up to 12.6 Driver support NVIDIA's ended by 2025-08 (no more "
            "security fixes)") in rocky, rocky
    h200 = await _hardware_text(make_wizard, "h200-580")
    assert "Driver NVIDIA 580" in h200 and "support ended" not in h200, h200
