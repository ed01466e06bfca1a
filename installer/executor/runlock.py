"""Run locks: which runs may go ahead at the same time.

Runs are kept apart by what they write, not by who starts them: one lock per place a run's non-root steps
write (each resolved folder, each file), and one machine-wide lock for any run with steps that need root
(apt/dpkg, the driver, /etc), whoever starts it. Two installs into different environments go ahead at
once; uv and pip lock their own caches, and the journal keeps one record per step digest.

The locks are flock()s, which the kernel drops when their holder dies (SIGKILL included): no stale lock
is ever left to clean up. The files live where every user, root included, can make them: the same
folder for everyone, so that a run as root and a run as a user meet (a user's root steps go through
sudo, but the lock is the user's torch-setup process's, taken before the first sudo).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed

LOCK_DIR_ENV = "TORCH_SETUP_LOCK_DIR"
# world-writable, sticky folders (mode 1777) that exist on the common distributions: /run/lock on Debian
# and Ubuntu; where it is root's alone (Fedora, Arch: 0755), /dev/shm
LOCK_DIRS = ("/run/lock", "/var/lock", "/dev/shm", "/tmp")
ROOT_LOCK_NAME = "torch-setup-root-steps.lock"
NOTE_LIMIT = 64 * 1024  # of the holder's note that a refused run reads back
_TRIES = 10  # to open a lock file that its holder removes at the same moment


def shared_lock_dir(environ: Mapping[str, str] | None = None, candidates: Sequence[str] = LOCK_DIRS) -> Path | None:
    """The folder where the runs of every user meet: $TORCH_SETUP_LOCK_DIR, else the first of `candidates`
    that is a world-writable sticky folder (anyone may make a file there, nobody may remove another's).
    Chosen by the folders' modes, which every user sees alike, so that root and a user pick the same one.
    None when there is none."""
    env = os.environ if environ is None else environ
    if env.get(LOCK_DIR_ENV):
        return Path(env[LOCK_DIR_ENV])
    for folder in candidates:
        try:
            mode = os.stat(folder).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) and mode & (stat.S_ISVTX | stat.S_IWOTH) == stat.S_ISVTX | stat.S_IWOTH:
            return Path(folder)
    return None


def lock_name(place: str) -> str:
    """The lock file of one place a run writes (a resolved path): a hash, so any path makes a file name."""
    return "torch-setup-" + hashlib.sha256(place.encode("utf-8", "surrogateescape")).hexdigest()[:24] + ".lock"


@dataclass(frozen=True)
class Holder:
    """The run that holds a lock, as far as its note (and the kernel's /proc/locks) tell."""

    pid: int | None = None
    into: tuple[str, ...] = ()  # the places it writes
    root_steps: tuple[str, ...] = ()


class RunLocked(InputError):
    """Another run holds a lock this run needs. Exit code 2, as for any refusal before the first step: the
    command as given cannot go ahead now, and nothing was changed."""

    def __init__(self, message: str, *, hint: str, holder: Holder) -> None:
        super().__init__(message, hint=hint)
        self.holder = holder


class _Busy(Exception):
    def __init__(self, holder: Holder) -> None:
        super().__init__()
        self.holder = holder


def _not_ours(path: Path) -> InputError:
    return InputError(_("{path} is not a lock file torch-setup made", path=str(path)),
                      hint=_("remove it (as its owner or root), then run this command again; nothing was changed"))


def _open_lock(path: Path) -> tuple[int, bool]:
    """(fd, whether it may be written). An existing file is opened without O_CREAT: in a sticky folder
    the kernel (fs.protected_regular) refuses O_CREAT on a file another user made, even to root. Never
    through a symlink: one planted there would make a root run write where it points."""
    flags = os.O_NOFOLLOW | os.O_CLOEXEC
    for _try in range(_TRIES):
        try:
            return os.open(path, os.O_RDWR | flags), True
        except FileNotFoundError:
            pass
        except PermissionError:
            # a file made without write access for us (an older torch-setup's 0644): flock needs none
            return os.open(path, os.O_RDONLY | flags), False
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _not_ours(path) from None
            raise
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | flags, 0o666)
        except FileExistsError:
            continue  # another run made it between the two opens
        os.fchmod(fd, 0o666)  # past the umask: the next run to take it may be another user's
        return fd, True
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))


def _same_file(path: Path, fd: int) -> bool:
    """Whether `path` still names the file `fd` has open: a holder removes its lock file as it lets go."""
    try:
        there = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino)


def _flock_pid(fd: int) -> int | None:
    """The pid holding a flock on `fd`'s file, from /proc/locks (as seen from our pid namespace)."""
    st = os.fstat(fd)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()  # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146307 0 EOF"; waiters have "->"
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == where and fields[4].isdigit():
            return int(fields[4]) or None
    return None


def _holder(fd: int) -> Holder:
    try:
        note = json.loads(os.pread(fd, NOTE_LIMIT, 0) or b"{}")
    except (OSError, ValueError):
        note = {}
    if not isinstance(note, dict):
        note = {}
    pid = _flock_pid(fd)
    if pid is not None and note.get("pid") != pid:
        note = {}  # an earlier run's note: the holder had no write access to replace it, or not yet
    noted = note.get("pid")
    return Holder(pid=pid or (noted if isinstance(noted, int) else None),
                  into=tuple(str(p) for p in note.get("into") or ()),
                  root_steps=tuple(str(s) for s in note.get("root_steps") or ()))


