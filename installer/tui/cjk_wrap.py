"""Line breaks for Chinese text: between any two Han characters, as Chinese is typeset.

Rich (and Textual's Content, which wraps with Rich's `divide_line`) breaks lines only at blanks. A
Chinese sentence has none, so each run of it between two blanks is one "word": the wizard's Chinese
notes, which mix in English terms with blanks around them ("除非你的 pip 配置中的索引…"), broke after
"pip" and left the rest of that line empty, then a nearly full line, then a short one again.

`install()` gives Rich the word splitter of installer.i18n.linebreak, which also lets a line break
before and after each wide (CJK) character, by the rules of Chinese punctuation. Text with no wide
character is split exactly as Rich splits it. Rich's own algorithm (the fitting, the folding of
words wider than the line) is left as it is; only its notion of a word changes.

And one measure: Rich lets a line's trailing blank stand past the width, then removes it with
`Text.rstrip_end`, which counts characters, not cells. A line with wide characters that fits to the last
cell kept its blank, and the cut that followed took the last letter for an ellipsis (found at 80
columns: "cu130 wheel 带有 sm_8…" over "内核"). `install()` makes it count cells.
"""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len

from installer.i18n.linebreak import words

_TRAILING_BLANKS = re.compile(r"\s+$")  # as rich.text's _re_whitespace


def _rstrip_end(self: Any, size: int) -> None:
    """Rich's Text.rstrip_end, measured in terminal cells: the blanks past `size` cells go."""
    excess = max(len(self.plain), cell_len(self.plain)) - size  # never less than Rich's own (a tab: 0 cells)
    if excess > 0:
        blanks = _TRAILING_BLANKS.search(self.plain)
        if blanks is not None:
            self.right_crop(min(len(blanks.group(0)), excess))


def install() -> bool:
    """Make Rich's line breaking use `words`, and measure a line's end in cells; False when this Rich has
    no such hooks (then lines break at blanks only, as before: untidy in Chinese, never wrong)."""
    try:
        from rich import _wrap
        from rich.text import Text
    except ImportError:
        return False
    if not callable(getattr(_wrap, "words", None)) or not callable(getattr(_wrap, "divide_line", None)):
        return False
    _wrap.words = words  # type: ignore[assignment]  # divide_line looks it up at each call
    if callable(getattr(Text, "rstrip_end", None)):
        Text.rstrip_end = _rstrip_end  # type: ignore[method-assign]
    return True
