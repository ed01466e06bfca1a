"""Recipes: YAML files of steps, loaded and checked before anything is planned.

    recipe: 1
    id: pip
    title: PyTorch in a virtual environment (uv, pip as the fallback)
    when: method == "pip"            # which runs use this recipe (the `when:` language, condition.py)
    order: 50                        # recipes that apply run in this order (driver 10, toolkit 20, ...)
    steps:
      - id: venv
        title: Create the virtual environment ${target.path}
        why: torch gets its own environment; the system Python stays as it is
        kind: pip                    # apt | runfile | conda | pip | wheel | file | command
        when: target.kind == "venv"
        creates: ${target.path}/...  # guard: the step is done when this exists ...
        unless: [argv...]            # ... and/or when this exits 0
        root: false
        timeout: 600                 # seconds
        reboot: false
        env: {LC_ALL: C.UTF-8}
        writable: [${target.path}]   # extra paths the sandbox lets the step write
        with: {venv: ${target.path}, python: ${target.base_python}}

Loading checks everything it can without a machine: keys, kinds, `when:` expressions, template names
and where each may go, and the kind's parameters (validated with a sample value of the right type in
place of every template). Each problem is an InputError naming the file, the line and the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from installer.errors import InputError
from installer.i18n import _
from installer.plan.condition import Condition, ConditionError, parse_condition
from installer.plan.kinds.base import KIND_NAMES, Compiled, Kind, KindContext, get_kind
from installer.plan.model import Command, Guard, Step
from installer.plan.template import TemplateError, argv_items, check_text, expand, substitute
from installer.plan.values import sample_namespace
from installer.yamlfile import KeyPath, Located, load_plain, load_yaml, parse_yaml, pydantic_error

RECIPE_FORMAT = 1
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Strict(BaseModel):
    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class StepSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    why: str = ""
    kind: Literal["apt", "runfile", "conda", "pip", "wheel", "file", "command"]
    when: str | bool | None = None
    creates: str | None = None
    unless: tuple[str, ...] | None = Field(None, min_length=1)
    root: bool = False
    timeout: float = Field(1800.0, gt=0, le=7 * 24 * 3600)
    reboot: bool = False
    env: dict[str, str] = Field(default_factory=dict)
    writable: tuple[str, ...] = ()
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")


class RecipeSpec(_Strict):
    recipe: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    when: str | bool = True
    order: int = 50
    steps: tuple[StepSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Recipe:
    spec: RecipeSpec
    located: Located = field(compare=False)
    when: Condition
    step_when: tuple[Condition | None, ...]

    @property
    def file(self) -> str:
        return self.located.file

    @property
    def id(self) -> str:
        return self.spec.id

    def applies(self, values: Mapping[str, Any]) -> bool:
        return self.when.evaluate(values)

    def error(self, path: KeyPath, message: str, hint: str | None = None) -> InputError:
        return self.located.error(path, message, hint)

    def expand(self, values: Mapping[str, Any], context: Callable[[str], KindContext]) -> list[tuple[Step, Compiled]]:
        """The steps that apply for these values, compiled by their kinds. Raises InputError naming the
        recipe's file, line and key when a value cannot go where the recipe puts it."""
        out: list[tuple[Step, Compiled]] = []
        for i, (spec, cond) in enumerate(zip(self.spec.steps, self.step_when, strict=True)):
            if cond is not None and not cond.evaluate(values):
                continue
            out.append(self._expand_step(i, spec, values, context(spec.id)))
        return out

    def _expand_step(self, i: int, spec: StepSpec, values: Mapping[str, Any],
                     ctx: KindContext) -> tuple[Step, Compiled]:
        where: KeyPath = ("steps", i)
        kind = get_kind(spec.kind)

        def sub(path: KeyPath, fn: Callable[[], Any]) -> Any:
            try:
                return fn()
            except (TemplateError, ValueError) as exc:
                raise self.error(where + path, str(exc)) from None

        title = _display(sub(("title",), lambda: substitute(_(spec.title), values, display=True)))
        why = _display(sub(("why",), lambda: substitute(_(spec.why), values, display=True))) if spec.why else ""
        creates = unless = None
        if spec.creates:
            creates_text = spec.creates
            creates = sub(("creates",), lambda: _one_path(substitute(creates_text, values)))
        if spec.unless:
            unless_items = list(spec.unless)
            unless = sub(("unless",), lambda: argv_items(unless_items, values))
        env = tuple(sorted((k, sub(("env", k), lambda v=v: _one_text(substitute(v, values))))  # type: ignore[misc]
                           for k, v in spec.env.items()))
        writable = sub(("writable",), lambda: tuple(_one_path(p) for p in expand(list(spec.writable), values)))
        raw = sub(("with",), lambda: expand(spec.with_, values))
        try:
            params = kind.Params.model_validate(raw)
        except ValidationError as exc:
            raise _params_error(self.located, exc, where + ("with",), kind.Params) from None
        try:
            compiled = kind.compile(params, ctx)
        except InputError as exc:
            if exc.file is None and not _about_answers(exc.key):
                raise self.error(where + ("with",), exc.message, exc.hint) from None
            # about the user's answers (cuda_toolkit.version, driver.branch, mirror.conda): the key stays,
            # so the error points at the answers file (planner.remap_to_answers), not at this recipe
            raise
        commands = tuple(_with_env(c, compiled.env + env) for c in compiled.commands)
        guard = Guard(creates=creates, unless=unless) if (creates or unless) else compiled.guard
        step = Step(id=spec.id, title=title, kind=spec.kind, why=why, commands=commands,
                    downloads=compiled.downloads, files=compiled.files, guard=guard, root=spec.root,
                    timeout=spec.timeout, reboot=spec.reboot,
                    writable=tuple(dict.fromkeys(writable + compiled.writable)),
                    recipe=f"{Path(self.file).name}#{spec.id}")
        return step, compiled


