"""Every user mistake in a YAML file must come back as file, line and key."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from installer.errors import InputError
from installer.yamlfile import keys_at, load_yaml, parse_yaml, pydantic_error


def test_syntax_error_names_the_line(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("version: 1\ntorch:\n  version: [2.13.0\n")
    with pytest.raises(InputError) as info:
        load_yaml(f)
    err = info.value
    assert err.file == str(f)
    assert err.line in (3, 4)  # yaml reports where it gave up: the unclosed bracket or the end of it
    assert "not valid YAML" in err.render()


def test_duplicate_keys_are_refused():
    with pytest.raises(InputError) as info:
        parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml")
    assert info.value.line == 3
    assert "duplicate key 'a'" in info.value.render()


def test_line_of_nested_keys_and_list_items():
    loc = parse_yaml("top:\n  inner:\n    - x\n    - y: 1\n", "f.yaml")
    assert loc.line_of(("top",)) == 1
    assert loc.line_of(("top", "inner")) == 2
    assert loc.line_of(("top", "inner", 1)) == 4
    assert loc.line_of(("top", "inner", 1, "y")) == 4
    # a key that is missing points at its nearest parent
    assert loc.line_of(("top", "missing")) == 1


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    torch: _Inner


def test_pydantic_error_points_at_unknown_key():
    loc = parse_yaml("torch:\n  version: '1'\n  colour: red\n", "answers.yaml")
    with pytest.raises(ValidationError) as info:
        _Outer.model_validate(loc.data)
    err = pydantic_error(loc, info.value)
    assert (err.file, err.line, err.key) == ("answers.yaml", 3, "torch.colour")
    assert err.render() == "answers.yaml:3: torch.colour: unknown key"


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert info.value.exit_code == 2


# --- what a newcomer gets wrong in a YAML file, and the hint that says what to do about it ---------------

def test_a_duplicate_key_says_to_keep_one_of_the_two_lines():
    with pytest.raises(InputError) as info:
        parse_yaml("version: 1\ntorch:\n  version: 2.13.0\nversion: 1\n", "dup.yaml")
    err = info.value
    assert (err.file, err.line) == ("dup.yaml", 4)
    assert "duplicate key 'version' (first on line 1)" in err.message
    assert "keep one of the two lines (1 and 4)" in (err.hint or "")
    assert "syntax" not in (err.hint or "")


def test_a_tab_in_the_indentation_says_spaces_only():
    with pytest.raises(InputError) as info:
        parse_yaml("version: 1\ntarget:\n\tkind: venv\n", "tab.yaml")
    assert info.value.line == 3
    assert "replace the tab" in (info.value.hint or "")


# what a tester wrote: the ':' after `path` left out, on line 8; PyYAML gives up on line 9
TYPO4 = """\
# torch for my thesis
version: 1
torch:
  version: latest
  variant: cpu
target:
    kind: venv
    path ~/thesis/.venv
