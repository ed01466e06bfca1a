"""`torch-setup answers schema`: the JSON Schema of answers files (for editors), and `answers check F`."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="answers_command", metavar="ACTION", required=True)
    sub.add_parser("schema", help="print the JSON Schema of answers files")
    check = sub.add_parser("check", help="validate answers files (exit 2 naming file, line and key)")
    check.add_argument("files", nargs="+", metavar="F")


def run(args: argparse.Namespace) -> int:
    from installer.answers import answers_schema_json, load_answers

    if args.answers_command == "schema":
        print(answers_schema_json())
        return 0
    for f in args.files:
        load_answers(f)
    return 0
