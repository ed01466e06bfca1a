"""A wheelhouse whose build stopped half-way (its download folder still there, no manifest.json) is said to be
an unfinished build, to run again, not a folder no build made.

Found in use: an offline install's plan said "/home/t7/lab/wh312 was not made by a wheelhouse build: it has no
manifest.json -> build the wheelhouse with method: wheelhouse-build" of a build that had failed half-way.
Real parts: the folder as a build's own `start` leaves it, the CLI as a subprocess, the wheelhouse check.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from installer.plan.kinds.wheel import DOWNLOADING, check_wheelhouse, start_download

REPO = Path(__file__).resolve().parents[2]
OFFLINE_EXAMPLE = REPO / "recipes" / "answers" / "wheelhouse-offline.yaml"
HERE = f"{sys.version_info.major}.{sys.version_info.minor}"
ENGLISH = {"LANG": "C.UTF-8", "LC_ALL": ""}
AGAIN = ("run the build again (`torch-setup install --answers <the build's answers>` resumes it) and use the "
         "folder once it has finished; nothing was changed")


def stopped_build(wh: Path) -> Path:
    """What a build killed while pip downloaded leaves: the download folder `start` made, a wheel cut short."""
    start_download(wh)
    (wh / DOWNLOADING / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"PK\x03\x04")
    return wh


def offline_answers(folder: Path, wh: Path) -> Path:
    answers = folder / "offline.yaml"
    answers.write_text(OFFLINE_EXAMPLE.read_text().replace("/media/usb/torch-wheelhouse", str(wh)))
    return answers


def test_the_plan_says_the_build_did_not_finish(cli, tmp_path, xdg_home):
    wh = stopped_build(tmp_path / "wh312")
    offline_answers(tmp_path, wh)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2, result.stdout + result.stderr
    first, hint = result.stderr.splitlines()[:2]
    assert first.endswith(f": wheelhouse: the wheelhouse build into {wh} did not finish (its download folder "
                          f"{DOWNLOADING} is still there)")
    assert first.startswith("offline.yaml:")
    assert hint == f"  -> {AGAIN}"


def test_the_install_steps_own_check_says_it_too(tmp_path):
    wh = stopped_build(tmp_path / "wh")
    assert check_wheelhouse(wh) == [f"the wheelhouse build into {wh} did not finish (its download folder "
                                    f"{DOWNLOADING} is still there): {AGAIN}"]


def test_a_folder_no_build_made_is_still_said_as_such(cli, tmp_path, xdg_home):
    wh = tmp_path / "gathered"
    wh.mkdir()
    (wh / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"PK\x03\x04")
    offline_answers(tmp_path, wh)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith(f"{wh} was not made by a wheelhouse build: it has no manifest.json")


def test_a_later_build_that_stopped_leaves_the_whole_wheelhouse_usable(cli, tmp_path, xdg_home):
    """A manifest there: an earlier build finished; the stopped one changed nothing it describes."""
    wh = tmp_path / "wh"
    wh.mkdir()
    (wh / "manifest.json").write_text(json.dumps({"format": 1, "python_version": HERE, "platforms": [],
                                                  "requirements": ["torch==2.13.0+cpu"], "files": []}))
    (wh / "requirements.txt").write_text("torch==2.13.0+cpu\n")
    stopped_build(wh)
    offline_answers(tmp_path, wh)
    result = cli("plan", "--answers", "offline.yaml", "--probe-timeout", "0.2", cwd=tmp_path, env=ENGLISH)
    assert result.returncode == 0, result.stderr
