"""Starts the wizard for bare `torch-setup [--dry-run] [--answers F] [--hardware F] [--lang en|zh]`.

A bad file named on the command line is an InputError (exit 2, the message naming file, line and
key), printed in the plain terminal. The first screen must be up within half a second, and validating
the files needs pydantic, which alone takes a third of that: so here the files are only checked to
exist and to parse (with line numbers); the app validates them in a worker once its first screen is
drawn, and leaves with exit code 2 on a problem, which is then printed here. Without a terminal
there is no hurry: the files are validated in full before saying that the wizard needs one.
"""

from __future__ import annotations

import argparse
import sys


def run_wizard(args: argparse.Namespace) -> int:
    from installer.i18n import _
    from installer.tui.engine import Engine
    from installer.yamlfile import load_yaml

    engine = Engine()
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        if args.hardware:
            engine.load_hardware(args.hardware)
        if args.answers:
            engine.load_answers(args.answers)
        print(_("the wizard needs a terminal; for unattended installs use "
                "`torch-setup install --answers F --yes`"), file=sys.stderr)
        return 2
    for path in (args.hardware, args.answers):
        if path:
            load_yaml(path)  # missing, unreadable, not YAML: InputError with the line, before any screen

    from installer.commands.streams import utf8_for_the_screen
    from installer.tui.app import make_app

    utf8_for_the_screen()

    app = make_app(hardware_path=args.hardware, answers_path=args.answers, dry_run=args.dry_run,
                   lang=getattr(args, "lang", None), engine=engine)
    app.run()
    if app.input_error is not None:
        raise app.input_error
    if app.exit_summary:
        print(app.exit_summary)
    if app.exit_note:
        print(app.exit_note, file=sys.stderr)
    return app.return_code or 0
