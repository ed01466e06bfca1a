"""driver.install: true where the driver recipe does not apply is refused or explained, never dropped quietly.

Run over every recorded machine, so that the facts driver_request reads stay in step with the `when:` of
recipes/driver-ubuntu.yaml: a recipe change that covers another system, or a check that drifts, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.answers import parse_answers
from installer.compat import resolve_pins
from installer.compat.data import load
from installer.compat.machine import is_jetson, read_machine
from installer.errors import InputError
from installer.hardware.report import load_report
from installer.plan.driver_request import driver_elsewhere
from installer.plan.indexes import choose_indexes
from installer.plan.planner import make_plan
from installer.plan.recipe import load_recipes
from installer.plan.tools import Tools

REPO = Path(__file__).resolve().parents[3]
MACHINES = sorted((REPO / "tests" / "fixtures" / "machines").glob("*.json"))
TOOLS = Tools(uv="/opt/uv/bin/uv", python="/opt/ts/bin/python", host_pip=True)
RECIPES = load_recipes(REPO / "recipes")

ANSWERS = """\
version: 1
target: {kind: venv, path: .venv-torch}
torch: {version: 2.13.0, variant: cpu, extras: []}
method: pip
driver: {install: %s}
"""


def _plan(machine: Path, install: bool):
    answers = parse_answers(ANSWERS % ("true" if install else "false"))
    report = load_report(machine)
    pins = resolve_pins(report, torch="2.13.0", variant="cpu", python="3.11", extras=())
    return make_plan(answers, report, pins=pins, indexes=choose_indexes(answers, report, pins, None),
                     tools=TOOLS, cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")


@pytest.mark.parametrize("machine", MACHINES, ids=lambda p: p.stem)
def test_the_driver_is_planned_or_its_absence_is_said(machine):
    report = load_report(machine)
    try:
        plan = _plan(machine, install=True)
    except InputError as exc:
        # refused: only where the recipe cannot install a driver, or no driver still offered drives the
        # GPU (Kepler: R470 is its last), and pointing at the answer
        assert exc.key == "driver.install"
        # Kepler from the data (its capability from NVIDIA's table where no driver is loaded: k80-nodriver)
        kepler = any(g.arch == "Kepler" for g in read_machine(report, load()).nvidia)
        assert not report.nvidia_gpus or report.os.id not in ("ubuntu", "debian") or kepler
        assert not report.os.wsl and not report.os.container
        return
    driver_steps = [s for s in plan.steps if s.id.startswith("driver-") or "nvidia" in s.id]
    said = [n for n in plan.notes if n.startswith("driver.install is ignored")]
    kept = [n for n in plan.notes if n.startswith("driver.install: the loaded NVIDIA driver")]
    assert [bool(driver_steps), bool(said), bool(kept)].count(True) == 1, (plan.summary, said, kept)
    if said:
        assert report.os.wsl or report.os.container or is_jetson(report)
    if kept:  # a loaded driver that drives every GPU (this build is cpu: it needs no CUDA)
        assert report.nvidia_driver is not None and report.nvidia_driver.version in kept[0]
    # and the wizard, which says where the driver is changed instead of offering its tick, agrees; a loaded
    # driver kept where torch-setup installs none (Rocky Linux) is still the distribution's to change
    elsewhere = driver_elsewhere(report.os, jetson=is_jetson(report))
    ours = report.os.id in ("ubuntu", "debian")
    assert (elsewhere is None) == bool(driver_steps or (kept and ours)), elsewhere
    if kept and not ours:
        assert "use your distribution's packages" in kept[0] and "name it in driver.branch" not in kept[0]
    # asked for nothing: no driver step and no word about it (but a loaded driver past NVIDIA's support, which
    # such a plan keeps, is said, with the answers that move it: installer.plan.driver_support)
    quiet = _plan(machine, install=False)
    assert not [s for s in quiet.steps if s.id.startswith("driver-")]
    assert not [n for n in quiet.notes if "driver.install" in n and "stopped supporting" not in n]


def test_what_each_kind_of_machine_gets():
    by_name = {p.stem: p for p in MACHINES}
    with pytest.raises(InputError, match="no NVIDIA GPU .*amd"):
        _plan(by_name["amd-rx7900xtx"], install=True)
    with pytest.raises(InputError, match="no NVIDIA GPU .*apple"):
        _plan(by_name["apple-m2pro"], install=True)
    fedora = load_report(by_name["rtx4090-550"])
    fedora = fedora.model_copy(update={"os": fedora.os.model_copy(update={"id": "fedora", "version_id": "41"})})
    answers = parse_answers(ANSWERS % "true")
    pins = resolve_pins(fedora, torch="2.13.0", variant="cpu", python="3.11", extras=())
    # its loaded R550 drives the GPU: kept, as on Ubuntu, with who changes it there
    kept = make_plan(answers, fedora, pins=pins, indexes=choose_indexes(answers, fedora, pins, None), tools=TOOLS,
                     cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")
    assert any(n.startswith("driver.install: the loaded NVIDIA driver 550") and "to change it on fedora 41, use "
               "your distribution's packages" in n for n in kept.notes), kept.notes
    # with no driver loaded one would have to be installed: refused
    fedora = fedora.model_copy(update={"nvidia_driver": None})
    pins = resolve_pins(fedora, torch="2.13.0", variant="cpu", python="3.11", extras=())
    with pytest.raises(InputError, match="Ubuntu and Debian only, and this is fedora 41\n"):
        make_plan(answers, fedora, pins=pins, indexes=choose_indexes(answers, fedora, pins, None), tools=TOOLS,
                  cwd="/work/proj", recipes=RECIPES, cache_dir="/cache")
    assert "Ubuntu and Debian only, and this is fedora 41:" in str(driver_elsewhere(fedora.os, jetson=False))
    jetson = _plan(by_name["jetson-orin-nano"], install=True)
    assert any("ignored on a Jetson" in n for n in jetson.notes)
    assert "driver-ubuntu" not in dict(jetson.summary)["recipes"]
    wsl = _plan(by_name["wsl-rtx4070laptop-566"], install=True)
    assert any("ignored under WSL" in n for n in wsl.notes)
    assert "driver-ubuntu" in dict(_plan(by_name["nodriver-rtx3060"], install=True).summary)["recipes"]
    assert "driver-ubuntu" not in dict(_plan(by_name["rtx4090-550"], install=True).summary)["recipes"]  # kept