def _about_answers(key: str | None) -> bool:
    """Whether an error's key names an answers key (its first part is a section of answers files)."""
    if not key:
        return False
    from installer.answers import Answers

    return key.split(".", 1)[0] in Answers.model_fields


def _display(text: str) -> str:
    """Titles end up in script comments and on one line of a terminal: no line breaks in them."""
    return _CONTROL.sub(" ", text).strip()


def _one_path(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("/") or _CONTROL.search(value):
        raise TemplateError(f"{value!r} is not an absolute path")
    return value


def _one_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple, dict)):
        raise TemplateError("an environment value must be a single value")
    text = str(value)
    if "\x00" in text:
        raise TemplateError("an environment value cannot hold a NUL character")
    return text


def _with_env(cmd: Command, env: tuple[tuple[str, str], ...]) -> Command:
    if not env:
        return cmd
    from dataclasses import replace

    merged = tuple(dict((*env, *cmd.env)).items())
    fallback = _with_env(cmd.fallback, env) if cmd.fallback else None
    return replace(cmd, env=merged, fallback=fallback)


class _UnknownKeysFirst:
    """A misspelt key also makes the right one "missing": report the misspelling, it is the cause."""

    def __init__(self, exc: ValidationError) -> None:
        self._errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")

    def errors(self) -> list[Any]:
        return self._errors


def _params_error(located: Located, exc: ValidationError, prefix: KeyPath, model: Any) -> InputError:
    return pydantic_error(located, _UnknownKeysFirst(exc), prefix, model=model)


def _check_templates(located: Located, path: KeyPath, node: Any, *, display: bool = False) -> None:
    """Every `${...}` in the node names a known value and sits where its type may go."""
    if isinstance(node, str):
        try:
            check_text(node, display=display)
        except TemplateError as exc:
            raise located.error(path, str(exc)) from None
    elif isinstance(node, (list, tuple)):
        for j, item in enumerate(node):
            _check_templates(located, path + (j,), item, display=display)
    elif isinstance(node, dict):
        for k, v in node.items():
            _check_templates(located, path + (k,), v, display=display)


def _condition(located: Located, path: KeyPath, text: str | bool) -> Condition:
    try:
        return parse_condition(text)
    except ConditionError as exc:
        raise located.error(path, f"bad condition: {exc}") from None


