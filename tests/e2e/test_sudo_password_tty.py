"""A desktop user whose sudo asks for a password: the wizard lets sudo ask once (`sudo -v` on the
terminal), then the root steps run through `sudo -n`, and must find that password still cached.

sudo's default `timestamp_type=tty` keys the cache to the terminal and the session (timestamp.c: a
TS_TTY record holds the tty device, the session id and the session leader's start time). A step started
in a session of its own has no terminal, finds no record, and fails with "a password is required".

For real: a throwaway user with a password and a sudoers rule that requires it (tty tickets set
explicitly, with and without sudo's `use_pty`), a pseudo-terminal as that user's controlling terminal,
the password typed when sudo's prompt shows, and a root step run by the executor's own path (run_plan).

The other tests (no root needed) check what staying in our session must not cost, with a stand-in
`sudo` (the executor keeps the terminal for commands of that name): Ctrl-C on the terminal still reaches
torch-setup alone, a program that reads the terminal fails at once instead of stopping until the
deadline, and every other step still runs with no terminal at all.
"""

from __future__ import annotations

import fcntl
import json
import os
import pwd
import secrets
import select
import shutil
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# the system's interpreter of the same version as the one running the tests: the throwaway user imports
# installer with the test venv's site-packages (compiled for this version) and cannot read root's pyenv
SYSTEM_PY = f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
TIMEOUT = 90.0

real_sudo = pytest.mark.skipif(
    not (os.geteuid() == 0 and shutil.which("sudo") and shutil.which("setpriv") and shutil.which("useradd")
         and shutil.which("userdel") and shutil.which("chpasswd") and shutil.which("visudo")
         and os.access(SYSTEM_PY, os.X_OK)),
    reason=f"needs root, sudo, visudo, setpriv, useradd/userdel/chpasswd and {SYSTEM_PY}")


@dataclass
class PasswordUser:
    name: str
    password: str
    home: Path
    sudoers: Path


def _run(*argv: str, input: str | None = None) -> None:
    subprocess.run(argv, input=input, text=True, check=True, capture_output=True, timeout=60)


@pytest.fixture
def password_user() -> Iterator[PasswordUser]:
    name = f"tspw{secrets.token_hex(4)}"  # unique: runs under xdist, or after a killed run, never meet
    user = PasswordUser(name=name, password=secrets.token_hex(8), home=Path("/home") / name,
                        sudoers=Path("/etc/sudoers.d") / f"zz-torch-setup-test-pw-{name}")
    try:
        _run("useradd", "--create-home", "--home-dir", str(user.home), "--shell", "/bin/sh", name)
        _run("chpasswd", input=f"{name}:{user.password}\n")
        yield user
    finally:
        user.sudoers.unlink(missing_ok=True)
        subprocess.run(["userdel", "--remove", "--force", name], capture_output=True, timeout=60)
        shutil.rmtree(user.home, ignore_errors=True)
        for ts in (Path("/run/sudo/ts") / name, Path("/var/run/sudo/ts") / name):
            ts.unlink(missing_ok=True)


def _allow(user: PasswordUser, *, use_pty: bool) -> None:
    """A rule that requires the password (no NOPASSWD), SETENV for --preserve-env, tty tickets: Debian's
    and Ubuntu's default, set here so that the test does not depend on the distribution's."""
    text = (f"Defaults:{user.name} timestamp_type=tty, timestamp_timeout=5, passwd_tries=1, "
            f"{'' if use_pty else '!'}use_pty, !lecture\n"
            f"{user.name} ALL=(root) SETENV: {SYSTEM_PY}, /usr/bin/true\n")
    staged = user.sudoers.with_name(user.sudoers.name + ".new")  # sudo skips names with a dot
    staged.write_text(text)
    try:
        staged.chmod(0o440)
        _run("visudo", "-c", "-q", "-f", str(staged))  # a broken file would break sudo for everyone
        staged.rename(user.sudoers)
    finally:
        staged.unlink(missing_ok=True)


