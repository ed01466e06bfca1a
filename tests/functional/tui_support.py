"""Helpers the wizard's Pilot and snapshot tests import: paths, the loopback server modules, and the
waits that drive a screen. Fixtures stay in conftest.py; this module has a name of its own because
tests/ holds several conftest.py files and `from conftest import ...` picks whichever was imported first.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from helpers import load_module, recipe_fixture

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "tests" / "fixtures" / "machines"
SNAPSHOT_CWD = Path("/tmp/torch-setup-wizard-snapshots")  # fixed: paths in the plan show on screen


# the loopback servers the engine's own tests use
mirror_servers = load_module(REPO / "tests" / "unit" / "mirrors" / "mirror_servers.py")
rangeserver = recipe_fixture("rangeserver")

KINDS_INFO = {
    "pypi": {"upstream_hosts": ["pypi.org", "files.pythonhosted.org"], "probe_project": "sympy"},
    "pytorch": {"upstream_hosts": ["download.pytorch.org"], "default_cuda_variant": "cu126"},
    "conda": {"upstream_hosts": ["conda.anaconda.org"]},
    "apt": {"upstream_hosts": ["deb.debian.org"], "distro_suites": {"debian": "bookworm", "ubuntu": "noble"}},
}


def catalog_entries(pypi: str, pytorch: str, conda: str, apt: str, *, tag: str = "") -> list[dict[str, Any]]:
    return [
        {"id": f"loop{tag}-pypi", "kind": "pypi", "name": "Loopback PyPI", "url": f"{pypi}/simple",
         "region": "global", "upstream": True, "source": "tests/functional (a server on 127.0.0.1)"},
        {"id": f"loop{tag}-pytorch", "kind": "pytorch", "name": "Loopback PyTorch", "url": f"{pytorch}/whl",
         "region": "global", "upstream": True, "layout": "pep503",
         "source": "tests/functional (a server on 127.0.0.1)"},
        {"id": f"loop{tag}-conda", "kind": "conda", "name": "Loopback conda", "url": f"{conda}/conda-forge",
         "region": "global", "upstream": True, "condarc": "conda-forge",
         "source": "tests/functional (a server on 127.0.0.1)"},
        {"id": f"loop{tag}-apt", "kind": "apt", "name": "Loopback Debian", "url": f"{apt}/debian",
         "region": "global", "upstream": True, "distro": "debian",
         "source": "tests/functional (a server on 127.0.0.1)"},
    ]


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Wait until the workers are done and what they posted back is drawn."""
    for _i in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def press_until(pilot: Any, key: str, screen: str, limit: int = 12) -> None:
    """Press `key` (n or b) until the wizard shows `screen`, waiting for each screen's work."""
    for _i in range(limit):
        await settle(pilot)
        if pilot.app.current_name == screen:
            return
        await pilot.press(key)
    await settle(pilot)
    assert pilot.app.current_name == screen, f"stuck on {pilot.app.current_name}, wanted {screen}"


async def wait_for_result(pilot: Any, name: str, limit: float) -> None:
    """Until the wizard's state holds `name` (run_result, verify_result, bench_result): each is made
    in a worker thread, by the executor or by the target interpreter."""
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while getattr(pilot.app.state, name) is None:
        assert loop.time() < end, f"no {name} after {limit:.0f} s"
        await pilot.pause(0.2)
    await settle(pilot)


async def wait_for_run(pilot: Any, limit: float = 240) -> None:
    """Until the Install screen's run has finished."""
    await wait_for_result(pilot, "run_result", limit)


async def type_pytorch_index(pilot: Any, url: str) -> None:
    """On the Mirrors screen: choose "a URL typed by hand" for PyTorch, type `url`, and leave the field (Tab),
    which checks it and starts its probe. The caller waits for the probe as its test needs."""
    from textual.widgets import Input, Select

    screen = pilot.app.screen
    screen.query_one("#pick-pytorch", Select).value = "__url__"
    await settle(pilot)
    field = screen.query_one("#url-pytorch", Input)
    field.focus()
    field.value = url
    await pilot.press("tab")


def widget_text(widget: Any) -> str:
    """What a Static shows, as text: a Rich renderable it holds (a label / value grid, lines with a
    hanging indent) printed wide enough for each of its rows to keep to one line."""
    from rich.console import Console

    renderable = getattr(widget.render(), "_renderable", None)  # textual.visual.RichVisual's
    if renderable is None:
        return str(widget.render())
    console = Console(width=300, file=io.StringIO())
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def footer_keys(app: Any) -> set[str]:
    """The keys bound to be shown in the footer for the current screen, and working now (by binding: where two keys
    have one action, the footer draws the first; footer_drawn says what it draws)."""
    return {b.key for (_node, b, enabled, _tip) in app.screen.active_bindings.values() if b.show and enabled}


def footer_drawn(app: Any) -> dict[str, str]:
    """What the footer draws: each key it shows, with its word."""
    from textual.widgets._footer import FooterKey

    return {key.key: key.description for key in app.screen.query(FooterKey)}


def hidden_rows(app: Any, selector: str) -> int:
    """How many of the widget's rows are outside the part of the screen that shows it (scrolled away)."""
    geometry = app.screen.find_widget(app.screen.query_one(selector))
    return int(geometry.region.height - geometry.region.intersection(geometry.clip).height)


def screen_text(app: Any) -> str:
    """Everything the current screen shows as text (Static contents, labels, table cells)."""
    from textual.widgets import DataTable, Static

    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            parts.append(widget_text(widget))
        elif isinstance(widget, DataTable):
            for row_key in widget.rows:
                parts.append(" ".join(str(c) for c in widget.get_row(row_key)))
    return "\n".join(parts)


async def verify_screen_text(make_wizard: Any, machine: str, result: dict[str, Any], lang: str = "en") -> str:
    """The Verify screen showing `result` (a `verify --json` document) as saved: nothing runs."""
    from installer.plan.model import Plan

    app = make_wizard(machine, as_this_machine=True, lang=lang)  # a recorded machine alone is a dry run
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.ensure_draft()
        app.state.plan = Plan(steps=(), summary=(), notes=(), target_python=result["python"]["executable"])
        app.state.verify_result = result
        app.go("verify")
        await settle(pilot)
        return screen_text(app)
