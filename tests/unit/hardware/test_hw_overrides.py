"""TORCH_SETUP_DRIVER_VERSION / _CUDA_VERSION / _GPU_CC apply last and are recorded; bad values exit 2."""

from __future__ import annotations

import json

import pytest


def test_overrides_replace_what_was_found(machine):
    machine.nvidia_smi("checkmk-A100-MIG-535.54.03.xml")
    report = machine.detect(TORCH_SETUP_DRIVER_VERSION="560.35.03", TORCH_SETUP_CUDA_VERSION="12.6",
                            TORCH_SETUP_GPU_CC="9.0")
    assert report["nvidia_driver"]["version"] == "560.35.03"
    assert report["nvidia_driver"]["source"] == "override"
    assert (report["nvidia_driver"]["cuda"], report["nvidia_driver"]["cuda_source"]) == ("12.6", "override")
    assert report["gpus"][0]["compute_capability"] == "9.0"
    assert report["gpus"][0]["compute_capability_source"] == "override"
    assert report["overrides"] == ["TORCH_SETUP_DRIVER_VERSION", "TORCH_SETUP_CUDA_VERSION", "TORCH_SETUP_GPU_CC"]


def test_driver_override_alone_derives_cuda_from_its_branch(machine):
    report = machine.detect(TORCH_SETUP_DRIVER_VERSION="580.65.06")
    assert report["nvidia_driver"]["cuda"] == "13.0"
    assert report["nvidia_driver"]["cuda_source"] == "driver-branch"


def test_cc_override_plans_for_gpus_this_machine_lacks(machine):
    report = machine.detect(TORCH_SETUP_GPU_CC="8.6,6.1")
    assert [(g["vendor"], g["index"], g["compute_capability"], g["source"]) for g in report["gpus"]] == [
        ("nvidia", 0, "8.6", "override"), ("nvidia", 1, "6.1", "override")]


def test_driver_none_removes_the_driver(machine):
    machine.nvidia_smi("ada-4070laptop-575.51.02.xml")
    report = machine.detect(TORCH_SETUP_DRIVER_VERSION="none")
    assert report["nvidia_driver"] is None and report["overrides"] == ["TORCH_SETUP_DRIVER_VERSION"]


def test_cuda_override_without_a_driver_is_ignored_with_a_note(machine):
    report = machine.detect(TORCH_SETUP_CUDA_VERSION="12.4")
    assert report["nvidia_driver"] is None and report["overrides"] == []
    assert any("TORCH_SETUP_CUDA_VERSION was ignored" in w for w in report["warnings"])


@pytest.mark.parametrize("var, value", [("TORCH_SETUP_GPU_CC", "sm_86"), ("TORCH_SETUP_GPU_CC", "8.6,,7.5"),
                                        ("TORCH_SETUP_DRIVER_VERSION", "latest"),
                                        ("TORCH_SETUP_CUDA_VERSION", "12")])
def test_bad_override_is_bad_input(machine, var, value):
    result = machine.run("detect", "--json", **{var: value})
    assert result.returncode == 2
    assert var in result.stderr and value in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_overrides_apply_to_a_loaded_report(machine, tmp_path):
    machine.nvidia_smi("hadoop-2xP100-375.66.xml")
    saved = tmp_path / "hw.json"
    saved.write_text(json.dumps(machine.detect()))
    result = machine.run("--hardware", str(saved), "detect", "--json", TORCH_SETUP_DRIVER_VERSION="550.54.14")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["nvidia_driver"]["version"] == "550.54.14"
    assert [g["compute_capability"] for g in report["gpus"]] == ["6.0", "6.0"]
    assert report["overrides"] == ["TORCH_SETUP_DRIVER_VERSION"]
