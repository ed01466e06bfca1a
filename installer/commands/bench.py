"""`torch-setup bench`: how fast this GPU (or CPU) runs torch, against what it should reach."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING

from installer.commands.arguments import seconds

if TYPE_CHECKING:
    from installer.probes.host import BenchFailed


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", metavar="PATH",
                        help="the interpreter (or env folder) with torch; default: the active environment's python")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (about 20 s)")
    parser.add_argument("--device", default="auto", metavar="D", help="auto (default), cpu, or cuda:N")
    parser.add_argument("--no-save", action="store_true", help="do not keep this result for later comparison")
    parser.add_argument("--timeout", type=seconds(1, 86400), metavar="S",
                        help="time limit for the whole benchmark (default 600 with --quick, else 1800)")


def _point_at_last_install(exc: BenchFailed) -> str | None:
    """A benchmark of the active environment that found no torch there: its hint names the interpreter
    torch-setup last installed into, and `bench --python` on it, instead of verifying this one; the run
    still failed (exit 1). Returns the interpreter named, or None."""
    from installer.i18n import _
    from installer.probes.last_target import elsewhere, rerun_text, torch_missing

    if exc.timed_out or not torch_missing(exc.stderr):
        return None
    last = elsewhere({"executable": exc.python})
    if last is not None:
        exc.hint = rerun_text("bench", last)
    else:
        # "verify --python X first" of an interpreter with no torch at all (torch-setup's own, found in use)
        # sends a person to a check that can only say the same: the step that helps is an install
        exc.hint = _("torch is not installed in {python}: install it with `torch-setup install --answers FILE` "
                     "or run `torch-setup` for the wizard; or name the environment that has it: "
                     "`torch-setup bench --python PATH`", python=shlex.quote(exc.python))
    return last


def run(args: argparse.Namespace) -> int:
    from installer.errors import InputError
    from installer.i18n import _
    from installer.probes import history, results
    from installer.probes.host import BenchFailed, run_bench

    if args.device not in ("auto", "cpu") and not (args.device.startswith("cuda:") and args.device[5:].isdigit()):
        raise InputError(_("not a device: {d!r}", d=args.device), key="--device", hint=_("use auto, cpu or cuda:N"))
    interactive = not args.json and sys.stderr.isatty()

    def progress(event: dict) -> None:
        if args.json or event.get("type") != "progress" or not event.get("total"):
            return
        label = results.label(event)
        if interactive:  # one line, rewritten in place and erased before the table
            text = _("{label}: {done}/{total}", label=label, done=event["done"], total=event["total"])
            print("\r\033[K" + text, end="", file=sys.stderr, flush=True)
        elif event["done"] == 1:
            # a log (or stderr shown apart from stdout) gets one line per test, naming it and not its figure:
            # found in use, each figure printed here came again in the table, a second list under it
            print(_("measuring {label}", label=label), file=sys.stderr, flush=True)

    try:
        result = run_bench(args.python, quick=args.quick, on_progress=progress, device=args.device,
                           timeout=args.timeout)
        refused = results.refusal(result)
        if refused is not None:  # the GPU named cannot be used: CPU figures would answer another question
            raise BenchFailed(refused[0], hint=refused[1], python=str(result["python"].get("executable")),
                              quick=args.quick, timed_out=False)
    except BenchFailed as exc:
        if interactive:
            print("\r\033[K", end="", file=sys.stderr)
        last = _point_at_last_install(exc) if args.python is None else None
        if not args.json:
            raise
        # `--json` prints one document whatever happens: a run without figures is one with an `error`
        doc = exc.to_result()
        if last is not None:
            doc["last_installed_python"] = last
        print(json.dumps(doc, indent=2))
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    if interactive:
        print("\r\033[K", end="", file=sys.stderr)
    earlier = history.load_all()
    # a run of the same kind (--quick or not) measured the same sizes: the one to compare with, if any
    found = history.previous_for(result, [e for e in earlier if e[1].get("quick") == result.get("quick")]) \
        or history.previous_for(result, earlier)
    comparison = history.compare(result, results.comparable(result, found[1]), found[0]) if found else None
    result = {"ok": True, **result, "comparison": comparison, "error": None}
    if not args.no_save:
        try:
            result["saved_to"] = str(history.save(result))
        except OSError as exc:  # the figures are still worth showing: only the comparison next time is lost
            print(_("could not keep the result for later comparison: {error}", error=exc), file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(results.render(result, comparison))
        if result.get("saved_to"):
            print(_("saved to {path}", path=result["saved_to"]))
    return 0