# As the user, on the terminal: the wizard's path. run_plan(interactive=True) runs sudo's preflight,
# which asks for the password once, then the root step through the executor.
PROGRAM = """
import sys
from installer.errors import TorchSetupError
from installer.executor import run_plan
from installer.executor.events import OutputLine
from installer.plan.model import Command, Plan, Step
py, code, state = sys.argv[1:4]
step = Step(id="root-step", title="root step", kind="command", root=True,
            commands=(Command(argv=(py, "-c", code), env=(("DEBIAN_FRONTEND", "noninteractive"),)),))
try:
    for event in run_plan(Plan(steps=(step,)), state_dir=state, interactive=True):
        if isinstance(event, OutputLine):
            print("OUT " + event.line, flush=True)
        else:
            print(type(event).__name__, getattr(event, "ok", ""), getattr(event, "detail", ""), flush=True)
except TorchSetupError as exc:
    print("ERROR " + exc.render(), flush=True)
    sys.exit(1)
"""


# The root step: who it runs as, and what reading the terminal does to it (it must not stop it).
ROOT_STEP = """
import errno, os
try:
    os.read(os.open("/dev/tty", os.O_RDWR), 1)
    tty = "read"
except OSError as exc:
    tty = errno.errorcode[exc.errno]
print("EUID=%d TTY=%s" % (os.geteuid(), tty), flush=True)
"""


def _take_terminal() -> None:  # in the child, after setsid: the pty on fd 0 becomes its controlling terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    # and SIGINT at its default, as a terminal's shell starts a program: a test run started in the background
    # (`make test &`, some CI runners) ignores SIGINT, which exec passes on, and Ctrl-C would reach nothing
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Terminal:
    """A program on a pseudo-terminal of its own, the way it runs in a terminal window."""

    def __init__(self, argv: list[str], *, env: dict[str, str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        try:
            self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                         start_new_session=True, preexec_fn=_take_terminal)
        finally:
            os.close(slave)
        self.seen = b""
        self.deadline = time.monotonic() + TIMEOUT

    def read_until(self, want: bytes | None) -> bool:
        """Read until `want` shows (True) or the terminal closes (False); fails the test at the deadline."""
        while want is None or want not in self.seen:
            ready, _w, _x = select.select([self.master], [], [], max(0.0, self.deadline - time.monotonic()))
            if not ready:
                pytest.fail(f"nothing more after {TIMEOUT}s; the terminal showed:\n{self.text()}")
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: every process holding the terminal has exited
                data = b""
            if not data:
                return False
            self.seen += data
        return True

    def write(self, text: str) -> None:
        os.write(self.master, text.encode())

    def text(self) -> str:
        return self.seen.decode(errors="replace").replace("\r\n", "\n")

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=max(1.0, self.deadline - time.monotonic()))
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            os.close(self.master)


@real_sudo
@pytest.mark.root
@pytest.mark.parametrize("use_pty", [True, False], ids=["use_pty", "no_pty"])
def test_root_step_finds_the_password_typed_for_sudo_v(password_user, readable_checkout, use_pty):
    _allow(password_user, use_pty=use_pty)
    user = pwd.getpwnam(password_user.name)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(password_user.home), "LANG": "C.UTF-8",
           "XDG_CACHE_HOME": str(password_user.home / "cache"), "TERM": "xterm",
           "PYTHONPATH": f"{readable_checkout.root}:{readable_checkout.site}"}
    term = Terminal(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups",
                     SYSTEM_PY, "-c", PROGRAM, SYSTEM_PY, ROOT_STEP, str(password_user.home / "state")],
                    env=env, cwd=password_user.home)
    try:
        asked = term.read_until(f"password for {password_user.name}".encode())
        assert asked, "sudo never asked for the password:\n" + term.text()
        term.write(password_user.password + "\n")
        term.read_until(None)
    finally:
        code = term.close()
    out = term.text()
    assert password_user.password not in out  # sudo turned echo off while it read it
    assert "a password is required" not in out, out
    assert "OUT EUID=0 TTY=EIO" in out.splitlines(), out  # root; and a read of the terminal fails at once
    assert code == 0 and "RunFinished True" in out, out


# --- what staying in our session must not cost (a stand-in sudo: no root needed) ----------------------

FAKE_SUDO = """#!/bin/sh
while [ "$1" != "--" ]; do shift; done
shift
exec "$@"
"""

