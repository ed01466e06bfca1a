"""Helpers shared by test folders that are plain modules, not fixtures (tests/ is not a package).

pytest puts tests/ on sys.path for tests/conftest.py, so any test module can `from helpers import ...`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

TESTS = Path(__file__).resolve().parent
RECIPE_FIXTURES = TESTS / "fixtures" / "recipes"


def load_module(path: Path, name: str | None = None) -> ModuleType:
    """The module in `path`, loaded once per session under `name` (default: the file's stem).

    It is registered in sys.modules before it runs: dataclasses and pickling look their module up there.
    A second call for the same file returns the same module, so two test folders share one copy; a
    different file under a name already taken is an error rather than a silent swap.
    """
    path = Path(path).resolve()
    name = name or path.stem
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(getattr(loaded, "__file__", "") or "").resolve() != path:
            raise RuntimeError(f"module name {name!r} is taken by {loaded!r}; load {path} under another name")
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def recipe_fixture(name: str) -> ModuleType:
    """A helper module from tests/fixtures/recipes (rangeserver, make_runfile, conda_channel, ...)."""
    return load_module(RECIPE_FIXTURES / f"{name}.py")


def pip_install_plan(venv: Path, packages: list[str], indexes: Any, tools: Any, step_id: str = "pkg") -> Any:
    """A two-step plan the real `pip` kind compiles: make the venv at `venv`, install `packages` into it
    from `indexes` (an installer.plan.indexes.Indexes) with `tools` (installer.plan.tools.Tools)."""
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport
    from installer.plan.kinds.base import KindContext, get_kind
    from installer.plan.model import Plan, Step

    kind = get_kind("pip")
    ctx = KindContext(answers=Answers(), report=HardwareReport(), pins=None, tools=tools, indexes=indexes)
    steps = []
    for sid, params in (("venv", {"venv": str(venv), "python": sys.executable}),
                        (step_id, {"python": str(venv / "bin" / "python"), "packages": packages})):
        compiled = kind.compile(kind.Params.model_validate(params), ctx)
        steps.append(Step(id=sid, title=sid, kind="pip", commands=compiled.commands, guard=compiled.guard,
                          writable=compiled.writable))
    return Plan(steps=tuple(steps))
