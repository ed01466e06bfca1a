"""YAML loading that remembers where every key came from, so errors can name file, line and key."""

from __future__ import annotations

import difflib
import os
import re
import stat
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import either, listed
from installer.yamlproblems import mistake_line, problem_text, reader_problem

KeyPath = tuple[str | int, ...]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely misspells (difflib), or None: one rule for every "did you mean", a
    key, a file's name, a value, a mirror id."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass
class Located:
    """Parsed YAML data plus the line (1-based) of every key path in it."""

    data: Any
    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    # each scalar value as written: YAML reads `3.10` as the number 3.1, and a message should show 3.10
    texts: dict[KeyPath, str] = field(default_factory=dict)

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


def load_plain(text: str) -> Any:
    """YAML without line numbers, with the fast parser: for our own files, read on every start; when one
    is wrong, `load_yaml` reads it again to name the line."""
    return yaml.load(text, Loader=_SafeBase)  # noqa: S506 - a safe loader


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys instead of silently keeping the last one."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, first: int, mark: Any) -> None:
        super().__init__(None, None, f"duplicate key {key!r} (first on line {first})", mark)
        self.key = key
        self.first = first


class HintedValueError(ValueError):
    """A validator's refusal with what to do about it: `pydantic_error` shows the hint on its own line."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:  # `? [a]`: a list or a mapping as a key (PyYAML's own check comes after ours)
            raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                    "found unhashable key", key_node.start_mark) from None
        if key in seen:
            raise _DuplicateKey(key, seen[key], key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _index_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], texts: dict[KeyPath, str]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        texts[path] = str(node.value)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k.start_mark)
            lines[path + (key,)] = k.start_mark.line + 1
            _index_lines(v, path + (key,), lines, texts)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _index_lines(item, path + (i,), lines, texts)


_KEY_THEN_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*) +([^\s:#'\"]+)")  # `path ~/env`: one key, one word


def _syntax_hint(problem: str, text: str, line: int | None) -> str:
    """What to do about a YAML syntax error: the usual causes have a fix of their own."""
    source = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    if "\t" in source[: len(source) - len(source.lstrip())] or ("\t" in source and "cannot start any token" in problem):
        return _("YAML indents with spaces only: replace the tab on that line with spaces")
    keyed = _KEY_THEN_VALUE.fullmatch(source.strip())
    if keyed and problem == "could not find expected ':'":
        return _("write a ':' after the key: {line}", line=f"{keyed.group(1)}: {keyed.group(2)}")
    return _("fix the YAML syntax at that line (indentation, a missing ':' or quote)")


def parse_yaml(text: str, file: str = "<string>") -> Located:
    """Parse YAML text; syntax errors become InputError with the line where YAML gave up."""
    loader = _UniqueKeyLoader(text)
    try:
        # one parse: the node tree gives the lines, the same tree is then constructed into the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _DuplicateKey as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(_("duplicate key {key} (first on line {first})", key=repr(exc.key), first=exc.first),
                         file=file, line=line,
                         hint=_("a key can appear only once in a section: keep one of the two lines ({first} and "
                                "{line}) and delete the other", first=exc.first, line=line)) from None
    except yaml.MarkedYAMLError as exc:
        line = mistake_line(exc)
        problem = exc.problem or str(exc)
        raise InputError(_("not valid YAML: {problem}", problem=problem_text(exc, text)), file=file, line=line,
                         hint=_syntax_hint(problem, text, line)) from None
    except yaml.reader.ReaderError as exc:
        said, line = reader_problem(exc, text)
        raise InputError(_("not valid YAML: {problem}", problem=said), file=file, line=line,
                         hint=_("most editors do not show it: type that line again")) from None
    except yaml.YAMLError as exc:
        raise InputError(_("not valid YAML: {problem}", problem=str(exc)), file=file) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    texts: dict[KeyPath, str] = {}
    if node is not None:
        _index_lines(node, (), lines, texts)
    return Located(data=data, file=file, lines=lines, texts=texts)


def _close_file(name: str, siblings: list[str]) -> str | None:
    """The file beside it that `name` most likely misspells, or None. Judged by the names without their
    extensions: the `.yaml` two names share made any two alike (nonexist.yaml was "did you mean extras.yaml?",
    found in use), while a wrong extension (answers.yml for answers.yaml) still leaves the same name."""
    stems: dict[str, list[str]] = {}
    for sibling in sorted(siblings):
        stems.setdefault(Path(sibling).stem, []).append(sibling)
    stem = closest(Path(name).stem, stems)
    if stem is None:
        return None
    return closest(name, stems[stem]) or stems[stem][0]


def _not_found(p: Path) -> InputError:
    if str(p) == "-" and not p.exists():
        # `-` for standard input is not part of the command line: the file is what a run can be replayed from
        return InputError(_("torch-setup reads this from a file, not from standard input ('-')"), file="-",
                          hint=_("save it to a file (answers.yaml) and give that file's path"))
    folder = p.parent if str(p.parent) else Path(".")
    try:
        siblings = [c.name for c in folder.iterdir() if c.is_file()] if folder.is_dir() else []
    except OSError:
        siblings = []
    close = _close_file(p.name, siblings)
    if close:
        return InputError(_("file not found"), file=p, hint=_("did you mean {path}?", path=str(folder / close)))
    if not folder.is_dir():
        return InputError(_("file not found"), file=p,
                          hint=_("the folder {folder} does not exist either: check the path", folder=str(folder)))
    return InputError(_("file not found"), file=p,
                      hint=_("check the path (a relative path is taken from {cwd})", cwd=str(Path.cwd())))


def _is_folder(p: Path) -> InputError:
    try:
        inside = sorted(c.name for c in p.iterdir() if c.suffix in (".yaml", ".yml", ".json") and c.is_file())
    except OSError:
        inside = []
    if inside:
        hint = _("give a file in it, such as {path}", path=str(p / inside[0]))
    else:
        hint = _("give the path of a file, not of a folder")
    return InputError(_("this is a folder, not a file"), file=p, hint=hint)


def _not_utf8(p: Path, raw: bytes, exc: UnicodeDecodeError) -> InputError:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputError(_("the file is UTF-16 text; torch-setup reads UTF-8"), file=p, line=1,
                          hint=_("save it again as UTF-8 (in Notepad: Save as, Encoding: UTF-8)"))
    line = raw.count(b"\n", 0, exc.start) + 1
    return InputError(_("byte {byte} is not UTF-8 text", byte=f"0x{raw[exc.start]:02x}"), file=p, line=line,
                      hint=_("save the file as UTF-8, or write that line in plain ASCII"))


# The most a YAML file given to torch-setup may hold. Everything that comes through load_yaml is a few
# kilobytes: an answers file (~1 KB), a `detect --json` hardware report (~5 KB), a recipe (< 10 KB), a mirror
# catalog, and the largest, the compatibility data's releases.yaml (~40 KB, growing ~1 KB a release).
# 1 MiB leaves that 25 times over, and still parses in about a second (~60 MB with the line index); a file
# past it is the wrong file (a log, a disk image, /dev/zero), which used to be read whole into memory.
MAX_YAML_BYTES = 1 << 20


def _not_regular(p: Path, mode: int) -> InputError:
    if stat.S_ISFIFO(mode):
        what = _("a named pipe (fifo)")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = _("a device")
    elif stat.S_ISSOCK(mode):
        what = _("a socket")
    else:
        what = _("a special file")
    return InputError(_("this is {what}, not a file: torch-setup reads only saved files", what=what), file=p,
                      hint=_("save the text to a file (e.g. answers.yaml) and give that file's path"))


def _too_big(p: Path, size: int) -> InputError:
    return InputError(_("the file is {size} MiB: more than the {limit} MiB torch-setup reads from a YAML file",
                        size=f"{size / (1 << 20):.1f}", limit=f"{MAX_YAML_BYTES / (1 << 20):g}"), file=p,
                      hint=_("check that this is the right file: an answers file, a hardware report or a recipe "
                             "is a few kilobytes"))


def _read_limited(p: Path) -> bytes:
    """The file's bytes, refusing (before reading) what is not a regular file or is over MAX_YAML_BYTES."""
    before = p.stat()  # follows links: a link to a fifo is a fifo
    if stat.S_ISDIR(before.st_mode):
        raise IsADirectoryError(p)
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(p, before.st_mode)
    if before.st_size > MAX_YAML_BYTES:
        raise _too_big(p, before.st_size)
    # O_NONBLOCK: should a fifo have taken the file's place since the stat, opening it does not wait for a writer
    fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        now = os.fstat(fh.fileno())
        if not stat.S_ISREG(now.st_mode):
            raise _not_regular(p, now.st_mode)
        raw = fh.read(MAX_YAML_BYTES + 1)  # a file growing meanwhile is read no further than the limit
    if len(raw) > MAX_YAML_BYTES:
        raise _too_big(p, len(raw))
    return raw


