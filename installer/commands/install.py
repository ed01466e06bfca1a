"""`torch-setup install --answers F [--hardware F] [--yes]`: the unattended install.

answers -> detect -> pins -> PyTorch index -> plan -> run (journaled, resumable) -> verify.
Without --yes, a person at a terminal sees the plan and confirms; with no terminal and no --yes the
command refuses (exit 2) rather than guess. Exit 0 when every step and the verification pass, 1 when a
step or a check fails, 2 when refused before anything ran (bad answers, or another run installing into
the same folder or running root steps now), 130 when interrupted (run it again to go on from where it
stopped).
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
from typing import Any

from installer.commands.arguments import add_hardware, hardware, seconds, user_path

PROBE_TIMEOUT = 3.0  # --probe-timeout's default: a resume command names only another one


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answers", metavar="F", type=user_path, required=True, help="the answers file (YAML)")
    add_hardware(parser, "this machine's report saved by `detect --json`, instead of detecting (a report of another "
                         "machine is refused: `plan --hardware F` shows its plan)")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="show one line per step; the commands' output goes only to the log")
    parser.add_argument("--probe-timeout", type=seconds(0.1, 120), default=PROBE_TIMEOUT, metavar="S",
                        help="seconds to wait for each mirror the plan probes: the candidates for the PyTorch "
                             "index, and a PyPI mirror chosen by hand (default 3)")
    # what an admin scripting twenty machines needs before the first run (found in use: none of it was
    # in --help). Lines are kept as written (help_format); the paths are installer/paths.state_dir()'s.
    parser.epilog = (
        "exit codes:\n"
        "  0    installed and verified, or stopped for a reboot a step needs (run the same command after it)\n"
        "  1    a step or the verification failed (the log says why), or you answered no; run the same "
        "command again to go on from the step that failed\n"
        "  2    bad input, or refused before anything ran (another run is installing into the same folder "
        "or running root steps; sudo cannot run the root steps; a folder of torch-setup's own, such as the "
        "journal's in XDG_STATE_HOME, cannot be written); nothing was changed\n"
        "  130  interrupted: run the same command again to go on from where it stopped\n"
        "\n"
        "Steps marked [root] (a driver, a system CUDA toolkit, apt sources) run through sudo: run torch-setup "
        "as yourself, not with sudo. At a terminal, sudo asks for your password once (if it needs one), "
        "before the first step. Without a terminal (--yes in a script or a cron job), sudo must not need a "
        "password (run `sudo -v` just before, or allow NOPASSWD in sudoers), or the run stops before "
        "anything ran (exit 2).\n"
        "\n"
        "Each run's log (every command and its output) goes to logs/, and the journal that lets a stopped "
        "run go on to journal/, both in $XDG_STATE_HOME/torch-setup/ (by default "
        "~/.local/state/torch-setup/); the run prints its log's path at the end."
    )


def _confirm(plan: Any) -> bool:
    from installer.i18n import _

    for key, value in plan.summary:
        print(f"  {key}: {value}")
    for note in plan.notes:
        print(f"  - {note}")
    print(_("steps:"))
    for i, step in enumerate(plan.steps, 1):
        print(f"  {i}. {'[root] ' if step.root else ''}{step.title}")
    try:
        reply = input(_("Install now? [y/N] "))
    except EOFError:
        return False
    return reply.strip().lower() in ("y", "yes", "是")


def builds_wheelhouse_only(plan: Any) -> bool:
    """The plan downloads a wheelhouse and does nothing else (no driver, toolkit or apt step): it may run
    here for another machine's report."""
    return bool(plan.steps) and all(step.kind == "wheel" and not step.root for step in plan.steps)


