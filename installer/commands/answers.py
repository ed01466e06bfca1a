"""`torch-setup answers schema`: the JSON Schema of answers files (for editors), and `answers check F...`.

`check` builds each file's plan the way `plan --answers F` does (installer.plan.ahead.plan_from_files:
the same detection, compatibility data, mirror ids and probes), and refuses what `install --yes` refuses
on such a plan (installer.plan.refusals), so a file it passes is one `plan` and `install` take on this
machine, or on the machine of `--hardware F`. It runs nothing and creates nothing.
Every file is checked: a problem is printed as `file:line: key: message`, a good file as `file: ok`; a
--hardware file that cannot be read stops the check before the first one (exit 2, naming that file).
Exit 0 when all are good, 2 when any is not. A good file may still get a warning on stderr (`warning:
file:line: key: message`): a CUDA build for a machine with no NVIDIA GPU, which runs there on the CPU only, or a
conda environment's CPU build on a GPU whose build conda-forge does not make (ROCm, XPU).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from installer.commands.arguments import add_hardware, hardware, seconds, user_path

if TYPE_CHECKING:
    from installer.errors import InputError

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

    report_path = hardware(args)
    if report_path is not None:
        from installer.hardware.report import load_report

        # a --hardware file that cannot be read is the command's problem, not each answers file's: said once,
        # before any is checked (found by a tester: a mistyped report path ended in "1 of 1 answers files have
        # problems" of a file that had none)
        load_report(report_path)
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
            exc.also += _beside_python(exc, path, args)
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


def _beside_python(error: InputError, path: str, args: argparse.Namespace) -> tuple[InputError, ...]:
    """After a refusal of the answers' Python version, the refusal the same build meets on that machine's GPU
    or driver with a Python it has wheels for (a driver too old for cu130), which the planner, stopping at the
    first, left for the next run (found by a tester: target.python first, torch.variant only once it was
    fixed). () when there is none, or when that second plan fails for another reason: the first problem is
    said all the same, and a second one only when it is the build's own."""
    from installer.compat.data import load
    from installer.compat.solver import select_releases
    from installer.errors import InputError
    from installer.plan.ahead import PY_VERSION, plan_from_files
    from installer.plan.refusals import install_refusal
    from installer.yamlfile import load_yaml

    if error.key != "target.python" or error.file != path or error.also:
        return ()
    try:
        data = load_yaml(path).data
        asked = (data.get("target") or {}).get("python")
        version = (data.get("torch") or {}).get("version", "latest")
        if not isinstance(asked, str) or not PY_VERSION.match(asked):  # a path: that Python is the one used
            return ()
        ranges = select_releases(load(), None if version in ("latest", None) else str(version))[0].python.values()
        # the end of each platform's range nearest the Python asked for (3.11 of 3.11-3.15 for a 3.10)
        minor = int(asked.split(".")[1])
        ends = [(r.split("-")[0], r.split("-")[-1]) for r in ranges if r]
        others = dict.fromkeys(low if minor < int(low.split(".")[1]) else high for low, high in ends)
        for python in others:
            try:
                answers, _report, plan = plan_from_files(path, hardware(args), probe_timeout=args.probe_timeout,
                                                         python=python)
            except InputError as exc:
                if exc.key == "target.python":  # the range of another platform than the machine's: the next
                    continue
                # the driver step's own refusal (installer.plan.kinds.apt) is the build's too
                return (exc,) if exc.key in ("torch.variant", "driver.install") else ()
            refusal = install_refusal(answers, plan, path, unattended_here=False, probe_timeout=args.probe_timeout)
            return (refusal,) if refusal is not None and refusal.key != "target.python" else ()
    except (InputError, AttributeError, ValueError, IndexError):
        return ()
    return ()
