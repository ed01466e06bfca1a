"""The builds on this disk, found while the Combination screen's first list is still being made, get a list
made for them (found under load in the full run: the first list was dropped as made for the old constraints,
none was made for the new, and the screen said "Working out which builds fit this machine…" for good)."""

from __future__ import annotations

import sys
import threading

from tui_support import press_until, settle


async def test_wheels_found_during_the_first_ranking_are_ranked_for(make_wizard, tmp_path, monkeypatch):
    folder = tmp_path / "wheels"
    folder.mkdir()  # empty at first: nothing on this disk to fall back to
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    app = make_wizard(None, dry_run=True)  # this machine, detected live; every mirror of the catalog is dead
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination", limit=40)
        screen = app.screen
        assert app.state.recommendation is not None and app.state.torch_on_disk == {}

        # the first list is in the making (held back until the wheels are found) ...
        release, real_offer = threading.Event(), app.offer_for
        held: list[tuple] = []

        def slow_offer(key):
            if not held:
                held.append(key)
                release.wait(30)
            return real_offer(key)

        monkeypatch.setattr(app, "offer_for", slow_offer)
        app.state.recommendation, app.state.recommendation_key = None, None
        screen.rank(screen.recommendation_key())
        for _i in range(100):
            if held:
                break
            await pilot.pause(0.05)
        assert held, "the ranking never started"

        # ... when a torch wheel turns up in the find-links folder: the key changes under it
        py = f"cp{sys.version_info.major}{sys.version_info.minor}"
        (folder / f"torch-2.13.0+cpu-{py}-{py}-manylinux_2_28_x86_64.whl").write_bytes(b"")
        screen.find_wheels(None)
        for _i in range(100):
            if app.state.torch_on_disk:
                break
            await pilot.pause(0.05)
        assert list(app.state.torch_on_disk) == ["2.13.0"]
        release.set()
        await settle(pilot, rounds=6)

        # the key's last three: the builds on this disk (now found), not for the conda method, no wheelhouse
        assert app.state.recommendation_key == screen.recommendation_key() == held[0][:-3] + (
            (("2.13.0", ("cpu",)),), False, ())
        assert not screen.query_one("#busy").display  # "Working out which builds fit this machine…" is gone
        chosen = screen.current_choice()
        assert (chosen["torch"], chosen["variant"], chosen.get("from_disk")) == ("2.13.0", "cpu", True)
