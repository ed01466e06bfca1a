"""The wizard (the real app, driven by Pilot) on this machine detected with a pip configuration whose
indexes carry a password and a token: the Mirrors, Review and Install (dry run) screens show `***@`
where they show those URLs, and never the secrets; the script Review saves hides them too."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import TESTS, load_module

tui_support = load_module(TESTS / "functional" / "tui_support.py")
PASSWORD, TOKEN = "s3cret-Pa55", "tok3n-2f9c1d"


@pytest.fixture
def wizard(tmp_path, monkeypatch, xdg_home):
    from installer.answers import load_answers
    from installer.tui.app import make_app
    from installer.tui.engine import Engine

    conf = tmp_path / "pip.conf"
    conf.write_text(f"[global]\nindex-url = https://bob:{PASSWORD}@idx.example/simple\n"
                    f"extra-index-url = https://{TOKEN}@tok.example/simple\nfind-links = /opt/wheels\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    dead = "http://127.0.0.1:9"
    catalog = tui_support.mirror_servers.write_catalog(
        tmp_path / "dead.yaml", tui_support.KINDS_INFO, tui_support.catalog_entries(dead, dead, dead, dead))
    given = work / "lab.yaml"
    given.write_text(yaml.safe_dump({"version": 1, "method": "pip", "target": {"kind": "venv", "path": "lab-env"},
                                     "torch": {"version": "2.13.0", "variant": "cpu", "extras": []},
                                     "mirror": {"pytorch": "none"}}))

    def make():
        engine = Engine(catalog=str(catalog), probe_timeout=2.0, include_current=False, state_dir=work / "state")
        return make_app(engine=engine, answers=load_answers(given), answers_path=str(given), dry_run=True, lang="en")

    yield make, work
    from installer.i18n import set_language

    set_language("en")


def _log_text(app) -> str:
    from textual.widgets import RichLog

    log = app.screen.query_one("#log", RichLog)
    return "\n".join("".join(segment.text for segment in line) for line in log.lines)


async def test_mirrors_review_and_install_screens_show_no_secret(wizard):
    make, work = wizard
    app = make()
    async with app.run_test(size=(160, 60)) as pilot:
        await tui_support.press_until(pilot, "n", "mirrors")
        text = tui_support.screen_text(app)
        assert "https://***@idx.example/simple" in text and "https://***@tok.example/simple" in text
        assert PASSWORD not in text and TOKEN not in text

        await tui_support.press_until(pilot, "n", "review")
        text = tui_support.screen_text(app)
        assert "UV_INDEX_URL=https://***@idx.example/simple" in text  # the install command, redacted
        assert "https://***@tok.example/simple" in text
        assert PASSWORD not in text and TOKEN not in text
        assert app.state.script and PASSWORD not in app.state.script and "--show-secrets" in app.state.script

        await pilot.press("s")  # save the script where the dialog proposes
        await tui_support.settle(pilot)
        await pilot.press("enter")
        await tui_support.settle(pilot)
        saved = work / "torch-setup-plan.sh"
        assert saved.exists() and PASSWORD not in saved.read_text() and "***@idx.example" in saved.read_text()

        await tui_support.press_until(pilot, "n", "install")
        await tui_support.settle(pilot, rounds=6)
        log = _log_text(app)
        assert "would run: UV_INDEX_URL=https://***@idx.example/simple" in log
        assert PASSWORD not in log + tui_support.screen_text(app)
        assert TOKEN not in log + tui_support.screen_text(app)
    answers = Path(app.state.answers_written or "")
    assert answers.exists() and PASSWORD not in answers.read_text()  # the config's secret is not copied there
