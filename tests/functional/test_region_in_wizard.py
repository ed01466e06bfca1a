"""The Mirrors screen says what region `auto` stands for and why; Simplified Chinese chosen in the
wizard counts when the timezone and locale say nothing (a UTC container), and the answers the wizard
makes name that region, so that replaying them unattended (no language chosen) probes the same mirrors."""

from __future__ import annotations

import pytest
from textual.widgets import Select
from tui_support import press_until, settle


@pytest.fixture
def utc_container(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "TORCH_SETUP_REGION"):
        monkeypatch.delenv(var, raising=False)


def _why(app) -> str | None:
    line = app.screen.query_one("#region-why")
    return " ".join(str(line.render()).split()) if line.display else None


@pytest.mark.parametrize("lang,region,said", [("zh", "cn", "auto 在这里表示中国大陆"), ("en", "auto", "auto means global here")])
async def test_auto_region_is_explained_and_settled(make_wizard, utc_container, lang, region, said):
    app = make_wizard("cpu-only", dry_run=True, lang=lang, as_this_machine=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        why = _why(app)
        assert why is not None and said in why, why
        app.screen.save()
        answers = app.engine.answers_from_data(app.state.draft)
        assert answers.mirror.region == region
        assert app.state.draft["mirror"]["region"] == "auto"  # the screen still shows what was chosen


@pytest.mark.parametrize("lang,region,said", [
    ("en", "auto", "auto means global from this computer: timezone UTC, locale C.UTF-8: nothing points at "
                   "mainland China; the answers keep auto, which the install on the recorded machine guesses again "
                   "there"),
    ("zh", "cn", "auto 在本机上表示中国大陆：界面选择了简体中文；时区无法判断（UTC）；应答文件写明中国大陆，记录的机器也按此处理"),
])
async def test_a_recorded_machine_is_told_whose_guess_auto_is(make_wizard, utc_container, lang, region, said):
    """Found in a trial: "auto means global here" of a recorded machine, which may well be in Beijing. The guess
    is this computer's; the answers keep auto (guessed again where they are installed) unless the language chose
    the region, and then they name it."""
    app = make_wizard("cpu-only", dry_run=True, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        why = _why(app)
        app.screen.save()
        answers = app.engine.answers_from_data(app.state.draft)
    assert why == said, why
    assert answers.mirror.region == region


async def test_the_language_switch_changes_what_auto_means(make_wizard, utc_container):
    app = make_wizard("cpu-only", dry_run=True, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")  # Welcome's language switch
        await press_until(pilot, "n", "mirrors")
        assert "auto 在本机上表示中国大陆" in (_why(app) or "")  # a recorded machine: this computer's guess


async def test_mirrors_probed_for_one_region_are_probed_again_when_auto_comes_to_mean_another(
        make_wizard, utc_container):
    app = make_wizard("cpu-only", dry_run=True, lang="en")
    probed: list[str | None] = []
    real = app.engine.probe_mirrors

    def counting(**kwargs):
        probed.append(app.state.mirrors_region)
        return real(**kwargs)

    app.engine.probe_mirrors = counting
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await press_until(pilot, "b", "welcome")
        await press_until(pilot, "n", "mirrors")
        assert probed == ["global"]  # the same region: the rows are kept
        await press_until(pilot, "b", "welcome")
        await pilot.press("l")
        await press_until(pilot, "n", "mirrors")
        assert probed == ["global", "cn"]


async def test_a_region_chosen_by_hand_needs_no_explaining(make_wizard, utc_container):
    app = make_wizard("cpu-only", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        app.screen.query_one("#region", Select).value = "global"
        await settle(pilot)
        assert _why(app) is None
        app.screen.save()
        assert app.engine.answers_from_data(app.state.draft).mirror.region == "global"
