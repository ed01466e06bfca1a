"""Chinese text breaks between characters, not only at blanks (installer/tui/cjk_wrap.py)."""

from __future__ import annotations

import pytest
from rich._wrap import words as rich_words
from rich.cells import cell_len

from installer.i18n import linebreak
from installer.tui import cjk_wrap

# one of the wizard's notes as the Combination screen shows it in Chinese (locales/zh.yaml)
NOTE = ("没有 PyTorch 索引响应（见“镜像”界面），且本机的 wheel 文件夹中没有 torch 2.15.0 cpu：除非你的 pip "
        "配置中的索引提供它，否则安装会失败。本机磁盘上有：2.13.0 -> 按 v 选择其中之一")


@pytest.mark.parametrize("text", [
    "no PyTorch index answered (see Mirrors), and   the wheel folder has no torch 2.15.0 cpu",
    "  leading blanks, a tab\there, https://example.org/a/very/long/url/that/goes/on/and/on  ",
    "",
])
def test_text_without_chinese_is_split_as_rich_splits_it(text):
    assert list(linebreak.words(text)) == list(rich_words(text))


def test_each_han_character_is_a_word_and_punctuation_keeps_to_its_side():
    split = [w for _s, _e, w in linebreak.words("驱动（R580）已装好。见“镜像”界面")]
    assert split == ["驱", "动", "（R580）", "已", "装", "好。", "见", "“镜", "像”", "界", "面"]
    # the words cover the text, in order, with nothing left out
    text = NOTE
    pieces = list(linebreak.words(text))
    assert "".join(w for _s, _e, w in pieces) == text
    assert all(text[s:e] == w for s, e, w in pieces)


def lines_of(width: int, text: str = NOTE) -> list[str]:
    from rich._wrap import divide_line

    offsets = [0, *divide_line(text, width), len(text)]
    return [text[a:b].rstrip() for a, b in zip(offsets, offsets[1:], strict=False)]


@pytest.fixture
def chinese_breaks():
    """Rich's word splitter and line-end measure as the wizard sets them, put back afterwards."""
    from rich import _wrap
    from rich.text import Text

    before, before_end = _wrap.words, Text.rstrip_end
    assert cjk_wrap.install()
    yield
    _wrap.words, Text.rstrip_end = before, before_end


@pytest.mark.parametrize("width", range(60, 80))
def test_a_line_that_fits_to_its_last_cell_keeps_its_last_letter(chinese_breaks, width):
    """Found on the Combination screen at 80 columns: "cu130 wheel 带有 sm_8…" over "内核". Rich kept the
    blank after "sm_86" (it counted characters, not cells, to see it stood past the line), and the cut
    that followed took the 6 for an ellipsis."""
    import io

    from rich.console import Console

    from installer.tui.screens.combination import choice_prompt

    reason = "NVIDIA GeForce RTX 3060 的计算能力为 8.6：cu130 wheel 带有 sm_86 内核"
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(choice_prompt({"torch": "2.15.0", "variant": "cu130", "reasons": [reason]}, False, False))
    lines = console.file.getvalue().splitlines()[1:]
    assert "…" not in "".join(lines), lines
    assert "".join(line.strip().lstrip("•").replace(" ", "") for line in lines) == reason.replace(" ", "")


def test_a_line_is_filled_before_the_next_begins(chinese_breaks):
    for width in (30, 40, 60, 77):
        lines = lines_of(width)
        assert all(cell_len(line) <= width for line in lines)
        # a line ends short of the width only by less than what begins the next: one Han
        # character (2 cells) or one Latin word with its blank
        for line, after in zip(lines, lines[1:], strict=False):
            first = next(w for _s, _e, w in linebreak.words(after)).rstrip()
            assert cell_len(line) + 1 + cell_len(first) > width, (width, line, after)
            assert after[0] not in "，。、；：！？）》」』】”", "a closing mark never begins a line"


async def test_the_wizard_breaks_its_chinese_lines_between_characters(make_wizard):
    from rich import _wrap
    from textual.widgets import Static

    before = _wrap.words
    _wrap.words = rich_words  # as Rich has it, whatever an earlier test's wizard did
    try:
        app = make_wizard("nodriver-rtx3060", lang="zh")
        async with app.run_test(size=(80, 24)) as pilot:
            note = Static(NOTE, id="note")
            note.styles.width = 40
            await app.screen.mount(note)
            await pilot.pause()
            drawn = [strip.text.rstrip() for strip in note.render_lines(note.size.region)]
            drawn = [line for line in drawn if line]
            assert drawn == lines_of(40)
            # blanks alone would break after "（见“镜像”界面），且本机的" and leave a third of the line empty
            assert cell_len(drawn[0]) >= 38, drawn
    finally:
        _wrap.words = before