def load_yaml(path: str | Path) -> Located:
    p = Path(path)
    try:
        raw = _read_limited(p)
    except FileNotFoundError:
        raise _not_found(p) from None
    except IsADirectoryError:
        raise _is_folder(p) from None
    except PermissionError:
        raise InputError(_("permission denied: you cannot read this file"), file=p,
                         hint=_("check the file's owner and mode (ls -l), or copy it somewhere you can read")) from None
    except OSError as exc:
        raise InputError(_("cannot read the file: {reason}", reason=exc.strerror or str(exc)), file=p) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(p, raw, exc) from None
    return parse_yaml(text, str(p))


def _models_in(tp: Any) -> list[Any]:
    """The pydantic models a field's type can hold: the model itself, or one inside Optional / Annotated."""
    from pydantic import BaseModel

    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(tp)[0])
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        return [m for arg in typing.get_args(tp) for m in _models_in(arg)]
    return []


def _element(tp: Any, part: str | int) -> Any:
    """The type one step down `tp`: a model's field, a list's item, a dict's value; None when unknown."""
    for model in _models_in(tp):
        for name, info in model.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _element(typing.get_args(tp)[0], part)
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        found = [e for arg in typing.get_args(tp) if arg is not type(None) for e in [_element(arg, part)] if e]
        return found[0] if found else None
    args = typing.get_args(tp)
    if isinstance(part, int) and origin in (list, tuple, set, frozenset) and args:
        return args[0]
    if isinstance(part, str) and origin is dict and len(args) == 2:
        return args[1]
    return None


