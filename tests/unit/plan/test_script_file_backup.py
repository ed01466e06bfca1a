"""The printed script keeps what a config file held before replacing it, where the file's header says,
as `torch-setup install` does (installer.executor.fileedit); run again, it leaves the file and that
backup alone.

Found by a tester: the script overwrote /etc/profile.d/cuda.sh with a header claiming a backup it never
made. /etc cannot be written here, so the same step is planned for a path under tmp_path and the
script run for real with bash, XDG_STATE_HOME pointing at tmp_path.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from installer.executor.fileedit import default_backup_dir, restore, write_atomic
from installer.plan.kinds.file import KIND as FILE
from installer.plan.kinds.file import FileParams
from installer.plan.model import Plan, Step
from installer.plan.script import render_script

OLD = "# the admin's own\nexport PATH=/opt/old-cuda/bin:$PATH\n"
# a root step, as in the recipes, where the suite runs as root (the script then needs no sudo); as a user,
# the same step without sudo, which would ask for a password
ROOT = os.geteuid() == 0


def _profile_step(path: Path) -> Step:
    # as recipes/cuda-runfile.yaml's cuda-profile-system: a root step, a shell_env file with a comment
    params = FileParams(path=str(path), comment="the CUDA toolkit installed from NVIDIA's runfile",
                        shell_env={"base": "/usr/local/cuda", "set": {"CUDA_HOME": "."},
                                   "prepend": {"PATH": ["bin"], "LD_LIBRARY_PATH": ["lib64"]}})
    files = FILE.compile(params, None).files  # type: ignore[arg-type]  # a path's file needs no context
    return Step(id="cuda-profile-system", title="t", kind="file", root=ROOT, files=files)


def _run(script: str, state: Path) -> str:
    env = {**os.environ, "XDG_STATE_HOME": str(state)}
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _named_backup(content: str, state: Path) -> tuple[Path, str]:
    """The folder and the start of the name that the written file's header says its backup has."""
    words = content.split()
    prefix = next(w for w in words if w.endswith("<time>")).removesuffix("<time>")
    folder = next(w for w in words if w.startswith("$XDG_STATE_HOME/")).replace("$XDG_STATE_HOME", str(state))
    return Path(folder), prefix


def test_the_script_keeps_the_old_file_where_the_header_says_and_only_once(tmp_path):
    target = tmp_path / "etc" / "profile.d" / "cuda.sh"
    target.parent.mkdir(parents=True)
    target.write_text(OLD)
    target.chmod(0o600)
    state = tmp_path / "state"
    script = render_script(Plan(steps=(_profile_step(target),)))
    subprocess.run(["bash", "-n"], input=script, text=True, check=True)

    first = _run(script, state)
    new = target.read_text()
    assert new == _profile_step(target).files[0].content and (target.stat().st_mode & 0o777) == 0o644
    folder, prefix = _named_backup(new, state)
    backups = sorted(p for p in folder.iterdir() if p.name.startswith(prefix)) if folder.is_dir() else []
    assert len(backups) == 1, f"no copy of the old file in {folder}, which its header names"
    assert backups[0].read_text() == OLD and (backups[0].stat().st_mode & 0o777) == 0o600
    assert str(backups[0]) in first  # the script says where it put it

    second = _run(script, state)  # a second run must not back up torch-setup's own file over the admin's
    assert "already as planned" in second
    assert sorted(p for p in folder.iterdir() if p.name.startswith(prefix)) == backups
    assert backups[0].read_text() == OLD and target.read_text() == new

    # named as install names its backups: install's restore finds the script's copy and puts it back
    assert restore(target, backup_dir=folder)
    assert target.read_text() == OLD and (target.stat().st_mode & 0o777) == 0o600


def test_a_new_file_leaves_a_there_was_none_marker_once_and_links_are_written_through(tmp_path):
    real = tmp_path / "real" / "blacklist-nouveau.conf"
    link = tmp_path / "modprobe.d" / "blacklist-nouveau.conf"
    link.parent.mkdir()
    link.symlink_to(real)  # dangling: the file it names is not there yet
    state = tmp_path / "state"
    params = FileParams(path=str(link), lines=["blacklist nouveau", "options nouveau modeset=0"])
    step = Step(id="nouveau-blacklist", title="t", kind="file", root=ROOT,
                files=FILE.compile(params, None).files)  # type: ignore[arg-type]
    script = render_script(Plan(steps=(step,)))
    for _ in range(2):
        _run(script, state)
    assert link.is_symlink() and real.read_text().endswith("options nouveau modeset=0\n")
    backups = list((state / "torch-setup" / "backups").iterdir())
    assert [b.name for b in backups if b.name.endswith(".absent")] == [b.name for b in backups]
    assert len(backups) == 1 and backups[0].name.startswith(str(real).strip("/").replace("/", "%") + ".")
    assert restore(real, backup_dir=state / "torch-setup" / "backups") and not real.exists()


def test_install_keeps_its_backup_where_the_same_header_says(tmp_path, monkeypatch):
    target = tmp_path / "cuda.sh"
    target.write_text(OLD)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (fw,) = _profile_step(target).files
    assert write_atomic(fw, backup_dir=default_backup_dir())
    folder, prefix = _named_backup(target.read_text(), tmp_path / "state")
    assert [p.read_text() for p in folder.iterdir() if p.name.startswith(prefix)] == [OLD]
