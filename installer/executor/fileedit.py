"""Config files written the careful way: diff shown first, previous content backed up, atomic replace.

Tutorials tell people to append lines to ~/.bashrc or /etc/modprobe.d by hand; a typo there breaks
a login shell or a boot. Here a file is never half-written: the new content goes to a temporary file
in the same directory, is fsync'ed, then renamed over the old one (rename is atomic on POSIX), and
the directory is fsync'ed so the rename itself survives a power cut. What was there before is copied
to the backup folder first, so `restore()` can put it back, or remove the file if there was none.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
import time
from pathlib import Path

from installer.errors import TorchSetupError
from installer.i18n import _
from installer.plan.model import FileWrite

ABSENT = ".absent"  # suffix of a backup that records "there was no file here"


def default_backup_dir() -> Path:
    from installer.paths import state_dir

    return state_dir() / "backups"


def _target(path: str) -> Path:
    # write through a symlink (e.g. /etc/resolv.conf style links) instead of replacing the link itself
    return Path(os.path.realpath(os.path.expanduser(path)))


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise TorchSetupError(_("{path} is not a text file; refusing to overwrite it", path=path),
                              hint=_("move it aside, or edit it by hand")) from None


def diff_for(fw: FileWrite) -> str:
    """The unified diff from what is on disk now to what the step will write ('' when nothing changes)."""
    path = _target(fw.path)
    old = _current(path)
    before = (old or "").splitlines(keepends=True)
    after = fw.content.splitlines(keepends=True)
    return "".join(difflib.unified_diff(
        before, after,
        fromfile="/dev/null" if old is None else str(path),
        tofile=str(path),
    ))


def needs_write(fw: FileWrite) -> bool:
    path = _target(fw.path)
    old = _current(path)
    if old != fw.content:
        return True
    return (path.stat().st_mode & 0o7777) != fw.mode


def _backup_prefix(path: Path) -> str:
    from installer.paths import backup_prefix  # the printed script and the files' headers name them alike

    return backup_prefix(str(path))


def _backup_name(path: Path) -> str:
    # zero-padded nanoseconds: names sort in the order the backups were made
    return _backup_prefix(path) + f"{time.time_ns():020d}"


def _backups_of(path: Path, backup_dir: Path) -> list[Path]:
    prefix = _backup_prefix(path)
    if not backup_dir.is_dir():
        return []
    return sorted(p for p in backup_dir.iterdir()
                  if p.name.startswith(prefix) and p.name[len(prefix):].removesuffix(ABSENT).isdigit())


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_atomically(path: Path, content: bytes, mode: int, like: os.stat_result | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fchmod(f.fileno(), mode)
            if like is not None and os.geteuid() == 0:
                # keep the owner of the file we replace (a user's file edited by a root step stays theirs)
                os.fchown(f.fileno(), like.st_uid, like.st_gid)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_atomic(fw: FileWrite, *, backup_dir: str | Path | None = None) -> bool:
    """Write fw.content to fw.path. Returns False (and touches nothing) when the file is already so.

    The previous file is backed up under backup_dir (default: the state folder's backups/) before it
    is replaced; when there was none, a marker records that, so restore() removes the new file.
    """
    path = _target(fw.path)
    if not needs_write(fw):
        return False
    bdir = Path(backup_dir) if backup_dir is not None else default_backup_dir()
    bdir.mkdir(parents=True, exist_ok=True)
    name = _backup_name(path)
    try:
        like = path.stat()
    except FileNotFoundError:
        like = None
    try:
        if like is None:
            (bdir / (name + ABSENT)).touch()
        else:
            shutil.copy2(path, bdir / name)
        _replace_atomically(path, fw.content.encode("utf-8"), fw.mode, like)
    except PermissionError as exc:
        raise TorchSetupError(_("cannot write {path}: {err}", path=path, err=exc.strerror),
                              hint=_("this file needs root: run the step as root")) from None
    return True


def restore(path: str | Path, *, backup_dir: str | Path | None = None) -> bool:
    """Put back what was there before the latest write_atomic() of `path`. False when no backup exists.

    The backup is consumed, so calling restore() again steps one write further back.
    """
    target = _target(str(path))
    bdir = Path(backup_dir) if backup_dir is not None else default_backup_dir()
    backups = _backups_of(target, bdir)
    if not backups:
        return False
    latest = backups[-1]
    if latest.name.endswith(ABSENT):
        target.unlink(missing_ok=True)
        _fsync_dir(target.parent)
    else:
        st = latest.stat()
        _replace_atomically(target, latest.read_bytes(), st.st_mode & 0o7777, st)
    latest.unlink()
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m installer.executor.fileedit write|restore`: the same, in a process of its own.

    For files only root may write (/etc/profile.d, /etc/modprobe.d) when torch-setup is not root:
    the executor runs this through sudo (`sudo.wrap([python, "-m", "installer.executor.fileedit",
    "write", "--backup-dir", DIR], root=True)`) with the FileWrite as JSON on stdin
    ({"path": ..., "content": ..., "mode": 420}). Prints `changed` or `unchanged`; exit 1 with the
    reason on stderr when the file cannot be written.
    """
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(prog="python -m installer.executor.fileedit")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write the FileWrite given as JSON on stdin")
    w.add_argument("--backup-dir")
    r = sub.add_parser("restore", help="put back what was there before the latest write of PATH")
    r.add_argument("path")
    r.add_argument("--backup-dir")
    args = parser.parse_args(argv)
    try:
        if args.command == "write":
            data = json.load(sys.stdin)
            fw = FileWrite(path=str(data["path"]), content=str(data["content"]), mode=int(data.get("mode", 0o644)))
            print("changed" if write_atomic(fw, backup_dir=args.backup_dir) else "unchanged")
        else:
            print("restored" if restore(args.path, backup_dir=args.backup_dir) else "no backup")
    except (TorchSetupError, OSError, ValueError, KeyError) as exc:
        print(exc.render() if isinstance(exc, TorchSetupError) else f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