def section_model(model: Any, path: KeyPath) -> Any:
    """The model class of the section at `path` of `model`, or None if unknown."""
    tp: Any = model
    for part in path:
        tp = _element(tp, part)
        if tp is None:
            return None
    models = _models_in(tp)
    return models[0] if models else None


def keys_at(model: Any, path: KeyPath) -> list[str]:
    """The keys the section at `path` of `model` takes (aliases as written in files), or [] if unknown."""
    section = section_model(model, path)
    if section is None:
        return []
    return [info.alias or name for name, info in section.model_fields.items()]


def _shown(located: Located, loc: KeyPath, value: Any) -> str:
    text = located.texts.get(loc)
    if isinstance(value, str):
        return repr(value)
    return text if text is not None else repr(value)


def _choices(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _message(located: Located, err: dict[str, Any], loc: KeyPath, model: Any,
             rel: KeyPath) -> tuple[str, str | None]:
    """A message and a hint for one pydantic error, in people's words (pydantic's own name its classes).
    `loc`: the key's whole path in the file; `rel`: its path inside `model`."""
    kind = err["type"]
    value = err.get("input")
    key = dotted(loc)
    if kind == "value_error":
        # our validators raise ValueError with a message for people; pydantic prefixes it with its own words
        cause = (err.get("ctx") or {}).get("error")
        return str(err["msg"]).removeprefix("Value error, "), getattr(cause, "hint", None)
    if kind == "extra_forbidden":
        # a key people write that means something else (mirror.cuda): the section says what is true instead
        said = getattr(section_model(model, rel[:-1]), "unknown_key", None) if model is not None else None
        told = said(str(loc[-1])) if callable(said) else None
        if told is not None:
            return told
        allowed = keys_at(model, rel[:-1]) if model is not None else []
        close = closest(str(loc[-1]), allowed)
        if close:
            return _("unknown key"), _("did you mean {key}?", key=dotted(loc[:-1] + (close,)))
        if allowed:
            return _("unknown key"), _("the keys allowed here are: {keys}", keys=listed(allowed))
        return _("unknown key"), None
    if kind == "missing":
        return _("this key is required"), None
    keys = keys_at(model, rel) if model is not None else []
    if value is None and keys:
        return (_("this section is empty: write its keys on the lines below it, indented, or delete the line"),
                _("the keys of {key} are: {keys}", key=key, keys=listed(keys)))
    if value is None and kind != "none_required":
        if located.texts.get(loc) == "~":
            # found in use: `path: ~` meant the home folder, which YAML reads as null; a section names the
            # keys where `~` is likely meant so (home_examples: key -> a folder inside the home to suggest)
            examples = getattr(section_model(model, rel[:-1]), "home_examples", {}) if model is not None else {}
            example = examples.get(str(loc[-1]))
            return (_("`~` alone is YAML's empty value (null)"),
                    _("for the home folder write '~' in quotes, or better a folder inside it, such as {example}",
                      example=example) if example else _("write a value after the ':', or delete the line"))
        return _("the value is empty: write one after the ':', or delete the line"), None
    if kind in ("model_type", "dict_type", "model_attributes_type") or (keys and isinstance(value, (str, int, float))):
        if keys:
            return (_("this is a section: its keys go on the lines below it, indented, not after the ':'"),
                    _("the keys of {key} are: {keys}", key=key, keys=listed(keys)))
        return _("expected a section of keys (key: value lines, indented below it)"), None
    shown = _shown(located, loc, value)
    if kind == "string_type":
        if isinstance(value, bool):
            return (_("{value} is read as true or false here, not as text", value=shown),
                    _("put it in quotes: '{value}'", value=shown))
        if isinstance(value, (int, float)):
            return (_("{value} is read as a number here, not as text", value=shown),
                    _("put it in quotes: '{value}'", value=shown))
        if isinstance(value, list):
            return _("expected one value, not a list"), None
        if isinstance(value, dict):
            return _("expected one value, not a section of keys"), None
    if kind in ("bool_type", "bool_parsing"):
        return _("{value} is not true or false", value=shown), _("write true or false")
    if kind in ("list_type", "tuple_type"):
        if isinstance(value, dict):
            return _("expected a list, not a section of keys"), _("write the items as [a, b] or as '- a' lines")
        text = located.texts.get(loc, str(value))
        return _("expected a list, not one value"), _("write it as a list: [{value}]", value=text)
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"):
        return _("{value} is not a number", value=shown), None
    if kind == "literal_error":
        expected = str((err.get("ctx") or {}).get("expected", ""))
        choices = _choices(expected)
        if len(choices) > 1:  # pydantic's "'a', 'b' or 'c'" in the chosen language (Chinese "a、b 或 c")
            expected = either(_("'{value}'", value=c) for c in choices)
        message = _("Input should be {expected}, not {value}", expected=expected, value=shown)
        # PIP, Conda, CPU: the case alone is wrong, which difflib's ratio does not always see
        by_case = {c.lower(): c for c in choices}
        close = by_case.get(str(value).lower()) or closest(str(value), choices)
        return message, (_("did you mean {value}?", value=repr(close)) if close else None)
    return str(err["msg"]), None


MOST_PROBLEMS_SHOWN = 10


def _inner(err: Any) -> KeyPath:
    """The key path of a pydantic error, without the steps of the validators' own names."""
    return tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))


