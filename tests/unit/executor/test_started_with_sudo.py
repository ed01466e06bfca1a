"""`sudo torch-setup install` in one's own folder: refused before anything runs (the environment and
caches would belong to root inside the user's folders); run as oneself it asks sudo only for root steps."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from installer.errors import InputError
from installer.executor.sudo import invoking_user, refuse_root_files_for_the_user

REPO = Path(__file__).resolve().parents[3]
NOBODY = 65534
VIA_SUDO = {"SUDO_UID": str(NOBODY), "SUDO_GID": str(NOBODY), "SUDO_USER": "nobody"}
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def test_who_started_it_through_sudo():
    assert invoking_user(VIA_SUDO, euid=0) == (NOBODY, "nobody")
    assert invoking_user(VIA_SUDO, euid=1000) is None  # sudo -u someone: not root, nothing to guard
    assert invoking_user({"SUDO_UID": "0", "SUDO_USER": "root"}, euid=0) is None  # root who used sudo
    assert invoking_user({}, euid=0) is None  # root itself (a container, CI)
    assert invoking_user({"SUDO_UID": "x"}, euid=0) is None


@needs_root
def test_a_path_below_the_users_folder_is_refused_naming_it(tmp_path):
    home = tmp_path / "home-of-nobody"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    target = home / "proj" / ".venv-torch"  # not there yet: its nearest folder decides
    with pytest.raises(InputError) as err:
        refuse_root_files_for_the_user([("step venv", str(target))], environ=VIA_SUDO, euid=0)
    assert str(target) in err.value.message and "nobody" in err.value.message
    assert "without sudo" in (err.value.hint or "")
    assert not (home / "proj").exists()


@needs_root
def test_a_system_folder_is_fine_through_sudo(tmp_path):
    (tmp_path / "opt").mkdir()  # root's, as /opt is: a lab's shared environment there is meant
    refuse_root_files_for_the_user([("step venv", str(tmp_path / "opt" / "torch-env"))], environ=VIA_SUDO, euid=0)
    # and nobody's own folder is fine when torch-setup was not started through sudo
    mine = tmp_path / "mine"
    mine.mkdir()
    os.chown(mine, NOBODY, NOBODY)
    refuse_root_files_for_the_user([("step venv", str(mine / "env"))], environ={}, euid=0)


@needs_root
def test_install_through_sudo_in_the_users_folder_exits_2_and_creates_nothing(cli, tmp_path, xdg_home):
    work = tmp_path / "work"
    work.mkdir()
    os.chown(work, NOBODY, NOBODY)
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", work / "cpu-venv.yaml")
    result = cli("install", "--answers", "cpu-venv.yaml", "--yes", cwd=work, env=VIA_SUDO)
    assert result.returncode == 2, result.stderr
    assert "started with sudo" in result.stderr and "nobody" in result.stderr
    assert str(work / ".venv-torch") in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["cpu-venv.yaml"]
    assert not (xdg_home / "state" / "torch-setup").exists() or not any((xdg_home / "state").rglob("*.log"))
    # looking is harmless: the plan is still shown
    shown = cli("plan", "--answers", "cpu-venv.yaml", cwd=work, env=VIA_SUDO)
    assert shown.returncode == 0 and "torch==2.13.0" in shown.stdout
