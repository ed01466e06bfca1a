"""The wizard's terminal goes away and no SIGHUP says so (an SSH connection that died silently; `su -c`,
whose shell got the signal instead): the wizard leaves (exit 130, as "Stop and quit"), where before it
stayed behind for ever, its input thread spinning on the dead terminal at 100% CPU (Textualize/textual#6690).

A real pseudo-terminal: the wizard starts with SIGHUP ignored (ignored signals survive exec), draws its
first screen, and the terminal's other side is closed.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"


def _no_sighup_terminal() -> None:  # in the child: the pty on fd 0 is its terminal, and SIGHUP never lands
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def test_the_wizard_leaves_when_its_terminal_is_gone(tmp_path, xdg_home):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "installer", "--dry-run", "--hardware", str(CPU_ONLY)],
                            stdin=slave, stdout=slave, stderr=slave, cwd=tmp_path, env=env,
                            start_new_session=True, preexec_fn=_no_sighup_terminal)
    os.close(slave)
    try:
        seen, end = b"", time.monotonic() + 60
        while b"Welcome" not in seen and time.monotonic() < end:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
        assert b"Welcome" in seen, seen.decode(errors="replace")
        os.close(master)  # the window closes; the wizard is not told
        master = -1
        assert proc.wait(timeout=20) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master >= 0:
            os.close(master)
