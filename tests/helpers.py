"""Helpers shared by test folders that are plain modules, not fixtures (tests/ is not a package).

pytest puts tests/ on sys.path for tests/conftest.py, so any test module can `from helpers import ...`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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
