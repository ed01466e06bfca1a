"""Every user mistake in a YAML file must come back as file, line and key."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from installer.errors import InputError
from installer.yamlfile import load_yaml, parse_yaml, pydantic_error


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
