"""`torch-setup bench`: how fast this GPU (or CPU) runs torch, against what it should reach."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING

from installer.commands.arguments import seconds, user_path

if TYPE_CHECKING:
    from installer.probes.host import BenchFailed


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", metavar="PATH", type=user_path,
                        help="the interpreter (or env folder) with torch; default: the active environment's python")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (about 20 s)")
    parser.add_argument("--device", default="auto", metavar="D", help="auto (default), cpu, or cuda:N")
    parser.add_argument("--no-save", action="store_true", help="do not keep this result for later comparison")
    parser.add_argument("--timeout", type=seconds(1, 86400), metavar="S",
                        help="time limit for the whole benchmark (default 600 with --quick, else 1800)")


def _install_hint(python: str) -> str:
    """How to get a torch to benchmark, where `python` has none and torch-setup installed nowhere else that is
    still there: the last install's own answers file run again, while it is there; else the wizard, or the
    example answers file of this installation. Found in review: "install it with `torch-setup install --answers
    FILE`" named no file, and for torch-setup's own Python said to install torch into it."""
    from installer import paths
    from installer.i18n import _
    from installer.probes.last_run import last_record, resume_command
    from installer.probes.last_target import own_not_target

    quoted = shlex.quote(python)
    head = (_("{python} is torch-setup's own Python, not a place for torch", python=quoted) if own_not_target(python)
            else _("torch is not installed in {python}", python=quoted))
    record = last_record()
    again = resume_command(record) if record is not None else None
    if record is not None and again is not None:
        how = _("torch-setup's last install was made from {file}: `{command}` runs it again (the steps that "
                "finished are skipped)", file=shlex.quote(record.answers), command=again)
    else:
        example = shlex.quote(paths.answers_examples() + "cpu-venv.yaml")
        how = _("run `torch-setup` (the wizard), or `torch-setup install --answers {file}`, the example that "
                "installs torch's CPU build into .venv-torch in the folder you run it in", file=example)
    return _("{problem}: {how}; or name the environment that has torch: `torch-setup bench --python PATH`",
             problem=head, how=how)


def _point_at_last_install(exc: BenchFailed) -> str | None:
    """A benchmark of the active environment that found no torch there: its hint names the interpreter
    torch-setup last installed into, and `bench --python` on it, instead of verifying this one; the run
    still failed (exit 1). Returns the interpreter named, or None."""
    from installer.probes.last_target import elsewhere, rerun_text, torch_missing

    if exc.timed_out or not torch_missing(exc.stderr):
        return None
    last = elsewhere({"executable": exc.python})
    # "verify --python X first" of an interpreter with no torch at all (torch-setup's own, found in use) sends
    # a person to a check that can only say the same: the step that helps is an install
    exc.hint = rerun_text("bench", last) if last is not None else _install_hint(exc.python)
    return last


def _print_partial(exc: BenchFailed) -> None:
    """The figures of the tests that finished before the benchmark stopped, on stdout, flushed before the
    error is said (found in use: `bench | cat` printed nothing of a run whose last test failed)."""
    from installer.i18n import _
    from installer.probes import results

    if not exc.partial:
        return
    shown = {**results.enrich(exc.partial), "notes": []}  # notes judge a whole run: not this part of one
    print(_("the benchmark stopped before its end; the tests that finished measured:"), flush=True)
    print(results.render(shown), flush=True)


def run(args: argparse.Namespace) -> int:
    from installer.errors import InputError
    from installer.i18n import _
    from installer.probes import history, results
    from installer.probes.host import BenchFailed, resolve_python, run_bench
    from installer.probes.last_target import choose_checked
    from installer.probes.text import message

    if args.device not in ("auto", "cpu") and not (args.device.startswith("cuda:") and args.device[5:].isdigit()):
        raise InputError(_("not a device: {d!r}", d=args.device), key="--device", hint=_("use auto, cpu or cuda:N"))
    interactive = not args.json and sys.stderr.isatty()
    # without --python, torch-setup's own interpreter is no place for torch: the environment torch-setup last
    # installed into is measured instead, and said to be, as verify and doctor do (found in review: bench
    # measured torch-setup's own, and failed for want of a torch there)
    target = resolve_python(args.python)
    python, instead, note = choose_checked(target, named=args.python is not None)
    own = None if note is None else {"python": target, "checked_instead": instead, "note_msg": note,
                                     "note": note["text"].format(**note["args"])}
    if own is not None and not args.json:
        # before the minutes of measuring, not after; on stderr, as stdout holds only the figures
        print(message(own, "note"), file=sys.stderr, flush=True)

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
        result = run_bench(python, quick=args.quick, on_progress=progress, device=args.device,
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
            _print_partial(exc)
            raise
        # `--json` prints one document whatever happens: a run without figures is one with an `error`
        doc = exc.to_result()
        if last is not None:
            doc["last_installed_python"] = last
        doc["own_environment"] = own  # null where the interpreter measured is the one asked for
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
    result["own_environment"] = own
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
