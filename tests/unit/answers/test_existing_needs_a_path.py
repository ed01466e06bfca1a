"""`target.kind: existing` installs into an interpreter that is there, so `target.python` is its path.
Found in use: `python: "3.11"` passed `answers check` and `plan`, then at install time uv and pip looked
for a bare `python3.11` (here Debian's own, under PEP 668) and failed, exit 1 instead of 2."""

from __future__ import annotations

import pytest

from installer.answers import parse_answers
from installer.errors import InputError

TEXT = "version: 1\ntarget:\n  kind: existing\n  python: {python}\n"


@pytest.mark.parametrize("python", ["'3.11'", "'3.9'", "\"3.14\""])
def test_a_version_is_refused_on_its_line_with_the_way_round(python):
    with pytest.raises(InputError) as info:
        parse_answers(TEXT.format(python=python), "a.yaml")
    err = info.value
    assert (err.file, err.line, err.key, err.exit_code) == ("a.yaml", 4, "target.python", 2)
    assert "give its path (such as ~/proj/bin/python), not the version" in err.message
    assert "use target.kind: venv" in err.message


def test_a_path_is_taken():
    answers = parse_answers(TEXT.format(python="/usr/bin/python3"), "a.yaml")
    assert answers.target.python == "/usr/bin/python3"


def test_a_version_for_a_new_venv_is_still_taken():
    answers = parse_answers("version: 1\ntarget:\n  kind: venv\n  python: '3.11'\n", "a.yaml")
    assert answers.target.python == "3.11"
