"""Lists and the operating system's error texts, in the reader's language.

A list joined with ", " in the code put English commas into Chinese sentences (`Linux x86_64, NVIDIA ...`),
and `exc.strerror` is the C library's English (`No such file or directory`) whatever the locale. These
join and name them through the catalog: Chinese separates the items of a list with "、" (the last one
before "或" or "和" too), and says an error in its own words.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Iterable

from installer.i18n import _


def listed(items: Iterable[str]) -> str:
    """The items one after the other: "a, b, c" (Chinese "a、b、c", the enumeration comma: a native reader
    found "更早的 R535, R550, R570 已过支持期", and "，" separates clauses, not the items of a list)."""
    return _("{some}, {one}", some="", one="").join(items)


def month_text(month: str) -> str:
    """A month as the data writes it ("2024-07", drivers.yaml `eol`) as a reader says it: "2024-07"
    (Chinese "2024 年 7 月": a native reader found "自 2024-07 起"). Anything else is given back as it is."""
    year, _dash, number = month.partition("-")
    if not (len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= int(number) <= 12):
        return month
    return _("{year}-{month:02}", year=year, month=int(number))


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _snug(left: str, word: str, right: str) -> str:
    """left + word + right, where `word` is the joining word with its blanks (" 和 "): Chinese puts a blank
    between a Chinese word and a Latin one, none between two Chinese ones (found in use: "哪些 GPU 和 它在")."""
    if word[:1] == " " and _HAN.match(word[1:2]) and _HAN.match(left[-1:]):
        word = word[1:]
    if word[-1:] == " " and _HAN.match(word[-2:-1]) and _HAN.match(right[:1]):
        word = word[:-1]
    return left + word + right


def _joined(items: Iterable[str], ending: Callable[[str, str], str]) -> str:
    """The items with commas between them, the last one joined by `ending` ("and", "or" in the language)."""
    *some, last = list(items) or [""]
    if not some:
        return last
    head = some[0]
    for item in some[1:]:
        head = _("{some}, {one}", some=head, one=item)
    # the joining word alone, from the language's pattern: its blanks are kept or left out item by item
    before, _some, rest = ending("\x00", "\x01").partition("\x00")
    word, _last, after = rest.partition("\x01")
    return before + _snug(head, word, last) + after


def all_of(items: Iterable[str]) -> str:
    """Every one of the items: "a, b and c" (Chinese "a、b 和 c")."""
    return _joined(items, lambda some, last: _("{some} and {last}", some=some, last=last))


def either(items: Iterable[str]) -> str:
    """One of the items: "a, b or c" (Chinese "a、b 或 c")."""
    return _joined(items, lambda some, last: _("{some} or {last}", some=some, last=last))


def os_error(exc: OSError, *, writing: bool = False) -> str:
    """What went wrong, for the common errnos, in the reader's language; the system's own text otherwise.
    `writing`: the error came from creating or writing the path, so a missing name (ENOENT) is a folder
    on the way to it (open for writing creates the file itself)."""
    if exc.errno == errno.ENOENT:
        return _("the folder does not exist") if writing else _("it does not exist")
    texts = {
        errno.EISDIR: _("it is a folder, not a file"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EROFS: _("the file system is read-only"),
        errno.ENOSPC: _("no space left on the disk"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.ENOTDIR: _("a part of the path is a file, not a folder"),
        errno.EEXIST: _("it exists already"),
    }
    return texts.get(exc.errno or 0) or exc.strerror or str(exc)


def closed_folder_problem(path: str, *, interpreter: bool = False) -> tuple[str, str] | None:
    """(message, hint) when a folder above `path` is closed to this user, so that `path` cannot even be
    looked at: a stat there fails with EACCES, which names no folder. `interpreter`: `path` is a Python
    to run, not a folder to use. Found in use, as a normal user: /root/torch-env was answered "use a
    shorter path", and `verify --python /root/…` raised."""
    from installer.paths import closed_folder, owned_by_me

    closed = closed_folder(path)
    if closed is None:
        return None
    message = _("{folder} is closed to you (you may not look inside it), so {path} cannot be used",
                folder=closed, path=path)
    mine = owned_by_me(closed)
    if interpreter:
        return message, (_("it is yours but closed: `chmod u+x {folder}`, or give another interpreter", folder=closed)
                         if mine else _("give the path of a Python interpreter you may run, or ask the owner of "
                                        "{folder} to let you in", folder=closed))
    return message, (_("it is yours but closed: `chmod u+x {folder}`, or choose another folder", folder=closed)
                     if mine else _("choose a folder of your own (such as ~/torch-env), or ask the owner of "
                                    "{folder} to let you in", folder=closed))


def recommend_command(recorded: bool, hardware: str | None = None) -> str:
    """`torch-setup recommend` as a hint names it, in backticks: with `--hardware FILE` for a recorded machine
    (plain `recommend` lists the builds of the computer it runs on, not the recorded one's; found in review).
    `hardware`: the file as installer.paths.hardware_word gives it; None says REPORT."""
    if not recorded:
        return "`torch-setup recommend`"
    return f"`torch-setup recommend --hardware {hardware or _('REPORT')}`"
