"""Reading a benchmark against the card's reference figures, and explaining low figures from NVML facts."""

from __future__ import annotations

import copy

import pytest
from probes_support import PROBE_FIXTURES

from installer.probes import history
from installer.probes.gpu_state import merge_under_load, parse_smi_xml
from installer.probes.reference import REFERENCES, find_reference, pcie_gbps
from installer.probes.results import enrich, render


def _gpu_result(name="NVIDIA GeForce RTX 4090", fp16=150.0, h2d=24.0):
    return {"type": "result", "device": {"type": "cuda", "name": name, "capability": "8.9"},
            "torch_version": "2.13.0+cu126", "tests": [
                {"id": "matmul-fp16", "label": "matmul fp16 8192x8192", "unit": "TFLOP/s", "median": fp16,
                 "min": fp16 * 0.98, "max": fp16 * 1.01, "spread_pct": 3.0},
                {"id": "memory-bandwidth", "label": "device memory copy", "unit": "GB/s", "median": 920.0,
                 "spread_pct": 1.0},
                {"id": "h2d-pinned", "label": "host to device, pinned memory", "unit": "GB/s", "median": h2d,
                 "spread_pct": 1.0}], "skipped": []}


def _state():
    return parse_smi_xml((PROBE_FIXTURES / "nvidia-smi" / "gtx1070.xml").read_text())


def test_reference_lookup_prefers_the_longest_match_and_knows_nothing_of_unknown_cards():
    assert find_reference("NVIDIA L40S").name == "NVIDIA L40S"
    assert find_reference("NVIDIA L40").name == "NVIDIA L40"
    assert find_reference("NVIDIA L4").name == "NVIDIA L4"
    assert find_reference("NVIDIA A100-SXM4-80GB").name == "NVIDIA A100 SXM4 80GB"
    assert find_reference("NVIDIA A10").name == "NVIDIA A10"
    assert find_reference("NVIDIA H100 80GB HBM3").tflops["bf16"] == pytest.approx(989.4)
    assert find_reference("NVIDIA GeForce GTX 1070") is None
    for ref in REFERENCES:  # every entry says where its figures come from
        assert ref.source and ref.memory_gbps > 0 and ref.tflops.get("fp32")


def test_pcie_link_bandwidth_per_generation():
    assert pcie_gbps(3, 16) == pytest.approx(15.75, rel=1e-3)
    assert pcie_gbps(4, 16) == pytest.approx(31.5, rel=1e-3)
    assert pcie_gbps(4, 4) == pytest.approx(7.88, rel=1e-3)
    assert pcie_gbps(None, 16) is None


def test_shares_of_peak_and_no_note_on_a_healthy_card():
    state = _state()
    state["pcie"] = {"gen_current": 4, "gen_max": 4, "width_current": 16, "width_max": 16}
    out = enrich(_gpu_result(), state)
    tests = {t["id"]: t for t in out["tests"]}
    assert tests["matmul-fp16"]["share"] == pytest.approx(150.0 / 165.2, rel=1e-3)
    assert tests["memory-bandwidth"]["share"] == pytest.approx(920.0 / 1008.0, rel=1e-3)
    assert tests["h2d-pinned"]["peak"] == pytest.approx(31.5, rel=1e-3)
    assert out["notes"] == []
    assert "91% of peak" in render(out)
    assert out["summary"] == "NVIDIA GeForce RTX 4090: matmul fp16 150.0 TFLOP/s (91% of peak), memory 920.0 GB/s (91% of peak)"


def test_a_narrow_link_explains_slow_copies():
    state = _state()  # recorded: Gen3 x16
    state["pcie"]["width_current"] = 4  # the same card in a x4 slot
    notes = enrich(_gpu_result(h2d=3.2), state)["notes"]
    assert any("x4 of x16" in n and "x16 slot" in n for n in notes)


