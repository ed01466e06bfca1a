"""The answers file the wizard writes: found in use, torch-setup-answers.yaml came out -rw-r--r-- with a
mirror password in it (http://bob:s3cret@host/simple), readable by everyone on a lab machine. A file with
credentials is written 0600, as the venv's pip.conf is; one without keeps the usual mode, since a lab admin
shares it. Written whole or not at all: no half-written file, no temporary file left beside it."""

from __future__ import annotations

import os
import stat

from tui_support import press_until

from installer.answers import load_answers, parse_answers

PASSWORD = "s3cret-Pa55"
WITH_PASSWORD = ("version: 1\ntarget: {kind: venv, path: lab-env}\n"
                 "torch: {version: 2.13.0, variant: cpu, extras: []}\n"
                 f"mirror: {{pypi: 'http://bob:{PASSWORD}@127.0.0.1:9/simple', pytorch: none}}\n")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def _run_to_install(make_wizard, answers):
    app = make_wizard("cpu-only", dry_run=True, answers=answers)
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
    return app


async def test_an_answers_file_with_a_password_is_for_its_owner_alone(make_wizard, in_tmp):
    old = os.umask(0o022)
    try:
        app = await _run_to_install(make_wizard, parse_answers(WITH_PASSWORD))
    finally:
        os.umask(old)
    written = in_tmp / "torch-setup-answers.yaml"
    assert app.state.answers_written == written.resolve()
    assert PASSWORD in written.read_text()  # the replay needs it
    assert _mode(written) == 0o600
    assert load_answers(written).mirror.pypi == f"http://bob:{PASSWORD}@127.0.0.1:9/simple"
    assert sorted(p.name for p in in_tmp.iterdir() if p.name.startswith(".")) == []  # no temporary file left


async def test_an_answers_file_without_one_stays_readable_for_the_lab(make_wizard, in_tmp):
    old = os.umask(0o022)
    try:
        await _run_to_install(make_wizard, parse_answers(WITH_PASSWORD.replace(f"bob:{PASSWORD}@", "")))
    finally:
        os.umask(old)
    assert _mode(in_tmp / "torch-setup-answers.yaml") == 0o644


def test_the_file_is_replaced_whole_and_a_link_written_through(tmp_path):
    from installer.tui.screens.base import write_text

    class Screen:
        notes: list[str] = []

        def notify(self, text, **_options):
            self.notes.append(text)

    real = tmp_path / "kept" / "answers.yaml"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o640)  # the mode someone gave it: kept while no password is in it
    link = tmp_path / "answers.yaml"
    link.symlink_to(real)
    assert write_text(Screen(), link, "version: 1\n") == real
    assert link.is_symlink() and real.read_text() == "version: 1\n" and _mode(real) == 0o640
    assert write_text(Screen(), link, f"mirror: {{pypi: 'https://bob:{PASSWORD}@idx.example/simple'}}\n") == real
    assert _mode(real) == 0o600 and PASSWORD in real.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["answers.yaml"]
