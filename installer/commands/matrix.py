"""`torch-setup matrix update [--index-url URL] [--pypi-url URL] [--output DIR] [--write]`: refresh the
compatibility data from PyPI and a PyTorch wheel index, as a unified diff to review."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from installer.commands.arguments import seconds, user_path


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="matrix_command", metavar="ACTION")
    up = sub.add_parser("update", help="read the indexes and print the changes to the data files as a diff",
                        description="Read PyPI and a PyTorch wheel index; print a unified diff of the data files.")
    up.add_argument("--index-url", metavar="URL", default=None,
                    help="a PyTorch-style wheel index (PEP 503; default https://download.pytorch.org/whl)")
    up.add_argument("--pypi-url", metavar="URL", default=None,
                    help="PyPI's JSON API root (default https://pypi.org/pypi)")
    up.add_argument("--output", metavar="DIR", type=user_path, default=None,
                    help="the data folder to compare with and, with --write, to update "
                         "(default: the data shipped in this installation)")
    up.add_argument("--write", action="store_true", help="write the changes after printing them")
    up.add_argument("--timeout", metavar="S", type=seconds(1, 300), default=30.0,
                    help="seconds per request (default 30)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from installer.errors import InputError, TorchSetupError
    from installer.i18n import _

    if getattr(args, "matrix_command", None) != "update":
        raise InputError(_("say what to do: `torch-setup matrix update`"), key="matrix",
                         hint=_("run `torch-setup matrix update --help`"))
    from installer.compat.data import DATA_DIR
    from installer.compat.update import INDEX_URL, PYPI_URL, UpdateError, run_update

    data_dir = Path(args.output) if args.output else DATA_DIR
    for name in ("releases.yaml", "builds.yaml"):
        if not os.path.isfile(data_dir / name):  # os.path: False, not a PermissionError, under a closed folder
            from installer.i18n.phrases import closed_folder_problem

            if closed := closed_folder_problem(str((data_dir / name).absolute())):
                raise InputError(closed[0], key="--output", hint=closed[1])
            raise InputError(_("no {name} in this folder", name=name), file=str(data_dir), key="--output",
                             hint=_("point --output at a copy of installer/compat/data"))
    if args.write and not os.access(data_dir, os.W_OK | os.X_OK):
        # said before the network is asked: torch-setup installed by root and run by a user has its data
        # in a folder the user may read, not write
        raise InputError(_("{path} is not writable by you", path=str(data_dir)), key="--output",
                         hint=_("copy installer/compat/data to a folder of yours and point --output at it, or "
                                "run as the folder's owner"))
    try:
        result = run_update(data_dir=data_dir, pypi_url=args.pypi_url or PYPI_URL,
                            index_url=args.index_url or INDEX_URL, timeout=args.timeout)
    except UpdateError as exc:
        raise TorchSetupError(str(exc), hint=_("check the URL and the network, or pass --index-url / --pypi-url "
                                               "for a mirror")) from None
    sys.stdout.write(result.diff())
    for note in result.notes:
        print(_("note: {note}", note=note), file=sys.stderr)
    if not result.changed:
        print(_("the compatibility data is up to date"), file=sys.stderr)
        return 0
    if args.write:
        for name, (_old, new) in result.files.items():
            target = data_dir / name
            tmp = target.with_suffix(".tmp")
            try:
                tmp.write_text(new, encoding="utf-8")
                tmp.replace(target)  # atomic: a reader never sees half a file
            except OSError as exc:  # a full disk; the folder changed since it was checked
                from installer.i18n.phrases import os_error

                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
                raise TorchSetupError(_("{path} could not be written: {why}", path=str(target),
                                        why=os_error(exc, writing=True)),
                                      hint=_("free some space or fix the folder, then run the update again")) from None
        print(_("written to {dir}", dir=str(data_dir)), file=sys.stderr)
    else:
        print(_("nothing written; run again with --write to apply"), file=sys.stderr)
    return 0