def _take(path: Path, note: bytes) -> int:
    """The fd holding the lock `path`; _Busy when another run holds it."""
    for _try in range(_TRIES):
        fd, writable = _open_lock(path)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                raise _not_ours(path)  # a hard link to some other file: our note would change that file
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _Busy(_holder(fd)) from None
            if not _same_file(path, fd):
                os.close(fd)  # its holder removed it just after we opened it: take the one there now
                continue
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, note, 0)
        return fd
    raise InputError(_("cannot take the lock {path}: it keeps changing", path=str(path)),
                     hint=_("run this command again"))


def _release(path: Path, fd: int) -> None:
    # removed while still locked, so that no other run can hold the same file when it goes; another
    # user's file in a sticky folder cannot be removed, and stays there, unlocked, for the next run
    if _same_file(path, fd):
        with contextlib.suppress(OSError):
            os.unlink(path)
    os.close(fd)  # the flock goes with the last fd


class RunLock:
    """The locks a run needs: one per place its non-root steps write (`places`: resolved paths), and the
    machine-wide one when it has steps that need root. RunLocked when another run holds any of them."""

    def __init__(self, places: Iterable[str], *, root_steps: Sequence[str] = (), fallback_dir: Path,
                 lock_dir: Path | None = None) -> None:
        self.places = tuple(sorted(set(places)))
        self.root_steps = tuple(root_steps)
        # with no shared folder on this machine, runs are kept apart per user at least
        self.dir = lock_dir or shared_lock_dir() or Path(fallback_dir)
        self.held: list[tuple[Path, int]] = []

    def __enter__(self) -> RunLock:
        note = json.dumps({"pid": os.getpid(), "uid": os.geteuid(), "since": time.time(), "into": self.places,
                           "root_steps": self.root_steps}).encode()
        wanted: list[tuple[str | None, Path]] = [(p, self.dir / lock_name(p)) for p in self.places]
        if self.root_steps:
            wanted.append((None, self.dir / ROOT_LOCK_NAME))
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for place, path in wanted:
                try:
                    self.held.append((path, _take(path, note)))
                except _Busy as busy:
                    raise self._refusal(place, busy.holder) from None
        except OSError as exc:
            self.__exit__()
            # before anything ran: a refusal (exit 2), like a lock another run holds, not a step that failed
            raise InputError(_("cannot take the run lock in {dir}: {why}", dir=str(self.dir),
                               why=exc.strerror or str(exc)),
                             hint=_("set {var} to a folder you can write to; nothing was changed",
                                    var=LOCK_DIR_ENV)) from None
        except BaseException:
            self.__exit__()
            raise
        return self

    def _refusal(self, place: str | None, holder: Holder) -> RunLocked:
        pid = str(holder.pid) if holder.pid else "?"
        if place is not None:
            return RunLocked(_("another torch-setup run (pid {pid}) is installing into {place}", pid=pid, place=place),
                             hint=_("two runs writing the same place would break it: wait for that run to finish, "
                                    "then run this command again (if that run is stuck, `kill {pid}` stops it; run "
                                    "again, it goes on where it stopped); nothing was changed", pid=pid),
                             holder=holder)
        steps = listed(holder.root_steps) or "?"
        if holder.into:
            message = _("another torch-setup run (pid {pid}) is running steps as root ({steps}) and installing "
                        "into {into}", pid=pid, steps=steps, into=listed(holder.into))
        else:
            message = _("another torch-setup run (pid {pid}) is running steps as root ({steps})", pid=pid, steps=steps)
        return RunLocked(message,
                         hint=_("this plan has steps that run as root too ({mine}), and two runs changing the "
                                "system at once would collide (apt, the driver, files in /etc): wait for that run "
                                "to finish, then run this command again (if that run is stuck, `kill {pid}` stops "
                                "it; run again, it goes on where it stopped); nothing was changed",
                                mine=listed(self.root_steps), pid=pid),
                         holder=holder)

    def __exit__(self, *exc: object) -> None:
        while self.held:
            _release(*self.held.pop())


def run_into(target: str, fallback_dir: Path, lock_dir: Path | None = None) -> tuple[bool, int | None]:
    """Whether a run is writing into `target` now: (known, pid). Read from the kernel's flocks (/proc/locks)
    on the lock files, never by taking one, which could turn a run starting at that moment away. A run's
    lock files stay behind, unlocked, when it is killed (SIGKILL, SIGHUP): only a held one is a run. `known`
    is False where /proc/locks cannot be read; pid is 0 for a holder whose pid is not known. An empty
    `target` (a record from before runs named theirs) matches any run."""
    folder = lock_dir or shared_lock_dir() or Path(fallback_dir)
    if not os.access("/proc/locks", os.R_OK):
        return False, None
    want = os.path.realpath(target) if target else ""
    try:
        files = sorted(folder.glob("torch-setup-*.lock"))
    except OSError:
        return False, None
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue  # removed by its run as it finished, or not ours to read
        try:
            if _flock_pid(fd) is None:
                continue
            holder = _holder(fd)
        finally:
            os.close(fd)
        places = [os.path.realpath(p) for p in holder.into]
        if not want or any(p == want or p.startswith(want + os.sep) or want.startswith(p + os.sep) for p in places):
            return True, holder.pid or 0
    return True, None
