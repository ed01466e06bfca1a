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
    assert "Jetson" not in text and "No known traps on this machine." in text
