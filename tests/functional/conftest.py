"""Fixtures for the wizard's Pilot and snapshot tests.

Every test drives the real app (`make_app`) with the real Engine on a recorded machine
(tests/fixtures/machines/*.json), in a temporary working directory (the wizard writes its answers
file there). Mirror probing goes to real HTTP servers on 127.0.0.1 (tests/unit/mirrors/mirror_servers.py)
or to a catalog whose every entry refuses connections, so no test depends on the network.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tui_support import KINDS_INFO, MACHINES, catalog_entries, mirror_servers


@pytest.fixture
def dead_catalog(tmp_path: Path) -> str:
    """A catalog where every mirror refuses the connection: fast, and the same reasons every time."""
    dead = "http://127.0.0.1:9"  # the discard port: nothing listens there
    path = tmp_path / "dead-catalog.yaml"
    mirror_servers.write_catalog(path, KINDS_INFO, catalog_entries(dead, dead, dead, dead))
    return str(path)


@pytest.fixture
def loopback_catalog(tmp_path: Path) -> Any:
    """A catalog of real mirrors on 127.0.0.1: PyPI and PyTorch answer, conda and apt are dead."""
    pypi = mirror_servers.pypi_index(mirror_servers.Mirror("pypi")).start()
    torch = mirror_servers.Mirror("torch")
    for variant in ("cpu", "cu126", "cu128", "cu130", "cu132"):
        mirror_servers.torch_index(torch, variant=variant, versions=("2.13.0", "2.14.1", "2.15.0"))
    torch.start()
    dead = mirror_servers.dead_base()
    path = tmp_path / "loopback-catalog.yaml"
    mirror_servers.write_catalog(path, KINDS_INFO, catalog_entries(pypi.base, torch.base, dead, dead))
    yield type("Loopback", (), {"path": str(path), "pypi": pypi, "torch": torch})
    pypi.stop()
    torch.stop()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg_home: Path) -> Path:
    """Run the wizard in a temporary working directory with its own XDG dirs."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def make_wizard(in_tmp: Path, dead_catalog: str) -> Callable[..., Any]:
    """make_wizard(machine="rtx4090-550", **make_app options) -> the app, with the real Engine."""
    from installer.hardware.report import load_report
    from installer.tui.app import make_app
    from installer.tui.engine import Engine

    def make(machine: str | None = "rtx4090-550", *, catalog: str | None = None, machine_file: str | None = None,
             as_this_machine: bool = False, **options: Any) -> Any:
        """`as_this_machine`: the recorded report stands in for this machine's detection (no --hardware), so
        the wizard may run its plan here, as it never does for a recorded machine, and plans as for a machine
        detected here (state.report_detected): the target's folder, environment and wheelhouse are looked at on
        this disk (found in review: the wizard had planned these tests as for another machine, so the notes of
        what the target holds, and the checks of its files, were never reached by them)."""
        hardware = None
        path = machine_file
        if machine is not None:
            path = path or str(MACHINES / f"{machine}.json")
            hardware = load_report(path)
        if as_this_machine:
            path = None
        # a fixed day: what the screens say of driver branches past NVIDIA's support does not change with the date
        engine = options.pop("engine", None) or Engine(catalog=catalog or dead_catalog, probe_timeout=2.0,
                                                       include_current=False, state_dir=in_tmp / "state",
                                                       today=date(2026, 12, 5))
        options.setdefault("lang", "en")
        app = make_app(hardware=hardware, hardware_path=path, engine=engine, **options)
        if as_this_machine:
            app.state.report_detected = True
        return app

    yield make
    from installer.i18n import set_language

    set_language("en")


@pytest.fixture
def no_way_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every probe of the shipped catalog's real mirrors sent through a proxy on a port where nothing listens (the
    probe's HTTP client follows HTTPS_PROXY): each fails at once, and nothing leaves this machine."""
    dead = mirror_servers.dead_base()
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _colour_as_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # Snapshots are taken in colour whatever the shell running the tests has set; the NO_COLOR test
    # sets it itself (Textual reads, and removes, NO_COLOR when an app starts).
    monkeypatch.delenv("NO_COLOR", raising=False)
