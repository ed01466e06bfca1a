"""The conda method's list leads with the newest release torch-setup knows conda-forge builds (found in use, zh,
tmux: conda chosen, n, n walked into torch 2.15.0, and Review then said conda-forge may not have it, "choose
2.12.0", which only the Version field could pick). The newest release stays listed, marked, and chosen anyway
it gets Review's note; pip's list is as it was. Where no conda-forge channel answered the Mirrors screen's probe,
Combination says the install would fail (found in use: said only by Install, after Miniforge's download failed)."""

from __future__ import annotations

from tui_support import KINDS_INFO, catalog_entries, mirror_servers, press_until, screen_text, settle

from installer.compat.conda_forge import newest_known

NO_CHANNEL = "no conda-forge channel answered from here (Mirrors screen)"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _listed(app) -> str:
    """The builds as the list shows them: its options' prompts, rendered."""
    import io

    from rich.console import Console
    from textual.widgets import OptionList

    options = app.screen.query_one(OptionList)
    console = Console(width=300, file=io.StringIO())
    for i in range(options.option_count):
        console.print(options.get_option_at_index(i).prompt)
    return _flat(console.file.getvalue())


async def _method(pilot, method: str) -> None:
    pilot.app.screen.query_one(f"#method-{method}").value = True
    await settle(pilot, rounds=6)


async def test_conda_leads_with_a_release_known_on_conda_forge(make_wizard):
    known = newest_known()
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=6)
        newest = app.state.recommendation["choices"][0]
        assert newest["torch"] != known and not newest.get("conda_forge_unknown")
        await _method(pilot, "conda")
        first, second = app.state.recommendation["choices"][:2]
        assert (first["torch"], first.get("conda_forge")) == (known, True)
        assert (second["torch"], second.get("conda_forge_unknown")) == (newest["torch"], True)
        assert app.screen.current_choice()["torch"] == known
        text = _listed(app)
        assert f"torch {known} · cpu · Python" in text and "known on conda-forge" in text
        assert "newest, no record of it on conda-forge" in text
        # every mirror of this catalog is dead, conda-forge's channels too
        assert NO_CHANNEL in _flat(screen_text(app))
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        assert dict(app.state.plan.summary)["torch"] == known
        assert "has no record of pytorch" not in _flat(screen_text(app))
        # the newest, chosen anyway: Review says what may happen
        await pilot.press("b")
        await settle(pilot, rounds=6)
        assert app.current_name == "combination"
        from textual.widgets import OptionList

        app.screen.query_one(OptionList).focus()
        await pilot.press("down", "enter")
        await settle(pilot, rounds=6)
        assert app.screen.current_choice()["torch"] == newest["torch"]
        await pilot.press("n")
        await settle(pilot, rounds=8)
        assert app.current_name == "review"
        assert dict(app.state.plan.summary)["torch"] == newest["torch"]
        assert f"torch-setup has no record of pytorch {newest['torch']} on conda-forge" in _flat(screen_text(app))
        # pip again: the ranking as it was, nothing marked
        await pilot.press("b")
        await settle(pilot, rounds=6)
        await _method(pilot, "pip")
        assert not any(c.get("conda_forge") or c.get("conda_forge_unknown")
                       for c in app.state.recommendation["choices"])
        assert NO_CHANNEL not in _flat(screen_text(app))


async def test_a_conda_forge_channel_that_answers_is_no_warning(make_wizard, tmp_path):
    import time

    channel = mirror_servers.conda_channel(mirror_servers.Mirror("conda"), modified=time.time() - 600).start()
    try:
        dead = mirror_servers.dead_base()
        catalog = tmp_path / "conda-catalog.yaml"
        mirror_servers.write_catalog(catalog, KINDS_INFO, catalog_entries(dead, dead, channel.base, dead))
        app = make_wizard("cpu-only", dry_run=True, catalog=str(catalog))
        async with app.run_test(size=(100, 40)) as pilot:
            await press_until(pilot, "n", "combination")
            await settle(pilot, rounds=6)
            assert any(r["kind"] == "conda" and r["ok"] for r in app.state.mirror_rows), app.state.mirror_rows
            await _method(pilot, "conda")
            assert app.state.recommendation["choices"][0].get("conda_forge")
            assert NO_CHANNEL not in _flat(screen_text(app))
    finally:
        channel.stop()


async def test_on_this_machine_the_warning_says_where_to_go(make_wizard):
    app = make_wizard(None, dry_run=True)  # this machine, detected live
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        await settle(pilot, rounds=6)
        await _method(pilot, "conda")
        assert app.state.report_detected
        text = _flat(screen_text(app))
        assert ("no conda-forge channel answered (Mirrors screen): conda takes Python and pytorch from conda-forge, "
                "so the install would fail at its first conda step. Go back (b) to Mirrors") in text
