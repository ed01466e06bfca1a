"""`${name}` substitution with the type rules of values.py.

- An item that is exactly `${name}` becomes the value itself: a string, a number, a bool, or (for a
  list type, inside a list) several items spliced in place.
- A template inside a larger string (`torch==${torch.version}`) is allowed only for types that cannot
  hold whitespace or shell metacharacters (values.EMBEDDABLE); anything else is a recipe error.
- TEXT values never go into a command. A missing value (None) is an error where it is used.
- `$${` writes a literal `${`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from installer.i18n import _
from installer.plan.values import EMBEDDABLE, LISTS, SUBSTITUTABLE, VARIABLES, closest_name

_REF = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_WHOLE = re.compile(r"^\$\{([^}]*)\}$")


class TemplateError(ValueError):
    """A template that names something unknown, or puts a value where its type may not go."""


def references(text: str) -> list[str]:
    return [m.group(1) for m in _REF.finditer(text) if m.group(1) is not None]


def _known(name: str) -> None:
    if name not in VARIABLES:
        close = closest_name(name)
        if close:
            raise TemplateError(_("unknown template value {ref}: did you mean {close}?", ref=f"${{{name}}}",
                                  close=f"${{{close}}}"))
        raise TemplateError(f"unknown template value ${{{name}}} (the names are listed in installer/plan/values.py)")


def check_text(text: str, *, display: bool = False) -> None:
    """Check every reference of `text` without values: known names, and embedding rules."""
    whole = _WHOLE.match(text)
    for name in references(text):
        _known(name)
        vtype = VARIABLES[name].vtype
        if display:
            continue
        if vtype not in SUBSTITUTABLE:
            raise TemplateError(f"${{{name}}} is free text and cannot go into a command")
        if not whole and vtype not in EMBEDDABLE:
            raise TemplateError(f"${{{name}}} is a {vtype.value}: it may only stand alone as a whole item, "
                                "never inside a larger string (it could hold spaces or shell characters)")


def _missing(name: str) -> TemplateError:
    return TemplateError(f"${{{name}}} has no value for this machine and these answers")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def substitute(text: str, values: Mapping[str, Any], *, display: bool = False) -> Any:
    """The value of one string: the typed value itself for a whole `${name}`, else a string."""
    check_text(text, display=display)
    whole = _WHOLE.match(text)
    if whole and not display:
        name = whole.group(1)
        value = values.get(name)
        if value is None:
            raise _missing(name)
        return value

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return "${"
        value = values.get(m.group(1))
        if value is None:
            if display:
                return "-"
            raise _missing(m.group(1))
        if isinstance(value, (list, tuple)):
            return " ".join(_scalar_text(v) for v in value)
        return _scalar_text(value)

    return _REF.sub(repl, text)


def _whole_name(item: Any) -> str | None:
    m = _WHOLE.match(item) if isinstance(item, str) else None
    return m.group(1) if m else None


def expand(node: Any, values: Mapping[str, Any]) -> Any:
    """Substitute through a YAML structure: strings, lists (a whole list template splices), mappings."""
    if isinstance(node, str):
        return substitute(node, values)
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            name = _whole_name(item)
            if name is not None and name in VARIABLES and VARIABLES[name].vtype in LISTS:
                out.extend(substitute(item, values))
            else:
                out.append(expand(item, values))
        return out
    if isinstance(node, dict):
        return {k: expand(v, values) for k, v in node.items()}
    return node


def argv_items(items: list[Any], values: Mapping[str, Any]) -> tuple[str, ...]:
    """An argv list: every item one string (lists splice); numbers and bools become their text."""
    out: list[str] = []
    for item in expand(list(items), values):
        if isinstance(item, (list, tuple, dict)):
            raise TemplateError("an argv item must be a single value")
        out.append(_scalar_text(item))
    return tuple(out)