def _leaves(paths: list[KeyPath]) -> set[KeyPath]:
    return {p for p in paths if not any(len(o) > len(p) and o[:len(p)] == p for o in paths)}


def pydantic_error(located: Located, exc: Any, prefix: KeyPath = (), model: Any = None) -> InputError:
    """Turn a pydantic ValidationError into an InputError naming file, line and key: its first error,
    with the others (up to MOST_PROBLEMS_SHOWN in all, one per key) in `also`.

    `model` (the class validated at `prefix`): with it, an unknown key gets "did you mean" the closest
    allowed one, and a value where a section belongs lists the section's keys."""
    found: dict[KeyPath, InputError] = {}
    errors = exc.errors()
    paths = [_inner(err) for err in errors]
    # a section that failed because something in it did ("steps: at least 1 item") is not a mistake of its own
    leaves = _leaves(paths)
    for err, inner in zip(errors, paths, strict=True):
        if inner not in leaves or prefix + inner in found:  # found: a value that failed two ways (a union)
            continue
        if len(found) == MOST_PROBLEMS_SHOWN:
            break
        msg, hint = _message(located, err, prefix + inner, model, inner)
        found[prefix + inner] = located.error(prefix + inner, msg, hint)
    # pydantic's first stays first (as before, the one `key` and `line` name); the others follow
    first, *others = found.values()
    first.also = tuple(others)
    left = len(leaves) - len(found)
    if left > 0:
        first.message += " " + (_("(and {n} more problem)", n=left) if left == 1
                                else _("(and {n} more problems)", n=left))
    return first