def run(args: argparse.Namespace) -> int:
    from installer.errors import InputError
    from installer.executor import run_plan
    from installer.executor.plain import PlainProgress
    from installer.i18n import _
    from installer.plan.ahead import plan_from_files

    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # planning only reads (as `plan` does): a mistake in the answers is said first, so that adding
    # --yes is not followed by a second refusal
    answers, _report, plan = plan_from_files(args.answers, hardware(args), probe_timeout=args.probe_timeout,
                                             installs_here=True)
    saved = hardware(args)
    plan.meta["answers_file"] = os.path.abspath(args.answers)  # the journal keeps it: a stopped run is resumed from it
    if args.yes:  # and this: the command that resumes a run from a script must not stop to ask (doctor's)
        plan.meta["yes"] = "yes"
    # and the rest of how it was started, so that doctor's command resumes the same run: the machine report it
    # planned for, the output it showed, the mirrors' time limit
    if saved is not None:
        plan.meta["hardware_file"] = os.path.abspath(saved)
    if args.quiet:
        plan.meta["quiet"] = "yes"
    if args.probe_timeout != PROBE_TIMEOUT:
        plan.meta["probe_timeout"] = repr(args.probe_timeout)
    # after the answers' own mistakes, which are the first to fix. A plan that only builds a wheelhouse is
    # run here for the machine of the report, which is why that is another one (found in use: the documented
    # build was refused); any other step of it (a driver, a CUDA toolkit the answers also ask for) is that
    # machine's, and is refused like any other plan (found in use: its root steps were about to run here)
    if saved is not None and not builds_wheelhouse_only(plan):
        from installer.hardware.same_machine import refuse_another_machine

        refuse_another_machine(saved, args.answers)
    from installer.plan.refusals import install_refusal

    downloads_here = saved is None or builds_wheelhouse_only(plan)
    refusal = install_refusal(answers, plan, args.answers, unattended_here=args.yes and downloads_here,
                              probe_timeout=args.probe_timeout)
    # `plan` shows the script of these answers for the same machine: with --hardware, the report's (found in
    # use: the hint left it out, and the plan shown was of the machine it ran on)
    plan_command = shlex.join(["torch-setup", "plan", "--answers", args.answers,
                               *(["--hardware", saved] if saved is not None else [])])
    if refusal is not None:
        # the refusal is `install`'s own: the script it will not run is `plan`'s to print (found in use: a
        # reader of `plan`'s warning looked for that script in `install`'s output)
        refusal.hint = (_("{hint}; `{command}` prints the script that was refused, without running it",
                          hint=refusal.hint, command=plan_command) if refusal.hint else
                        _("`{command}` prints the script that was refused, without running it", command=plan_command))
        raise refusal
    from installer.plan.gpu_refusal import cpu_only_said

    cpu_only = cpu_only_said(plan, args.answers)
    if cpu_only is not None:
        # not refused (it runs, on the CPU), but gigabytes downloaded for no GPU: said before the first step, the
        # confirmation or its refusal, --quiet or not (found by a tester: only a note among the others said it)
        print(cpu_only, file=sys.stderr)
    if not args.yes and not interactive:
        raise InputError(_("no terminal to ask for confirmation, and --yes was not given"),
                         hint=_("review the plan with `{command}`, then add --yes", command=plan_command))
    if not args.yes:
        if not _confirm(plan):
            print(_("nothing was changed"))
            return 1
    elif not args.quiet:
        # unattended, the plan's notes are what its log keeps of why (found in use: a mirror chosen by
        # hand that `plan` said did not answer, and `install` said nothing before minutes of retries)
        for note in plan.notes:
            print(_("note: {note}", note=note))

    from installer.executor.events import Cancel

    cancel = Cancel()

    def stop(signum: int, frame: object) -> None:
        cancel.by = cancel.by or signal.Signals(signum).name  # the first: a second Ctrl-C changes nothing
        cancel.set()  # the executor ends the running step's processes and records where it stopped

    # a SIGINT ignored at start (a background job of a script: `torch-setup install ... &`) stays ignored
    # throughout, as POSIX and Python leave it; caught for the steps alone, it stopped them but was ignored during
    # the verification and bench after them. SIGTERM is always caught: the journal records where the run stopped.
    catch = [signal.SIGTERM] + ([] if signal.getsignal(signal.SIGINT) is signal.SIG_IGN else [signal.SIGINT])
    previous = {sig: signal.signal(sig, stop) for sig in catch}
    try:
        front = PlainProgress(quiet=args.quiet)
        finished = front.consume(run_plan(plan, cancel=cancel, interactive=interactive))
    except InputError as exc:
        # refused before anything ran (a wheelhouse that is not there): point at the answers' line
        from installer.plan.planner import remap_to_answers
        from installer.yamlfile import load_yaml

        raise remap_to_answers(exc, load_yaml(args.answers)) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if finished is None or finished.interrupted or cancel.is_set():
        return 130
    if not finished.ok:
        return 1
    if finished.reboot_required:
        return 0
    if answers.verify and plan.target_python:
        from installer.probes.advised import advise
        from installer.probes.last_target import verify_install
        from installer.probes.text import render_verify

        result = verify_install(dict(plan.summary).get("target") or plan.target_python, plan.target_python,
                                variant=plan.meta.get("variant"), wheelhouse=plan.meta.get("wheelhouse"))
        # the verdict `torch-setup verify` gives of this environment, its fixes and warnings too
        advise(result)
        print(render_verify(result))
        if not result.get("ok"):
            return 1
    if answers.bench != "none" and plan.target_python:
        from installer.probes.host import run_bench

        result = run_bench(plan.target_python, quick=answers.bench == "quick")
        print(_("benchmark: {summary}", summary=result.get("summary") or _("done")))
    return 0
