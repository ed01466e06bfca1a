"""The `when:` language of recipes: a small, safe condition language over answers and facts.

    target.kind == "venv"
    driver.install and hw.os_id in ["ubuntu", "debian"]
    not hw.secure_boot and hw.nvidia_gpu_count > 0
    torch.cuda >= "12.6"                      (versions compare as versions)
    torch.variant startswith "cu"

Names are the template names of `values.VARIABLES` (an unknown name is an error at load time);
literals are "strings", numbers, true, false, null and [lists]. Operators: == != < <= > >= in, not in,
startswith, and, or, not, parentheses. It is parsed into a tree and evaluated by walking it: nothing
is ever handed to eval().
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from installer.i18n import _
from installer.plan.values import LISTS, VARIABLES, VType, closest_name

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>"[^"\\]*"|'[^'\\]*')
    | (?P<number>-?[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.]))
    | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""", re.VERBOSE)

KEYWORDS = {"and", "or", "not", "in", "startswith", "true", "false", "null"}


class ConditionError(ValueError):
    """A `when:` expression that does not parse, or names something unknown."""


@dataclass(frozen=True)
class Condition:
    source: str
    tree: tuple

    def evaluate(self, values: Mapping[str, Any]) -> bool:
        return bool(_eval(self.tree, values))

    @property
    def names(self) -> frozenset[str]:
        found: set[str] = set()
        _names(self.tree, found)
        return frozenset(found)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read {text[pos:].strip()[:20]!r} in the condition")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ConditionError("the condition ends too early" + (f": expected {value!r}" if value else ""))
        if value is not None and tok[1] != value:
            raise ConditionError(f"expected {value!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def at(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[1] == value and tok[0] in ("op", "word")

    def parse(self) -> tuple:
        tree = self.or_()
        if self.peek() is not None:
            raise ConditionError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return tree

    def or_(self) -> tuple:
        left = self.and_()
        while self.at("or"):
            self.take()
            left = ("or", left, self.and_())
        return left

    def and_(self) -> tuple:
        left = self.not_()
        while self.at("and"):
            self.take()
            left = ("and", left, self.not_())
        return left

    def not_(self) -> tuple:
        if self.at("not"):
            self.take()
            return ("not", self.not_())
        return self.comparison()

    def comparison(self) -> tuple:
        left = self.atom()
        tok = self.peek()
        if tok is None:
            return left
        if tok[1] in ("==", "!=", "<", "<=", ">", ">=", "in", "startswith"):
            self.take()
            return ("cmp", tok[1], left, self.atom())
        if tok[1] == "not" and self.i + 1 < len(self.tokens) and self.tokens[self.i + 1][1] == "in":
            self.take()
            self.take()
            return ("cmp", "not in", left, self.atom())
        return left

    def atom(self) -> tuple:
        kind, value = self.take()
        if value == "(" and kind == "op":
            inner = self.or_()
            self.take(")")
            return inner
        if value == "[" and kind == "op":
            items: list[tuple] = []
            while not self.at("]"):
                items.append(self.atom())
                if not self.at("]"):
                    self.take(",")
            self.take("]")
            return ("list", tuple(items))
        if kind == "string":
            return ("lit", value[1:-1])
        if kind == "number":
            # a decimal stays text until compared: 12.10 is a version above 12.9, not the float 12.1
            return ("num", value) if "." in value else ("lit", int(value))
        if kind == "word":
            if value in ("true", "false"):
                return ("lit", value == "true")
            if value == "null":
                return ("lit", None)
            if value in KEYWORDS:
                raise ConditionError(f"unexpected {value!r}")
            if value not in VARIABLES:
                raise ConditionError(_unknown_name(value))
            return ("var", value)
        raise ConditionError(f"unexpected {value!r}")


def _unknown_name(value: str) -> str:
    close = closest_name(value)
    if close:
        return _("unknown name {name}: did you mean {close}?", name=repr(value), close=close)
    if "." not in value:
        # a bare word is most often a text left unquoted: target.kind == venv
        return _("unknown name {name}: to compare with a text, put it in quotes: \"{text}\"", name=repr(value),
                 text=value)
    return f"unknown name {value!r} (see `installer/plan/values.py` for the names)"


def parse_condition(text: str | bool) -> Condition:
    if isinstance(text, bool):
        return Condition(str(text).lower(), ("lit", text))
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("a condition must be a non-empty expression")
    return Condition(text, _Parser(text).parse())


def _names(tree: tuple, found: set[str]) -> None:
    if tree[0] == "var":
        found.add(tree[1])
    for part in tree[1:]:
        if isinstance(part, tuple):
            _names(part, found)


def _value(tree: tuple, values: Mapping[str, Any]) -> tuple[Any, VType | None]:
    if tree[0] == "var":
        return values.get(tree[1]), VARIABLES[tree[1]].vtype
    if tree[0] == "list":
        return [(_value(t, values)[0]) for t in tree[1]], None
    if tree[0] == "lit":
        return tree[1], None
    if tree[0] == "num":
        return _Decimal(tree[1]), None
    return _eval(tree, values), VType.BOOL


class _Decimal(str):
    """A decimal literal: a version when compared with a version, else a float."""


def _as_version(value: Any) -> Version | None:
    try:
        return Version(str(value))
    except InvalidVersion:
        return None


def _compare(op: str, a: Any, b: Any, versions: bool) -> bool:
    if op == "startswith":
        return isinstance(a, str) and isinstance(b, str) and a.startswith(b)
    if op in ("in", "not in"):
        found = a in b if isinstance(b, (list, tuple, str)) and b is not None else False
        if isinstance(b, str) and not isinstance(a, str):
            found = False
        return found if op == "in" else not found
    if versions and a is not None and b is not None:
        va, vb = _as_version(a), _as_version(b)
        if va is not None and vb is not None:
            a, b = va, vb
    else:
        a = float(a) if isinstance(a, _Decimal) else a
        b = float(b) if isinstance(b, _Decimal) else b
    if op == "==":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if a is None or b is None:
        return False  # an unknown fact is neither above nor below anything
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda x, y: x < y, "<=": lambda x, y: x <= y,
        ">": lambda x, y: x > y, ">=": lambda x, y: x >= y,
    }
    try:
        return ops[op](a, b)
    except TypeError:
        return False


def _eval(tree: tuple, values: Mapping[str, Any]) -> Any:
    head = tree[0]
    if head == "or":
        return _eval(tree[1], values) or _eval(tree[2], values)
    if head == "and":
        return _eval(tree[1], values) and _eval(tree[2], values)
    if head == "not":
        return not _eval(tree[1], values)
    if head == "cmp":
        a, ta = _value(tree[2], values)
        b, tb = _value(tree[3], values)
        versions = VType.VERSION in (ta, tb)
        if isinstance(b, tuple) and tb in LISTS:
            b = list(b)
        return _compare(tree[1], a, b, versions)
    value, _vtype = _value(tree, values)
    if isinstance(value, (tuple, list)):
        return len(value) > 0
    return bool(value)
