"""`torch-setup recommend [--hardware F] [--python X.Y] [--extras E] [--json] [--all]`: which driver / CUDA /
PyTorch combination fits this machine, why, what else would work, and (--all) what was refused and why."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from installer.commands.arguments import add_hardware, hardware

if TYPE_CHECKING:
    from installer.compat.model import Recommendation
    from installer.hardware.report import HardwareReport

# the companion packages, as the answers' torch.extras names them (installer.answers.Extra)
_EXTRAS = ("torchvision", "torchaudio")


def _extras(text: str) -> tuple[str, ...]:
    """--extras: a comma-separated list of torchvision and torchaudio, or `none`."""
    from installer.i18n import _

    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["none"]:
        return ()
    wrong = [n for n in names if n not in _EXTRAS]
    if wrong or not names:
        raise argparse.ArgumentTypeError(_("{value} is not a list of extras: use torchvision, torchaudio, both "
                                           "(torchvision,torchaudio) or none", value=repr(text)))
    return tuple(dict.fromkeys(names))


def configure(parser: argparse.ArgumentParser) -> None:
    add_hardware(parser, "use a saved hardware report (from `detect --json`) instead of detecting")
    parser.add_argument("--python", metavar="X.Y", default=None,
                        help="the Python the environment will use (default: the one in the report)")
    parser.add_argument("--torch", metavar="VERSION", default=None, help="only this torch release (X.Y.Z or X.Y)")
    parser.add_argument("--variant", metavar="V", default=None, help="only this wheel variant (cpu, cu126, ...)")
    parser.add_argument("--keep-driver", action="store_true", help="never suggest a driver change")
    parser.add_argument("--extras", metavar="E", type=_extras, default=_EXTRAS,
                        help="the companion packages wanted, as the answers' torch.extras: torchvision,torchaudio "
                             "(default), torchvision, torchaudio or none; their wheels can limit the Python")
    parser.add_argument("--json", action="store_true", help="print the recommendation as JSON (the contract)")
    parser.add_argument("--all", action="store_true", help="also list every build that was refused, and why")


def _driver_elsewhere(report: HardwareReport, rec: Recommendation, *, recorded: bool = False) -> str | None:
    """Where a driver some choice needs is installed, when torch-setup does not do it here (a Rocky
    Linux machine, a container); None when no choice needs one, or under WSL (each choice says Windows)."""
    from installer.compat.machine import is_jetson
    from installer.plan.driver_request import driver_elsewhere

    if not any(a.kind == "install-driver" and a.host != "windows" for c in rec.choices for a in c.actions):
        return None
    return driver_elsewhere(report.os, jetson=is_jetson(report), report=report, recorded=recorded)


def run(args: argparse.Namespace) -> int:
    from installer.compat import recommend
    from installer.errors import InputError
    from installer.hardware import load_or_detect
    from installer.i18n import _
    from installer.i18n.phrases import listed
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
    recorded = hardware(args) is not None  # said as the recorded machine, not this one
    rec = recommend(report, python=args.python, torch=args.torch, variant=args.variant,
                    keep_driver=args.keep_driver, extras=args.extras, torch_key="--torch", recorded=recorded,
                    today=date.today())  # the edge: the day NVIDIA's driver support is judged on
    if args.json:
        sys.stdout.write(json.dumps(redact_data(rec.to_dict()), indent=2, ensure_ascii=False) + "\n")
        return 0
    from installer.compat.machine import is_jetson
    from installer.compat.render import render_recommendation
    from installer.plan.driver_request import distribution_installs_driver

    by_hand_on = distribution_installs_driver(report.os, jetson=is_jetson(report))
    print(redact_text(render_recommendation(rec, show_all=args.all, recorded=recorded, by_hand_on=by_hand_on,
                                            machine_python=report.python.version if report.python else None,
                                            all_command=_same_command(args, show_all=True))))
    elsewhere = _driver_elsewhere(report, rec, recorded=recorded)
    if elsewhere:
        print(_("The driver: {where}.", where=elsewhere))
    fewer = _extras_that_keep_python(args, report, rec)
    if fewer is not None:
        print(redact_text(_("to stay on Python {python}, without {libs}: `{command}`", python=args.python,
                            libs=listed(e for e in args.extras if e not in fewer),
                            command=_same_command(args, fewer))))
    return 0 if rec.choices else 1


def _extras_that_keep_python(args: argparse.Namespace, report: HardwareReport,
                             rec: Recommendation) -> tuple[str, ...] | None:
    """When the Python asked for was moved only because an extra has no wheel for it (torchaudio 2.11 stops
    at 3.14, torch 2.15 goes on to 3.15), the most of the extras asked for that keep it; None otherwise."""
    from installer.compat import recommend

    best = rec.best
    if args.python is None or best is None or best.action("install-python") is None:
        return None
    for size in range(len(args.extras) - 1, -1, -1):
        for kept in combinations(args.extras, size):
            other = recommend(report, python=args.python, torch=args.torch, variant=args.variant,
                              keep_driver=args.keep_driver, extras=kept, torch_key="--torch",
                              recorded=hardware(args) is not None, today=date.today()).best
            if other is not None and other.action("install-python") is None:
                return kept
    return None


def _same_command(args: argparse.Namespace, extras: tuple[str, ...] | None = None, *, show_all: bool | None = None) -> str:
    """This very `recommend` command, with --extras `extras` (None: as given, said only when not the default)
    and --all when `show_all` (None: as given): what to run to see that recommendation. Every option that
    changes what is listed is kept (found by a tester: the refused builds' `recommend --all` of a recorded K80
    listed the builds of the machine it was pasted on); the --hardware file as the user can paste it."""
    from installer.i18n import _
    from installer.paths import hardware_word

    words = ["torch-setup", "recommend"]
    path = hardware(args)
    if path is not None:
        words += ["--hardware", hardware_word(path) or _("REPORT")]
    for flag, value in (("--python", args.python), ("--torch", args.torch), ("--variant", args.variant)):
        if value is not None:
            words += [flag, shlex.quote(str(value))]
    words += ["--keep-driver"] if args.keep_driver else []
    if extras is not None or tuple(args.extras) != _EXTRAS:
        words += ["--extras", ",".join(args.extras if extras is None else extras) or "none"]
    words += ["--all"] if (args.all if show_all is None else show_all) else []
    return " ".join(words)
