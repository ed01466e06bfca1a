"""Line breaks for Chinese text: between any two Han characters, as Chinese is typeset.

Rich (and Textual's Content, which wraps with Rich's `divide_line`) breaks lines only at blanks. A
Chinese sentence has none, so each run of it between two blanks is one "word": the wizard's Chinese
notes, which mix in English terms with blanks around them ("除非你的 pip 配置中的索引…"), broke after
"pip" and left the rest of that line empty, then a nearly full line, then a short one again.

`install()` gives Rich a word splitter that also lets a line break before and after each wide
(CJK) character, keeping the rules of Chinese punctuation: a closing mark (，。）」 …) stays with the
character before it, an opening one (（「 …) with the one after. Text with no wide character is split
exactly as Rich splits it. Rich's own algorithm (the fitting, the folding of words wider than the
line) is left as it is; only its notion of a word changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# CJK punctuation, ideographs and kana, fullwidth forms, Hangul, CJK compatibility ideographs
_WIDE = "\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CLOSING = "，。、；：！？）》」』】〕〉％”’…"
_OPENING = "（《「『【〔〈“‘"
# a word: what Rich calls one (no blank inside, its trailing blanks with it), except that a wide
# character is a word of its own, with the opening marks before it and the closing marks after it
_WORD = re.compile(rf"\s*[{_OPENING}]*(?:[{_WIDE}]|[^\s{_WIDE}]+)[{_CLOSING}]*\s*")


def words(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, word) for each word of `text`, as `rich._wrap.words` yields them."""
    position = 0
    match = _WORD.match(text, position)
    while match is not None:
        start, position = match.span()
        yield start, position, match.group(0)
        match = _WORD.match(text, position)


def install() -> bool:
    """Make Rich's line breaking use `words`; False when this Rich has no such hook (then lines break
    at blanks only, as before: untidy in Chinese, never wrong)."""
    try:
        from rich import _wrap
    except ImportError:
        return False
    if not callable(getattr(_wrap, "words", None)) or not callable(getattr(_wrap, "divide_line", None)):
        return False
    _wrap.words = words  # type: ignore[assignment]  # divide_line looks it up at each call
    return True
