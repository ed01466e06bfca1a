"""Once the wizard quits from its Done screen, the terminal keeps what Done said, each command whole on a line.

Found in a trial: a long command copied from the wizard's screen took a newline at each place the screen had
wrapped it, and pasted into a shell it ran in pieces; and once the wizard had quit, its commands were gone. The
real command line on a real pseudo-terminal 60 columns wide, driven by its keys: a dry run to Done, then q.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
# escape sequences (CSI with its private marks, OSC, charset picks): what is left is the text the terminal shows
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>]")
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


def test_done_commands_are_printed_whole_once_the_wizard_quits(tmp_path):
    import pty
    import struct
    import termios
    from fcntl import ioctl

    answers = tmp_path / "lab-answers.yaml"
    answers.write_text("version: 1\nmethod: pip\ntarget:\n  kind: venv\n  path: lab-env\n"
                       "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\nmirror:\n  pytorch: none\n")
    leader, follower = pty.openpty()
    ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 60, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "COLUMNS": "60", "LINES": "30",
           "XDG_STATE_HOME": str(tmp_path / "state")}
    proc = subprocess.Popen([sys.executable, "-m", "installer", "--lang", "en", "--dry-run", "--hardware", CPU_ONLY,
                             "--answers", str(answers)],
                            stdin=follower, stdout=follower, stderr=follower, cwd=tmp_path, env=env,
                            start_new_session=True)
    os.close(follower)
    seen = b""

    def read_until(text: bytes, limit: float) -> None:
        nonlocal seen
        start = len(seen)
        deadline = time.monotonic() + limit
        while text not in ESCAPES.sub(b"", seen[start:]):
            assert time.monotonic() < deadline, f"no {text!r} on the screen: {ESCAPES.sub(b'', seen[-3000:])!r}"
            if select.select([leader], [], [], 0.2)[0]:
                seen += os.read(leader, 65536)

    def press_until(key: bytes, text: bytes) -> None:
        for _i in range(8):
            os.write(leader, key)
            try:
                read_until(text, 5)
                return
            except AssertionError:
                continue
        read_until(text, 0)

    try:
        read_until(b"Step 1 of 9", 60)
        read_until(b"Pre-filled", 30)  # the answers are loaded: j may go to Review
        os.write(leader, b"j")
        read_until(b"Step 5 of 9", 60)
        read_until(b"The plan:", 60)  # Review has planned: n starts the dry run
        press_until(b"n", b"Step 6 of 9")
        read_until(b"Dry run finished", 120)
        press_until(b"n", b"c copies it")  # on past the screens a dry run has nothing for, to Done
        os.write(leader, b"q")
        proc.wait(timeout=30)
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end is closed and drained
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
    assert proc.returncode == 0, ESCAPES.sub(b"", seen[-3000:])
    assert LEAVE_ALTERNATE_SCREEN in seen
    after = ESCAPES.sub(b"", seen.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1]).decode()
    lines = [line.rstrip() for line in after.replace("\r\n", "\n").split("\n")]
    assert next(line for line in lines if line.strip()).startswith("Dry run finished:"), after
    # a recorded machine's: its answers file named from the home folder, or as it is outside it
    replay = [line for line in lines if line.startswith("  ") and "torch-setup install --answers" in line]
    assert len(replay) == 1 and replay[0].endswith("lab-answers.yaml --yes"), after
    assert len(replay[0]) > 60  # longer than the terminal is wide: the terminal wraps it, and copies it whole
    assert lines[lines.index(replay[0]) - 1] == "On the recorded machine, to install unattended:", after
    assert "Traceback" not in after
