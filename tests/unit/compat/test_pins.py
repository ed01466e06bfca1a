"""resolve_pins: the exact pins the planner installs, with the local tag PyPI / the PyTorch index use."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from compat_machines import machine
from packaging.version import Version

from installer.compat import resolve_pins
from installer.compat.data import DATA_DIR, load, load_from
from installer.errors import InputError


@pytest.mark.parametrize(("variant", "local"), [("cpu", "+cpu"), ("cu126", "+cu126"), ("cu130", ""),
                                                ("cu132", "+cu132")])
def test_2_13_0_on_linux_x86_64(variant, local):
    pins = resolve_pins(machine("rtx4090-580.65.06"), torch="2.13.0", variant=variant)
    assert (pins.torch, pins.variant, pins.local) == ("2.13.0", variant, local)
    assert (pins.torchvision, pins.torchaudio) == ("0.28.0", "2.11.0")
    assert pins.requirements == (f"torch==2.13.0{local}", f"torchvision==0.28.0{local}",
                                 f"torchaudio==2.11.0{local}")


@pytest.mark.parametrize(("torch", "variant", "local"), [
    ("2.11.0", "cu130", ""),  # 2.11 made CUDA 13.0 the PyPI default
    ("2.10.0", "cu128", ""),
    ("2.10.0", "cu130", "+cu130"),
    ("2.5.1", "cu124", ""),
])
def test_local_tag_follows_the_pypi_default_of_that_release(torch, variant, local):
    assert resolve_pins(machine("h100x8-565"), torch=torch, variant=variant).local == local


def test_other_platforms_local_tags():
    mac = resolve_pins(machine("apple-m2pro"), torch="2.13.0")
    assert (mac.variant, mac.local, mac.requirements[0]) == ("mps", "", "torch==2.13.0")
    # answers files say cpu; on macOS arm64 that is the same single wheel
    assert resolve_pins(machine("apple-m2pro"), torch="2.13.0", variant="cpu").requirements == mac.requirements
    aarch64 = resolve_pins(machine("jetson-orin-nano"), torch="2.13.0", variant="cpu")
    assert aarch64.local == "+cpu"  # the aarch64 PyPI wheel is a CUDA 13.0 build since 2.11
    windows = machine("cpu-only", os={"system": "Windows", "id": "windows", "version_id": "11", "kernel": None,
                                      "arch": "AMD64", "wsl": False, "container": False})
    assert resolve_pins(windows, torch="2.13.0", variant="cpu").local == ""


def test_latest_is_the_newest_released_version():
    data = load()
    newest = max((r.torch for r in data.releases.releases if r.status == "released"), key=Version)
    pins = resolve_pins(machine("cpu-only"))
    assert pins.torch == newest and pins.variant == "cpu"


def test_latest_skips_planned_releases_and_refuses_to_pin_them(tmp_path):
    copy = tmp_path / "data"
    copy.mkdir()
    for f in DATA_DIR.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    doc = yaml.safe_load((copy / "releases.yaml").read_text())
    planned = dict(doc["releases"][0], torch="9.0.0", status="planned")
    doc["releases"].insert(0, planned)
    (copy / "releases.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    data = load_from(Path(copy))
    assert resolve_pins(machine("cpu-only"), data=data).torch != "9.0.0"
    with pytest.raises(InputError) as err:
        resolve_pins(machine("cpu-only"), torch="9.0.0", data=data)
    assert "planned" in err.value.message


def test_latest_with_a_fixed_python_is_the_newest_release_for_that_python():
    data = load()
    pins = resolve_pins(machine("cpu-only"), python="3.10")
    fitting = [r for r in data.released()
               if Version(r.python["linux_x86_64"].split("-")[0]) <= Version("3.10")]
    assert pins.torch == fitting[0].torch != data.released()[0].torch
    assert pins.python == "3.10"


def test_latest_auto_follows_the_recommendation_for_the_gpu():
    pins = resolve_pins(machine("gtx1080ti-535"))
    assert (pins.torch, pins.variant, pins.local) == ("2.14.1", "cu126", "+cu126")
    assert any("compute capability 6.1" in r for r in pins.reasons)


def test_extras_can_be_left_out():
    pins = resolve_pins(machine("cpu-only"), torch="2.13.0", variant="cpu", extras=("torchvision",))
    assert pins.torchaudio is None and pins.requirements == ("torch==2.13.0+cpu", "torchvision==0.28.0+cpu")
    bare = resolve_pins(machine("cpu-only"), torch="2.13.0", variant="cpu", extras=())
    assert bare.requirements == ("torch==2.13.0+cpu",)


def test_an_extra_without_a_wheel_for_the_fixed_python_is_left_out_with_a_reason():
    pins = resolve_pins(machine("cpu-only"), torch="2.15.0", variant="cpu", python="3.15")
    assert pins.torchaudio is None and pins.torchvision is not None
    assert any("left out torchaudio" in r for r in pins.reasons)


def test_a_variant_this_machine_cannot_use_is_pinned_with_the_reason():
    pins = resolve_pins(machine("cpu-only"), torch="2.13.0", variant="cu126")
    assert pins.requirements[0] == "torch==2.13.0+cu126"
    assert "no NVIDIA GPU" in pins.reasons[0]


def test_a_gpu_variant_on_a_machine_without_one_is_blamed_on_the_machine_not_the_python():
    # the target's Python (3.11) has wheels: it used to be named as the cause ("has no wheel for Python 3.11
    # ... (it has 3.10-3.14)"), for any version and a detected interpreter
    for torch in ("latest", "2.13.0"):
        pins = resolve_pins(machine("cpu-only"), torch=torch, variant="cu126", python="3.11")
        assert pins.requirements[0].endswith("+cu126") and pins.python == "3.11"
        assert "no NVIDIA GPU" in pins.reasons[0]
    # 2.15.0 was not built as cu126: latest is the newest release that was
    assert resolve_pins(machine("cpu-only"), variant="cu126", python="3.11").torch == "2.14.1"


def test_a_python_outside_every_release_is_still_the_python_error():
    with pytest.raises(InputError) as err:
        resolve_pins(machine("cpu-only"), torch="2.13.0", variant="cu126", python="3.9")
    assert err.value.key == "target.python" and "no wheel for Python 3.9" in err.value.message


@pytest.mark.parametrize(("kwargs", "key", "words"), [
    ({"torch": "2.99.0"}, "torch.version", "unknown torch version 2.99.0"),
    ({"torch": "two"}, "torch.version", "not a torch version"),
    ({"torch": "2.13.0", "variant": "cu128"}, "torch.variant", "never built as cu128"),
    ({"torch": "2.13.0", "variant": "cu999"}, "torch.variant", "never built as cu999"),
    ({"torch": "2.13.0", "variant": "cuda12"}, "torch.variant", "not a wheel variant"),
    ({"torch": "2.13.0", "variant": "cpu", "python": "3.9"}, "target.python", "no wheel for Python 3.9"),
    ({"extras": ("torchtext",)}, "torch.extras", "unknown extra"),
])
def test_impossible_requests_are_input_errors_with_a_hint(kwargs, key, words):
    with pytest.raises(InputError) as err:
        resolve_pins(machine("cpu-only"), **kwargs)
    assert err.value.key == key
    assert words in err.value.message
    assert err.value.hint


def test_a_variant_of_another_platform_says_where_it_exists():
    with pytest.raises(InputError) as err:
        resolve_pins(machine("apple-m2pro"), torch="2.13.0", variant="cu126")
    assert "Linux x86_64" in (err.value.hint or "")
