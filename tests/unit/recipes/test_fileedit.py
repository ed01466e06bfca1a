"""fileedit: the diff shown first, a backup of what was there, atomic replace, and restore()."""

from __future__ import annotations

import os
import stat

import pytest

from installer.errors import TorchSetupError
from installer.executor.fileedit import diff_for, restore, write_atomic
from installer.plan.model import FileWrite


def test_new_file_diff_write_and_restore_removes_it(tmp_path):
    target = tmp_path / "profile.d" / "cuda.sh"
    fw = FileWrite(path=str(target), content="export PATH=/usr/local/cuda/bin:$PATH\n")
    diff = diff_for(fw)
    assert diff.startswith("--- /dev/null\n")
    assert "+export PATH=/usr/local/cuda/bin:$PATH" in diff
    assert write_atomic(fw, backup_dir=tmp_path / "bk")
    assert target.read_text() == fw.content
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert diff_for(fw) == ""
    assert restore(target, backup_dir=tmp_path / "bk")
    assert not target.exists()
    assert not restore(target, backup_dir=tmp_path / "bk")  # the backup was consumed


def test_existing_file_is_backed_up_and_restored(tmp_path):
    target = tmp_path / "blacklist-nouveau.conf"
    target.write_text("old line\n")
    target.chmod(0o600)
    fw = FileWrite(path=str(target), content="blacklist nouveau\noptions nouveau modeset=0\n", mode=0o644)
    diff = diff_for(fw)
    assert "-old line" in diff and "+blacklist nouveau" in diff and f"--- {target}" in diff
    assert write_atomic(fw, backup_dir=tmp_path / "bk")
    assert target.read_text() == fw.content
    backups = list((tmp_path / "bk").iterdir())
    assert len(backups) == 1 and backups[0].read_text() == "old line\n"
    assert restore(target, backup_dir=tmp_path / "bk")
    assert target.read_text() == "old line\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_unchanged_content_is_not_rewritten(tmp_path):
    target = tmp_path / "f.conf"
    target.write_text("same\n")
    target.chmod(0o644)
    inode = target.stat().st_ino
    assert not write_atomic(FileWrite(path=str(target), content="same\n"), backup_dir=tmp_path / "bk")
    assert target.stat().st_ino == inode
    assert not (tmp_path / "bk").exists()


def test_mode_change_alone_is_a_change(tmp_path):
    target = tmp_path / "f.sh"
    target.write_text("x\n")
    target.chmod(0o600)
    assert write_atomic(FileWrite(path=str(target), content="x\n", mode=0o755), backup_dir=tmp_path / "bk")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_the_replace_is_a_rename_not_an_in_place_write(tmp_path):
    """A reader holding the old file open keeps seeing the complete old content: never a half-written one."""
    target = tmp_path / "f.conf"
    target.write_text("old\n" * 1000)
    with target.open() as reader:
        write_atomic(FileWrite(path=str(target), content="new\n"), backup_dir=tmp_path / "bk")
        assert reader.read() == "old\n" * 1000
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_two_writes_restore_step_by_step(tmp_path):
    target = tmp_path / "f"
    target.write_text("v0\n")
    for v in ("v1\n", "v2\n"):
        write_atomic(FileWrite(path=str(target), content=v), backup_dir=tmp_path / "bk")
    assert restore(target, backup_dir=tmp_path / "bk") and target.read_text() == "v1\n"
    assert restore(target, backup_dir=tmp_path / "bk") and target.read_text() == "v0\n"


def test_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.conf"
    real.write_text("a\n")
    link = tmp_path / "link.conf"
    link.symlink_to(real)
    write_atomic(FileWrite(path=str(link), content="b\n"), backup_dir=tmp_path / "bk")
    assert link.is_symlink() and real.read_text() == "b\n"


def test_backups_of_a_similarly_named_file_are_not_mixed_up(tmp_path):
    a, ab = tmp_path / "a", tmp_path / "a.b"
    a.write_text("a0\n")
    ab.write_text("ab0\n")
    write_atomic(FileWrite(path=str(ab), content="ab1\n"), backup_dir=tmp_path / "bk")
    assert not restore(a, backup_dir=tmp_path / "bk")
    assert a.read_text() == "a0\n" and ab.read_text() == "ab1\n"


def test_binary_file_is_refused(tmp_path):
    target = tmp_path / "blob"
    target.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(TorchSetupError):
        write_atomic(FileWrite(path=str(target), content="text\n"), backup_dir=tmp_path / "bk")
    assert target.read_bytes() == b"\xff\xfe\x00binary"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to own files as another user")
def test_root_keeps_the_owner_of_the_replaced_file(tmp_path):
    target = tmp_path / "users.conf"
    target.write_text("x\n")
    os.chown(target, 65534, 65534)
    write_atomic(FileWrite(path=str(target), content="y\n"), backup_dir=tmp_path / "bk")
    assert (target.stat().st_uid, target.stat().st_gid) == (65534, 65534)


def test_separate_process_entry_point_writes_and_restores(tmp_path):
    """What the executor runs through sudo for files only root may write."""
    import json
    import subprocess
    import sys

    target = tmp_path / "etc" / "profile.d" / "cuda.sh"
    cmd = [sys.executable, "-m", "installer.executor.fileedit"]
    payload = json.dumps({"path": str(target), "content": "export A=1\n", "mode": 0o644})
    first = subprocess.run([*cmd, "write", "--backup-dir", str(tmp_path / "bk")], input=payload,
                           capture_output=True, text=True)
    assert (first.returncode, first.stdout.strip()) == (0, "changed")
    again = subprocess.run([*cmd, "write", "--backup-dir", str(tmp_path / "bk")], input=payload,
                           capture_output=True, text=True)
    assert again.stdout.strip() == "unchanged"
    assert target.read_text() == "export A=1\n"
    back = subprocess.run([*cmd, "restore", str(target), "--backup-dir", str(tmp_path / "bk")],
                          capture_output=True, text=True)
    assert back.stdout.strip() == "restored" and not target.exists()
    bad = subprocess.run([*cmd, "write"], input="{}", capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
