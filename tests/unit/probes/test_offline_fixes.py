"""verify's NumPy fix for an environment installed from a wheelhouse (method: wheel): no index is reached for.

Found in a trial (session 34, as u29, the wizard's offline method): after an install from a wheelhouse that held
torch alone, Verify said "if your code uses NumPy, install it: `… pip install numpy`", a command an air-gapped
machine cannot run. The verdicts here are the probe's real one for torch 2.13.0+cpu in a venv without NumPy
(tests/fixtures/probes/verify/cpu-2.13.0.verify.json); the wheelhouses are folders with a manifest of the
build's shape and wheel files named as PyPI names them (only their names are read here; the e2e test
tests/e2e/test_wheelhouse.py downloads and installs real ones).
"""

from __future__ import annotations

import copy
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from installer.i18n import set_language
from installer.plan.kinds.wheel import manylinux_platforms
from installer.probes.offline_fixes import activated_line, lacking, wheelhouse_fixes
from installer.probes.text import message

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "probes" / "verify" / "cpu-2.13.0.verify.json"
PY = "/home/lab/.venv-torch/bin/python"
NUMPY_2 = "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl"
NUMPY_1 = "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"


def verdict() -> dict[str, Any]:
    return copy.deepcopy(json.loads(FIXTURE.read_text()))


def numpy_check(result: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in result["checks"] if c["name"] == "numpy")


def wheelhouse(root: Path, *wheels: str, name: str = "torch-wheelhouse") -> Path:
    wh = root / name
    wh.mkdir()
    (wh / "manifest.json").write_text(json.dumps({
        "format": 1, "python_version": "3.11", "platforms": list(manylinux_platforms("x86_64")),
        "requirements": ["torch==2.13.0+cpu"], "files": []}))
    for w in ("torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl", *wheels):
        (wh / w).write_bytes(b"")
    return wh


@pytest.fixture
def uv(monkeypatch) -> str:
    monkeypatch.setattr("installer.plan.tools.find_uv", lambda: "/opt/uv/bin/uv")
    return "/opt/uv/bin/uv"


def test_a_wheelhouse_with_numpy_gives_the_probes_fix_from_it_alone(tmp_path, uv):
    wh = wheelhouse(tmp_path, NUMPY_2)
    result = verdict()
    wheelhouse_fixes(result, PY, str(wh))
    check = numpy_check(result)
    cmd = f"{uv} pip install --python {PY} --no-index --find-links {wh} numpy"
    assert check["fix"] == f"if your code uses NumPy, install it: `{cmd}`"
    assert check["fix_msg"] == {"text": "if your code uses NumPy, install it: `{cmd}`", "args": {"cmd": cmd}}
    assert check["wheelhouse"] == str(wh) and check["wheelhouse_lacks"] == []
    assert check["pip"] == ["numpy"]  # the arguments, for a front-end to write its own form (Done's)


def test_a_wheelhouse_without_numpy_says_how_to_fetch_it_for_this_machine(tmp_path, uv):
    wh = wheelhouse(tmp_path)
    result = verdict()
    wheelhouse_fixes(result, PY, str(wh))
    check = numpy_check(result)
    assert check["wheelhouse_lacks"] == ["numpy"]
    download = check["fix_msg"]["args"]["download"]
    argv = shlex.split(download)
    assert argv[:7] == ["python3", "-m", "pip", "download", "--dest", str(wh), "--only-binary=:all:"]
    # the environment's Python (3.11.7 in the verdict) and every platform tag the wheelhouse was built for
    assert " --python-version 3.11 --implementation cp --abi cp311 " in download and argv[-1] == "numpy"
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--platform"] == list(manylinux_platforms("x86_64"))
    cmd = f"{uv} pip install --python {PY} --no-index --find-links {wh} numpy"
    assert check["fix"] == (f"the wheelhouse {wh} has no wheel of numpy to install from: where there is network, "
                            f"download one into that folder (`{download}`), carry the folder over, and install it "
                            f"here: `{cmd}`")
    assert "pypi" not in check["fix"].lower() and "index-url" not in check["fix"]
    try:
        set_language("zh")
        said = message(check, "fix")
    finally:
        set_language("en")
    assert said is not None and said.startswith(f"wheelhouse {wh} 里没有可供安装的 numpy wheel") and cmd in said


def test_a_wheelhouse_that_is_not_there_now_is_said_to_be_gone(tmp_path, uv):
    """The USB stick taken out since the install: "has no wheel" would send the person to fetch what it may hold."""
    gone = tmp_path / "usb" / "torch-wheelhouse"
    result = verdict()
    wheelhouse_fixes(result, PY, str(gone))
    check = numpy_check(result)
    assert check["wheelhouse_lacks"] == ["numpy"]
    assert check["fix"].startswith(f"the wheelhouse {gone} this environment was installed from is not there now: "
                                   f"put it back there and install numpy from it (`{check['fix_msg']['args']['cmd']}`)")
    assert f"--dest {gone} " in check["fix"]


def test_a_wheelhouse_without_a_manifest_fetches_for_this_machine(tmp_path, uv):
    """A folder of wheels gathered by hand (no manifest, which the plan refuses, but verify may still meet):
    the environment's Python, and the manylinux range of this machine's architecture."""
    wh = tmp_path / "wheels"
    wh.mkdir()
    result = verdict()
    wheelhouse_fixes(result, PY, str(wh))
    argv = shlex.split(numpy_check(result)["fix_msg"]["args"]["download"])
    assert "3.11" == argv[argv.index("--python-version") + 1]
    assert argv[argv.index("--platform") + 1] == manylinux_platforms(os.uname().machine)[0]


