"""The program a failed command is named by, in the run's own words ("X failed: ...", "trying X instead")."""

from __future__ import annotations

import pytest

from installer.executor.runner import program_name


@pytest.mark.parametrize(("argv", "name"), [
    (("/usr/bin/uv", "pip", "install", "torch"), "uv"),
    (("/venv/bin/python", "-m", "pip", "install", "torch"), "pip"),
    (("/venv/bin/python", "-I", "-m", "pip", "install"), "pip"),
    # torch-setup's own helpers run as modules of its package (found in use: the Welcome screen said
    # "installer.plan.kinds.wheel failed", a name no user knows)
    (("/venv/bin/python", "-m", "installer.plan.kinds.wheel", "check", "/wh"), "torch-setup"),
    (("/venv/bin/python", "-I", "-m", "installer.plan.kinds.wheel", "check"), "torch-setup"),
    (("/venv/bin/python", "-I", "-c", "import torch"), "python"),
])
def test_the_name_a_person_knows(argv, name):
    assert program_name(argv) == name
