"""`torch-setup plan --answers F [--hardware F]`: the install plan as a bash script. Runs nothing.

Detection reads the machine (read-only), the pins come from the compatibility data, the PyTorch index
is probed; then the plan is printed. No environment, no journal, no file is created. A plan `install`
would refuse (a build the GPU cannot use as the machine is) is printed all the same, with a warning atop
it and on stderr, exit 0 (installer.plan.gpu_refusal). Credentials in index URLs are printed as ***
unless --show-secrets is given.
"""

from __future__ import annotations

import argparse
import sys

from installer.commands.arguments import add_hardware, hardware, seconds, user_path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", metavar="F", type=user_path, required=True, help="the answers file (YAML)")
    add_hardware(parser, "plan for a saved hardware report instead of this machine")
    parser.add_argument("--probe-timeout", type=seconds(0.1, 120), default=3.0, metavar="S",
                        help="seconds to wait for each mirror the plan probes: the candidates for the PyTorch "
                             "index, and a PyPI mirror chosen by hand (default 3)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print index passwords and tokens as they are (default: ***), for a script to run")


def run(args: argparse.Namespace) -> int:
    from installer.commands.streams import write_verbatim
    from installer.i18n import _
    from installer.plan.ahead import plan_from_files
    from installer.plan.gpu_refusal import cpu_only_said, refusal
    from installer.plan.planner import remap_to_answers
    from installer.plan.recorded_folder import recorded_target
    from installer.plan.script import render_script
    from installer.yamlfile import load_yaml

    answers, _report, plan = plan_from_files(args.answers, hardware(args), probe_timeout=args.probe_timeout)
    # bash needs the names' own characters; a recorded machine's folder is said as the answers give it
    write_verbatim(render_script(plan, show_secrets=args.show_secrets, target=recorded_target(answers, plan)))
    refused = refusal(answers, plan)
    if refused is not None:
        # the plan is shown (exit 0: the answers are valid, and it may be for another day's driver), but one
        # who reads only the terminal, or pipes the script to a file, is told what `install` will say
        print(_("warning: `torch-setup install` refuses these answers on the recorded machine; the script shows "
                "what they would install:") if plan.meta.get("recorded") else
              _("warning: `torch-setup install` refuses these answers on this machine; the script shows what "
                "they would install:"), file=sys.stderr)
        print(remap_to_answers(refused, load_yaml(args.answers)).render(), file=sys.stderr)
    cpu_only = cpu_only_said(plan, args.answers)
    if cpu_only is not None:
        # installed all the same (it runs, on the CPU), but gigabytes for no GPU: told beside the script, not only
        # in a `# note:` of it (found by a tester)
        print(cpu_only, file=sys.stderr)
    return 0
