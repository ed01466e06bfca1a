"""The Mirrors screen lists PyPI once, and says "1 mirror answered" in the singular.

Found in use: the PyPI list offered "PyPI itself" (the fixed choice, `mirror.pypi: none`) and, under it,
"PyPI (upstream)" (the shipped catalog's entry for https://pypi.org/simple, `mirror.pypi: pypi`): the same
index twice. One line is left, with the probe's figures for PyPI; what it saves is what the answers had:
`none` unless they named the catalog's entry, which the plan treats otherwise (it names the index, and
writes it into the pip configuration the scope says), so it is kept as it was.

The shipped catalog's real entries, probed for real through a proxy on a port where nothing listens (the
probe's HTTP client follows HTTPS_PROXY): every one fails at once, and nothing leaves this machine.
"""

from __future__ import annotations

from textual.widgets import Select
from tui_support import KINDS_INFO, catalog_entries, mirror_servers, press_until, settle

from installer.answers import Answers
from installer.tui.engine import Engine


def _options(app, kind: str = "pypi") -> list[tuple[str, str]]:
    return [(str(prompt), str(value)) for prompt, value in app.screen.query_one(f"#pick-{kind}", Select)._options]


async def _probed(pilot) -> None:
    for _i in range(100):
        if pilot.app.state.mirrors_probed:
            break
        await settle(pilot, rounds=1)
    await settle(pilot)
    assert pilot.app.state.mirrors_probed


def _shipped_catalog_wizard(make_wizard, in_tmp, pypi: str | None = None):
    mirror = {"region": "global", "pytorch": "none"} | ({"pypi": pypi} if pypi else {})
    # the shipped catalog (catalog=None): an entry is saved by its id, as a person's wizard saves it
    engine = Engine(catalog=None, probe_timeout=2.0, include_current=False, state_dir=in_tmp / "state")
    return make_wizard("cpu-only", engine=engine, answers=Answers.model_validate({"mirror": mirror}),
                       dry_run=True)


async def test_pypi_is_offered_once_and_saved_as_before(make_wizard, in_tmp, no_way_out):
    app = _shipped_catalog_wizard(make_wizard, in_tmp)
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await _probed(pilot)
        options = _options(app)
        pypi = [(prompt, value) for prompt, value in options if "PyPI" in prompt and not prompt.startswith("auto")]
        assert len(pypi) == 1, options
        prompt, value = pypi[0]
        assert prompt.startswith("PyPI itself (pypi) ") and value == "none", options
        assert not any("upstream" in p for p, _v in options), options
        app.screen.query_one("#pick-pypi", Select).value = "none"
        await pilot.press("n")
        await settle(pilot)
        assert app.state.draft["mirror"]["pypi"] == "none"


async def test_answers_naming_the_catalogs_pypi_keep_it(make_wizard, in_tmp, no_way_out):
    app = _shipped_catalog_wizard(make_wizard, in_tmp, pypi="pypi")
    async with app.run_test(size=(100, 34)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await _probed(pilot)
        select = app.screen.query_one("#pick-pypi", Select)
        options = _options(app)
        assert select.value == "pypi", options
        assert [p for p, v in options if v == "pypi"][0].startswith("PyPI itself (pypi) ")
        assert sum("PyPI itself" in p for p, _v in options) == 1 and "none" not in [v for _p, v in options]
        await pilot.press("n")
        await settle(pilot)
        assert app.state.draft["mirror"]["pypi"] == "pypi"


async def test_one_mirror_that_answers_is_said_in_the_singular(make_wizard, tmp_path):
    live = mirror_servers.pypi_index(mirror_servers.Mirror("pypi")).start()
    try:
        dead = mirror_servers.dead_base()
        path = tmp_path / "one-live.yaml"
        mirror_servers.write_catalog(path, KINDS_INFO, catalog_entries(live.base, dead, dead, dead))
        app = make_wizard("cpu-only", catalog=str(path), dry_run=True)
        async with app.run_test(size=(100, 34)) as pilot:
            await press_until(pilot, "n", "mirrors")
            await _probed(pilot)
            assert sum(1 for r in app.state.mirror_rows if r.get("ok")) == 1
            hint = str(app.screen.query_one("#nav-hint").render())
    finally:
        live.stop()
    assert hint == "1 mirror answered", hint
