"""The wizard's side of two mirror mistakes a tester in China found (the command line's side is in
tests/e2e/test_cn_tester_mirror_choices.py): TUNA's PyPI mirror typed as the PyTorch wheel index is
refused under its field, with the PyTorch mirrors to use instead; and Review says which mirror chosen by
hand no step of the plan uses (a PyTorch wheel mirror for cu132, which comes from PyPI itself)."""

from __future__ import annotations

from textual.widgets import Select
from tui_support import press_until, screen_text, settle, widget_text

from installer.answers import parse_answers


async def test_a_pypi_mirror_typed_as_the_pytorch_index_is_refused_under_its_field(make_wizard):
    app = make_wizard("rtx4090-550", dry_run=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await press_until(pilot, "n", "mirrors")
        app.screen.query_one("#region", Select).value = "cn"
        app.screen.query_one("#pick-pytorch", Select).value = "__url__"
        await pilot.pause()
        app.screen.query_one("#url-pytorch").value = "https://pypi.tuna.tsinghua.edu.cn/simple"
        app.screen.query_one("#pick-pytorch").focus()
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "mirrors"
        box = app.screen.query_one("#url-problem-pytorch")
        text = " ".join(widget_text(box).split())
        assert box.display and ("https://pypi.tuna.tsinghua.edu.cn/simple is a PyPI mirror, not a PyTorch wheel "
                                "index") in text, text
        assert "a PyPI mirror goes in mirror.pypi" in text and "nju-pytorch, sjtu-pytorch" in text
        # a PyTorch wheel index is taken: the message goes as it is typed
        app.screen.query_one("#url-pytorch").value = "https://download.pytorch.org/whl"
        await pilot.pause()
        assert not box.display
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.NAME == "combination"


async def test_review_says_a_pytorch_mirror_no_step_uses(make_wizard):
    answers = parse_answers("version: 1\ntorch:\n  variant: cu132\n  extras: []\nmirror:\n  pytorch: sjtu-pytorch\n",
                            "a.yaml")
    app = make_wizard("h200-580", dry_run=True, answers=answers)
    async with app.run_test(size=(120, 60)) as pilot:
        await press_until(pilot, "n", "review")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
    assert ("the PyTorch wheel mirror sjtu-pytorch is not used: no step of this plan takes wheels from a PyTorch "
            "wheel index") in text, text


async def test_the_refusal_reads_as_chinese_and_shows_as_the_field_is_left(make_wizard):
    """A re-check found the Chinese refusal joined by an ASCII ". " ("…的包的页面. PyPI 镜像应写在…"), and
    shown only at Next. Now the message and what to do are on lines of their own, as under Combination's
    fields, and leaving the field (Tab) is enough to see it."""
    app = make_wizard("rtx4090-550", dry_run=True, lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await press_until(pilot, "n", "mirrors")
        app.screen.query_one("#region", Select).value = "cn"
        app.screen.query_one("#pick-pytorch", Select).value = "__url__"
        await pilot.pause()
        field = app.screen.query_one("#url-pytorch")
        field.focus()
        await pilot.pause()
        field.value = "https://pypi.tuna.tsinghua.edu.cn/simple"
        await pilot.pause()
        box = app.screen.query_one("#url-problem-pytorch")
        assert not box.display  # not while it is typed
        app.screen.query_one("#scope").focus()  # the field is left
        await pilot.pause()
        assert app.screen.NAME == "mirrors" and box.display
        lines = [line.strip() for line in widget_text(box).splitlines() if line.strip()]
    text = "".join(lines)
    assert ". " not in text, lines
    assert lines[0].endswith("是 PyPI 上一个名为 cu126 的包的页面"), lines
    assert lines[1].startswith("→ PyPI 镜像应写在 mirror.pypi；"), lines
