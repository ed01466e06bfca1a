"""The wizard's feel: keys in the footer, help, the command palette, NO_COLOR, languages, pre-filled
answers, the live mirror table, detection off the UI thread, and bad input at the front door."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from textual.widgets import DataTable, Footer, Select
from tui_support import MACHINES, footer_keys, press_until, screen_text, settle, widget_text

from installer.answers import load_answers
from installer.i18n import _, set_language

SCREENS_WITH_KEYS = {
    "welcome": {"d", "l", "n"},
    "hardware": {"b", "n"},
    "mirrors": {"b", "n", "p", "k"},
    "combination": {"b", "n", "r", "c", "v"},
    "review": {"b", "n", "s", "a"},
}


async def test_every_action_has_a_key_in_the_footer(make_wizard):
    app = make_wizard(dry_run=True, as_this_machine=True)  # a recorded machine has no Dry run key to show
    async with app.run_test(size=(80, 24)) as pilot:
        for name, keys in SCREENS_WITH_KEYS.items():
            await press_until(pilot, "n", name)
            shown = footer_keys(app)
            assert keys <= shown, (name, keys - shown)
            assert {"f1", "ctrl+q"} <= shown
            assert app.screen.query_one(Footer)


async def test_a_recorded_machine_shows_no_dry_run_key(make_wizard):
    """Its wizard is always a dry run: a `d` that only says so is not offered (found in use, t3)."""
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = footer_keys(app)
        assert "d" not in shown and {"n", "l", "f1", "ctrl+q"} <= shown


async def test_ctrl_c_says_how_to_quit_in_the_wizards_language(make_wizard):
    app = make_wizard(dry_run=True, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [(n.title, str(n.message)) for n in app._notifications] == [("要退出吗？", "按 Ctrl+Q 退出向导。")]
        assert app.is_running, "Ctrl+C alone does not quit: in a text field it copies"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_back_and_next_keep_what_was_chosen(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#extra-torchaudio").value = False
        await pilot.press("b")
        await settle(pilot)
        assert app.current_name == "mirrors"
        await pilot.press("escape")  # Esc is Back too
        await settle(pilot)
        assert app.current_name == "hardware"
        await press_until(pilot, "n", "combination")
        assert app.screen.query_one("#extra-torchaudio").value is False
        assert app.state.draft["torch"]["extras"] == ["torchvision"]


async def test_help_opens_with_f1_and_question_mark(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "review")
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert type(app.screen).__name__ == "HelpScreen"
            text = screen_text(app)
            assert "Save script" in text and "The exact plan" in text
            await pilot.press("escape")
            await pilot.pause()
            assert app.current_name == "review"


async def test_review_saves_the_script_and_the_answers(make_wizard, in_tmp):
    import subprocess

    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "review")
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SavePathScreen"
        await pilot.press("enter")  # the name offered
        await pilot.pause()
        await pilot.press("a", "ctrl+u", *list("lab/answers.yaml"), "enter")
        await pilot.pause()
        assert app.current_name == "review"
    script = in_tmp / "torch-setup-plan.sh"
    assert script.read_text() == app.state.script
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    saved = load_answers(in_tmp / "lab" / "answers.yaml")
    assert saved.torch.version == app.state.draft["torch"]["version"]
    assert app.state.answers_written == (in_tmp / "lab" / "answers.yaml").resolve()


async def test_command_palette_jumps_to_a_screen(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "combination")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*list("go to hardware"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_name == "hardware"


async def test_command_palette_speaks_chinese(make_wizard):
    from textual.command import CommandInput

    app = make_wizard(dry_run=True, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令…"
        await pilot.press(*list("硬件"))
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_name == "hardware"


async def test_no_color_draws_in_grey_only(make_wizard, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_wizard("nodriver-rtx3060", dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "hardware")
        svg = app.export_screenshot()
    assert app.no_color
    colours = set(re.findall(r"#([0-9a-f]{6})\b", svg))
    def grey(c: str) -> bool:
        channels = [int(c[i:i + 2], 16) for i in (0, 2, 4)]
        return max(channels) - min(channels) <= 8

    coloured = {c for c in colours if not grey(c)}
    # the SVG frame (window buttons) is the only colour left: everything the app drew is grey
    assert coloured <= {"ff5f57", "febc2e", "28c840"}, coloured
    assert "Secure" in svg and "Boot" in svg


async def test_toggles_read_without_colour(make_wizard):
    app = make_wizard(dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "● Dry run" in text.replace("▐", "").replace("▌", "")
        assert "○ Install" in text.replace("▐", "").replace("▌", "")


async def test_chinese_from_the_flag_and_switching_back(make_wizard):
    app = make_wizard("nodriver-rtx3060", as_this_machine=True, dry_run=True, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        set_language("zh")
        zh_title = _("Install PyTorch on this machine")
        assert zh_title != "Install PyTorch on this machine", "the catalog has no Chinese for the title"
        assert zh_title in screen_text(app)
        await pilot.press("l")  # the language key
        await settle(pilot)
        assert "Install PyTorch on this machine" in screen_text(app)
        assert app.current_name == "welcome"
        await pilot.press("l")
        await press_until(pilot, "n", "hardware")
        set_language("zh")
        assert _("no NVIDIA driver loaded") in screen_text(app)


def test_language_from_the_environment(cli, tmp_path):
    """LANG picks Chinese for the command line too (the wizard shares the catalog)."""
    out = cli("--no-such-flag", env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""}, cwd=tmp_path)
    assert out.returncode == 2
    set_language("zh")
    zh_error = _("{prog}: error: {message}", prog="torch-setup", message="")
    set_language("en")
    assert zh_error != "torch-setup: error: "
    assert zh_error in out.stderr and zh_error.startswith("torch-setup: 错误：")


async def test_prefilled_answers_jump_to_review(make_wizard, in_tmp):
    given = in_tmp / "lab.yaml"
    given.write_text(yaml.safe_dump({"version": 1, "method": "pip", "target": {"kind": "venv", "path": "lab-env"},
                                     "torch": {"version": "2.13.0", "variant": "cpu", "extras": []},
                                     "mirror": {"pytorch": "none"}}))
    app = make_wizard("cpu-only", answers=load_answers(given), answers_path=str(given), dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Pre-filled from" in screen_text(app)
        assert "j" in footer_keys(app)
        await pilot.press("j")
        await settle(pilot)
        assert app.current_name == "review"
        summary = dict(app.state.plan.summary)
        assert summary["torch"] == "2.13.0" and summary["variant"] == "cpu"
        assert summary["target"].endswith("lab-env")


async def test_prefilled_answers_fill_every_screen(make_wizard, in_tmp):
    given = in_tmp / "lab.yaml"
    given.write_text(yaml.safe_dump({"version": 1, "method": "conda", "target": {"kind": "conda", "path": "cenv"},
                                     "torch": {"extras": ["torchvision"]}, "bench": "full",
                                     "mirror": {"region": "cn", "pypi": "https://mirror.example/simple",
                                                "scope": "none"}}))
    app = make_wizard("rtx4090-550", answers=load_answers(given), answers_path=str(given), dry_run=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_until(pilot, "n", "mirrors")
        screen = app.screen
        assert screen.query_one("#region", Select).value == "cn"
        assert screen.query_one("#pick-pypi", Select).value == "__url__"
        assert screen.query_one("#url-pypi").value == "https://mirror.example/simple"
        assert screen.query_one("#scope", Select).value == "none"
        await press_until(pilot, "n", "combination")
        screen = app.screen
        assert screen.query_one("#method-conda").value
        assert screen.query_one("#target-conda").value
        assert screen.query_one("#target-path").value == "cenv"
        assert screen.query_one("#extra-torchvision").value and not screen.query_one("#extra-torchaudio").value
        assert screen.query_one("#bench-full").value


@pytest.mark.skipif(os.geteuid() != 0, reason="sudo's variables only count for root")
async def test_started_with_sudo_is_said_on_the_first_screen(make_wizard, monkeypatch):
    monkeypatch.setenv("SUDO_UID", "65534")
    monkeypatch.setenv("SUDO_USER", "nobody")
    app = make_wizard("cpu-only")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "You started torch-setup with sudo" in text and "as nobody" in text


async def test_no_sudo_warning_otherwise(make_wizard, monkeypatch):
    monkeypatch.delenv("SUDO_UID", raising=False)
    app = make_wizard("cpu-only")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "started torch-setup with sudo" not in screen_text(app)


async def test_a_pinned_version_survives_the_walk_through_mirrors(make_wizard, in_tmp):
    """The Mirrors screen works out the build to probe for and keeps that list for Combination: it must be
    the list Combination would make (the pinned 2.12.0 first), not the plain ranking, which would put
    2.14.1 in the answers without anyone choosing it."""
    given = in_tmp / "pinned.yaml"
    given.write_text(yaml.safe_dump({"version": 1, "torch": {"version": "2.12.0", "variant": "auto"}}))
    app = make_wizard("rtx4090-550", answers=load_answers(given), answers_path=str(given), dry_run=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "mirrors")
        await press_until(pilot, "n", "combination")
        choices = app.state.recommendation["choices"]
        chosen = choices[app.state.choice_index]
        assert chosen["torch"] == "2.12.0", [(c["torch"], c["variant"]) for c in choices[:3]]
        await press_until(pilot, "n", "review")
        assert dict(app.state.plan.summary)["torch"] == "2.12.0"
        assert app.state.draft["torch"]["version"] == "2.12.0"


async def test_leaving_the_python_field_with_tab_remakes_the_list(make_wizard):
    """The builds offered depend on the Python: Tab out of the field counts as much as Enter."""
    app = make_wizard("rtx4090-550")
    async with app.run_test(size=(100, 30)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#target-python").focus()
        assert app.state.recommendation_key[1] is None  # the Python detected (3.11 on that machine)
        await pilot.press(*"3.13")
        await pilot.press("tab")
        await settle(pilot)
        assert app.state.recommendation_key[1] == "3.13"
        choices = app.state.recommendation["choices"]
        assert choices and all(c.get("python") == "3.13" for c in choices)


async def test_mirror_table_fills_in_from_live_servers(make_wizard, loopback_catalog):
    app = make_wizard("rtx4090-550", catalog=loopback_catalog.path, dry_run=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await press_until(pilot, "n", "mirrors")
        for _i in range(100):  # under a loaded machine the probe's rows come in later than settle waits
            if app.state.mirrors_probed:
                break
            await settle(pilot, rounds=1)
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        rows = {str(k.value): table.get_row(k) for k in table.rows}
        pypi = rows["pypi/loop-pypi"]
        assert pypi[4].startswith("✓") and float(pypi[2]) > 0, pypi  # answered, with its latency
        assert rows["conda/loop-conda"][4].startswith("✗")
        assert "loop-conda" in widget_text(app.screen.query_one("#reasons"))
        assert loopback_catalog.pypi.requests, "the probe really asked the loopback mirror"
        # choose the live mirror for PyPI, type a URL for conda, then keep this machine's configuration
        app.screen.query_one("#pick-pypi", Select).value = f"{loopback_catalog.pypi.base}/simple"
        app.screen.query_one("#pick-conda", Select).value = "__url__"
        await pilot.pause()
        app.screen.query_one("#url-conda").value = "https://conda.example/conda-forge"
        await pilot.press("n")
        await settle(pilot)
        mirror = app.state.draft["mirror"]
        assert mirror["pypi"] == f"{loopback_catalog.pypi.base}/simple"
        assert mirror["conda"] == "https://conda.example/conda-forge"
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("k")
        await pilot.press("n")
        await settle(pilot)
        mirror = app.state.draft["mirror"]
        assert (mirror["pypi"], mirror["pytorch"], mirror["scope"]) == ("auto", "none", "none")


async def test_a_wrong_url_is_refused_on_the_mirrors_screen(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await press_until(pilot, "n", "mirrors")
        app.screen.query_one("#pick-pytorch", Select).value = "__url__"
        await pilot.pause()
        field = app.screen.query_one("#url-pytorch")
        field.value = "ftp://mirror example"
        app.screen.query_one("#pick-pytorch").focus()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "mirrors"  # stays, with the reason under the field where the mistake is
        box = app.screen.query_one("#url-problem-pytorch")
        assert box.display and "is not auto, none, a mirror id" in widget_text(box)
        assert not app._notifications  # not only a toast, which goes away
        # not focused: a second n (a person pressing Next again) must not be typed over the URL
        assert app.screen.focused is not field
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "mirrors" and field.value == "ftp://mirror example" and box.display
        field.value = "https://mirror.example/whl"  # put right: the message goes as it is typed
        await pilot.pause()
        assert not box.display
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "combination"
        assert app.state.draft["mirror"]["pytorch"] == "https://mirror.example/whl"


async def test_detection_runs_off_the_ui_thread(make_wizard, in_tmp, dead_catalog):
    """Live detection (no --hardware) runs in a worker thread, never on the one that draws the screen."""
    import threading

    from installer.tui.engine import Engine

    class Watched(Engine):
        threads: list[str] = []

        def detect(self, python=None):
            self.threads.append(threading.current_thread().name)
            return super().detect(python)

    engine = Watched(catalog=dead_catalog, include_current=False, state_dir=in_tmp / "state")
    app = make_wizard(None, dry_run=True, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ui_thread = threading.current_thread().name
        await pilot.press("n")
        await pilot.pause()
        assert app.current_name == "hardware"
        await settle(pilot)
        assert app.state.report is not None
        assert "System" in screen_text(app)
    assert engine.threads and ui_thread not in engine.threads, engine.threads


@pytest.mark.parametrize("content, where", [
    ("version: 1\ntorch:\n  version: [oops\n", ":3: not valid YAML"),  # where the '[' opens
    ("version: 1\ntorch:\n  flavour: cuda\n", ":3: torch.flavour: unknown key"),
    ("version: 1\ntorch:\n  version: '2.13.0; touch /tmp/x'\n", ":3: torch.version"),
])
def test_bad_answers_file_exits_2_naming_file_line_key(cli, tmp_path, content, where):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    out = cli("--dry-run", "--answers", str(bad), cwd=tmp_path)
    assert out.returncode == 2
    assert f"{bad}{where}" in out.stderr
    assert "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"], "nothing was written"


def test_bad_hardware_file_exits_2(cli, tmp_path):
    bad = tmp_path / "machine.json"
    bad.write_text((MACHINES / "rtx4090-550.json").read_text().replace('"schema": 1', '"schema": 7'))
    out = cli("--hardware", str(bad), cwd=tmp_path)
    assert out.returncode == 2
    assert f"{bad}:2: schema" in out.stderr and "Traceback" not in out.stderr


def test_the_wizard_needs_a_terminal(cli, tmp_path):
    out = cli("--dry-run", cwd=tmp_path)
    assert out.returncode == 2
    # the command it offers for no terminal must not ask to confirm (install without --yes exits 2 here too)
    assert "`torch-setup install --answers F --yes`" in out.stderr
