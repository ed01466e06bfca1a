"""`torch-setup verify`: does torch work in an environment, and on which devices?"""

from __future__ import annotations

import argparse
import json
import re

from installer.commands.arguments import seconds, user_path

# what the probe can compare a build with: a wheel variant, or cuda / gpu for "any GPU build"
_EXPECTABLE = re.compile(r"^(auto|cpu|cuda|gpu|cu[0-9]{3}|rocm[0-9]+\.[0-9]+(\.[0-9]+)?|xpu|mps)$")


def _variant(text: str) -> str:
    from installer.i18n import _

    if not _EXPECTABLE.match(text):
        raise argparse.ArgumentTypeError(_("{value} is not a build: use cpu, cuda (any CUDA build), cuNNN (cu126), "
                                           "rocmX.Y (rocm6.3), xpu or mps", value=repr(text)))
    return text


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", metavar="PATH", type=user_path,
                        help="the interpreter (or env folder) to check; default: the active environment's python")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--expect-variant", metavar="V", type=_variant,
                        help="the build that should be there (cpu, cu126, rocm6.2, cuda); a mismatch fails")
    parser.add_argument("--compile", action="store_true", help="also try torch.compile (slow: seconds to minutes)")
    parser.add_argument("--compile-timeout", type=seconds(1, 3600), default=120.0, metavar="S",
                        help="time limit for the torch.compile check (default 120)")
    parser.add_argument("--timeout", type=seconds(1, 3600), default=180.0, metavar="S",
                        help="time limit for the whole check (default 180)")


def run(args: argparse.Namespace) -> int:
    from installer.hardware import load_or_detect
    from installer.probes.advised import advise
    from installer.probes.host import resolve_python, run_verify
    from installer.probes.last_target import (
        advise_missing,
        choose_checked,
        installed_from_wheelhouse,
        planned_variant,
        point_at_last_install,
        torch_missing,
        verify_ended,
    )
    from installer.probes.text import message, render_verify

    target = resolve_python(args.python)
    # without --python, torch-setup's own interpreter (its venv active, or its bin/ on PATH) is no place for
    # torch: the environment torch-setup last installed into is checked instead, and said to be
    checked, instead, note = choose_checked(target, named=args.python is not None)
    # the last install's interpreter is expected to hold the build it planned, as install's own verification
    # expects; an interpreter named with --python is the person's to judge (--expect-variant)
    expect = args.expect_variant or (planned_variant(checked) if args.python is None else None)
    # installed from a wheelhouse, with no index: the fixes install from it too, named or not (an advice, not a
    # verdict, unlike the build expected)
    result = run_verify(checked, timeout=args.timeout, expect_variant=expect,
                        compile=args.compile, compile_timeout=args.compile_timeout,
                        wheelhouse=installed_from_wheelhouse(checked))
    if note is not None:
        result["own_environment"] = {"python": target, "checked_instead": instead, "note_msg": note,
                                     "note": note["text"].format(**note["args"])}
    python = (result.get("python") or {}).get("executable")
    # the fixes only this side can write, as the install's own verification and the wizard's Verify screen write
    # them: one verdict of one environment, whichever of the three gives it
    advise(result)
    if args.python is None and instead is None:
        point_at_last_install(result)
    # what detection reads in that interpreter (PEP 668's marker, pip's break-system-packages): doctor's advice
    # for a distribution's own Python, a venv made from it (found in use: verify advised `kind: existing`,
    # which `plan` refuses); detected only where torch is missing, the one case that advice is for
    missing = python and result.get("import_error") and torch_missing(result["import_error"])
    advise_missing(result, "verify", named=args.python is not None,
                   report=load_or_detect(None, python=python) if missing else None)
    # a verdict on this interpreter, pass or fail: an install's verification of it that was cut off is done now
    verify_ended(result.get("python") or {"executable": python or instead or target})
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        if note is not None:
            print(message(result["own_environment"], "note"))
        print(render_verify(result))
    return 0 if result.get("ok") else 1
