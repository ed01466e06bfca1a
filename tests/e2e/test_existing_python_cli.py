"""`target.kind: existing` where pip and uv would refuse: known before anything runs, through the real CLI.

A distribution's Python (PEP 668's EXTERNALLY-MANAGED marker: Debian 12, Ubuntu 23.04+) and a Python
whose site-packages the user cannot write (a root-owned /opt/conda or shared venv, for a normal user)
both used to fail the install step only after uv and pip had fetched every wheel. The stand-in for the
distribution's Python is the real Debian interpreter in a folder of its own (tests/helpers.py), so the
installs that are meant to happen here land in that folder, never in the machine's /usr.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import DISTRO_PYTHON, distro_python

pytestmark = pytest.mark.slow

ANSWERS = "version: 1\ntarget:\n  kind: {kind}\n  python: {python}\ntorch:\n  version: 2.13.0\n  variant: cpu\n" \
          "  extras: []\nverify: true\n"


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


@pytest.fixture
def system_python(tmp_path: Path) -> Path:
    py = distro_python(tmp_path / "distro")
    if py is None:
        pytest.skip(f"needs Debian's {DISTRO_PYTHON} to stand in for a distribution's Python")
    return py


def _answers(folder: Path, python: Path, kind: str = "existing") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "answers.yaml"
    path.write_text(ANSWERS.format(kind=kind, python=python))
    return path


def _torch_in(python: Path) -> str | None:
    out = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('torch'))"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


def test_a_python_the_system_manages_is_refused_before_anything_runs(cli, tmp_path, xdg_home, system_python):
    answers = _answers(tmp_path / "work", system_python)
    prefix = system_python.parent.parent
    before = _tree(prefix, xdg_home, answers.parent)
    env = {"PIP_BREAK_SYSTEM_PACKAGES": "", "PIP_CONFIG_FILE": os.devnull}  # no consent anywhere
    for command in ("plan", "install"):
        result = cli(command, "--answers", str(answers), *(["--yes"] if command == "install" else []),
                     cwd=answers.parent, env=env, timeout=120)
        assert result.returncode == 2, result.stdout + result.stderr
        first, *rest = result.stderr.splitlines()
        assert first.startswith(f"{answers}:4: target.python: {system_python} belongs to the operating system ("
                                f"{prefix}/lib/python3.11/EXTERNALLY-MANAGED, PEP 668)"), result.stderr
        hint = " ".join(rest)
        assert f"target.kind: venv, the default; target.python: {system_python}" in hint
        assert "PIP_BREAK_SYSTEM_PACKAGES=1" in hint
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert _tree(prefix, xdg_home, answers.parent) == before  # no journal, no log, no package
    assert _torch_in(system_python) is None


def test_with_pips_consent_torch_goes_into_it(cli, tmp_path, xdg_home, system_python):
    answers = _answers(tmp_path / "work", system_python)
    consent = {"PIP_BREAK_SYSTEM_PACKAGES": "1"}
    plan = cli("plan", "--answers", str(answers), cwd=answers.parent, env=consent, timeout=120)
    assert plan.returncode == 0, plan.stderr
    assert f"# note: {system_python} belongs to the operating system (PEP 668); pip's configuration allows" in plan.stdout
    installs = [line for line in plan.stdout.splitlines() if " install " in line and "torch==2.13.0+cpu" in line]
    assert len(installs) == 2 and all("--break-system-packages" in line for line in installs)  # uv, and pip after it

    first = cli("install", "--answers", str(answers), "--yes", cwd=answers.parent, env=consent, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _torch_in(system_python) == "2.13.0+cpu"
    site = system_python.parent.parent / "local" / "lib" / "python3.11" / "dist-packages"
    assert (site / "torch").is_dir()  # the stand-in's own site-packages, not the machine's /usr
    assert "verify: PASS" in first.stdout
    again = cli("install", "--answers", str(answers), "--yes", cwd=answers.parent, env=consent, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "-> unchanged" in again.stdout and "-> changed" not in again.stdout


def test_the_venv_the_refusal_suggests_installs(cli, tmp_path, xdg_home, system_python):
    answers = _answers(tmp_path / "work", system_python, kind="venv")
    result = cli("install", "--answers", str(answers), "--yes", cwd=answers.parent,
                 env={"PIP_BREAK_SYSTEM_PACKAGES": ""}, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    venv_python = answers.parent / ".venv-torch" / "bin" / "python"
    assert _torch_in(venv_python) == "2.13.0+cpu"
    assert _torch_in(system_python) is None  # the distribution's Python is left as it was


# ---------------------------------------------------------------- a normal user, a Python owned by root
needs_nobody = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root (to build a root-owned Python) and setpriv (to run as nobody)")


@needs_nobody
def test_a_python_the_user_cannot_write_is_refused(readable_checkout):
    base = Path(tempfile.mkdtemp(prefix="torch-setup-owned-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        shared = distro_python(base / "shared", managed=False)  # no marker: only the permissions stop it
        if shared is None:
            pytest.skip(f"needs Debian's {DISTRO_PYTHON}")
        home = base / "home"
        home.mkdir()
        nobody = pwd.getpwnam("nobody")
        os.chown(home, nobody.pw_uid, nobody.pw_gid)
        answers = _answers(home, shared)
        os.chown(answers, nobody.pw_uid, nobody.pw_gid)
        env = {"PATH": f"{readable_checkout.uv.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
               "LANG": "C.UTF-8", "NO_COLOR": "1", "PIP_CONFIG_FILE": os.devnull,
               "PYTHONPATH": f"{readable_checkout.root}:{readable_checkout.site}"}
        before = _tree(base / "shared")
        result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", DISTRO_PYTHON,
                                 "-m", "installer", "install", "--answers", str(answers), "--yes"],
                                cwd=home, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stdout + result.stderr
        first, *rest = result.stderr.splitlines()
        site = base / "shared" / "local" / "lib" / "python3.11" / "dist-packages"
        assert first == (f"{answers}:4: target.python: {site} is not writable by you: installing into {shared} "
                         "needs its owner"), result.stderr
        assert "run torch-setup as its owner (for root: `sudo -H torch-setup install" in " ".join(rest)
        assert _tree(base / "shared") == before
        assert not (home / ".local" / "state").exists()  # refused before the journal was opened

        # root, its owner, may
        as_root = subprocess.run([DISTRO_PYTHON, "-m", "installer", "plan", "--answers", str(answers)],
                                 cwd=home, env={**env, "HOME": "/root"}, capture_output=True, text=True, timeout=120)
        assert as_root.returncode == 0, as_root.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)
