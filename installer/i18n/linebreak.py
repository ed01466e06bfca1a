"""Where a line of text may break, in English and in Chinese, and how wide it is on a terminal.

English breaks at blanks. Chinese has none between words and may break between any two characters,
except that a closing mark (，。）」 …) stays with the character before it and an opening one (（「 …)
with the one after. A Chinese character takes two terminal cells. Tools that count characters and
break only at blanks (argparse's textwrap, Rich) left the Chinese screens and help ragged, or
overflowing the terminal. Standard library only: the command line uses it to print its help.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# CJK punctuation, ideographs and kana, fullwidth forms, Hangul, CJK compatibility ideographs
_WIDE = "\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CLOSING = "，。、；：！？）》」』】〕〉％”’…"
_OPENING = "（《「『【〔〈“‘"
# a word: what Rich calls one (no blank inside, its trailing blanks with it), except that a wide
# character is a word of its own, with the opening marks before it and the closing marks after it
_WORD = re.compile(rf"\s*[{_OPENING}]*(?:[{_WIDE}]|[^\s{_WIDE}]+)[{_CLOSING}]*\s*")


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for each word of `text`, its trailing blanks included (as `rich._wrap.words`)."""
    position = 0
    match = _WORD.match(text, position)
    while match is not None:
        start, position = match.span()
        yield start, position, match.group(0)
        match = _WORD.match(text, position)


def cells(text: str) -> int:
    """The terminal cells `text` takes: two for a wide (East Asian) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` (blanks already collapsed) in lines of at most `width` cells, broken where `words` allows;
    a word wider than a line (a long URL) gets a line of its own and overflows it."""
    lines: list[str] = []
    line = ""
    for _start, _end, word in words(text):
        if line and cells((line + word).rstrip()) > width:
            lines.append(line.rstrip())
            line = word.lstrip()
        else:
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines


def pad(text: str, width: int) -> str:
    """`text` with blanks after it to fill `width` cells (str.ljust counts a Chinese character as one)."""
    return text + " " * max(width - cells(text), 0)