def test_a_lowered_power_limit_while_capped_gives_the_command_to_restore_it():
    state = _state()  # recorded: limit 190 W = default
    state["power"]["limit_w"] = 120.0
    state["throttle"] = ["sw_power_cap"]
    notes = enrich(_gpu_result(fp16=60.0), state)["notes"]
    assert any("lowered to 120 W (default 190 W)" in n and "nvidia-smi -pl 190" in n for n in notes)


def test_thermal_slowdown_and_low_figures_without_a_reason():
    state = _state()
    state["throttle"] = ["hw_thermal_slowdown"]
    state["temperature_c"] = 91.0
    assert any("heat (up to 91.0 °C)" in n for n in enrich(_gpu_result(), state)["notes"])
    clean = _state()
    notes = enrich(_gpu_result(fp16=40.0), clean)["notes"]
    assert any("below half" in n and "nvidia-smi" in n for n in notes)


def test_unknown_card_and_cpu_results_say_so():
    assert any("no reference figures" in n for n in enrich(_gpu_result(name="NVIDIA GeForce GTX 1070"))["notes"])
    cpu = {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2}, "tests": [], "skipped": []}
    out = enrich(cpu)
    assert out["reference"] is None and out["notes"] == ["no GPU in use: these are CPU figures (2 threads)"]


def test_merge_under_load_ignores_idle_readings():
    busy = _state()
    idle = copy.deepcopy(busy)
    idle["throttle"], idle["pcie"]["gen_current"] = ["gpu_idle"], 1
    capped = copy.deepcopy(busy)
    capped["throttle"], capped["temperature_c"] = ["sw_power_cap"], 72.0
    merged = merge_under_load([idle, busy, capped, idle])
    assert merged["pcie"]["gen_current"] == 3 and merged["throttle"] == ["sw_power_cap"]
    assert merged["temperature_c"] == 72.0 and merged["samples"] == 4


def test_history_saves_and_compares_with_the_last_run_on_the_same_device(tmp_path):
    first = _gpu_result(fp16=150.0)
    history.save(first, tmp_path, now=1_700_000_000)
    history.save(_gpu_result(name="NVIDIA A100-SXM4-80GB", fp16=280.0), tmp_path, now=1_700_000_100)
    (tmp_path / "zz-broken.json").write_text("{not json")
    second = _gpu_result(fp16=120.0)
    earlier = history.load_all(tmp_path)
    assert len(earlier) == 2
    path, previous = history.previous_for(second, earlier)
    assert previous["device"]["name"] == "NVIDIA GeForce RTX 4090"
    comparison = history.compare(second, previous, path)
    change = {c["id"]: c for c in comparison["changes"]}["matmul-fp16"]
    assert change["change_pct"] == pytest.approx(-20.0) and change["significant"] is True
    assert {c["id"]: c for c in comparison["changes"]}["memory-bandwidth"]["significant"] is False
    assert "-20.0% vs last run" in render(enrich(second), comparison)


def test_sampler_is_a_no_op_where_nvml_is_missing():
    # this machine has no NVIDIA driver: NVML does not load, and the benchmark still runs without facts
    from installer.probes.gpu_state import Sampler

    with Sampler(0, period=0.05) as sampler:
        pass
    assert sampler.samples == [] and sampler.state() is None


def test_why_a_test_was_not_measured_is_in_the_chosen_language():
    from installer.i18n import set_language

    cpu = {"device": {"type": "cpu", "name": "AMD EPYC", "threads": 2}, "tests": [],
           "skipped": [{"id": "matmul-tf32", "reason": "TF32 is a GPU mode"}]}
    assert "matmul tf32: skipped (TF32 is a GPU mode)" in render(cpu)
    set_language("zh")
    try:
        # the row named as the measured rows are (found in use: "matmul-tf32：已跳过" under "矩阵乘法 fp32")
        text = render(cpu)
        assert "矩阵乘法 tf32：已跳过（TF32 是 GPU 的模式）" in text and "matmul" not in text
    finally:
        set_language("en")
