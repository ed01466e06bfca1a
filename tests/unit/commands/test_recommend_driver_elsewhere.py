"""`recommend` on a machine torch-setup installs no driver on says where the driver a choice needs is
installed; where it does install one, or no choice needs one, it adds nothing."""

from __future__ import annotations

from pathlib import Path

MACHINES = Path(__file__).resolve().parents[2] / "fixtures" / "machines"


def test_on_rocky_linux_the_driver_is_the_distributions(cli):
    result = cli("recommend", "--hardware", str(MACHINES / "rocky94-2x3060-560.json"))
    assert result.returncode == 0, result.stderr
    # the choices still say what they need, and beside it who installs it (found by a tester: "needs: install
    # NVIDIA driver branch R580" read as torch-setup's doing, and only the last paragraph said otherwise)
    needs = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("needs: ")]
    assert needs and all(line.startswith("needs: NVIDIA driver branch R580 (") and line.endswith(
        "), installed by hand: torch-setup installs no NVIDIA driver on Rocky Linux 9.4 (Blue Onyx)")
        for line in needs), needs
    assert "install NVIDIA driver branch" not in result.stdout
    assert result.stdout.rstrip().endswith(
        "The driver: torch-setup installs the NVIDIA driver on Ubuntu and Debian only, and the recorded machine "
        "runs Rocky Linux 9.4 (Blue Onyx): "
        "install it there with the distribution's packages (its guide names them) and reboot, then run torch-setup "
        "there again.")


def test_where_torch_setup_installs_it_or_none_is_needed_nothing_is_added(cli):
    for machine in ("rtx4090-550", "h200-580", "wsl-rtx4070laptop-566"):
        result = cli("recommend", "--hardware", str(MACHINES / f"{machine}.json"))
        assert result.returncode == 0, result.stderr
        assert "The driver:" not in result.stdout, machine
