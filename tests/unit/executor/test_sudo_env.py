"""A root step's variables reach it through sudo by name (--preserve-env), never as values in argv: the
sudo process lives as long as the step, and any user reads its argv (ps, /proc/PID/cmdline), so an index
URL with its password there would be everyone's.

The real-sudo tests act as the system user `daemon` (not `nobody`: test_sudo.py gives nobody sudoers
rules of its own, and the two files could meet under xdist) and look at /proc as a user with no rights
at all (uid 54321), as a stranger on the same machine would.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from installer.errors import TorchSetupError
from installer.executor.sudo import preflight, root_env_names, wrap
from installer.plan.model import Command, Plan, Step

SECRET = "s3cret-pw-4711"
INDEX = f"https://bob:{SECRET}@pypi.example.invalid/simple"
SYSTEM_PY = "/usr/bin/python3.11"
USER = "daemon"
STRANGER = ["setpriv", "--reuid=54321", "--regid=54321", "--clear-groups"]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


real_sudo = pytest.mark.skipif(
    not (shutil.which("sudo") and shutil.which("setpriv") and os.geteuid() == 0
         and os.access(SYSTEM_PY, os.X_OK) and _user_exists(USER)),
    reason=f"needs root, sudo, setpriv, {SYSTEM_PY} and the user {USER}")


def test_only_names_go_into_argv():
    argv = wrap(["/usr/bin/pip", "install", "x"], root=True, euid=1000, sudo="/usr/bin/sudo",
                env={"PIP_INDEX_URL": INDEX, "DEBIAN_FRONTEND": "noninteractive"})
    assert argv == ("/usr/bin/sudo", "-n", "--preserve-env=DEBIAN_FRONTEND,PIP_INDEX_URL", "--",
                    "/usr/bin/pip", "install", "x")
    assert not any(SECRET in item or "noninteractive" in item for item in argv)


def test_a_name_sudo_cannot_list_is_refused_not_mangled():
    with pytest.raises(ValueError, match="A,B"):
        wrap(["true"], root=True, euid=1000, sudo="/usr/bin/sudo", env={"A,B": "1"})


def test_root_env_names_are_those_of_root_steps_fallbacks_included():
    pip = Command(argv=("pip", "install", "x"), env=(("PIP_INDEX_URL", INDEX),))
    uv = Command(argv=("uv", "pip", "install", "x"), env=(("UV_INDEX_URL", INDEX),), fallback=pip)
    plan = Plan(steps=(
        Step(id="user", title="user", kind="command", commands=(Command(argv=("true",), env=(("MINE", "1"),)),)),
        Step(id="sys", title="sys", kind="command", root=True, commands=(uv,)),
        Step(id="apt", title="apt", kind="command", root=True,
             commands=(Command(argv=("apt-get",), env=(("DEBIAN_FRONTEND", "noninteractive"),)),)),
    ))
    assert root_env_names(plan) == ("DEBIAN_FRONTEND", "PIP_INDEX_URL", "UV_INDEX_URL")


# --- real sudo --------------------------------------------------------------------------------------

@pytest.fixture
def sudoers_rule() -> Iterator[Path]:
    rule = Path("/etc/sudoers.d/zz-torch-setup-test-env")
    yield rule
    rule.unlink(missing_ok=True)


def _allow(rule: Path, text: str) -> None:
    rule.write_text(text)
    rule.chmod(0o440)


@pytest.fixture
def user_dir() -> Iterator[Path]:
    """A folder the test user owns (pytest's tmp_path is under a root-only folder)."""
    d = Path(tempfile.mkdtemp(prefix="torch-setup-sudo-env-", dir="/tmp"))
    entry = pwd.getpwnam(USER)
    os.chown(d, entry.pw_uid, entry.pw_gid)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _env_for_user(d: Path, ck) -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(d), "XDG_CACHE_HOME": str(d / "cache"),
            "LANG": "C.UTF-8", "PYTHONPATH": f"{ck.root}:{ck.site}"}


