"""The wizard's answers file says how to replay it with its own path, not THIS_FILE. Found in use: a Chinese
wizard's file said "重放：torch-setup install --answers THIS_FILE", a placeholder in English capitals where
the wizard knew the file's name."""

from __future__ import annotations

from tui_support import press_until, settle

from installer.answers import load_answers


async def test_the_run_file_and_a_saved_copy_name_themselves(make_wizard, in_tmp):
    app = make_wizard("cpu-only", dry_run=True, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await press_until(pilot, "n", "install")
        run_file = in_tmp / "torch-setup-answers.yaml"
        assert app.state.answers_written == run_file.resolve()
        first = run_file.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# torch-setup 应答文件（第 1 版）。重新运行：torch-setup install --answers {run_file}", first
        await press_until(pilot, "n", "done")
        await pilot.press("a")  # a copy, saved where the person says
        await pilot.pause()
        await pilot.press("ctrl+u", *list("copies/lab.yaml"), "enter")
        await settle(pilot)
    copy = in_tmp / "copies" / "lab.yaml"
    text = copy.read_text(encoding="utf-8")
    assert f"--answers {copy}\n" in text and "THIS_FILE" not in text, text
    assert load_answers(copy) == load_answers(run_file)