def recipe_from_located(located: Located) -> Recipe:
    if not isinstance(located.data, dict):
        raise located.error((), "a recipe is a mapping (recipe: 1, id, title, steps)")
    fmt = located.data.get("recipe")
    if fmt != RECIPE_FORMAT:
        raise located.error(("recipe",), f"unsupported recipe format {fmt!r}; write `recipe: {RECIPE_FORMAT}`")
    try:
        spec = RecipeSpec.model_validate(located.data)
    except ValidationError as exc:
        raise _params_error(located, exc, (), RecipeSpec) from None
    when = _condition(located, ("when",), spec.when)
    samples = sample_namespace()
    seen: dict[str, int] = {}
    step_when: list[Condition | None] = []
    for i, step in enumerate(spec.steps):
        where: KeyPath = ("steps", i)
        if step.id in seen:
            raise located.error(where + ("id",), f"step id {step.id!r} is used twice (first as step {seen[step.id] + 1})")
        seen[step.id] = i
        step_when.append(_condition(located, where + ("when",), step.when) if step.when is not None else None)
        _check_templates(located, where + ("title",), step.title, display=True)
        _check_templates(located, where + ("why",), step.why, display=True)
        for key in ("creates", "unless", "writable", "with"):
            _check_templates(located, where + (key,), getattr(step, "with_" if key == "with" else key))
        for name, value in step.env.items():
            if not _ENV_NAME.match(name):
                raise located.error(where + ("env", name), "not an environment variable name (A-Z, 0-9, _)")
            _check_templates(located, where + ("env", name), value)
        try:
            kind: Kind = get_kind(step.kind)
        except KeyError:
            raise located.error(where + ("kind",), f"the {step.kind!r} kind is not available in this version",
                                hint=f"kinds: {', '.join(KIND_NAMES)}") from None
        try:
            kind.Params.model_validate(expand(step.with_, samples))
        except TemplateError as exc:
            raise located.error(where + ("with",), str(exc)) from None
        except ValidationError as exc:
            raise _params_error(located, exc, where + ("with",), kind.Params) from None
    return Recipe(spec=spec, located=located, when=when, step_when=tuple(step_when))


def parse_recipe(text: str, source: str = "<recipe>") -> Recipe:
    return recipe_from_located(parse_yaml(text, source))


def load_recipe(path: str | Path) -> Recipe:
    """Load and check one recipe file; InputError naming the file, line and key on any problem."""
    p = Path(path)
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_cached(str(p), stamp)


@cache
def _load_cached(path: str, stamp: int) -> Recipe:
    return recipe_from_located(load_yaml(path))


def recipe_files(directory: Path | None = None) -> list[Path]:
    from installer.paths import recipes_dir

    folder = directory or recipes_dir()
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def _quick_header(path: Path) -> tuple[Any, int] | None:
    """The recipe's `when` and `order`, read with the C YAML parser (no line numbers needed for that);
    None when the quick read fails, and the full load will then say what is wrong."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _header_cached(str(path), stamp)


@cache
def _header_cached(file: str, stamp: int) -> tuple[Any, int] | None:
    """Once per file version: the warm-up and the planner both ask."""
    path = Path(file)
    try:
        data = load_plain(path.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - any problem: the full load reports it with file and line
        return None
    if not isinstance(data, dict) or not isinstance(data.get("when", True), (str, bool)):
        return None
    return data.get("when", True), data.get("order", 50)


def applicable_recipes(values: Mapping[str, Any], directory: Path | None = None) -> list[Recipe]:
    """The recipes whose `when:` holds for these values, in order. Only those are fully loaded and
    checked (reading every recipe with line numbers costs more than the rest of planning); a recipe
    whose header cannot be read quickly is loaded in full, so its error is still reported."""
    chosen: list[Recipe] = []
    for path in recipe_files(directory):
        header = _quick_header(path)
        if header is not None:
            try:
                if not parse_condition(header[0]).evaluate(values):
                    continue
            except ConditionError:
                pass  # the full load below names the file and line
        recipe = load_recipe(path)
        if recipe.applies(values):
            chosen.append(recipe)
    return sorted(chosen, key=lambda r: (r.spec.order, r.id))


def warm_recipes(answers: Any, directory: Path | None = None) -> None:
    """Load (into load_recipe's cache) the recipes these answers will use, judged from the answers
    alone (a recipe whose `when` needs a fact of the machine is left for the planner): a warm-up run
    while detection is busy, so planning finds them parsed."""
    values = {"method": answers.method, "target.kind": answers.target.kind, "mirror.scope": answers.mirror.scope,
              "mirror.pypi": answers.mirror.pypi, "mirror.pytorch": answers.mirror.pytorch,
              "mirror.conda": answers.mirror.conda, "driver.install": answers.driver.install,
              "cuda_toolkit.install": answers.cuda_toolkit.install, "cuda_toolkit.source": answers.cuda_toolkit.source}
    for path in recipe_files(directory):
        header = _quick_header(path)
        if header is None:
            continue
        try:
            if parse_condition(header[0]).evaluate(values):
                load_recipe(path)
        except Exception:  # noqa: BLE001 - a condition on facts, or a broken recipe: the planner reports it
            continue


def load_recipes(directory: Path | None = None) -> list[Recipe]:
    recipes = [load_recipe(p) for p in recipe_files(directory)]
    ids: dict[str, str] = {}
    for r in recipes:
        if r.id in ids:
            raise r.error(("id",), f"recipe id {r.id!r} is also used by {ids[r.id]}")
        ids[r.id] = r.file
    return sorted(recipes, key=lambda r: (r.spec.order, r.id))
