"""Output that survives a stdout or stderr whose encoding cannot write every character (PYTHONIOENCODING=ascii,
a latin-1 terminal): found in use, `torch-setup --lang zh detect` and `plan` of a folder with Chinese in its
name ended in a UnicodeEncodeError traceback.

A character the stream lacks is written as \\uXXXX (a surrogate pair beyond U+FFFF): readable in a message,
and what JSON reads back as that same character, so `--json` output stays valid JSON whose strings are
unchanged (Python's own backslashreplace writes \\xe9 and \\U0001f600, which JSON refuses). A script for
bash is written as its exact characters instead (`write_verbatim`). Standard library only: every command
starts with it.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

ERRORS = "torch-setup-json-escape"  # the codecs error handler's name


def _escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start:exc.end]:
        point = ord(char)
        if point > 0xFFFF:
            point -= 0x10000
            out.append(f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}")
        else:
            out.append(f"\\u{point:04x}")
    return "".join(out), exc.end


def _writes_all(stream: TextIO) -> bool:
    """The stream's encoding can write any character (a UTF encoding), or it is not one to change."""
    encoding = getattr(stream, "encoding", None)
    if not encoding or not hasattr(stream, "reconfigure"):
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def survive_narrow_encodings() -> None:
    """stdout and stderr write what their encoding lacks as \\uXXXX rather than raise."""
    codecs.register_error(ERRORS, _escape)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _writes_all(stream):
            stream.reconfigure(errors=ERRORS)  # type: ignore[union-attr]


def lines_in_order() -> None:
    """stdout written a line at a time, as on a terminal, where it is a pipe or a file: stderr is written at
    once, so a block-buffered stdout came out after it, and `answers check *.yaml 2>&1 | tee check.log` had the
    "ok" lines after the problems and their count (found in a trial)."""
    stream = sys.stdout
    if stream is not None and hasattr(stream, "reconfigure") and not stream.line_buffering:
        stream.reconfigure(line_buffering=True)


def write_verbatim(text: str) -> None:
    """`text` on stdout as its exact characters: as UTF-8 bytes where the stream's encoding lacks some of
    them. For a script that bash runs, where an escaped name (\\u6587) would be another folder; the bytes of
    a name that was not UTF-8 (read with surrogateescape) are written back as they were."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        if buffer is not None:
            stream.flush()
            buffer.write(text.encode("utf-8", "surrogateescape"))
            buffer.flush()
            return
    stream.write(text)


def utf8_for_the_screen() -> None:
    """The wizard draws its screens in UTF-8 whatever PYTHONIOENCODING says: Textual's box drawing, radio
    marks and Chinese text all need it, and a terminal that Textual can drive reads UTF-8. Found in use: with
    PYTHONIOENCODING=ascii the screens showed \\u2590\\u25cf\\u258c for a radio button and lost their footer."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _writes_all(stream):
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
