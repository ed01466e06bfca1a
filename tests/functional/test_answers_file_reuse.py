"""A run's answers file: the same answers reuse the file that holds them, the wizard updates its own file,
and a file someone changed is never written over. Found in use: every run that reached Install left
another torch-setup-answers-N.yaml in the working folder (five after one session), most the same."""

from __future__ import annotations

from textual.widgets import Checkbox
from tui_support import press_until, screen_text, settle

from installer.answers import load_answers


def _files(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("torch-setup-answers*.yaml"))


async def _run_to_install(make_wizard, **options):
    app = make_wizard("cpu-only", dry_run=True, **options)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
    return app


async def test_a_second_run_with_the_same_answers_reuses_the_file(make_wizard, in_tmp):
    first = await _run_to_install(make_wizard)
    assert _files(in_tmp) == ["torch-setup-answers.yaml"]
    written = in_tmp / "torch-setup-answers.yaml"
    # a comment of the person's own: the answers are the same, so is the file (and it is left as it is)
    edited = written.read_text() + "# checked by the lab\n"
    written.write_text(edited)
    second = await _run_to_install(make_wizard)
    assert _files(in_tmp) == ["torch-setup-answers.yaml"]
    assert second.state.answers_written == first.state.answers_written == written.resolve()
    assert written.read_text() == edited


async def test_other_answers_go_to_a_new_file(make_wizard, in_tmp):
    await _run_to_install(make_wizard)
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "combination")
        app.screen.query_one("#verify", Checkbox).value = False
        await settle(pilot)
        await press_until(pilot, "n", "install")
    assert _files(in_tmp) == ["torch-setup-answers-2.yaml", "torch-setup-answers.yaml"]
    assert load_answers(in_tmp / "torch-setup-answers.yaml").verify is True  # the earlier run's, untouched
    assert load_answers(in_tmp / "torch-setup-answers-2.yaml").verify is False


async def test_the_wizard_updates_its_own_file_but_not_one_changed_since(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        own = in_tmp / "torch-setup-answers.yaml"
        assert app.state.answers_written == own.resolve()
        # back, another answer, the run again: the same file, updated
        await press_until(pilot, "b", "combination")
        app.screen.query_one("#verify", Checkbox).value = False
        await settle(pilot)
        await press_until(pilot, "n", "install")
        assert _files(in_tmp) == ["torch-setup-answers.yaml"]
        assert load_answers(own).verify is False
        # now someone edits it in another window: theirs from then on
        theirs = own.read_text().replace("bench: none", "bench: full")
        assert theirs != own.read_text()
        own.write_text(theirs)
        await press_until(pilot, "b", "combination")
        app.screen.query_one("#verify", Checkbox).value = True
        await settle(pilot)
        await press_until(pilot, "n", "install")
        told = [str(n.message) for n in app._notifications]
    assert own.read_text() == theirs
    assert _files(in_tmp) == ["torch-setup-answers-2.yaml", "torch-setup-answers.yaml"]
    assert app.state.answers_written == (in_tmp / "torch-setup-answers-2.yaml").resolve()
    assert load_answers(in_tmp / "torch-setup-answers-2.yaml").verify is True
    assert any("was changed since the wizard wrote it, so it is kept as it is" in m for m in told), told


async def test_the_answers_file_the_wizard_started_from_is_reused(make_wizard, in_tmp):
    given = in_tmp / "lab.yaml"
    text = "# the lab's\nversion: 1\ntorch:\n  version: 2.13.0\n  variant: cpu\nmirror:\n  pytorch: none\n"
    given.write_text(text)
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, answers=load_answers(given),
                      answers_path=str(given))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "done")
        done = " ".join(screen_text(app).split())
    assert app.state.answers_written == given.resolve()
    assert _files(in_tmp) == [] and given.read_text() == text
    # nothing was written, so Done does not say the answers file was
    assert "Dry run finished: nothing on this machine was changed." in done
    assert f"Answers file: {given.resolve()}" in done


async def test_a_reused_file_with_a_relative_folder_is_replayed_from_its_folder(make_wizard, in_tmp):
    """Found in use: started in ~/x1 with ~/e1/cpu-venv.yaml (`path: .venv-torch`), the screens offered
    `torch-setup install --answers /home/t2/e1/cpu-venv.yaml`, which run from the home folder installs into
    ~/.venv-torch, not the ~/x1/.venv-torch Review showed."""
    import shlex

    elsewhere = in_tmp / "e1"
    elsewhere.mkdir()
    given = elsewhere / "cpu.yaml"
    given.write_text("version: 1\ntarget:\n  kind: venv\n  path: .venv-torch\ntorch:\n  version: 2.13.0\n"
                     "  variant: cpu\n  extras: []\n")
    app = make_wizard("cpu-only", as_this_machine=True, dry_run=True, answers=load_answers(given),
                      answers_path=str(given))
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "done")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
    assert app.state.answers_written == given.resolve()  # reused, not copied
    assert f"cd {shlex.quote(str(in_tmp))} && torch-setup install --answers {given.resolve()}" in text
    assert f"cd {shlex.quote(str(in_tmp))} && torch-setup plan --answers {given.resolve()}" in text


async def test_a_file_of_absolute_folders_is_replayed_as_it_is(make_wizard, in_tmp):
    # this machine's answers: the wizard writes its folders whole (a recorded machine's stay as typed,
    # test_recorded_machine_not_this_one)
    await _run_to_install(make_wizard, as_this_machine=True)
    app = make_wizard("cpu-only", dry_run=True, as_this_machine=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "done")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
    assert app.state.answers_cwd is None
    assert f"torch-setup install --answers {in_tmp / 'torch-setup-answers.yaml'}" in text and "cd " not in text
