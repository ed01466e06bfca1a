"""NVSwitch systems: a plan that installs or changes the driver says that NVIDIA Fabric Manager of the same
driver version must run (and NVLSM on Blackwell), and detection's advice says it about the machine.

Why (NVIDIA Fabric Manager User Guide, docs.nvidia.com/datacenter/tesla/fabric-manager-user-guide/): on
DGX-2/HGX-2 (16 V100) and DGX/HGX A100, H100, H200 and B200 8-GPU boards the GPUs are joined by NVSwitches,
and CUDA fails with cudaErrorSystemNotReady (torch.cuda.is_available() is False) until nvidia-fabricmanager
of exactly the driver's version runs; Blackwell HGX also needs the NVLink Subnet Manager. 4-GPU HGX boards
join their GPUs directly by NVLink, without NVSwitch. The package names per branch are not confirmed here,
so the plan installs no Fabric Manager package: it says what to do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.hardware.advice import fabric_manager_advice, warnings
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes
from installer.plan.model import Plan
from installer.plan.planner import make_plan, pins_for
from installer.plan.recipe import load_recipe, load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = REPO / "tests" / "fixtures" / "machines"


def _plan(machine: str, tmp_path: Path, driver: str, *, every_recipe: bool = False) -> Plan:
    report = HardwareReport.model_validate_json((MACHINES / machine).read_text())
    answers = parse_answers(f"version: 1\ntorch: {{version: 2.13.0, variant: cu126, extras: []}}\ndriver: {driver}\n")
    tools = Tools(uv=None, python=sys.executable, host_pip=False)
    pins = pins_for(answers, report, tools=tools, cwd=str(tmp_path))
    return make_plan(answers, report, pins=pins, indexes=Indexes(), tools=tools, cwd=str(tmp_path),
                     recipes=(load_recipes(REPO / "recipes") if every_recipe
                              else [load_recipe(REPO / "recipes" / "driver-ubuntu.yaml")]),
                     cache_dir=str(tmp_path / "cache"))


def _fabric(plan: Plan) -> list[str]:
    return [n for n in plan.notes if "Fabric Manager" in n]


@pytest.mark.parametrize("driver", ['{install: true, branch: "580", source: nvidia-repo}',
                                    '{install: true, branch: "580", source: ubuntu-drivers}'])
@pytest.mark.parametrize("machine, gpus, nvlsm", [
    ("h100x8-565.json", "8x NVIDIA H100 80GB HBM3", False),  # HGX H100 8-GPU: NVSwitch, Hopper
    ("b200x8-570.json", "8x NVIDIA B200", True),              # HGX B200: NVSwitch, Blackwell: NVLSM too
])
def test_a_driver_change_on_an_nvswitch_board_names_fabric_manager(tmp_path, driver, machine, gpus, nvlsm):
    plan = _plan(machine, tmp_path, driver)
    (note,) = _fabric(plan)
    assert note.startswith(f"{gpus}: an NVSwitch system")
    assert "exactly the driver's version" in note and "cudaErrorSystemNotReady" in note
    assert "systemctl enable --now nvidia-fabricmanager" in note
    assert ("NVLSM" in note) == nvlsm
    # said, not installed: no package name of it is confirmed for every branch
    assert not any("fabricmanager" in a or "nvlsm" in a for s in plan.steps for c in s.commands for a in c.argv)


def test_no_note_without_nvswitch_or_without_a_driver_change(tmp_path):
    # HGX A100 4-GPU: the GPUs are joined directly by NVLink, no NVSwitch
    assert not _fabric(_plan("a100x4-555.json", tmp_path, '{install: true, branch: "580", source: nvidia-repo}'))
    assert not _fabric(_plan("rtx5090x4-570.json", tmp_path, '{install: true, branch: "580", source: nvidia-repo}'))
    # the driver is left as it is: nothing in the plan changes what Fabric Manager must match
    kept = _plan("h100x8-565.json", tmp_path, "{install: false}", every_recipe=True)
    assert kept.steps and not _fabric(kept)


def _gpus(name: str, pci: str, count: int, cc: str = "9.0") -> list[dict[str, object]]:
    return [{"index": i, "vendor": "nvidia", "name": name, "pci_id": pci, "compute_capability": cc}
            for i in range(count)]


@pytest.mark.parametrize("gpus, expected", [
    (_gpus("NVIDIA H100 80GB HBM3", "10de:2330", 8), True),
    (_gpus("NVIDIA H200", "10de:2335", 8), True),
    (_gpus("Tesla V100-SXM3-32GB", "10de:1db8", 16, "7.0"), True),   # DGX-2 / HGX-2
    (_gpus("NVIDIA A100-SXM4-40GB", "10de:20b0", 8, "8.0"), True),
    (_gpus("NVIDIA B300 SXM6 AC", "10de:3182", 8, "10.3"), True),
    (_gpus("NVIDIA A100-SXM4-80GB", "10de:20b2", 4, "8.0"), False),  # 4-GPU board: direct NVLink
    (_gpus("NVIDIA H200 NVL", "10de:233b", 8), False),               # PCIe cards
    (_gpus("NVIDIA H100 PCIe", "10de:2331", 8), False),
    (_gpus("NVIDIA GeForce RTX 4090", "10de:2684", 8, "8.9"), False),
])
def test_which_machines_count_as_nvswitch_systems(gpus, expected):
    assert (fabric_manager_advice(gpus) is not None) == expected


@pytest.mark.parametrize("machine, expected", [("h100x8-565.json", True), ("b200x8-570.json", True),
                                               ("a100x4-555.json", False), ("rtx4090-550.json", False)])
def test_detection_advice_warns_about_the_machine(machine, expected):
    data = json.loads((MACHINES / machine).read_text())
    said = [w for w in warnings(data) if "Fabric Manager" in w]
    assert bool(said) == expected
    if said:
        assert "whenever the driver is installed or upgraded" in said[0]
    # in a container the host runs Fabric Manager, not this system
    data["os"]["container"] = True
    assert not [w for w in warnings(data) if "Fabric Manager" in w]