def _as_user(argv: list[str], **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen(["setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL, **kwargs)


# The run, as the user: one root step that says what it got, then waits until the test has looked at /proc.
# The index URL comes in the environment: in this program's argv it would be the leak looked for.
RUN = """
import os, sys
from installer.executor import run_plan
from installer.executor.events import OutputLine
from installer.plan.model import Command, Plan, Step
py, code, release, state = sys.argv[1:5]
step = Step(id="root-step", title="root step", kind="command", root=True,
            commands=(Command(argv=(py, "-c", code, release),
                              env=(("PIP_INDEX_URL", os.environ["TEST_INDEX"]), ("DEBIAN_FRONTEND", "noninteractive"))),))
for event in run_plan(Plan(steps=(step,)), state_dir=state):
    if isinstance(event, OutputLine):
        print("OUT " + event.line, flush=True)
    else:
        print(type(event).__name__, getattr(event, "ok", ""), getattr(event, "detail", ""), flush=True)
"""

# The step itself, run as root through sudo. It says what it got as a hash: the executor hides the
# password in everything a step prints, and the expected value must not be in the step's own argv.
STEP = """
import hashlib, json, os, sys
index = os.environ.get("PIP_INDEX_URL", "").encode()
print("READY " + json.dumps({"euid": os.geteuid(), "index": hashlib.sha256(index).hexdigest(),
                             "frontend": os.environ.get("DEBIAN_FRONTEND")}), flush=True)
open(sys.argv[1]).read()
"""

# What a user with no rights sees of every other process: its argv, and its environment where readable.
LOOK = """
import json, os
secret = os.environ.pop("TEST_SECRET").encode()
seen = {"cmdlines": 0, "preserve": 0, "leaks": []}
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():
        continue
    for part in ("cmdline", "environ"):
        try:
            data = open(f"/proc/{pid}/{part}", "rb").read()
        except OSError:
            continue
        if part == "cmdline":
            seen["cmdlines"] += 1
            # (sudo cuts its own copy of the list at the commas: the names show NUL-separated)
            seen["preserve"] += b"--preserve-env=DEBIAN_FRONTEND" in data
        if secret in data:
            seen["leaks"].append([pid, part, data.decode(errors="replace")])
print(json.dumps(seen))
"""


def _release(fifo: Path) -> threading.Thread:
    # a thread: opening a FIFO blocks until the step opens it too, and a step that died never will
    t = threading.Thread(target=lambda: fifo.write_text("go"), daemon=True)
    t.start()
    return t


@real_sudo
@pytest.mark.root
def test_a_root_step_gets_its_variables_and_no_one_reads_them_in_argv(user_dir, readable_checkout, sudoers_rule):
    _allow(sudoers_rule, f"{USER} ALL=(root) NOPASSWD: ALL\n")  # the usual rule: ALL implies SETENV
    release = user_dir / "release"
    os.mkfifo(release)
    run = _as_user([SYSTEM_PY, "-c", RUN, SYSTEM_PY, STEP, str(release), str(user_dir / "state")],
                   cwd=user_dir, env={**_env_for_user(user_dir, readable_checkout), "TEST_INDEX": INDEX})
    assert run.stdout is not None
    lines: list[str] = []
    try:
        for line in run.stdout:  # the step is running, and waiting, once it says READY
            lines.append(line.rstrip("\n"))
            if line.startswith("OUT READY "):
                break
        else:
            pytest.fail("the root step never started:\n" + "\n".join(lines))
        got = json.loads(lines[-1].removeprefix("OUT READY "))
        seen = json.loads(subprocess.run([*STRANGER, SYSTEM_PY, "-c", LOOK], capture_output=True, text=True,
                                         env={"TEST_SECRET": SECRET}, check=True, timeout=60).stdout)
    finally:
        _release(release)
        rest, _err = run.communicate(timeout=120)
    lines += rest.splitlines()
    assert run.returncode == 0, "\n".join(lines)
    assert got == {"euid": 0, "index": hashlib.sha256(INDEX.encode()).hexdigest(), "frontend": "noninteractive"}
    assert seen["leaks"] == [], seen["leaks"]
    assert seen["preserve"] >= 1, seen  # /proc was readable: the sudo process was seen, by name only
    shown = [line for line in lines if line.startswith("OUT $ ")]
    assert shown and all(SECRET not in line for line in shown), shown  # what the log and the screen show
    log = "".join(p.read_text() for p in (user_dir / "state" / "logs").glob("*.log"))
    assert "PIP_INDEX_URL=https://***@pypi.example.invalid/simple" in log and SECRET not in log
    assert lines[-1].startswith("RunFinished True"), lines


PREFLIGHT = """
import sys
from installer.errors import TorchSetupError
from installer.executor.sudo import preflight
try:
    preflight(needs_root=True, interactive=False, steps=["nvidia-driver"], env_names=["DEBIAN_FRONTEND"])
except TorchSetupError as e:
    print(e.render())
    sys.exit(1)
print("ok")
"""


@real_sudo
@pytest.mark.root
def test_sudoers_without_setenv_is_said_before_the_first_step(user_dir, readable_checkout, sudoers_rule):
    _allow(sudoers_rule, f"{USER} ALL=(root) NOPASSWD: {SYSTEM_PY}, /usr/bin/true\n")
    refused = _as_user([SYSTEM_PY, "-c", PREFLIGHT], cwd=user_dir, env=_env_for_user(user_dir, readable_checkout))
    out, _err = refused.communicate(timeout=60)
    assert refused.returncode == 1, out
    assert "not pass on their settings (DEBIAN_FRONTEND): nvidia-driver" in out, out
    assert "SETENV" in out and "password" not in out, out  # the cause, not the usual "sudo -v"

    _allow(sudoers_rule, f"{USER} ALL=(root) NOPASSWD:SETENV: {SYSTEM_PY}, /usr/bin/true\n")
    allowed = _as_user([SYSTEM_PY, "-c", PREFLIGHT], cwd=user_dir, env=_env_for_user(user_dir, readable_checkout))
    out, _err = allowed.communicate(timeout=60)
    assert (allowed.returncode, out.strip()) == (0, "ok")


def test_preflight_names_no_variables_as_root():
    preflight(needs_root=True, interactive=False, env_names=["X"], euid=0, sudo="/nonexistent/sudo")


def test_preflight_without_sudo_is_still_the_plain_message(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(TorchSetupError, match="sudo is not installed"):
        preflight(needs_root=True, interactive=False, steps=["driver"], env_names=["X"], euid=1000)
