"""Fixtures shared by every test folder.

- `cli`: runs the real `torch-setup` in a subprocess (the way a person does), returning the result.
- `torch_python`: a real venv with the CPU build of torch==2.13.0 (from the wheel on this machine's disk
  through pip's find-links), made once per test session. Tests never pull an unpinned torch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MACHINES = FIXTURES / "machines"
TORCH_PIN = "torch==2.13.0"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600, input: str | None = None) -> CliResult:
    full_env = dict(os.environ)
    full_env.setdefault("NO_COLOR", "1")
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "installer", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, input=input,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session", autouse=True)
def session_lock_dir():
    """Run locks of this test session in a folder of its own (1777, as /run/lock is, so tests that run
    torch-setup as another user still meet root's runs there): two test sessions on one machine, or a
    test session beside a real torch-setup run, never refuse each other's root steps."""
    folder = tempfile.mkdtemp(prefix="torch-setup-test-locks-")
    os.chmod(folder, 0o1777)
    before = os.environ.get("TORCH_SETUP_LOCK_DIR")
    os.environ["TORCH_SETUP_LOCK_DIR"] = folder
    yield Path(folder)
    if before is None:
        os.environ.pop("TORCH_SETUP_LOCK_DIR", None)
    else:
        os.environ["TORCH_SETUP_LOCK_DIR"] = before
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def zh():
    """The messages in Simplified Chinese for one test, English again after it."""
    from installer.i18n import set_language

    set_language("zh")
    yield
    set_language("en")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def xdg_home(tmp_path, monkeypatch) -> Path:
    """Point every XDG dir (journal, cache, results) into the test's temp dir."""
    home = tmp_path / "home"
    for var, sub in (("XDG_STATE_HOME", "state"), ("XDG_DATA_HOME", "data"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture(scope="session")
def torch_python(tmp_path_factory) -> Path:
    """The interpreter of a real venv holding torch==2.13.0 (CPU build), shared by the session."""
    root = tmp_path_factory.mktemp("torch-venv")
    venv.EnvBuilder(with_pip=False).create(root)
    py = root / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    # uv reads no pip.conf: hand it the find-links where the CPU wheel lies on this machine
    cmd = [str(uv), "pip", "install", "--python", str(py), "--find-links", "/opt/wheels", f"{TORCH_PIN}+cpu"]
    if not Path("/opt/wheels").is_dir():
        cmd = [str(uv), "pip", "install", "--python", str(py),
               "--index-url", "https://download.pytorch.org/whl/cpu", f"{TORCH_PIN}+cpu"]
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)
    return py


@dataclass
class ReadableCheckout:
    root: Path  # a copy of installer/, recipes/ and tests/ that any user can read
    site: Path  # the runtime dependencies, copied from the test environment's site-packages
    uv: Path  # the uv binary of the test environment, where another user can run it


# Dev-only packages the product never imports at run time: left out of the copy to keep it small.
_DEV_ONLY = ("rattler", "mypy", "mypyc", "pip", "setuptools", "_pytest", "pytest", "grimp", "importlinter",
             "ruff", "pygments", "textual", "rich", "syrupy", "jinja2")


@pytest.fixture(scope="session")
def readable_checkout() -> ReadableCheckout:
    """The code and its dependencies where another user (nobody) can read them.

    A fresh clone often lives under a folder only its owner may enter (mktemp -d makes 0700 folders), so
    tests that act as another user run from this copy rather than from the checkout itself.
    """
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="torch-setup-readable-", dir="/tmp"))
    os.chmod(base, 0o755)
    root = base / "checkout"
    for sub in ("installer", "recipes", "tests"):
        # symlinks as links: recorded roots hold sysfs links that point outside them (a GPU's `driver`)
        shutil.copytree(REPO / sub, root / sub, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    site_src = next(p for p in map(Path, sys.path) if p.name == "site-packages" and str(p).startswith(sys.prefix))

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder) != site_src:
            return [n for n in names if n == "__pycache__"]
        return [n for n in names if n.split("-")[0].split(".")[0].lower() in _DEV_ONLY
                or n.endswith((".pth", "__mypyc.cpython-311-x86_64-linux-gnu.so"))]

    shutil.copytree(site_src, base / "site", ignore=ignore)
    (base / "bin").mkdir()
    uv_src = Path(sys.executable).parent / "uv"
    if uv_src.exists():
        shutil.copy2(uv_src, base / "bin" / "uv")
    for dirpath, dirnames, filenames in os.walk(base):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o444)
    try:
        yield ReadableCheckout(root=root, site=base / "site", uv=base / "bin" / "uv")
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def shared_and_home():
    """(shared, home) for a normal user (nobody) on a lab machine: `shared` is root's folder, which they may
    read but not write; `home` is theirs. Under /tmp, as pytest's tmp_path is under a folder only root may
    enter. Needs root to make."""
    import pwd
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="torch-setup-lab-", dir="/tmp"))
    os.chmod(base, 0o755)
    shared, home = base / "shared", base / "home"
    shared.mkdir(mode=0o755)
    home.mkdir()
    nobody = pwd.getpwnam("nobody")
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    yield shared, home
    shutil.rmtree(base, ignore_errors=True)

