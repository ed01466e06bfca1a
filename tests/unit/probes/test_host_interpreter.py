"""--python that is not a Python 3 interpreter is bad input (exit 2); a Python 3 whose torch is broken is not."""

from __future__ import annotations

import os
import sys
import venv
from pathlib import Path

import pytest

from installer.errors import InputError
from installer.probes.host import check_interpreter, run_bench, run_verify

PYTHON2 = Path("/root/.pyenv/versions/2.7.18/bin/python")


def test_programs_that_are_not_python_are_refused_saying_what_they_did(tmp_path):
    script = tmp_path / "notes.py"
    script.write_text("print('hello')\n")
    script.chmod(0o755)
    wrapper = tmp_path / "python"
    wrapper.write_text("#!/bin/sh\necho 'conda: environment not found' >&2\nexit 3\n")
    wrapper.chmod(0o755)
    cases = {
        "/bin/true": "it printed nothing and exited 0",
        "/bin/false": "it printed nothing and exited 1",
        "/bin/echo": "it printed something else and exited 0",
        str(script): "it cannot be started: Exec format error",
        str(wrapper): "it exited 3, saying: conda: environment not found",
    }
    for given, why in cases.items():
        with pytest.raises(InputError) as err:
            run_verify(given)
        assert err.value.key == "--python" and err.value.exit_code == 2
        assert err.value.message == f"{given} is not a Python interpreter ({why})"
        assert err.value.hint == "give the python of the environment to check, e.g. .venv-torch/bin/python"
    with pytest.raises(InputError):
        run_bench("/bin/true", quick=True)


@pytest.mark.skipif(not os.access(PYTHON2, os.X_OK), reason=f"needs {PYTHON2}, runnable by this user")
def test_python_2_is_named_by_its_version():
    with pytest.raises(InputError) as err:
        check_interpreter(str(PYTHON2))
    assert err.value.message == f"{PYTHON2} is Python 2.7: torch needs Python 3"


def test_a_python_3_passes_even_when_its_start_crashes(tmp_path):
    check_interpreter(sys.executable)
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env)
    site = next((env / "lib").glob("python3.*/site-packages"))
    # a real segmentation fault at start: a .pth line runs in every Python's site, where a sitecustomize.py in
    # the venv is shadowed by a distribution's own (Debian's python3 has /usr/lib/python3.11/sitecustomize.py)
    (site / "crash.pth").write_text("import ctypes; ctypes.string_at(0)\n")
    python = str(env / "bin" / "python")
    check_interpreter(python)  # the interpreter is right; what it loads is broken: verify's business
    result = run_verify(python)
    assert result["ok"] is False and "exit -11" in result["checks"][0]["detail"]


def test_an_empty_path_a_missing_user_and_a_version_where_a_path_belongs(monkeypatch):
    import shutil

    from installer.probes.host import resolve_python

    with pytest.raises(InputError) as err:
        resolve_python("")
    assert err.value.message == "the path is empty"
    with pytest.raises(InputError) as err:
        resolve_python("~nosuchuser/bin/python")  # pathlib raises RuntimeError for it: a traceback before
    assert err.value.message == "no user 'nosuchuser' for ~nosuchuser"
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = shutil.which(f"python{version}")
    with pytest.raises(InputError) as err:
        resolve_python(version)
    if found:
        assert err.value.hint == f"--python takes a path: did you mean --python {found}?"