verify: true
"""


def test_a_key_without_its_colon_names_its_own_line_not_the_next(tmp_path):
    f = tmp_path / "typo4.yaml"
    f.write_text(TYPO4)
    with pytest.raises(InputError) as info:
        load_yaml(f)
    assert info.value.line == 8
    assert info.value.message == "not valid YAML: no ':' after the key in 'path ~/thesis/.venv'"
    assert info.value.hint == "write a ':' after the key: path: ~/thesis/.venv"


def test_a_block_mappings_mistake_is_named_where_yaml_gave_up_not_where_the_mapping_began():
    with pytest.raises(InputError) as info:
        parse_yaml("torch:\n  version: 2\n  variant: cpu\n extras: []\n", "a.yaml")
    assert info.value.line == 4


def test_other_syntax_errors_keep_the_general_hint():
    with pytest.raises(InputError) as info:
        parse_yaml("torch:\n  version: [2.13.0\n", "a.yaml")
    assert "fix the YAML syntax" in (info.value.hint or "")


def test_a_byte_order_mark_is_read_as_utf8(tmp_path):
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbfversion: 1\n")
    assert load_yaml(f).data == {"version": 1}


def test_a_latin1_file_names_the_line_of_the_byte(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes(b"version: 1\ntorch:\n  # caf\xe9\n  version: 2.13.0\n")
    with pytest.raises(InputError) as info:
        load_yaml(f)
    err = info.value
    assert (err.file, err.line) == (str(f), 3)
    assert "0xe9" in err.message and "UTF-8" in (err.hint or "")
    assert "codec" not in err.render()


def test_a_utf16_file_says_so(tmp_path):
    f = tmp_path / "notepad.yaml"
    f.write_bytes("version: 1\n".encode("utf-16"))
    with pytest.raises(InputError) as info:
        load_yaml(f)
    assert "UTF-16" in info.value.message and "UTF-8" in (info.value.hint or "")


def test_a_folder_given_as_the_file_points_at_a_file_in_it(tmp_path):
    (tmp_path / "answers.yaml").write_text("version: 1\n")
    with pytest.raises(InputError) as info:
        load_yaml(tmp_path)
    err = info.value
    assert err.exit_code == 2 and "folder" in err.message and "Errno" not in err.render()
    assert str(tmp_path / "answers.yaml") in (err.hint or "")


def test_a_missing_file_suggests_the_one_beside_it(tmp_path):
    (tmp_path / "answers.yml").write_text("version: 1\n")
    with pytest.raises(InputError) as info:
        load_yaml(tmp_path / "answers.yaml")
    assert f"did you mean {tmp_path / 'answers.yml'}?" == info.value.hint
    with pytest.raises(InputError) as info:
        load_yaml(tmp_path / "nowhere" / "a.yaml")
    assert "does not exist either" in (info.value.hint or "")


def test_a_dash_is_not_taken_for_standard_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        load_yaml("-")
    assert "standard input" in info.value.message and "save it to a file" in (info.value.hint or "")


class _Deep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    python: str = "3.12"
    kind: Literal["venv", "conda"] = "venv"
    verify: bool = True
    extras: list[str] = []


class _Top(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: _Deep = _Deep()
    items: list[_Deep] = []


def _pydantic(text: str, model: type[BaseModel] = _Top) -> InputError:
    loc = parse_yaml(text, "f.yaml")
    with pytest.raises(ValidationError) as info:
        model.model_validate(loc.data)
    return pydantic_error(loc, info.value, model=model)


@pytest.mark.parametrize("text, line, key, message, hint", [
    ("target:\n  pyhton: '3.11'\n", 2, "target.pyhton", "unknown key", "did you mean target.python?"),
    ("targte:\n  python: '3.11'\n", 1, "targte", "unknown key", "did you mean target?"),
    ("items:\n  - kidn: venv\n", 2, "items[0].kidn", "unknown key", "did you mean items[0].kind?"),
    ("target:\n  zzz: 1\n", 2, "target.zzz", "unknown key", "the keys allowed here are: python, kind, verify, extras"),
    # YAML reads 3.10 as the number 3.1: the message shows what the file says
    ("target:\n  python: 3.10\n", 2, "target.python", "3.10 is read as a number", "put it in quotes: '3.10'"),
    ("target:\n  python: no\n", 2, "target.python", "no is read as true or false", "put it in quotes: 'no'"),
    ("target:\n  verify: yes please\n", 2, "target.verify", "'yes please' is not true or false", "write true or false"),
    ("target:\n  extras: torchvision\n", 2, "target.extras", "expected a list", "[torchvision]"),
    ("target:\n  kind: vnev\n", 2, "target.kind", "Input should be 'venv' or 'conda', not 'vnev'",
     "did you mean 'venv'?"),
    ("target: venv\n", 1, "target", "this is a section", "the keys of target are: python, kind, verify, extras"),
    ("target:\n", 1, "target", "this section is empty", "the keys of target are"),
    ("target:\n  verify:\n", 2, "target.verify", "the value is empty", None),
])
def test_pydantic_errors_in_peoples_words(text, line, key, message, hint):
    err = _pydantic(text)
    assert (err.file, err.line, err.key) == ("f.yaml", line, key), err.render()
    assert message in err.message
    assert "Input should be a valid" not in err.message and "_Deep" not in err.render()
    if hint is None:
        assert err.hint is None
    else:
        assert hint in (err.hint or ""), err.render()


def test_without_the_model_an_unknown_key_has_no_guess():
    loc = parse_yaml("target:\n  pyhton: '3.11'\n", "f.yaml")
    with pytest.raises(ValidationError) as info:
        _Top.model_validate(loc.data)
    err = pydantic_error(loc, info.value)
    assert err.render() == "f.yaml:2: target.pyhton: unknown key"


def test_keys_at_walks_sections_lists_and_optionals():
    assert keys_at(_Top, ()) == ["target", "items"]
    assert keys_at(_Top, ("items", 0)) == ["python", "kind", "verify", "extras"]
    assert keys_at(_Top, ("target", "python")) == []
    assert keys_at(_Top, ("nothing",)) == []


@pytest.mark.parametrize("beside, given, meant", [
    (["extras.yaml"], "extra.yaml", "extras.yaml"),          # a letter off
    (["answers.yml"], "answers.yaml", "answers.yml"),        # the other extension
    (["answers.yaml", "extras.yaml"], "answer.yml", "answers.yaml"),
    (["my-answers.yaml"], "my_answers.yaml", "my-answers.yaml"),
])
def test_a_missing_file_suggests_a_close_name(tmp_path, beside, given, meant):
    for name in beside:
        (tmp_path / name).write_text("version: 1\n")
    with pytest.raises(InputError) as info:
        load_yaml(tmp_path / given)
    assert info.value.hint == f"did you mean {tmp_path / meant}?"


@pytest.mark.parametrize("beside, given", [
    (["extras.yaml"], "nonexist.yaml"),  # found in use: "did you mean extras.yaml?", alike by `.yaml` alone
    (["a.yaml"], "b.yaml"),
    (["foo.yaml", "bar.yaml"], "answers.yaml"),
])
def test_an_unrelated_file_beside_it_is_not_suggested(tmp_path, monkeypatch, beside, given):
    for name in beside:
        (tmp_path / name).write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        load_yaml(given)
    assert "did you mean" not in (info.value.hint or "")
    assert info.value.hint == f"check the path (a relative path is taken from {tmp_path})"
