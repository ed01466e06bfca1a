"""A bare `~` on a path key that may be null (wheelhouse, target.python, cuda_toolkit.prefix) is refused, as
`target.path: ~` is: YAML reads it as null, so the key silently took its default (no wheelhouse, the Python
detection found), while the person meant their home folder. Found in review. `null`, or no line, still means
no value."""

from __future__ import annotations

import pytest

from installer.answers import parse_answers
from installer.errors import InputError


@pytest.mark.parametrize(("text", "line", "key", "example"), [
    ("version: 1\nmethod: pip\nwheelhouse: ~\n", 3, "wheelhouse", "~/wheelhouse"),
    ("version: 1\nmethod: wheel\nwheelhouse: ~   # the wheels\n", 3, "wheelhouse", "~/wheelhouse"),
    ("version: 1\ntarget:\n  kind: venv\n  python: ~\n", 4, "target.python", "~/proj/bin/python"),
    ("version: 1\ntarget: {kind: existing, python: ~}\n", 2, "target.python", "~/proj/bin/python"),
    ("version: 1\ncuda_toolkit:\n  install: true\n  source: runfile\n  prefix: ~\n", 5, "cuda_toolkit.prefix",
     "~/cuda"),
])
def test_a_bare_tilde_on_a_nullable_path_is_refused_with_file_line_and_key(text, line, key, example):
    with pytest.raises(InputError) as info:
        parse_answers(text, "a.yaml")
    err = info.value
    assert (err.file, err.line, err.key) == ("a.yaml", line, key)
    assert err.message == "`~` alone is YAML's empty value (null)"
    assert err.hint == (f"for a path in your home, write it after ~/, such as {example}; for no value, write null "
                        "or delete the line")


def test_null_and_no_line_are_still_no_value():
    answers = parse_answers("version: 1\nwheelhouse: null\ntarget:\n  python: null\ncuda_toolkit:\n  prefix: Null\n")
    assert answers.wheelhouse is None and answers.target.python is None and answers.cuda_toolkit.prefix is None
    assert parse_answers("version: 1\n").wheelhouse is None
    # in quotes, `~` is text: the home folder itself
    assert parse_answers("version: 1\nmethod: pip\nwheelhouse: '~'\n").wheelhouse == "~"


def test_the_cli_refuses_it_with_exit_2(cli, tmp_path):
    (tmp_path / "a.yaml").write_text("version: 1\nmethod: pip\nwheelhouse: ~\n")
    r = cli("answers", "check", str(tmp_path / "a.yaml"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{tmp_path / 'a.yaml'}:3: wheelhouse: `~` alone is YAML's empty value (null)" in r.stdout + r.stderr
