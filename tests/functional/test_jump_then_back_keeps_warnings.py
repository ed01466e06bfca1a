"""Welcome's j goes straight to Review, past the Mirrors screen; Back from there reaches Combination, which still
warns that the build chosen has nowhere to come from (no PyTorch index answers, its wheel not on this disk).
Found in use: after j and Back, torch 2.15.0's warning, shown on the way through the screens, was missing (the
Mirrors screen's probe had not run, and Combination took "not probed" for "an index answers")."""

from __future__ import annotations

import sys

from tui_support import press_until, screen_text, settle


def _flat(text: str) -> str:
    return " ".join(text.split())  # the warning wraps at the screen's width


async def test_back_from_a_jump_to_review_keeps_the_not_on_this_disk_warning(make_wizard, tmp_path, monkeypatch):
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / f"torch-2.13.0+cpu-{py}-{py}-manylinux_2_28_x86_64.whl").write_bytes(b"")  # only the name is read
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")  # pip's own way of reading no file
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    answers = tmp_path / "answers.yaml"
    answers.write_text("version: 1\ntorch:\n  version: 2.15.0\n  variant: cpu\n")
    warning = ("no PyTorch index answered (Mirrors screen) and torch 2.15.0 cpu is not in this machine's wheel "
               "folder: unless your pip configuration's indexes have it, its install will fail. On this disk: "
               "2.13.0 -> press v and choose one")
    app = make_wizard(None, dry_run=True, answers_path=str(answers))  # this machine, every mirror dead
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot, rounds=6)
        assert app.current_name == "review"
        assert not app.state.mirrors_probed  # the Mirrors screen was never shown
        await press_until(pilot, "b", "combination")
        await settle(pilot, rounds=6)
        assert warning in _flat(screen_text(app))
        # the same warning as on the way through the screens
        await press_until(pilot, "b", "mirrors")
        await press_until(pilot, "n", "combination")
        await settle(pilot, rounds=6)
        assert warning in _flat(screen_text(app))
