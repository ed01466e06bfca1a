"""The Chinese catalog covers every string a person reads, with the same placeholders.

Every `_("...")` call in installer/ (the probes' own `_()` included: the host translates what they
send), the texts the wizard passes to `_()` from tables (screen titles, help, key descriptions), and
the recipe titles and reasons the planner translates must have an entry in installer/i18n/zh.yaml
whose {placeholders} are the English ones.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import yaml

from installer.i18n import catalog

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = re.compile(r"\$\{[^}]*\}")  # a recipe's template value, filled in after translation


def literal_keys() -> dict[str, str]:
    """Every string literal passed to _() in the package, with where it was first seen."""
    keys: dict[str, str] = {}
    for path in sorted((REPO / "installer").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                keys.setdefault(node.args[0].value, str(path.relative_to(REPO)))
    return keys


def wizard_table_keys() -> dict[str, str]:
    """The texts the wizard keeps in tables and translates when it shows them."""
    from textual.binding import Binding

    from installer.tui import app, widgets
    from installer.tui.screens import (
        base,
        bench,
        combination,
        dialogs,
        done,
        help,
        install,
        mirrors,
        review,
        verify,
        welcome,
    )
    from installer.tui.screens import hardware as hw

    keys: dict[str, str] = {}
    for text in [*base.SCREEN_TITLES.values(), *help.SCREEN_HELP.values(), *help.RECORDED_HELP.values(),
                 *mirrors.KIND_LABELS.values(),
                 *welcome.STEPS, *welcome.RECORDED_STEPS, *[s for s in install.ICONS if s != "pending"]]:
        keys[text] = "installer/tui (tables)"
    classes = [app.WizardApp, base.WizardScreen, welcome.SCREEN, hw.SCREEN, mirrors.SCREEN, combination.SCREEN,
               review.SCREEN, install.SCREEN, verify.SCREEN, bench.SCREEN, done.SCREEN, dialogs.ConfirmScreen,
               dialogs.SavePathScreen, help.HelpScreen, widgets.ChoiceList]
    for cls in classes:
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                keys[binding.description] = f"{cls.__module__} BINDINGS"
    return keys


def recipe_keys() -> dict[str, str]:
    """Recipe titles and reasons: the planner passes them through _() before filling in values."""
    keys: dict[str, str] = {}
    for path in sorted((REPO / "recipes").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for step in data.get("steps", []) or []:
            for field in ("title", "why"):
                if isinstance(step, dict) and isinstance(step.get(field), str):
                    keys[step[field]] = str(path.relative_to(REPO))
    return keys


def parser_keys() -> dict[str, str]:
    """The command line's help: every option's and command's help and description (the help formatter
    looks them up as it prints), and the headings and option texts argparse adds itself."""
    import argparse

    from installer.cli import build_parser

    keys = {text: "argparse" for text in ("positional arguments", "options", "show this help message and exit",
                                          "show program's version number and exit")}

    def walk(parser: argparse.ArgumentParser, where: str) -> None:
        if parser.description:
            keys.setdefault(parser.description, where)
        for part in (parser.epilog or "").split("\n\n"):  # translated a paragraph at a time (help_format)
            if part:
                keys.setdefault(part, where)
        for action in parser._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                keys.setdefault(action.help, where)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.help:
                        keys.setdefault(choice.help, where)
                for name, sub in action.choices.items():
                    walk(sub, f"{where} {name}")

    walk(build_parser(), "torch-setup")
    return keys


def test_the_help_has_no_percent_of_its_own():
    """argparse formats each help text with % (for %(default)s): a stray % in a translation would
    make `--help` fail."""
    zh = catalog("zh")
    stray = [key for key in parser_keys() if zh.get(key, "").count("%") != key.count("%")]
    assert not stray, stray


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_string_has_chinese():
    zh = catalog("zh")
    wanted = {**recipe_keys(), **wizard_table_keys(), **parser_keys(), **literal_keys()}
    missing = sorted(f"{where}: {key!r}" for key, where in wanted.items() if not zh.get(key))
    assert not missing, f"{len(missing)} strings have no Chinese in installer/i18n/zh.yaml:\n" + "\n".join(missing)


def test_each_string_is_translated_once():
    """YAML keeps the last of two entries of one key without a word: a doubled block (found in session 33, a
    staging slip) would hide an edit made to the first."""
    seen: dict[str, int] = {}
    doubled = []

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
        for key_node, _value in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                doubled.append(f"line {key_node.start_mark.line + 1} (first on line {seen[key]}): {key!r}")
            seen.setdefault(key, key_node.start_mark.line + 1)
        return loader.construct_mapping(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    path = Path(__file__).resolve().parents[2] / "installer" / "i18n" / "zh.yaml"
    yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - a SafeLoader with one constructor
    assert len(seen) > 1000 and not doubled, "\n".join(doubled)


def test_placeholders_match():
    zh = catalog("zh")
    wrong = []
    for key, value in zh.items():
        try:
            if fields(key) != fields(value):
                wrong.append(f"{key!r}: {sorted(fields(key))} != {sorted(fields(value))}")
        except ValueError as exc:  # a stray brace in either text
            wrong.append(f"{key!r}: {exc}")
        if sorted(TEMPLATE.findall(key)) != sorted(TEMPLATE.findall(value)):
            wrong.append(f"{key!r}: the ${{...}} template values differ")
    assert not wrong, "\n".join(wrong)


def textual_binding_keys() -> dict[str, str]:
    """The key descriptions of Textual's own widgets, which the wizard translates as it shows them
    (installer/tui/translate.py: the menu a dropdown opens says "Dismiss menu")."""
    import inspect
    import sys

    import textual.app
    import textual.command
    import textual.widgets
    from textual.binding import Binding

    for name in textual.widgets.__all__:
        getattr(textual.widgets, name)  # each widget's module is loaded when first asked for
    keys: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("textual."):
            continue
        for cls in [c for c in vars(module).values() if inspect.isclass(c)]:
            for binding in vars(cls).get("BINDINGS") or []:
                text = binding.description if isinstance(binding, Binding) else (binding[2:3] or [""])[0]
                if text:
                    keys[text] = f"textual {cls.__name__} BINDINGS"
    return keys


def reachable_texts() -> set[str]:
    """Every text that may reach _(): the routes test_every_string_has_chinese checks, Textual's key
    descriptions, and, since a text also reaches _() through a name (a table of messages, a constant, a
    message the probes send as a template), every string constant in installer/ and every string in its
    data files and the recipes."""
    texts = {*recipe_keys(), *wizard_table_keys(), *parser_keys(), *literal_keys(), *textual_binding_keys()}
    for path in (REPO / "installer").rglob("*.py"):
        texts.update(node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.Constant) and isinstance(node.value, str))

    def walk(data: object) -> None:
        if isinstance(data, str):
            texts.add(data)
        elif isinstance(data, dict):
            for key, value in data.items():
                walk(key)
                walk(value)
        elif isinstance(data, list):
            for item in data:
                walk(item)

    for pattern in ("installer/**/*.yaml", "installer/**/*.json", "recipes/**/*.yaml"):
        for path in REPO.glob(pattern):
            if path != REPO / "installer" / "i18n" / "zh.yaml":
                walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def test_every_chinese_entry_is_used():
    """The reverse of test_every_string_has_chinese: an entry no text reaches is a message the code no longer
    says (reworded, or removed), which a translator would keep up for nothing."""
    reachable = reachable_texts()
    unused = sorted(repr(key) for key in catalog("zh") if key not in reachable)
    assert not unused, (f"{len(unused)} entries of installer/i18n/zh.yaml are used by no code, recipe or data "
                        "file: delete them\n" + "\n".join(unused))


# A Latin word and a Chinese character are written with a space between them ("PyTorch wheel 镜像"), as every
# entry of the catalog does; a placeholder counts as neither, as its value may be either.
HAN_TOUCHING_LATIN = re.compile(r"[A-Za-z][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z]")


def test_a_latin_word_is_spaced_from_chinese():
    zh = catalog("zh")
    touching = [f"{key!r}: {value!r}" for key, value in zh.items()
                if HAN_TOUCHING_LATIN.search(re.sub(r"\{[^{}]*\}", "\0", value))]
    assert not touching, "\n".join(touching)


def test_the_unused_mirror_note_spaces_the_word_its_fragment_ends_with():
    """Found by a tester: "…没有从 PyTorch wheel 索引获取 wheel的步骤": the fragment that says what a step does ends
    in a Latin word, and the note puts 的 right after it."""
    from types import SimpleNamespace

    from installer.i18n import set_language
    from installer.plan.unused_mirrors import unused_mirror_notes

    answers = SimpleNamespace(mirror=SimpleNamespace(**{k: f"https://{k}.example/simple" for k in
                                                        ("pypi", "pytorch", "conda", "apt")}))
    set_language("zh")
    try:
        notes = unused_mirror_notes(answers, [])
    finally:
        set_language("en")
    assert len(notes) == 4 and not [n for n in notes if HAN_TOUCHING_LATIN.search(n)], notes
    assert any(n.endswith("本计划中没有从 PyTorch wheel 索引获取 wheel 文件的步骤") for n in notes), notes
