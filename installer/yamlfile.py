"""YAML loading that remembers where every key came from, so errors can name file, line and key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from installer.errors import InputError

KeyPath = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed YAML data plus the line (1-based) of every key path in it."""

    data: Any
    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: Iterable[str | int]) -> int | None:
        """The line of the deepest known prefix of `path` (a missing key points at its parent)."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def error(self, path: Iterable[str | int], message: str, hint: str | None = None) -> InputError:
        p = tuple(path)
        return InputError(message, file=self.file, line=self.line_of(p), key=dotted(p) or None, hint=hint)


def dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# libyaml's parser (when PyYAML was built with it, as its wheels are) is some 15x faster than the pure
# Python one: releases.yaml alone took ~0.2 s to parse in Python, most of a plan's start-up.
_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key]})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _index_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k.start_mark)
            lines[path + (key,)] = k.start_mark.line + 1
            _index_lines(v, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _index_lines(item, path + (i,), lines)


def parse_yaml(text: str, file: str = "<string>") -> Located:
    """Parse YAML text; syntax errors become InputError with the line where YAML gave up."""
    loader = _UniqueKeyLoader(text)
    try:
        # one parse: the node tree gives the lines, the same tree is then constructed into the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise InputError(f"not valid YAML: {problem}", file=file, line=line,
                         hint="fix the YAML syntax at that line (indentation, a missing ':' or quote)") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return Located(data=data, file=file, lines=lines)


def load_yaml(path: str | Path) -> Located:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=p, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the file: {exc}", file=p) from None
    return parse_yaml(text, str(p))


def pydantic_error(located: Located, exc: Any, prefix: KeyPath = ()) -> InputError:
    """Turn the first error of a pydantic ValidationError into an InputError naming file, line and key."""
    err = exc.errors()[0]
    loc: KeyPath = prefix + tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
    msg = err["msg"]
    if err["type"] == "value_error":
        # our validators raise ValueError with a message for people; pydantic prefixes it with its own words
        msg = str(msg).removeprefix("Value error, ")
    elif err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "this key is required"
    extra = len(exc.errors()) - 1
    if extra:
        msg += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return located.error(loc, msg)
