"""--python naming a Python older than every PyTorch release supports is bad input (exit 2), saying which
Python it is and which ones torch takes (read from the compatibility data), not a failed check (exit 1).

There is no Python 3.5 on this machine, so `fake_python` writes a shell script that answers torch-setup's
probes as one does: the identity line is what `_IDENTIFY` prints (real 2.7 and 3.6 print
"torch-setup-python 2.7" / "3.6" for it here: same %-formatting, nothing else); running a probe script
fails as a real Python 2.7 fails on installer/probes/verify.py here, at its first f-string, which 3.5 does
not know either ("SyntaxError: invalid syntax", exit 1). Python 3.6 and 3.7 are real, from pyenv.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from installer.compat.data import load
from installer.compat.solver import parse_range
from installer.errors import InputError
from installer.probes.host import check_interpreter, run_bench, run_verify

PYENV = Path("/root/.pyenv/versions")
PY36, PY37 = PYENV / "3.6.15" / "bin" / "python", PYENV / "3.7.16" / "bin" / "python"

FAKE = """#!/bin/sh
case "$*" in
  *torch-setup-python*) echo "torch-setup-python {version}"; exit 0 ;;
esac
printf '  File "%s", line 72\\n    return f"cu{{major}}{{minor}}"\\n                             ^\\n' "$1" >&2
echo "SyntaxError: invalid syntax" >&2
exit 1
"""


def fake_python(folder: Path, version: str) -> str:
    path = folder / f"python{version}"
    path.write_text(FAKE.format(version=version))
    path.chmod(0o755)
    return str(path)


def _lowest() -> tuple[int, int]:
    """The lowest Python of any released torch on any platform, as the data says (not a constant here)."""
    return min(parse_range(text)[0] for r in load().released() for text in r.python.values())


def _older(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1] - 1}"


def test_python_3_5_is_the_wrong_python_for_verify_and_bench(tmp_path):
    python = fake_python(tmp_path, "3.5")
    low = "{}.{}".format(*_lowest())
    for run in (lambda: run_verify(python), lambda: run_bench(python, quick=True)):
        with pytest.raises(InputError) as err:
            run()
        assert err.value.exit_code == 2 and err.value.key == "--python"
        assert err.value.message.startswith(f"{python} is Python 3.5: no PyTorch release torch-setup knows has "
                                            f"wheels for it (the oldest, torch ")
        assert err.value.message.endswith(f", needs Python {low} or newer)")
        assert err.value.hint.startswith(f"give the python of an environment with Python {low} or newer (the "
                                         f"newest torch, {load().released()[0].torch}, needs ")


def test_the_line_is_where_the_data_puts_it(tmp_path):
    low = _lowest()
    check_interpreter(fake_python(tmp_path, f"{low[0]}.{low[1]}"))  # the lowest supported: not refused here
    with pytest.raises(InputError):
        check_interpreter(fake_python(tmp_path, _older(low)))


@pytest.mark.parametrize("command", ["verify", "doctor", "bench"])
def test_the_cli_says_it_once_with_exit_2(cli, tmp_path, xdg_home, command):
    python = fake_python(tmp_path, "3.5")
    r = cli(command, "--python", python)
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"--python: {python} is Python 3.5: no PyTorch release" in r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("is Python 3.5") == 1
    assert r.stdout.strip() == "" or command == "doctor", r.stdout


@pytest.mark.skipif(not os.access(PY36, os.X_OK), reason="needs a real Python 3.6 (pyenv)")
def test_a_real_python_3_6_that_answers_the_probe_is_refused_too():
    """3.6 runs the verify probe (torch is missing there): its own answer says which Python it is."""
    assert _lowest() > (3, 6)
    with pytest.raises(InputError) as err:
        run_verify(str(PY36))
    assert err.value.message.startswith(f"{PY36} is Python 3.6: ")


@pytest.mark.skipif(not os.access(PY37, os.X_OK), reason="needs a real Python 3.7 (pyenv)")
def test_a_supported_python_without_torch_is_still_a_failed_check():
    assert _lowest() <= (3, 7)
    result = run_verify(str(PY37))
    assert result["ok"] is False and result["checks"][0]["name"] != "probe"


def test_this_python_passes():
    check_interpreter(sys.executable)
