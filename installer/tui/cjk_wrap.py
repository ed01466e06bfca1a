"""Line breaks for Chinese text: between any two Han characters, as Chinese is typeset.

Rich (and Textual's Content, which wraps with Rich's `divide_line`) breaks lines only at blanks. A
Chinese sentence has none, so each run of it between two blanks is one "word": the wizard's Chinese
notes, which mix in English terms with blanks around them ("除非你的 pip 配置中的索引…"), broke after
"pip" and left the rest of that line empty, then a nearly full line, then a short one again.

`install()` gives Rich the word splitter of installer.i18n.linebreak, which also lets a line break
before and after each wide (CJK) character, by the rules of Chinese punctuation. Text with no wide
character is split exactly as Rich splits it. Rich's own algorithm (the fitting, the folding of
words wider than the line) is left as it is; only its notion of a word changes.
"""

from __future__ import annotations

from installer.i18n.linebreak import words


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
