"""A hardware report file (`--hardware F`) is held to the keys the contract says every report has.

DESIGN.md, "Hardware report": extra keys are allowed; schema, os (with its keys), gpus (each with index,
vendor, name, pci_id, compute_capability, memory_mib), nvidia_driver, secure_boot, nouveau_loaded,
cuda_toolkits and python must be there, null where unknown. A file without one is bad input (exit 2)
naming the file, the line of the object that lacks the key, and the key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from installer.errors import InputError
from installer.hardware.detection import load_or_detect
from installer.hardware.report import load_report
from installer.tui.engine import Engine

REPO = Path(__file__).resolve().parents[3]
RECORDED = sorted([*(REPO / "tests" / "fixtures" / "machines").glob("*.json"),
                   *(REPO / "tests" / "fixtures" / "hardware").rglob("*.json"),
                   *(REPO / "tests" / "fixtures" / "probes" / "machines").glob("*.hardware.json")])
# every key of the contract, in a machine that has each part (a GPU, a driver, a toolkit, a Python)
MACHINE = REPO / "tests" / "fixtures" / "machines" / "t4-550.json"
MISSING = "this key is missing: every hardware report has it (null where unknown)"


def _saved(tmp_path: Path, data: dict, *, as_yaml: bool = False) -> Path:
    f = tmp_path / ("machine.yaml" if as_yaml else "machine.json")
    f.write_text(yaml.safe_dump(data, sort_keys=False) if as_yaml else json.dumps(data, indent=2))
    return f


def _refused(f: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_report(f)
    assert info.value.exit_code == 2
    return info.value


def _without(data: dict, path: tuple) -> dict:
    *parents, last = path
    holder = data
    for part in parents:
        holder = holder[part]
    del holder[last]
    return data


@pytest.mark.parametrize("machine", RECORDED, ids=lambda p: p.name)
def test_every_recorded_machine_has_every_key_and_loads(machine):
    report = load_report(machine)
    assert report.schema_ == 1


def test_the_fixture_used_below_has_every_part():
    data = json.loads(MACHINE.read_text())
    assert data["gpus"] and data["nvidia_driver"] and data["cuda_toolkits"] and data["python"]


# (the key's path, its name in the message, the line that opens the object lacking it: None for the file's
# own `{`, else the text of a line and how many lines below it)
CASES = [
    (("gpus",), "gpus", None),
    (("python",), "python", None),
    (("nvidia_driver",), "nvidia_driver", None),
    (("nouveau_loaded",), "nouveau_loaded", None),
    (("os", "kernel"), "os.kernel", ('"os": {', 0)),
    (("gpus", 0, "compute_capability"), "gpus[0].compute_capability", ('"gpus": [', 1)),
    (("gpus", 0, "memory_mib"), "gpus[0].memory_mib", ('"gpus": [', 1)),
    (("nvidia_driver", "cuda"), "nvidia_driver.cuda", ('"nvidia_driver": {', 0)),
    (("cuda_toolkits", 0, "path"), "cuda_toolkits[0].path", ('"cuda_toolkits": [', 1)),
]


def _line(f: Path, opens: tuple[str, int] | None) -> int:
    if opens is None:
        return 1
    text, below = opens
    lines = [line.strip() for line in f.read_text().splitlines()]
    return lines.index(text) + 1 + below


@pytest.mark.parametrize("path, key, opens", CASES, ids=[c[1] for c in CASES])
def test_a_missing_key_names_file_line_and_key(tmp_path, path, key, opens):
    f = _saved(tmp_path, _without(json.loads(MACHINE.read_text()), path))
    err = _refused(f)
    assert (err.file, err.line, err.key, err.message) == (str(f), _line(f, opens), key, MISSING), err.render()
    assert err.hint == f"record the machine again with `torch-setup detect --json > {f}`"
    assert err.also == ()


@pytest.mark.parametrize("path, key", [
    (("schema",), "schema"),  # said before the other keys: the file may be no report at all
    (("python", "executable"), "python.executable"),  # the model's own required keys say so as before
    (("gpus", 0, "vendor"), "gpus[0].vendor"),
])
def test_keys_the_model_requires_are_refused_as_before(tmp_path, path, key):
    f = _saved(tmp_path, _without(json.loads(MACHINE.read_text()), path))
    err = _refused(f)
    assert (err.file, err.key) == (str(f), key)
    assert err.message in ("this key is required", "this key is missing, so this file is not a hardware report")


def test_a_yaml_report_names_the_line_too(tmp_path):
    f = _saved(tmp_path, _without(json.loads(MACHINE.read_text()), ("gpus", 0, "vendor")), as_yaml=True)
    err = _refused(f)
    text = f.read_text().splitlines()
    assert err.key == "gpus[0].vendor" and text[err.line - 1].startswith("- index: 0"), err.render()


def test_each_missing_key_is_named_with_one_hint(tmp_path):
    data = json.loads(MACHINE.read_text())
    for path in (("secure_boot",), ("os", "arch"), ("gpus", 0, "pci_id")):
        _without(data, path)
    err = _refused(_saved(tmp_path, data))
    assert [e.key for e in (err, *err.also)] == ["secure_boot", "os.arch", "gpus[0].pci_id"]
    assert err.hint and [e.hint for e in err.also] == [None, None]


def test_null_where_unknown_is_fine(tmp_path):
    data = json.loads(MACHINE.read_text())
    data.update(nvidia_driver=None, python=None, secure_boot=None, cuda_toolkits=[])
    data["os"]["kernel"] = None
    data["gpus"][0].update(compute_capability=None, memory_mib=None, pci_id=None)
    report = load_report(_saved(tmp_path, data))
    assert report.nvidia_driver is None and report.gpus[0].compute_capability is None


def test_extra_keys_are_allowed(tmp_path):
    data = json.loads(MACHINE.read_text())
    data["from_the_future"] = {"x": 1}
    data["gpus"][0]["numa_node"] = 0
    assert load_report(_saved(tmp_path, data)).gpus[0].name == "Tesla T4"


@pytest.mark.parametrize("change, key, words", [
    (lambda d: d.update(gpus={"0": d["gpus"][0]}), "gpus", "expected a list"),
    (lambda d: d.update(gpus="T4"), "gpus", "expected a list"),
    (lambda d: d["gpus"][0].update(vendor="NVIDIA Corporation"), "gpus[0].vendor",
     "Input should be 'nvidia', 'amd', 'intel' or 'apple', not 'NVIDIA Corporation'"),
    (lambda d: d["gpus"][0].update(index="first"), "gpus[0].index", "'first' is not a number"),
    (lambda d: d.update(os=["Linux"]), "os", "this is a section"),
    (lambda d: d["gpus"][0].update(vendor="NVIDIA"), "gpus[0].vendor", "not 'NVIDIA'"),
])
def test_wrong_types_are_refused(tmp_path, change, key, words):
    data = json.loads(MACHINE.read_text())
    change(data)
    err = _refused(_saved(tmp_path, data))
    assert err.key == key and words in err.message, err.render()


def test_a_wrong_type_and_a_missing_key_are_both_named(tmp_path):
    data = json.loads(MACHINE.read_text())
    data["gpus"][0]["vendor"] = "matrox"
    del data["cuda_toolkits"]
    err = _refused(_saved(tmp_path, data))
    assert [e.key for e in (err, *err.also)] == ["gpus[0].vendor", "cuda_toolkits"]


def test_the_wizard_and_load_or_detect_check_the_same(tmp_path, monkeypatch):
    for name in ("TORCH_SETUP_DRIVER_VERSION", "TORCH_SETUP_CUDA_VERSION", "TORCH_SETUP_GPU_CC"):
        monkeypatch.delenv(name, raising=False)
    f = _saved(tmp_path, _without(json.loads(MACHINE.read_text()), ("gpus",)))
    for load in (Engine().load_hardware, load_or_detect):
        with pytest.raises(InputError) as info:
            load(str(f))
        assert (info.value.file, info.value.line, info.value.key) == (str(f), 1, "gpus")
