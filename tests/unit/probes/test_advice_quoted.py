"""Every path put into a command that verify, bench or doctor suggests is shell-quoted: pasted, the command
gets the path as one argument. Found in use (s22): "run `torch-setup verify --python /tmp/t1-ans/sub dir/my
venv/bin/python`" gave "unrecognized arguments: dir/my venv/bin/python"."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from probes_support import hardware

from installer.probes.doctor import EnvFacts, _companion_findings, diagnose
from installer.probes.last_target import point_at_last_install, record_last_target, rerun_text
from installer.probes.results import refusal

SPACED = "/tmp/t1-ans/sub dir/my venv/bin/python"


def _commands(text: str) -> list[list[str]]:
    return [shlex.split(c) for c in re.findall(r"`([^`]+)`", text)]


def test_the_last_install_pointer_quotes_its_path(tmp_path):
    python = tmp_path / "sub dir" / "my venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    record_last_target(str(python), tmp_path)
    result = {"python": {"executable": "/usr/bin/python3", "prefix": "/usr"},
              "import_error": "ModuleNotFoundError: No module named 'torch'",
              "checks": [{"name": "torch-import", "ok": False, "fix": "install it"}]}
    assert point_at_last_install(result, "verify", tmp_path) == str(python)
    fix = result["checks"][0]["fix"]
    assert _commands(fix) == [["torch-setup", "verify", "--python", str(python)]]
    for command in ("bench", "doctor"):
        assert _commands(rerun_text(command, SPACED)) == [["torch-setup", command, "--python", SPACED]]


def test_doctors_commands_quote_the_interpreter():
    verify = {"torch_version": None, "python": {"executable": SPACED},
              "import_error": "ImportError: libcudart.so.12: cannot open shared object file", "checks": []}
    ld = diagnose(hardware("cpu-only"), verify, EnvFacts(ld_library_path="/usr/local/cuda/lib64"))[0]
    assert ld.id == "ld-library-path"
    assert _commands(ld.fix)[0][:4] == ["env", "-u", "LD_LIBRARY_PATH", SPACED]
    companion = _companion_findings({"torch_version": "2.13.0+cpu", "python": {"executable": SPACED},
                                     "companion_checks": {"torchvision": {"version": "0.27.1",
                                                                          "requires_torch": ["torch==2.12.1"],
                                                                          "import_error": None}}}, SPACED)[0]
    for argv in _commands(companion.fix):
        assert argv[argv.index("--python") + 1] == SPACED


def test_benchs_refusal_quotes_the_interpreter():
    _message, hint = refusal({"refused": {"cause": "cpu-build", "device": "cuda:0", "torch_version": "2.13.0+cpu"},
                              "python": {"executable": SPACED}})
    assert _commands(hint)[0] == ["torch-setup", "doctor", "--python", SPACED]


def test_the_verify_probe_quotes_the_interpreter_it_names(tmp_path):
    # the probe runs in the target: a broken torch there, in a folder with a space
    import subprocess

    env = tmp_path / "my venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True, timeout=120)
    site = next((env / "lib").glob("python3*/site-packages"))
    (site / "torch").mkdir()
    (site / "torch" / "__init__.py").write_text("raise ImportError('cannot import name functional')\n")
    from installer.probes.host import run_verify

    result = run_verify(str(env / "bin" / "python"), timeout=120)
    fix = next(c for c in result["checks"] if c["name"] == "torch-import")["fix"]
    argv = _commands(fix)[0]
    assert argv[:3] == ["torch-setup", "doctor", "--python"] and Path(argv[3]).parent.parent == env
