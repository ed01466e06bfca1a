"""A driver that is loaded but whose version is unknown (nvidia-smi's log was cut short before it).

Conservative: no CUDA build is said to work as it is, since none can be checked against the driver; each
is offered as after a driver install, and the words say the version is unknown, never that no driver is
loaded. The machine is the recorded rtx4090-550 with its driver version taken away.
"""

from __future__ import annotations

import pytest
from compat_machines import machine

from installer.compat import recommend, resolve_pins
from installer.compat.solver import family


def unknown(cuda: str | None = None):
    return machine("rtx4090-550", nvidia_driver={"version": None, "cuda": cuda, "source": "nvidia-smi"})


@pytest.mark.parametrize("cuda", [None, "12.4"])  # a CUDA figure alone does not make the driver known
def test_every_cuda_build_needs_a_driver_install(cuda):
    rec = recommend(unknown(cuda))
    gpu = [c for c in rec.choices if family(c.variant) == "cuda"]
    assert gpu, rec.to_dict()
    for c in gpu:
        action = c.action("install-driver")
        assert action is not None, c
        assert action.reason.endswith("the loaded driver's version is unknown"), action.reason
    assert rec.facts["driver"] is None


def test_it_is_not_called_no_driver_and_says_how_to_find_out():
    rec = recommend(unknown())
    text = " | ".join(rec.warnings) + " | " + " | ".join(a.reason for c in rec.choices for a in c.actions)
    assert "no NVIDIA driver is loaded" not in text
    assert any(w.startswith("the loaded NVIDIA driver's version is unknown") and "TORCH_SETUP_DRIVER_VERSION" in w
               for w in rec.warnings), rec.warnings


def test_no_driver_at_all_is_still_called_so():
    rec = recommend(machine("rtx4090-550", nvidia_driver=None))
    assert any(w.startswith("no NVIDIA driver is loaded") for w in rec.warnings)
    assert not any("version is unknown" in w for w in rec.warnings)


def test_keeping_a_driver_of_unknown_version_refuses_every_cuda_build():
    rec = recommend(unknown(), keep_driver=True)
    assert [family(c.variant) for c in rec.choices] == ["cpu"]
    cuda_refusals = [r for r in rec.rejected if family(r.variant) == "cuda"]
    assert cuda_refusals and all(r.reason.endswith("the loaded driver's version is unknown and the driver is kept")
                                 for r in cuda_refusals), cuda_refusals


def test_pins_for_an_explicit_variant_say_it_needs_the_driver():
    pins = resolve_pins(unknown(), torch="2.13.0", variant="cu126")
    assert pins.requirements[0] == "torch==2.13.0+cu126"
    assert any("the loaded driver's version is unknown" in r for r in pins.reasons), pins.reasons
