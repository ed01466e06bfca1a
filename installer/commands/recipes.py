"""`torch-setup recipes validate F...`: check recipe files without a machine.

Each file is loaded the way the planner loads it: YAML syntax, keys, kinds, `when:` conditions,
template names and where each may go, and every step's parameters against its kind (with a sample
value of the right type in place of each template). Every file is checked, and every problem is
printed as `file:line: key: message`. Exit 0 when all are valid, 2 when any is not.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = sub.add_parser("validate", help="check recipe files; exit 2 naming file, line and key if one is wrong",
                              description="check recipe files; exit 2 naming file, line and key if one is wrong")
    validate.add_argument("files", nargs="+", metavar="F", help="recipe files (YAML)")
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
            print(exc.render(), file=sys.stderr)
            continue
        if not args.quiet:
            print(_("{file}: ok ({id}, {n} steps)", file=path, id=recipe.id, n=len(recipe.spec.steps)))
    if bad:
        print(_("{bad} of {n} recipe files have problems", bad=bad, n=len(args.files)), file=sys.stderr)
        return 2
    return 0
