"""Recipe loading: every problem is an InputError naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.errors import InputError
from installer.plan.recipe import load_recipe, load_recipes, parse_recipe

REPO = Path(__file__).resolve().parents[3]

GOOD = """\
recipe: 1
id: demo
title: A demo
when: method == "pip"
steps:
  - id: hello
    title: Say hello with ${tools.python}
    kind: command
    when: target.kind == "venv"
    creates: ${target.path}
    env: {LC_ALL: C.UTF-8, PIP_PREFIX: "${torch.version}"}
    with:
      argv: ["${tools.python}", -c, "print('hi')", "torch==${torch.version}"]
"""


def _err(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_recipe(text, "r.yaml")
    return info.value


def test_good_recipe_loads():
    r = parse_recipe(GOOD, "r.yaml")
    assert r.id == "demo" and [s.id for s in r.spec.steps] == ["hello"]
    assert r.applies({"method": "pip"}) and not r.applies({"method": "conda"})


def test_shipped_recipes_load():
    recipes = load_recipes(REPO / "recipes")
    assert "pip" in [r.id for r in recipes]
    pip = load_recipe(REPO / "recipes" / "pip.yaml")
    assert [s.kind for s in pip.spec.steps] == ["pip", "pip"]


@pytest.mark.parametrize("change, line, key, words", [
    (("    kind: command\n", "    kind: command\n    colour: red\n"), 9, "steps[0].colour", "unknown key"),
    (("kind: command", "kind: teleport"), 8, "steps[0].kind", "Input should be"),
    (('when: target.kind == "venv"', 'when: target.kind == venv'), 9, "steps[0].when", "bad condition"),
    (('when: target.kind == "venv"', 'when: __import__("os")'), 9, "steps[0].when", "unknown name"),
    (("creates: ${target.path}", "creates: ${target.path}/x"), 10, "steps[0].creates", "whole item"),
    (("creates: ${target.path}", "creates: ${target.pth}"), 10, "steps[0].creates", "unknown template"),
    (("print('hi')", "print('${hw.kernel}')"), 13, "steps[0].with.argv[2]", "free text"),
    (("      argv:", "      argz:"), 13, "steps[0].with.argz", "unknown key"),
    (("LC_ALL: C.UTF-8", "lc-all: C"), 11, "steps[0].env.lc-all", "environment variable"),
    (("id: hello", "id: Hello World"), 6, "steps[0].id", "pattern"),
    (("recipe: 1", "recipe: 2"), 1, "recipe", "format"),
    (("title: A demo\n", ""), 1, "title", "required"),
])
def test_problems_name_file_line_and_key(change, line, key, words):
    old, new = change
    assert old in GOOD
    err = _err(GOOD.replace(old, new, 1))
    assert err.file == "r.yaml"
    assert (err.line, err.key) == (line, key), err.render()
    assert words in err.message


def test_duplicate_step_ids():
    text = GOOD + GOOD[GOOD.index("  - id: hello"):]
    err = _err(text)
    assert err.key == "steps[1].id" and "twice" in err.message


def test_kind_parameters_are_checked_at_load_time():
    text = GOOD.replace("kind: command", "kind: pip").replace(
        '      argv: ["${tools.python}", -c, "print(\'hi\')", "torch==${torch.version}"]',
        "      python: ${target.python}\n      packages: [torch>=2]")
    err = _err(text)
    assert err.key.startswith("steps[0].with.packages") and "exact pin" in err.message


def test_a_recipe_file_with_a_yaml_error(tmp_path):
    f = tmp_path / "broken.yaml"
    f.write_text("recipe: 1\nsteps: [\n")
    with pytest.raises(InputError) as info:
        load_recipe(f)
    assert info.value.file == str(f) and info.value.line
