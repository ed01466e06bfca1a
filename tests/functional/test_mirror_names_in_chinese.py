"""The Mirrors screen names each mirror in the language of the wizard: in Chinese by the institution's
Chinese name from the catalog (清华大学 TUNA, 北京外国语大学 BFSU), which is how many people there know it."""

from __future__ import annotations

import pytest
import yaml
from textual.widgets import Select
from tui_support import press_until, settle

from installer.answers import Answers
from installer.mirrors.catalog import DEFAULT_CATALOG


@pytest.fixture
def shipped_names_dead_urls(tmp_path):
    """The shipped catalog, every URL moved to a port where nothing listens: its real names, no network."""
    data = yaml.safe_load(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    for i, mirror in enumerate(data["mirrors"]):
        mirror["url"] = f"http://127.0.0.1:9/{i}"
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _prompts(app, kind: str) -> list[str]:
    select = app.screen.query_one(f"#pick-{kind}", Select)
    return [str(prompt) for prompt, _value in select._options]


@pytest.mark.parametrize("lang,tuna,bfsu,pypi", [
    ("zh", "清华大学 TUNA (tuna-pypi)", "北京外国语大学 BFSU (bfsu-pypi)", "PyPI 官方 (pypi)"),
    ("en", "TUNA (Tsinghua) (tuna-pypi)", "BFSU (bfsu-pypi)", "PyPI (upstream) (pypi)"),
])
async def test_the_mirror_lists_name_mirrors_in_the_wizards_language(make_wizard, shipped_names_dead_urls,
                                                                     lang, tuna, bfsu, pypi):
    answers = Answers.model_validate({"mirror": {"region": "cn"}})
    app = make_wizard("cpu-only", catalog=shipped_names_dead_urls, answers=answers, dry_run=True, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await settle(pilot)
        prompts = _prompts(app, "pypi")
        for name in (tuna, bfsu, pypi):
            assert any(p.startswith(name) for p in prompts), prompts
        if lang == "zh":
            assert not [p for p in prompts if "Tsinghua" in p or "upstream" in p], prompts
            conda = _prompts(app, "conda")
            assert any(p.startswith("中国科学技术大学 USTC (ustc-conda)") for p in conda), conda


async def test_coming_back_to_the_mirrors_screen_keeps_every_mirror_in_the_lists(make_wizard,
                                                                                 shipped_names_dead_urls):
    # the probe is not run again on the way back (its rows are kept): the lists must still offer what it probed
    answers = Answers.model_validate({"mirror": {"region": "cn"}})
    app = make_wizard("cpu-only", catalog=shipped_names_dead_urls, answers=answers, dry_run=True, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await settle(pilot)
        first = {kind: _prompts(app, kind) for kind in ("pypi", "pytorch", "conda")}
        assert len(first["pypi"]) > 5, first["pypi"]
        await pilot.press("n")
        await press_until(pilot, "b", "mirrors")
        await settle(pilot)
        again = {kind: _prompts(app, kind) for kind in ("pypi", "pytorch", "conda")}
        assert app.screen.query_one("#probe-status").render().plain.startswith("Probed earlier")
        assert [len(v) for v in again.values()] == [len(v) for v in first.values()], again
