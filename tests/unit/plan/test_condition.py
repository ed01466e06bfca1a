"""The `when:` language: what it computes, and that it never evaluates anything but its own tree."""

from __future__ import annotations

import pytest

from installer.plan.condition import ConditionError, parse_condition

VALUES = {"target.kind": "venv", "hw.os_id": "ubuntu", "driver.install": True, "torch.cuda": "12.10",
          "hw.nvidia_gpu_count": 2, "torch.variant": "cu126", "hw.secure_boot": None,
          "torch.extras": ("torchvision",), "hw.driver_version": "550.54.14"}


@pytest.mark.parametrize("expr, expected", [
    ('target.kind == "venv"', True),
    ('target.kind != "venv"', False),
    ('driver.install and hw.os_id in ["ubuntu", "debian"]', True),
    ('hw.os_id not in ["ubuntu"]', False),
    ("torch.cuda > 12.9", True),  # versions compare as versions: 12.10 > 12.9
    ('torch.cuda >= "12.10"', True),
    ("torch.cuda < 12.2", False),
    ('hw.driver_version >= "550.54.14" and hw.driver_version < 560', True),
    ("not hw.secure_boot and hw.nvidia_gpu_count > 0", True),
    ("hw.secure_boot == null", True),
    ("hw.secure_boot > 1", False),  # an unknown fact is neither above nor below anything
    ('torch.variant startswith "cu"', True),
    ('"torchvision" in torch.extras', True),
    ("torch.extras", True),
    ("(target.kind == \"conda\" or driver.install) and not false", True),
    ("hw.nvidia_gpu_count > 1.5", True),
    (True, True),
    (False, False),
])
def test_evaluates(expr, expected):
    assert parse_condition(expr).evaluate(VALUES) is expected


@pytest.mark.parametrize("expr", [
    '__import__("os").system("id")', "open", "foo.bar == 1", "target.kind ==", "(target.kind",
    'target.kind = "x"', "target.kind == venv", "lambda: 1", "target.kind.__class__", "", "1 +", "[1, 2",
])
def test_rejects(expr):
    with pytest.raises(ConditionError):
        parse_condition(expr)


def test_names_are_collected():
    assert parse_condition('driver.install and hw.os_id == "ubuntu"').names == {"driver.install", "hw.os_id"}
