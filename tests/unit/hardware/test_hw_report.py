"""The detect --json contract: its keys, the round trip through --hardware, and bad report files."""

from __future__ import annotations

import json

import pytest

from installer.hardware.report import HardwareReport, load_report

CONTRACT_KEYS = {"schema", "os", "gpus", "nvidia_driver", "secure_boot", "nouveau_loaded", "cuda_toolkits", "python"}


def _scenarios(machine):
    """A few machines, each a different mix of facts, all through the real CLI."""
    yield machine.detect()  # an empty root
    machine.os_release("debian-12")
    machine.kernel("6.1.0-18-amd64")
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2684", driver="nouveau")
    machine.modules("nouveau")
    machine.efi(secure_boot=True)
    yield machine.detect()
    machine.nvidia_smi("hadoop-2xP100-375.66.xml")
    yield machine.detect(TORCH_SETUP_GPU_CC="6.0", https_proxy="http://p:3128")


def test_contract_keys_and_types(machine):
    for report in _scenarios(machine):
        assert CONTRACT_KEYS <= set(report)
        assert report["schema"] == 1
        assert set(report["os"]) >= {"system", "id", "version_id", "kernel", "arch", "wsl", "container"}
        for g in report["gpus"]:
            assert set(g) >= {"index", "vendor", "name", "pci_id", "compute_capability", "memory_mib"}
            assert g["vendor"] in ("nvidia", "amd", "intel", "apple")
        assert set(report["python"]) >= {"version", "executable"}


def test_the_plain_dict_path_equals_the_model(machine):
    # `detect --json` prints without pydantic: it must be exactly what the model would print
    for report in _scenarios(machine):
        assert HardwareReport.model_validate(report).to_json() == json.dumps(report, indent=2)


def test_round_trip_through_hardware(machine, tmp_path):
    for i, report in enumerate(_scenarios(machine)):
        saved = tmp_path / f"hw{i}.json"
        saved.write_text(json.dumps(report, indent=2))
        # a different root now: the loaded report must not be re-detected
        result = machine.run("--hardware", str(saved), "detect", "--json", TORCH_SETUP_ROOT=str(tmp_path))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == report
        assert load_report(saved).to_dict() == report


def test_live_machine_round_trip(cli, tmp_path):
    result = cli("detect", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["python"]["version"].count(".") == 2
    saved = tmp_path / "live.json"
    saved.write_text(result.stdout)
    back = cli("--hardware", str(saved), "detect", "--json")
    assert back.returncode == 0 and json.loads(back.stdout) == report


@pytest.mark.parametrize("text, where", [
    ('{\n  "schema": 1,\n  "gpus": [\n    {"index": 0, "vendor": "matrox"}\n  ]\n}\n', ":4: gpus[0].vendor:"),
    ('{\n  "schema": 7\n}\n', ":2: schema:"),
    ('{\n  "schema": 1,\n  "gpus": [\n', ":4:"),
    ('[1, 2]\n', ":1:"),
])
def test_bad_report_files_name_file_line_and_key(machine, tmp_path, text, where):
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    result = machine.run("--hardware", str(bad), "detect", "--json")
    assert result.returncode == 2
    assert f"{bad}{where}" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_report_file(machine, tmp_path):
    result = machine.run("--hardware", str(tmp_path / "nope.json"), "detect")
    assert result.returncode == 2 and "file not found" in result.stderr


def test_json_output_is_one_document(machine):
    machine.pci_gpu("0000:01:00.0", "0x10de", "0x2684")
    result = machine.run("detect", "--json")
    json.loads(result.stdout)  # nothing else on stdout
    assert result.stdout.strip().startswith("{") and result.stdout.strip().endswith("}")
