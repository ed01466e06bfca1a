"""`torch-setup answers schema`: the JSON Schema of answers files (for editors), and `answers check F...`.

`check` builds each file's plan the way `plan --answers F` does (installer.plan.ahead.plan_from_files:
the same detection, compatibility data, mirror ids and probes), and refuses what `install --yes` refuses
on such a plan (installer.plan.refusals), so a file it passes is one `plan` and `install` take on this
machine, or on the machine of `--hardware F`. It runs nothing and creates nothing.
Every file is checked: a problem is printed as `file:line: key: message`, a good file as `file: ok`.
Exit 0 when all are good, 2 when any is not. A good file may still get a warning on stderr (`warning:
file:line: key: message`): a CUDA build for a machine with no NVIDIA GPU, which runs there on the CPU only.
"""

from __future__ import annotations

import argparse
import sys

from installer.commands.arguments import add_hardware, hardware, seconds, user_path

_CHECK = ("check answers files as `plan --answers F` does, for this machine or --hardware F; runs nothing; "
          "exit 2 naming file, line and key if one is wrong")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="answers_command", metavar="ACTION", required=True)
    sub.add_parser("schema", help="print the JSON Schema of answers files",
                   description="print the JSON Schema of answers files")
    check = sub.add_parser("check", help=_CHECK, description=_CHECK)
    check.add_argument("files", nargs="+", metavar="F", type=user_path, help="answers files (YAML)")
    add_hardware(check, "check for a saved hardware report instead of this machine")
    # the plan picks the PyTorch index by probing mirrors, as `plan` does: the same limit
    check.add_argument("--probe-timeout", type=seconds(0.1, 120), default=3.0, metavar="S",
                       help="seconds to wait for each mirror the plan probes: the candidates for the PyTorch "
                            "index, and a PyPI mirror chosen by hand (default 3)")


def run(args: argparse.Namespace) -> int:
    if args.answers_command == "schema":
        from installer.answers import answers_schema_json

        print(answers_schema_json())
        return 0
    from installer.errors import InputError
    from installer.i18n import _
    from installer.plan.ahead import plan_from_files
    from installer.plan.gpu_refusal import cpu_only_said
    from installer.plan.refusals import install_refusal

    bad = 0
    for path in args.files:
        try:
            answers, _report, plan = plan_from_files(path, hardware(args), probe_timeout=args.probe_timeout)
            # what `install --yes` refuses on a plan `plan` shows (a build that GPU cannot use, a dead mirror)
            refusal = install_refusal(answers, plan, path, unattended_here=hardware(args) is None,
                                      probe_timeout=args.probe_timeout)
            if refusal is not None:
                raise refusal
        except InputError as exc:  # this file's problem: the next file is checked all the same
            bad += 1
            print(exc.render(), file=sys.stderr)
            continue
        # a CUDA build for a machine with no NVIDIA GPU: `install` takes it (it runs, on the CPU), so the file
        # is ok and the exit stays 0, but a check that said only "ok" hid it (found by a tester)
        cpu_only = cpu_only_said(plan, path)
        if cpu_only is not None:
            print(cpu_only, file=sys.stderr)
        print(_("{file}: ok", file=path))
    if bad:
        print(_("{bad} of {n} answers files have problems", bad=bad, n=len(args.files)), file=sys.stderr)
        return 2
    return 0
