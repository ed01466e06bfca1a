"""The Combination screen's Version field: a person can ask for an older release in the wizard, and is
offered that release's builds for this machine, ranked, with their reasons (recorded rtx4090-550:
driver 550 runs CUDA 12 wheels as it is, CUDA 13 ones after a driver update)."""

from __future__ import annotations

from textual.widgets import Select
from tui_support import press_until, settle

from installer.compat.data import load


def offered(app) -> list[tuple[str, str]]:
    return [(c["torch"], c["variant"]) for c in app.state.recommendation["choices"]]


async def wait_for_versions(pilot) -> Select:
    select = pilot.app.screen.query_one("#torch-version", Select)
    for _i in range(50):
        if len(select._options) > 2:  # "latest" and the releases, once listed in the worker
            return select
        await pilot.pause(0.1)
    raise AssertionError("the Version field was never filled")


async def test_the_field_lists_latest_then_every_release_for_this_platform(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        select = await wait_for_versions(pilot)
        values = [value for _label, value in select._options]
        released = [r.torch for r in load().released() if r.variants.get("linux_x86_64")]
        assert values == ["latest", *released]
        assert select.value == "latest"
        assert offered(app)[0] == ("2.14.1", "cu126")  # the plain ranking's first
        # the list has the keys, and the screen opens at its top: the heading and this field in sight
        assert app.focused is app.screen.query_one("#choices")
        assert app.screen.query_one("#body").scroll_y == 0


async def test_choosing_a_release_by_keyboard_offers_its_builds(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        await wait_for_versions(pilot)
        await pilot.press("v")  # opens the list: the person then chooses, as the screen's hint says
        select = app.screen.query_one("#torch-version", Select)
        await settle(pilot)
        assert select.expanded and select.has_focus_within
        await pilot.press("down", "down", "enter")  # latest -> 2.15.0 -> 2.14.1
        await settle(pilot, rounds=6)
        assert app.state.version_asked == "2.14.1"
        assert {t for t, _v in offered(app)} == {"2.14.1"}
        assert offered(app)[0] == ("2.14.1", "cu126")


async def test_an_older_release_is_planned_and_kept_on_the_way_back(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        select = await wait_for_versions(pilot)
        select.value = "2.12.0"
        await settle(pilot, rounds=6)
        builds = offered(app)
        assert {t for t, _v in builds} == {"2.12.0"}, builds
        assert builds[0] == ("2.12.0", "cu126") and ("2.12.0", "cpu") in builds
        assert app.state.choice_index == 0

        await press_until(pilot, "n", "review")
        assert dict(app.state.plan.summary)["torch"] == "2.12.0"
        assert app.state.draft["torch"] == {**app.state.draft["torch"], "version": "2.12.0", "variant": "cu126"}

        # back: the field still asks for 2.12.0 and the list is still its builds, cu126 still chosen
        await press_until(pilot, "b", "combination")
        select = app.screen.query_one("#torch-version", Select)
        assert select.value == "2.12.0"
        assert {t for t, _v in offered(app)} == {"2.12.0"}
        assert offered(app)[app.state.choice_index] == ("2.12.0", "cu126")

        # and back to latest: the plain ranking again, its first build chosen
        select.value = "latest"
        await settle(pilot, rounds=6)
        assert offered(app)[0] == ("2.14.1", "cu126") and app.state.choice_index == 0
        await press_until(pilot, "n", "review")
        assert dict(app.state.plan.summary)["torch"] == "2.14.1"


async def test_after_choosing_a_build_the_list_is_not_narrowed_to_its_version(make_wizard):
    """Choosing 2.15.0 + cu132 from the latest list pins the draft to 2.15.0 (the answers need an exact
    version), but the field still says latest: coming back lists every release's best builds again."""
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        await wait_for_versions(pilot)
        await pilot.press("c", "down", "enter")
        await settle(pilot)
        assert offered(app)[app.state.choice_index][0] == "2.15.0"
        await press_until(pilot, "n", "review")
        assert app.state.draft["torch"]["version"] == "2.15.0"
        await press_until(pilot, "b", "combination")
        assert app.screen.query_one("#torch-version", Select).value == "latest"
        assert {"2.14.1", "2.15.0"} <= {t for t, _v in offered(app)}
