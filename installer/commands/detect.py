"""`torch-setup detect [--json] [--python PATH]`: what this machine has, for people or as the report contract."""

from __future__ import annotations

import argparse
import json
import sys

from installer.commands.arguments import add_hardware, hardware, user_path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the hardware report as JSON (the contract)")
    add_hardware(parser, "show a saved hardware report (from `detect --json`) instead of detecting")
    parser.add_argument("--python", metavar="PATH", type=user_path, default=None,
                        help="the interpreter PyTorch is for (default: the one running torch-setup)")


def run(args: argparse.Namespace) -> int:
    saved = hardware(args)
    if saved is None:
        # the plain-dict path: the same document the model gives, without pydantic's import (half the budget)
        from installer.hardware.detection import detect_dict

        data = detect_dict(python=args.python)
    else:
        from installer.hardware import load_or_detect

        data = load_or_detect(saved, python=args.python).to_dict()
    from installer.redaction import redact_data

    data = redact_data(data)  # shared in forum posts and issues: no index password or token in it
    if args.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")  # the report as it was saved: a round trip
    else:
        from installer.hardware.summary import render

        if saved is not None:
            # the traps worked out again, in the language shown now, as the wizard's Hardware screen does:
            # found in use, a recorded machine with nouveau loaded and no driver showed no warning at all
            # (reports saved by hand, or before a trap was known, have none stored)
            from installer.hardware.advice import warnings

            found = warnings(data)
            data = {**data, "warnings": found + [w for w in data.get("warnings") or [] if w not in found]}
        print(render(data))
    return 0