# The child: where it is (session, group) and what the terminal does to it.
REPORT = """
import errno, json, os
seen = {"sid": os.getsid(0), "pgrp": os.getpgrp(), "pid": os.getpid()}
try:
    fd = os.open("/dev/tty", os.O_RDWR)
except OSError as exc:
    seen["open"] = errno.errorcode[exc.errno]
else:
    seen["open"] = "ok"
    seen["foreground"] = os.tcgetpgrp(fd)
    try:
        os.read(fd, 1)
        seen["read"] = "ok"
    except OSError as exc:
        seen["read"] = errno.errorcode[exc.errno]
print(json.dumps(seen), flush=True)
"""

# torch-setup's side, on the terminal: one Child, then what it saw.
RUNNER = """
import json, os, sys, time
from installer.executor.process import Child
argv = tuple(sys.argv[1:])
child = Child(argv, env=dict(os.environ), cwd=None, deadline=time.monotonic() + 20, cancel=None)
lines = [text for _stream, text in child.lines()]
print("RESULT " + json.dumps({"sid": os.getsid(0), "pgrp": os.getpgrp(), "lines": lines,
                              "timed_out": child.outcome.timed_out, "code": child.outcome.returncode}), flush=True)
"""


@pytest.fixture
def fake_sudo(tmp_path: Path) -> Path:
    exe = tmp_path / "bin" / "sudo"
    exe.parent.mkdir()
    exe.write_text(FAKE_SUDO)
    exe.chmod(0o755)
    return exe


def _on_terminal(code: str, *argv: str) -> Terminal:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "LANG": "C.UTF-8", "TERM": "xterm"}
    return Terminal([sys.executable, "-c", code, *argv], env=env, cwd=REPO)


def _result(term: Terminal) -> dict:
    term.read_until(None)
    code = term.close()
    found = [line for line in term.text().splitlines() if line.startswith("RESULT ")]
    assert code == 0 and found, term.text()
    return json.loads(found[-1].removeprefix("RESULT "))


def test_a_step_through_sudo_stays_on_our_terminal_in_a_group_of_its_own(fake_sudo):
    got = _result(_on_terminal(RUNNER, str(fake_sudo), "-n", "--", sys.executable, "-c", REPORT))
    assert not got["timed_out"], got  # reading the terminal did not stop it until the deadline
    child = json.loads(got["lines"][-1])
    assert child["sid"] == got["sid"]  # our session: sudo's tty ticket matches
    assert child["pgrp"] == child["pid"] != got["pgrp"]  # a group of its own: killpg ends the step alone
    assert child["open"] == "ok" and child["foreground"] == got["pgrp"]  # we, not the step, get Ctrl-C
    assert child["read"] == "EIO"  # at once, rather than stopped (SIGTTIN) until the deadline


def test_any_other_step_has_no_terminal_at_all():
    got = _result(_on_terminal(RUNNER, sys.executable, "-c", REPORT))
    child = json.loads(got["lines"][-1])
    assert child["sid"] == child["pid"] != got["sid"]
    assert child["open"] == "ENXIO"  # no prompt, no keystrokes pushed into the user's shell, no sudo ticket


# torch-setup's side for Ctrl-C: says when the step runs, then waits for the interrupt.
CTRL_C = """
import os, sys, time
from installer.executor.process import Child
child = Child(tuple(sys.argv[1:]), env=dict(os.environ), cwd=None, deadline=time.monotonic() + 60, cancel=None)
try:
    for _stream, text in child.lines():
        print("STEP " + text, flush=True)
except KeyboardInterrupt:
    print("INTERRUPTED %s" % child.outcome.returncode, flush=True)
"""

# The step: SIGINT would kill it outright (the kernel's default action) and show in its exit status.
# It waits on a pipe nobody writes to (its stdin is /dev/null, which would not wait).
STEP = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
r, w = os.pipe()
print("running", flush=True)
os.read(r, 1)
"""


def test_ctrl_c_on_the_terminal_reaches_torch_setup_and_not_the_step(fake_sudo):
    term = _on_terminal(CTRL_C, str(fake_sudo), "-n", "--", sys.executable, "-c", STEP)
    try:
        assert term.read_until(b"STEP running"), term.text()
        term.write("\x03")  # the terminal's interrupt character: SIGINT to its foreground group
        term.read_until(None)
    finally:
        code = term.close()
    assert code == 0, term.text()
    # the step was ended by torch-setup's SIGTERM to its group, not by the terminal's SIGINT
    assert f"INTERRUPTED -{int(signal.SIGTERM)}\n" in term.text(), term.text()  # (after the echoed ^C)
