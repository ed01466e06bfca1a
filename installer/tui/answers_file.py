"""Where the wizard keeps a run's answers file.

Review writes the answers before Install, so that any run can be replayed or resumed. Found in use: every
run left another torch-setup-answers-N.yaml in the working folder (five after one afternoon), most of them
the same answers. What a person expects instead:

- the wizard's own file, from earlier in the same session, is updated in place, unless someone changed it
  since the wizard wrote it (edited in another window): that file is kept as it is, and the answers go to
  another one;
- answers that some file already holds (the --answers file the wizard started from, or an earlier run's
  torch-setup-answers*.yaml in that folder) reuse that file, which is left untouched;
- otherwise a new file, never over an existing one.

`choose` decides from what the files hold; the screen writes.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from installer.paths import in_own_checkout, shell_word

STEM = "torch-setup-answers"


def answers_folder(cwd: Path | None = None) -> Path:
    """The working directory; the home folder when the working directory cannot be written (a lab's shared
    folder, /): Review writes the file before Install, and a failed write would keep the run from going on."""
    base = cwd or Path.cwd()
    if not os.access(base, os.W_OK | os.X_OK) and os.access(Path.home(), os.W_OK | os.X_OK):
        return Path.home()
    if in_own_checkout(base) and os.access(Path.home(), os.W_OK | os.X_OK):
        return Path.home()  # `make run`: not among torch-setup's own source files
    return base


def answers_command(path: str | os.PathLike[str], cwd: str | None = None, verb: str = "install") -> str:
    """`torch-setup install --answers F` (or `plan`), from `cwd` when the file's relative folders are read
    from there."""
    command = f"torch-setup {verb} --answers {shell_word(str(path))}"
    return f"cd {shlex.quote(cwd)} && {command}" if cwd else command


def fresh_path(folder: Path, stem: str = STEM, suffix: str = ".yaml") -> Path:
    """torch-setup-answers.yaml, else the first torch-setup-answers-N.yaml that does not exist (or another
    `stem` and `suffix`: the plan's script)."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def earlier_files(folder: Path) -> list[Path]:
    """The answers files earlier runs left in `folder`, in the order they were numbered."""
    found = []
    for path in folder.glob(f"{STEM}*.yaml"):
        match = re.fullmatch(rf"{re.escape(STEM)}(?:-(\d+))?\.yaml", path.name)
        if match and path.is_file():
            found.append((int(match.group(1) or 1), path))
    return [path for _n, path in sorted(found)]


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Choice:
    path: Path
    write: bool  # False: the file already holds these answers
    kept: Path | None = None  # the wizard's earlier file, left alone because it was changed since


def choose(text: str, *, written: Path | None, owned: str | None, candidates: Iterable[Path],
           same: Callable[[Path], bool], fresh: Callable[[], Path]) -> Choice:
    """Where the answers `text` go. `written`: the file this session's run uses so far; `owned`: what the
    wizard wrote there (None when it reused a file it did not write); `candidates`: files that may hold
    the same answers; `same(path)`: the file's answers are these (read as an answers file, so a file with
    comments of its own counts); `fresh()`: a new path."""
    kept = None
    if written is not None:
        current = read(written)
        if current is not None and (current == text or same(written)):
            return Choice(written, write=False)
        if owned is not None and current in (owned, None):  # the wizard's own, as it left it (or deleted)
            return Choice(written, write=True)
        if owned is not None:
            kept = written  # changed by someone since: theirs now
    for path in candidates:
        if path != written and path.is_file() and (read(path) == text or same(path)):
            return Choice(path, write=False, kept=kept)
    return Choice(fresh(), write=True, kept=kept)
