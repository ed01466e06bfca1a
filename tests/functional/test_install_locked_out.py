"""Another run holding the folder is a refusal, not a failure: nothing started and nothing changed. Found in use:
the Install screen said "The install stopped:", "failed", and the command line's "then run this command again"
text twice, once above and once in the log."""

from __future__ import annotations

from tui_support import press_until, screen_text, settle

from installer.executor.runlock import Holder, RunLocked


async def _install_screen(make_wizard, run_plan) -> str:
    """The Install screen's words after a run of `run_plan` (the engine's, replaced) from Review."""
    app = make_wizard("cpu-only", as_this_machine=True)
    app.engine.run_plan = run_plan
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        await settle(pilot)
        return " ".join(screen_text(app).split())


async def test_a_folder_held_by_another_run_is_said_once_as_not_started(make_wizard, in_tmp):
    def locked(plan, *, dry_run, cancel, simulate=True):
        raise RunLocked(f"another torch-setup run (pid 4242) is installing into {in_tmp / '.venv-torch'}",
                        hint="wait for it to finish, then run this command again; nothing was changed",
                        holder=Holder(pid=4242))
        yield  # a generator, as the engine's run_plan is

    text = await _install_screen(make_wizard, locked)
    assert "The install did not start, and nothing was changed: another torch-setup run (pid 4242)" in text
    assert "Wait for that run to finish, then run this to go on:" in text
    assert text.count("pid 4242") == 1, text
    assert "The install stopped" not in text and "run this command again" not in text


async def test_any_refusal_before_the_first_step_is_said_as_not_started(make_wizard, in_tmp):
    """Found in use: XDG_STATE_HOME read-only, and the screen said "The install stopped: … refused before
    anything ran … Once the cause is fixed, run this to resume"."""
    from installer.errors import InputError

    def refused(plan, *, dry_run, cancel, simulate=True):
        raise InputError("cannot keep the journal and the logs in /ro/torch-setup: permission denied",
                         hint="point XDG_STATE_HOME at a folder you can write to")
        yield  # a generator, as the engine's run_plan is

    text = await _install_screen(make_wizard, refused)
    assert "The install did not start, and nothing was changed: cannot keep the journal" in text
    assert "What to do: point XDG_STATE_HOME at a folder you can write to" in text
    assert "Once that is done, run this to go on: torch-setup install --answers" in text
    assert "The install stopped" not in text and "resume" not in text
