"""`recommend` on a Kepler GPU with no driver: its "needs:" line says that R470 is installed by hand, not by
torch-setup (found by a tester on a K80: "needs: install NVIDIA driver branch R470" read as what torch-setup would
do, and only the last line said it does not). The --json contract is unchanged: the action is the same data."""

from __future__ import annotations

import json

from compat_machines import MACHINES


def test_the_kepler_driver_line_says_who_installs_it(cli):
    r = cli("recommend", "--hardware", str(MACHINES / "k80-nodriver.json"))
    assert r.returncode == 0
    needs = [line.strip() for line in r.stdout.splitlines() if "needs: " in line and "driver" in line]
    assert needs and all(line == "needs: NVIDIA driver branch R470 (cu118 wheels need driver >= 450.80.02; no NVIDIA "
                         "driver is loaded), installed by hand: torch-setup does not install R470, as NVIDIA ended "
                         "its support" for line in needs)
    assert "install NVIDIA driver branch" not in r.stdout


def test_a_branch_torch_setup_installs_is_still_said_as_an_install(cli):
    r = cli("recommend", "--hardware", str(MACHINES / "nodriver-rtx3060.json"))
    assert "needs: install NVIDIA driver branch R" in r.stdout
    assert "installed by hand" not in r.stdout


def test_json_keeps_its_shape(cli):
    r = cli("recommend", "--hardware", str(MACHINES / "k80-nodriver.json"), "--json")
    action = json.loads(r.stdout)["choices"][0]["actions"][0]
    assert set(action) == {"kind", "branch", "support_ended", "reason"}
    assert (action["kind"], action["branch"]) == ("install-driver", "470")