@pytest.mark.parametrize(("wheels", "requirements", "lacks"), [
    ((NUMPY_2,), ["numpy<2"], ["numpy<2"]),      # a NumPy 1.x beside a torch built against it: 2.x does not do
    ((NUMPY_1, NUMPY_2), ["numpy<2"], []),
    ((NUMPY_2,), ["numpy"], []),
    (("NumPy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl",), ["numpy"], []),  # names compared as pip does
    (("numpy-2.4.6.tar.gz", "numpy-broken.whl"), ["numpy"], ["numpy"]),     # only wheels install offline
])
def test_what_the_wheelhouse_lacks(tmp_path, wheels, requirements, lacks):
    assert lacking(str(wheelhouse(tmp_path, *wheels)), requirements) == lacks


def test_a_version_it_lacks_is_named_with_its_specifier(tmp_path, uv):
    wh = wheelhouse(tmp_path, NUMPY_2)
    result = verdict()
    check = numpy_check(result)
    check["pip"] = ["numpy<2"]
    check["fix_msg"] = {"text": "install a NumPy 1.x beside it (`{cmd}`), or a newer torch", "args": {"cmd": "x"}}
    wheelhouse_fixes(result, PY, str(wh))
    assert check["wheelhouse_lacks"] == ["numpy<2"]
    assert check["fix"].startswith(f"the wheelhouse {wh} has no wheel of numpy<2 to install from")
    assert check["fix_msg"]["args"]["download"].endswith(" 'numpy<2'")


def test_without_uv_pip_is_given_the_wheelhouse_as_its_only_find_links(tmp_path, monkeypatch):
    """pip's `--no-index` keeps a pip.conf's find-links (a mirror's URL, the usual advice in China): its variable
    replaces them, as the plan's own offline install does. A folder with a blank in its name goes as a file URL,
    since pip splits the variable on blanks."""
    monkeypatch.setattr("installer.plan.tools.find_uv", lambda: None)
    monkeypatch.setattr("installer.plan.tools.host_pip_works", lambda: False)
    wh = wheelhouse(tmp_path, NUMPY_2, name="USB Stick")
    result = verdict()
    wheelhouse_fixes(result, PY, str(wh))
    cmd = numpy_check(result)["fix_msg"]["args"]["cmd"]
    assert cmd == f"PIP_FIND_LINKS={wh.as_uri()} {PY} -m pip install --no-index numpy"
    assert activated_line(str(wh), ["numpy"]) == f"PIP_FIND_LINKS={wh.as_uri()} python -m pip install --no-index numpy"


def test_passing_checks_and_fixes_without_pip_arguments_are_left_as_they_are(tmp_path, uv):
    result = verdict()
    before = copy.deepcopy([c for c in result["checks"] if c["name"] != "numpy"])
    wheelhouse_fixes(result, PY, str(wheelhouse(tmp_path)))
    assert [c for c in result["checks"] if c["name"] != "numpy"] == before


def test_the_done_screens_command_installs_from_the_wheelhouse_or_is_not_given(tmp_path, uv):
    from installer.tui.screens.done import numpy_command

    wh = wheelhouse(tmp_path, NUMPY_2)
    result = verdict()
    result["python"]["pip"] = True
    wheelhouse_fixes(result, PY, str(wh))
    assert numpy_command(result, activated=True) == f"PIP_FIND_LINKS={wh} python -m pip install --no-index numpy"
    assert numpy_command(result, activated=False) == numpy_check(result)["fix_msg"]["args"]["cmd"]
    # a command that would fail is not given: the Verify screen's warning says how to fetch the wheel
    empty = verdict()
    wheelhouse_fixes(empty, PY, str(wheelhouse(tmp_path, name="torch-only")))
    assert numpy_command(empty, activated=True) is None and numpy_command(empty, activated=False) is None


def test_verify_and_doctor_learn_the_wheelhouse_of_the_last_install_into_that_environment(tmp_path):
    """`verify` and `doctor` (with or without --python) give the wheelhouse's fix for the environment the last
    install went into from it, and the index's for any other, or once an install from an index followed."""
    from installer.probes.last_target import installed_from_wheelhouse, record_last_target

    env = tmp_path / "env" / "bin"
    env.mkdir(parents=True)
    (env / "python").symlink_to(sys.executable)
    (env / "python3").symlink_to("python")
    record_last_target(str(env / "python"), tmp_path, target=str(env.parent), variant="cpu",
                       wheelhouse="/media/usb/torch-wheelhouse")
    assert installed_from_wheelhouse(str(env / "python3"), tmp_path) == "/media/usb/torch-wheelhouse"
    assert installed_from_wheelhouse(sys.executable, tmp_path) is None
    # a wheelhouse build afterwards (no interpreter) keeps what it knew of the last install
    record_last_target(None, tmp_path, target="/srv/wh")
    assert installed_from_wheelhouse(str(env / "python"), tmp_path) == "/media/usb/torch-wheelhouse"
    record_last_target(str(env / "python"), tmp_path, target=str(env.parent), variant="cpu")
    assert installed_from_wheelhouse(str(env / "python"), tmp_path) is None
