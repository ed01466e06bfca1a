"""verify's NumPy check: torch's wheel does not require NumPy, and `import torch` without it warns
"Failed to initialize NumPy" (found in use: the first command the wizard's Done screen gave printed that
warning, which verify had never shown).

The interpreters are real venvs made by uv: one bare (no NumPy, whatever the test environment holds),
one with NumPy installed. torch is the stand-in, whose NumPy bridge
does what real torch's does (tests/fixtures/probes/standin/torch/__init__.py); what torch says when NumPy
does not fit the build is recorded text (tests/fixtures/probes/README.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from probes_support import PROBE_FIXTURES, VERIFY, standin_env

from installer.i18n import set_language
from installer.probes.host import pip_install_line, run_verify
from installer.probes.text import message

UV = Path(sys.executable).parent / "uv"
NUMPY = "numpy==2.4.6"  # the NumPy the test environment's torchvision pulled in (installer/plan/space.py)


def _venv(root: Path) -> Path:
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(root)], check=True, timeout=120)
    return root / "bin" / "python"


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A real venv with nothing in it (the stand-in torch comes on PYTHONPATH)."""
    return _venv(tmp_path_factory.mktemp("bare-venv"))


@pytest.fixture(scope="module")
def numpy_python(tmp_path_factory) -> Path:
    """A real venv holding NumPy (and no torch: the stand-in comes on PYTHONPATH)."""
    py = _venv(tmp_path_factory.mktemp("numpy-venv"))
    subprocess.run([str(UV), "pip", "install", "-q", "--python", str(py), NUMPY], check=True, timeout=600)
    return py


def _verify(python: Path, machine: Path | None = None, *, more_path: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    env.update(standin_env("rtx3090-rtx3060-cu126"))
    if machine is not None:
        env["TORCH_STANDIN_MACHINE"] = str(machine)
    if more_path is not None:
        env["PYTHONPATH"] += os.pathsep + str(more_path)
    proc = subprocess.run([str(python), str(VERIFY), "--json"], capture_output=True, text=True, env=env, timeout=120)
    return json.loads(proc.stdout)


def _machine(tmp_path: Path, numpy_init_error: str) -> Path:
    data = json.loads((PROBE_FIXTURES / "machines" / "rtx3090-rtx3060-cu126.standin.json").read_text())
    data["numpy_init_error"] = numpy_init_error
    path = tmp_path / "machine.json"
    path.write_text(json.dumps(data))
    return path


def _numpy_check(out: dict) -> dict | None:
    return next((c for c in out["checks"] if c["name"] == "numpy"), None)


def test_no_numpy_is_a_warning_that_says_what_fails_and_how_to_install_it(bare_python):
    out = _verify(bare_python)
    check = _numpy_check(out)
    assert check is not None and check["ok"] is False and check["level"] == "warning"
    assert "NumPy is not installed here" in check["detail"] and "torch.from_numpy() fail" in check["detail"]
    assert check["pip"] == ["numpy"]
    assert check["fix"] == f"if your code uses NumPy, install it: `{bare_python} -m pip install numpy`"
    assert out["numpy"] == {"version": None, "works": False, "error": "ModuleNotFoundError: No module named 'numpy'"}
    assert out["ok"] is True  # torch works: the GPU checks decide the verdict, not NumPy


def test_numpy_that_works_adds_no_check(numpy_python):
    out = _verify(numpy_python)
    assert _numpy_check(out) is None
    assert out["numpy"] == {"version": NUMPY.split("==")[1], "works": True, "error": None}


def test_a_torch_built_for_numpy_1_beside_numpy_2_says_numpy_below_2(numpy_python, tmp_path):
    # the warning torch 2.2 and older print beside NumPy 2 (pytorch/pytorch#135013, mlcommons/training#760)
    out = _verify(numpy_python, _machine(tmp_path, "_ARRAY_API not found"))
    check = _numpy_check(out)
    assert check is not None and check["level"] == "warning"
    assert check["detail"] == ("this torch was built against NumPy 1.x and cannot use NumPy 2.4.6: tensor.numpy() "
                               "and torch.from_numpy() fail (Failed to initialize NumPy: _ARRAY_API not found)")
    assert check["pip"] == ["numpy<2"] and "'numpy<2'" in check["fix"] and "or a newer torch" in check["fix"]
    assert out["numpy"]["works"] is False and out["numpy"]["error"] == "RuntimeError: Numpy is not available"


def test_a_numpy_older_than_the_build_says_upgrade(numpy_python, tmp_path):
    # the warning of a torch built against a newer NumPy C API (danielgatis/rembg#212)
    out = _verify(numpy_python, _machine(tmp_path, "module compiled against API version 0xf but this version of "
                                                   "numpy is 0xe"))
    check = _numpy_check(out)
    assert check is not None and check["pip"] == ["--upgrade", "numpy"]
    assert check["detail"].startswith("NumPy 2.4.6 is older than this torch was built for")
    assert check["fix"] == f"upgrade NumPy: `{numpy_python} -m pip install --upgrade numpy`"


def test_a_broken_numpy_is_not_called_missing(numpy_python, bare_python, tmp_path):
    # a real NumPy with its compiled core removed, as a half-finished uninstall leaves it
    site = next(numpy_python.parent.parent.glob("lib/python*/site-packages"))
    broken = tmp_path / "broken-site"
    for name in ("numpy", "numpy.libs"):
        if (site / name).exists():
            shutil.copytree(site / name, broken / name)
    cores = list((broken / "numpy").glob("_core/_multiarray_umath*.so"))
    assert cores, "NumPy 2's compiled core was not where this test expects it"
    for core in cores:
        core.unlink()
    out = _verify(bare_python, more_path=broken)
    check = _numpy_check(out)
    assert check is not None and check["detail"].startswith("NumPy does not import here"), check
    # NumPy's page of advice is left out: its last sentence says what broke
    assert check["detail"].endswith("fail: No module named 'numpy._core._multiarray_umath'"), check["detail"]
    assert check["pip"] == ["--force-reinstall", "numpy"]


def test_where_the_environment_has_pip_the_fix_is_its_own_pip(tmp_path):
    """The command a person would type there; the host keeps it."""
    root = tmp_path / "seeded"
    subprocess.run([str(UV), "venv", "-q", "--seed", "--python", sys.executable, str(root)], check=True,
                   timeout=300)
    python = root / "bin" / "python"
    out = run_verify(str(python), env=standin_env("rtx3090-rtx3060-cu126"))
    assert out["python"]["pip"] is True
    assert _numpy_check(out)["fix"] == f"if your code uses NumPy, install it: `{python} -m pip install numpy`"


def test_the_host_writes_the_fix_with_its_own_pip_and_in_chinese(bare_python):
    """An environment made by `uv venv` has no pip: the command is torch-setup's pip, pointed at it."""
    out = run_verify(str(bare_python), env=standin_env("rtx3090-rtx3060-cu126"))
    assert out["python"]["pip"] is False
    check = _numpy_check(out)
    assert check is not None
    command = pip_install_line(str(bare_python), ["numpy"])
    assert command == f"{sys.executable} -m pip --python {bare_python} install numpy"
    assert check["fix"] == f"if your code uses NumPy, install it: `{command}`"
    set_language("zh")
    try:
        assert message(check, "fix") == f"如果你的代码用到 NumPy，请安装它：`{command}`"
    finally:
        set_language("en")
