"""One child process: argv only, its own process group, output line by line, a deadline, a cancel switch.

The child leads a process group of its own, so Ctrl-C at the terminal (SIGINT to the foreground group)
reaches torch-setup alone, which then ends the child's whole group (SIGTERM, then SIGKILL after a grace
period). The child also gets PR_SET_PDEATHSIG: if torch-setup is killed outright (SIGKILL), the kernel
kills the child too, so a resumed run never races a leftover installer writing into the same environment.

Which session the group is in depends on the command (`_keeps_terminal`):
- through sudo (a root step; the allowlist never lets a recipe name sudo, so only sudo.wrap puts it
  first): our session. sudo's default tty tickets key the password the user typed for `sudo -v` to the
  terminal and the session; in a session of its own the step's `sudo -n` finds no ticket and fails with
  "a password is required", for every user whose sudo asks for one.
- anything else: a new session, with no terminal at all. A step runs code from packages (a build
  backend); without a terminal it can neither use that sudo ticket nor push keystrokes into the user's
  shell (TIOCSTI), and a program that wants to prompt fails at once (ENXIO) rather than waiting.

Why a root step in our session is safe: its stdin is /dev/null or a pipe, never the terminal, so reading
stdin stops nothing; its group is not the foreground group, and SIGTTIN is ignored for it, so a program
that opens /dev/tty to read gets EIO at once (as good as the ENXIO it got before) instead of being
stopped until the step's deadline (sudo hands the ignored signal on, with or without its `use_pty`);
`sudo -n` itself never prompts. Writing to the terminal is not stopped (no TOSTOP by default), but what
could write there runs as root already.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1


_PRCTL: Any
_SIGNAL: Any
try:
    # loaded here, in the parent: between fork and exec the child only calls the functions (no dlopen,
    # no lock another thread might hold), which keeps it safe when the run happens in a worker thread
    _LIBC = ctypes.CDLL(None, use_errno=True)
    _PRCTL = _LIBC.prctl
    _SIGNAL = _LIBC.signal
    _SIGNAL.argtypes = (ctypes.c_int, ctypes.c_void_p)
    _SIGNAL.restype = ctypes.c_void_p
except (OSError, AttributeError):
    _PRCTL = _SIGNAL = None
_SIG_IGN = ctypes.c_void_p(1)  # glibc's SIG_IGN, ((__sighandler_t) 1)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _own_group_on_our_terminal() -> None:  # runs in the child between fork and exec
    """A group of its own in our session (Python 3.10 has no `process_group=`): setpgid, prctl and
    signal are plain system calls. SIG_IGN survives exec, and sudo hands it on to the command."""
    os.setpgid(0, 0)
    if _SIGNAL is not None:
        _SIGNAL(int(signal.SIGTTIN), _SIG_IGN)
    _die_with_parent()


def _keeps_terminal(argv: tuple[str, ...]) -> bool:
    """Whether the child stays in our session: only a command run through sudo (see the module's doc)."""
    return bool(argv) and os.path.basename(argv[0]) == "sudo"


@dataclass
class Outcome:
    returncode: int | None = None
    timed_out: bool = False
    cancelled: bool = False
    error: str = ""  # the program could not be started
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))

    @property
    def ok(self) -> bool:
        return not (self.timed_out or self.cancelled or self.error) and self.returncode is not None


def _pump(stream: object, name: str, q: queue.Queue[tuple[str, str | None]]) -> None:
    try:
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            q.put((name, text.rsplit("\r", 1)[-1]))  # progress redraws: keep what was drawn last
    finally:
        q.put((name, None))


def _feed(stdin: Any, data: bytes) -> None:
    try:
        stdin.write(data)
    except (BrokenPipeError, OSError):
        pass  # the child exited without reading: its exit code says what happened
    finally:
        try:
            stdin.close()
        except OSError:
            pass


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group, then SIGKILL if the leader has not exited after the grace period.
    The leader is not reaped here (the caller does that), so the group id stays valid meanwhile."""
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if _exited(proc.pid):
                return
            time.sleep(0.02)


def _exited(pid: int) -> bool:
    """Whether the child has exited, without reaping it (its pid and group id stay reserved)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None
    except ChildProcessError:
        return True


class Child:
    """Run `argv`; iterate `lines()` for (stream, text), stdout and stderr merged in the order written
    (stream is always "stdout"); read `outcome` afterwards."""

    def __init__(self, argv: tuple[str, ...], *, env: Mapping[str, str], cwd: str | None,
                 deadline: float | None, cancel: threading.Event | None, input: bytes | None = None) -> None:
        self.argv = argv
        self.env = dict(env)
        self.cwd = cwd
        self.deadline = deadline
        self.cancel = cancel
        self.input = input  # written to the child's stdin, which is then closed (no input: /dev/null)
        self.outcome = Outcome()

    def _must_stop(self) -> bool:
        """Whether the cancel switch is set or the deadline has passed (and which: in the outcome)."""
        if self.cancel is not None and self.cancel.is_set():
            self.outcome.cancelled = True
        elif self.deadline is not None and time.monotonic() > self.deadline:
            self.outcome.timed_out = True
        else:
            return False
        return True

    def _wait_exit(self, proc: subprocess.Popen[bytes]) -> None:
        """Both streams are closed: wait for the leader to exit, still honouring cancel and deadline."""
        while not _exited(proc.pid):
            if self._must_stop():
                _kill_group(proc)
                return
            time.sleep(0.02)

    def lines(self) -> Iterator[tuple[str, str]]:
        try:
            terminal = _keeps_terminal(self.argv)
            proc = subprocess.Popen(  # noqa: S603 - an argv list from a checked plan, never a shell
                list(self.argv), env=self.env, cwd=self.cwd,
                stdin=subprocess.DEVNULL if self.input is None else subprocess.PIPE,
                # one pipe for both streams: the lines arrive in the order the child wrote them, so the
                # tail of a failure ends with its reason (two pipes read by two threads could not say)
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=not terminal,
                # only system calls (setpgid, signal, prctl) between fork and exec: async-signal-safe
                preexec_fn=_own_group_on_our_terminal if terminal else _die_with_parent,  # noqa: PLW1509
            )
        except OSError as exc:
            self.outcome.error = f"{self.argv[0]}: {exc.strerror or exc}"
            return
        if self.input is not None and proc.stdin is not None:
            # a thread: a child that does not read its stdin must not block the reading of its output
            threading.Thread(target=_feed, args=(proc.stdin, self.input), daemon=True).start()
        q: queue.Queue[tuple[str, str | None]] = queue.Queue()
        pumps = [threading.Thread(target=_pump, args=(proc.stdout, "stdout", q), daemon=True)]
        for t in pumps:
            t.start()
        open_streams = len(pumps)
        try:
            while open_streams:
                if self._must_stop():
                    break
                try:
                    name, text = q.get(timeout=0.1)
                except queue.Empty:
                    continue
                if text is None:
                    open_streams -= 1
                    continue
                self.outcome.tail.append(text)
                yield name, text
        finally:
            if self.outcome.cancelled or self.outcome.timed_out or open_streams:
                _kill_group(proc)  # stopped early (cancel, deadline, or the consumer went away)
            else:
                self._wait_exit(proc)
            # the leader has exited but is not reaped yet, so its group id cannot have been reused:
            # end whatever it left behind (a step must not leave daemons running)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.outcome.returncode = proc.wait()
            for t in pumps:
                t.join(timeout=1.0)
            if proc.stdout is not None:
                proc.stdout.close()
