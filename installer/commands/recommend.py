"""`torch-setup recommend [--hardware F] [--python X.Y] [--json] [--all]`: which driver / CUDA / PyTorch
combination fits this machine, why, what else would work, and (--all) what was refused and why."""

from __future__ import annotations

import argparse
import json
import re
import sys

from installer.commands.arguments import add_hardware, hardware


def configure(parser: argparse.ArgumentParser) -> None:
    add_hardware(parser, "use a saved hardware report (from `detect --json`) instead of detecting")
    parser.add_argument("--python", metavar="X.Y", default=None,
                        help="the Python the environment will use (default: the one in the report)")
    parser.add_argument("--torch", metavar="VERSION", default=None, help="only this torch release (X.Y.Z or X.Y)")
    parser.add_argument("--variant", metavar="V", default=None, help="only this wheel variant (cpu, cu126, ...)")
    parser.add_argument("--keep-driver", action="store_true", help="never suggest a driver change")
    parser.add_argument("--json", action="store_true", help="print the recommendation as JSON (the contract)")
    parser.add_argument("--all", action="store_true", help="also list every build that was refused, and why")


def run(args: argparse.Namespace) -> int:
    from installer.compat import recommend
    from installer.errors import InputError
    from installer.hardware import load_or_detect
    from installer.i18n import _
    from installer.redaction import redact_data, redact_text

    if args.python is not None and not re.fullmatch(r"3\.\d{1,2}", args.python):
        raise InputError(_("not a Python version: {v!r}", v=args.python), key="--python",
                         hint=_("write it as major.minor, e.g. 3.12"))
    if args.python is not None:
        from installer.compat.solver import python_without_release

        # refused as the answers' target.python refuses it (exit 2), rather than recommended with the
        # closest Python some release has: a typo (3.99 for 3.9) then read as advice to change Python
        unsupported = python_without_release(args.python)
        if unsupported is not None:
            raise InputError(unsupported, key="--python",
                             hint=_("give a Python in that range, or leave --python out to use the Python "
                                    "detected (or the one in the --hardware report)"))
    report = load_or_detect(hardware(args))
    rec = recommend(report, python=args.python, torch=args.torch, variant=args.variant,
                    keep_driver=args.keep_driver, torch_key="--torch")
    if args.json:
        sys.stdout.write(json.dumps(redact_data(rec.to_dict()), indent=2, ensure_ascii=False) + "\n")
        return 0
    from installer.compat.render import render_recommendation

    print(redact_text(render_recommendation(rec, show_all=args.all)))
    return 0 if rec.choices else 1
