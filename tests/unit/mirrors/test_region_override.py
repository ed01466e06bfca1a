"""TORCH_SETUP_REGION: cn, global or auto; anything else is refused (exit 2) naming the variable."""

from __future__ import annotations

import pytest

from installer.errors import InputError
from installer.mirrors.region import guess_region, region_override, resolve_region


@pytest.mark.parametrize("value, region", [("cn", "cn"), (" Global ", "global"), ("auto", None), ("", None)])
def test_the_values_it_takes(value, region):
    assert region_override({"TORCH_SETUP_REGION": value}) == region
    assert region_override({}) is None


@pytest.mark.parametrize("value, hint", [
    ("mars", "use cn or global, or unset it to go by the timezone and locale: unset TORCH_SETUP_REGION"),
    ("China", "did you mean 'cn'? Or unset it to go by the timezone and locale: unset TORCH_SETUP_REGION"),
    ("gloabl", "did you mean 'global'? Or unset it"),
    ("usa", "did you mean 'global'?"),
])
def test_anything_else_is_bad_input_with_a_suggestion(value, hint):
    with pytest.raises(InputError) as err:
        guess_region({"TORCH_SETUP_REGION": value, "TZ": "Asia/Shanghai"})
    assert err.value.exit_code == 2 and err.value.key == "TORCH_SETUP_REGION" and err.value.file == "environment"
    assert err.value.message == (f"invalid value {value!r}: expected cn (mainland China), global or auto")
    assert err.value.hint is not None and err.value.hint.startswith(hint)


def test_an_explicit_region_does_not_read_the_variable():
    assert resolve_region("global", {"TORCH_SETUP_REGION": "mars"}) == "global"
    with pytest.raises(InputError):
        resolve_region("auto", {"TORCH_SETUP_REGION": "mars"})
