"""Once the wizard quits from its Done screen, the terminal keeps what Done said, each command whole on a line.

Found in a trial: a long command copied from the wizard's screen took a newline at each place the screen had
wrapped it, and pasted into a shell it ran in pieces; and once the wizard had quit, its commands were gone. The
real command line on a real pseudo-terminal 60 columns wide, driven by its keys: a dry run to Done, then q.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import ANSI, Terminal

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = str(REPO / "tests" / "fixtures" / "machines" / "cpu-only.json")
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


def press_until(term: Terminal, key: str, pattern: str, tries: int = 8) -> None:
    """Press `key` until `pattern` shows: Next is dimmed while a screen's work runs, and a key then does nothing."""
    for _i in range(tries - 1):
        mark = term.press(key)
        try:
            term.wait_for(pattern, 5, since=mark)
            return
        except TimeoutError:
            continue
    term.wait_for(pattern, 5, since=term.press(key))


def test_done_commands_are_printed_whole_once_the_wizard_quits(tmp_path):
    answers = tmp_path / "lab-answers.yaml"
    answers.write_text("version: 1\nmethod: pip\ntarget:\n  kind: venv\n  path: lab-env\n"
                       "torch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\nmirror:\n  pytorch: none\n")
    term = Terminal([sys.executable, "-m", "installer", "--lang", "en", "--dry-run", "--hardware", CPU_ONLY,
                     "--answers", str(answers)], tmp_path, columns=60,
                    env={"XDG_STATE_HOME": str(tmp_path / "state")})
    try:
        term.wait_for("Step 1 of 9", 60)
        term.wait_for("Pre-filled", 30)  # the answers are loaded: j may go to Review
        mark = term.press("j")
        term.wait_for("Step 5 of 9", 60, since=mark)
        term.wait_for("The plan:", 60, since=mark)  # Review has planned: n starts the dry run
        press_until(term, "n", "Step 6 of 9")
        term.wait_for("Dry run finished", 120)
        press_until(term, "n", "c copies it")  # on past the screens a dry run has nothing for, to Done
        term.press("q")
        code = term.wait_exit(30)
    finally:
        term.close()
    shown = ANSI.sub("", term.raw.decode("utf-8", "replace"))
    assert code == 0, shown[-3000:]
    assert LEAVE_ALTERNATE_SCREEN in term.raw
    after = ANSI.sub("", term.raw.rsplit(LEAVE_ALTERNATE_SCREEN, 1)[1].decode())
    lines = [line.rstrip() for line in after.replace("\r\n", "\n").split("\n")]
    assert next(line for line in lines if line.strip()).startswith("Dry run finished:"), after
    # a recorded machine's: its answers file named from the home folder, or as it is outside it
    replay = [line for line in lines if line.startswith("  ") and "torch-setup install --answers" in line]
    assert len(replay) == 1 and replay[0].endswith("lab-answers.yaml --yes"), after
    assert len(replay[0]) > 60  # longer than the terminal is wide: the terminal wraps it, and copies it whole
    assert lines[lines.index(replay[0]) - 1] == "On the recorded machine, to install unattended:", after
    assert "Traceback" not in after
