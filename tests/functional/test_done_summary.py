"""What the Done screen says is printed in the terminal once the wizard quits, each command on a line of its own
(found in a trial: a long command copied from the screen came with a newline at each place the screen wrapped it,
and pasted into a shell it ran in pieces; the screen, and its commands, were gone once the wizard had quit)."""

from __future__ import annotations

import pytest
import yaml
from tui_support import footer_drawn, footer_keys, press_until, screen_text, settle

from installer.answers import load_answers


def prefilled(make_wizard, folder, **options):
    """The wizard for a dry run on this machine (the CPU-only one recorded), its answers pre-filled from a file."""
    given = folder / "lab-answers.yaml"
    given.write_text(yaml.safe_dump({"version": 1, "method": "pip", "target": {"kind": "venv", "path": "lab-env"},
                                     "torch": {"version": "2.13.0", "variant": "cpu", "extras": []},
                                     "mirror": {"pytorch": "none"}}))
    return make_wizard("cpu-only", as_this_machine=True, answers=load_answers(given), answers_path=str(given),
                       dry_run=True, **options)


async def dry_run_to_done(app, pilot) -> None:
    await settle(pilot)
    await pilot.press("j")  # pre-filled: straight to Review
    await settle(pilot)
    assert app.current_name == "review", screen_text(app)
    await pilot.press("n")  # the dry run
    await press_until(pilot, "n", "done")


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_quitting_done_leaves_its_commands_whole_in_the_terminal(make_wizard, in_tmp, key):
    app = prefilled(make_wizard, in_tmp)
    async with app.run_test(size=(60, 24)) as pilot:
        await dry_run_to_done(app, pilot)
        shown = screen_text(app)
        # 60 columns: the screen has to wrap the command over lines
        wrapped = [w.size.height for w in app.screen.query(".command") if " --yes" in str(w.content)]
        await pilot.press(key)
    assert app.return_code == 0
    lines = (app.exit_summary or "").splitlines()
    assert lines and lines[0].startswith("Dry run finished:"), app.exit_summary
    replay = next((line for line in lines if line.startswith("  ") and "torch-setup install --answers " in line), None)
    assert replay is not None and replay.endswith(" --yes"), lines
    # the one the screen wrapped, whole on a line of the terminal's
    assert len(wrapped) == 1 and wrapped[0] >= 2, wrapped
    assert replay.strip() in shown
    # each sentence before its command, as on the screen; the screen's own key hint is not the terminal's
    assert lines[lines.index(replay) - 1] == "To install for real, unattended:"
    assert any(line.startswith("  ") and "torch-setup plan --answers " in line for line in lines)
    assert "Tab goes to each command, and c copies it." in " ".join(shown.split())
    assert not any("c copies it" in line for line in lines)


async def test_quitting_before_done_prints_nothing(make_wizard, in_tmp):
    app = prefilled(make_wizard, in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.current_name == "review"
        await pilot.press("ctrl+q")
    assert app.return_code == 0 and app.exit_summary is None


async def test_quit_from_help_over_done_still_leaves_the_commands(make_wizard, in_tmp):
    app = prefilled(make_wizard, in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await dry_run_to_done(app, pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert app.current_name != "done"  # the help is up, over Done
        await pilot.press("ctrl+q")
    assert "To install for real, unattended:" in (app.exit_summary or "").splitlines()


async def test_the_terminal_gets_them_in_the_wizards_language(make_wizard, in_tmp):
    app = prefilled(make_wizard, in_tmp, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await dry_run_to_done(app, pilot)
        await pilot.press("q")
    from installer.i18n import _, set_language

    set_language("zh")
    lines = (app.exit_summary or "").splitlines()
    assert _("To install for real, unattended:") in lines and "To install for real, unattended:" not in lines


@pytest.mark.parametrize("key", ["c", "ctrl+c"])
async def test_a_command_reached_with_tab_is_copied_whole(make_wizard, in_tmp, key):
    from installer.tui.widgets import CommandLine

    app = prefilled(make_wizard, in_tmp)
    async with app.run_test(size=(60, 24)) as pilot:
        await dry_run_to_done(app, pilot)
        assert "c" not in footer_keys(app)  # nothing to copy until a command has the focus
        for _i in range(10):
            await pilot.press("tab")
            if isinstance(app.focused, CommandLine) and "install --answers" in app.focused.command:
                break
        assert isinstance(app.focused, CommandLine), app.focused
        command = app.focused.command
        assert app.focused.size.height >= 2  # wrapped on the screen
        assert "c" in footer_keys(app)  # the footer says so
        await pilot.press(key)
        await settle(pilot)
        assert app.clipboard == command and "\n" not in app.clipboard and command.endswith(" --yes")
        assert any(n.title == "Copied" for n in app._notifications)
        await pilot.press("q")  # q still quits from a command
    assert app.return_code == 0 and app.exit_summary


async def test_the_footer_names_quit_once(make_wizard, in_tmp):
    """Found in a trial: Done's footer read "q Quit ^q Quit". One entry, q's, the key Done's last line names; Ctrl+Q
    still quits there (test_quitting_done_leaves_its_commands_whole_in_the_terminal)."""
    app = prefilled(make_wizard, in_tmp)
    async with app.run_test(size=(100, 24)) as pilot:
        await dry_run_to_done(app, pilot)
        shown = footer_drawn(app)
        assert [key for key, said in shown.items() if said == "Quit"] == ["q"], shown
        await pilot.press("q")
    assert app.return_code == 0 and app.exit_summary
