"""`torch-setup plan --answers F [--hardware F]`: the install plan as a bash script. Runs nothing.

Detection reads the machine (read-only), the pins come from the compatibility data, the PyTorch index
is probed; then the plan is printed. No environment, no journal, no file is created. Credentials in
index URLs are printed as *** unless --show-secrets is given.
"""

from __future__ import annotations

import argparse

from installer.commands.arguments import add_hardware, hardware, seconds


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", metavar="F", required=True, help="the answers file (YAML)")
    add_hardware(parser, "plan for a saved hardware report instead of this machine")
    parser.add_argument("--probe-timeout", type=seconds(0.1, 120), default=3.0, metavar="S",
                        help="seconds to wait for each mirror when picking the PyTorch index (default 3)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print index passwords and tokens as they are (default: ***), for a script to run")


def run(args: argparse.Namespace) -> int:
    from installer.plan.ahead import plan_from_files
    from installer.plan.script import render_script

    _answers, _report, plan = plan_from_files(args.answers, hardware(args), probe_timeout=args.probe_timeout)
    print(render_script(plan, show_secrets=args.show_secrets), end="")
    return 0
