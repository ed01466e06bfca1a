"""One answers file for a fleet, `driver.install: true` (found by a tester, a lab admin): on Rocky Linux with R560,
which runs the recommended cu126 build, the plan was refused ("torch-setup installs the NVIDIA driver on Ubuntu and
Debian only, and this is rocky"), while Ubuntu machines kept their drivers. A loaded driver that runs the build is
kept wherever it is; only a driver that would have to be installed is refused, naming the system as people read it."""

from __future__ import annotations

from pathlib import Path

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"
FLEET = """\
version: 1
target: {kind: venv, path: ~/venvs/torch}
torch: {version: latest, variant: auto}
method: pip
driver: {install: true%s}
"""


def _plan(cli, tmp_path, machine: str, driver: str = ""):
    answers = tmp_path / "drv.yaml"
    answers.write_text(FLEET % driver)
    return cli("plan", "--answers", str(answers), "--hardware", str(MACHINES / f"{machine}.json"))


def test_a_loaded_driver_that_runs_the_build_is_kept_on_rocky_linux(cli, tmp_path):
    r = _plan(cli, tmp_path, "rocky94-2x3060-560")
    assert r.returncode == 0, r.stderr
    assert ("# note: driver.install: the loaded NVIDIA driver 560.35.03 already runs the chosen build's CUDA 12.6 on "
            "every GPU, so it is kept: no driver step, no reboot -> to change it on Rocky Linux 9.4 (Blue Onyx), use "
            "your distribution's packages (torch-setup installs the NVIDIA driver on Ubuntu and Debian only)"
            in r.stdout)
    assert "driver-" not in r.stdout.split("recipes:")[1].splitlines()[0]
    # on Ubuntu the same answers keep the driver as before, with the branch to name to change it
    r = _plan(cli, tmp_path, "rtx4090-550")
    assert r.returncode == 0 and "so it is kept: no driver step, no reboot -> to install another branch" in r.stdout


def test_a_driver_that_must_be_installed_is_refused_by_the_systems_name(cli, tmp_path):
    r = _plan(cli, tmp_path, "rocky94-2x3060-560", ', branch: "580"')
    assert r.returncode == 2
    assert ("driver.install: torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the recorded "
            "machine runs Rocky Linux 9.4 (Blue Onyx)\n") in r.stderr
    assert "Traceback" not in r.stderr
