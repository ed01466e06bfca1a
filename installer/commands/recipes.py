"""`torch-setup recipes validate F...`: check recipe files without a machine.

Each file is loaded the way the planner loads it: YAML syntax, keys, kinds, `when:` conditions,
template names and where each may go, and every step's parameters against its kind (with a sample
value of the right type in place of each template). Every file is checked, and every problem is
printed as `file:line: key: message`. Exit 0 when all are valid, 2 when any is not.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from installer.commands.arguments import user_path

if TYPE_CHECKING:
    from installer.errors import InputError


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = sub.add_parser("validate", help="check recipe files; exit 2 naming file, line and key if one is wrong",
                              description="check recipe files; exit 2 naming file, line and key if one is wrong")
    validate.add_argument("files", nargs="+", metavar="F", type=user_path, help="recipe files (YAML)")
    validate.add_argument("--quiet", "-q", action="store_true", help="print only the problems")


def run(args: argparse.Namespace) -> int:
    from installer.errors import InputError
    from installer.i18n import _
    from installer.plan.recipe import load_recipe

    bad = 0
    for path in args.files:
        try:
            recipe = load_recipe(path)
        except InputError as exc:
            bad += 1
            shown = (_not_a_recipe(path) if exc.key == "recipe" else None) or exc
            print(shown.render(), file=sys.stderr)
            continue
        if not args.quiet:
            print(_("{file}: ok ({id}, {n} steps)", file=path, id=recipe.id, n=len(recipe.spec.steps)))
    if bad:
        print(_("{bad} of {n} recipe files have problems", bad=bad, n=len(args.files)), file=sys.stderr)
        return 2
    return 0


def _not_a_recipe(path: str) -> InputError | None:
    """A file with no `recipe:` key at all is no recipe: found in use, an answers file given here was told
    "unsupported recipe format None", as if the fix were a number. None when the key is there (its value
    is what is wrong)."""
    from installer.answers import Answers
    from installer.errors import InputError
    from installer.i18n import _
    from installer.yamlfile import load_yaml

    try:
        located = load_yaml(path)  # read a moment ago by load_recipe: only a file changed since fails here
    except InputError:
        return None
    if not isinstance(located.data, dict) or "recipe" in located.data:
        return None
    if set(located.data) <= set(Answers.model_fields):  # version, target, torch, mirror, ...
        return located.error((), _("this is not a recipe (it has no `recipe:` key): it looks like an answers file"),
                             _("check it as one: `torch-setup answers check {file}`", file=path))
    return located.error((), _("this is not a recipe: it has no `recipe:` key"),
                         _("a recipe starts with `recipe: 1`, then its id, title and steps (see recipes/*.yaml)"))
