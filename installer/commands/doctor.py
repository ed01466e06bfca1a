"""`torch-setup doctor`: explain why torch does not use the GPU (or does not work at all), with fixes."""

from __future__ import annotations

import argparse
import json
import shlex
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from installer.commands.arguments import add_hardware, hardware, seconds, user_path

if TYPE_CHECKING:
    from installer.probes.doctor import Finding
    from installer.probes.last_target import Unverified


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", metavar="PATH", type=user_path,
                        help="the interpreter (or env folder) to examine; default: the active environment's python")
    add_hardware(parser, "use a saved hardware report instead of detecting")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--timeout", type=seconds(1, 3600), default=180.0, metavar="S",
                        help="time limit for the checks run in the interpreter (default 180)")


def _pointed(findings: list[Finding], last: str, *, missing: bool) -> list[Finding]:
    """The import findings of the active environment with fixes that name the last install first: a torch
    simply missing drops "install torch" (torch-setup did, elsewhere); a broken one keeps its repair after."""
    from installer.probes.last_target import rerun_text

    return [replace(f, fix=rerun_text("doctor", last, None if missing else f.fix)) for f in findings]


def _pointed_too(findings: list[Finding], last: str) -> list[Finding]:
    """A torch missing from the interpreter --python named, while torch-setup installed into another: its
    fix names that one first, then how to install into this one (found in use: nothing said torch was there)."""
    from installer.i18n import _

    return [replace(f, fix=_("torch-setup last installed into {path}: run `torch-setup {command} --python {path}`; "
                             "{fix}", path=shlex.quote(last), command="doctor", fix=f.fix))
            if f.id == "torch-missing" else f for f in findings]


def _healthy_here(finding: Finding, python: str) -> Finding:
    from installer.i18n import _

    if finding.id != "healthy":
        return finding
    return replace(finding, title=_("nothing else to mend in {python}", python=python))


def _defer_to_stopped(findings: list[Finding], target: str, python: str) -> tuple[list[Finding], str, dict[str, Any]]:
    """torch-setup's own Python checked while the install into `target` stopped before it made an environment
    with torch: the findings without torch missing from it (found in use, t10: a second PROBLEM, "torch-setup's
    own Python, not a place for torch", beside the stopped install's, whose resume is the one fix), the
    torch-import check's fix that defers to that install, and the line said before the checks instead."""
    from installer.i18n import _
    from installer.probes.last_target import own_checked_note

    check = _("torch goes into {target}, where the install that stopped was installing it: going on with that "
              "install is the fix (under findings)", target=shlex.quote(target))
    return [f for f in findings if f.id != "torch-missing"], check, own_checked_note(python)


# a fix this long said on a check line and again under findings is said once, under findings
LONG_FIX = 60


def _checks_shown(checks: list[dict[str, Any]], findings: list[Finding], *, gpu_build: bool) -> list[dict[str, Any]]:
    """The checks as doctor's text shows them: a failed check whose long fix a finding gives word for word refers
    to it, and a GPU that a wrong, CPU-only build cannot use refers to that build's finding. Found in use: the
    reinstall command (or the resume command) twice, on the check line and under findings, read as two things
    to do. `doctor --json` keeps each check's own fix."""
    from installer.i18n import _
    from installer.probes.text import message

    said = {f.fix for f in findings if f.fix}
    wrong_build = not gpu_build and any(f.id == "check-build" for f in findings)
    # torch short of a dependency: the finding that names the packages is the fix (verify's line says "doctor
    # names the package", which inside doctor is that finding)
    short = any(f.id == "dependencies-missing" for f in findings) and not any(f.id == "torch-broken" for f in findings)
    shown = []
    for check in checks:
        fix = message(check, "fix")
        if check.get("ok") or not fix:
            shown.append(check)
        elif (fix in said and len(fix) >= LONG_FIX) or (short and check.get("name") == "torch-import"):
            shown.append({**check, "fix": _("the fix is under findings"), "fix_msg": None})
        elif wrong_build and check.get("name") == "gpu-available":
            shown.append({**check, "fix": _("this follows from the wrong build above: its fix is under findings"),
                          "fix_msg": None})
        else:
            shown.append(check)
    return shown


def run(args: argparse.Namespace) -> int:
    from installer.hardware import load_or_detect
    from installer.i18n import _
    from installer.i18n.phrases import listed
    from installer.probes.doctor import advise_import, advise_verify, diagnose, gpu_label, gpu_names, verdict
    from installer.probes.host import half_installed, missing_dependencies, resolve_python, run_verify
    from installer.probes.last_run import (
        half_done,
        rerun_installing,
        stopped_into,
        stopped_run,
        unverified_findings,
        verified_now_findings,
    )
    from installer.probes.last_target import (
        advise_missing,
        choose_checked,
        installed_from_wheelhouse,
        own_not_target,
        planned_variant,
        point_at_last_install,
        torch_missing,
        unverified_in,
        verify_ended,
    )
    from installer.probes.run_index import index_lookup
    from installer.probes.text import message, render_checks
    from installer.redaction import redact_data, redact_text
    from installer.shells import user_shell

    python = resolve_python(args.python)
    # without --python, torch-setup's own interpreter (its venv active, or its bin/ on PATH) is no place for
    # torch: the environment torch-setup last installed into is examined instead, and said to be
    own = python
    python, instead, note = choose_checked(own, named=args.python is not None, stopped=True)
    report = load_or_detect(hardware(args), python=python)
    # the last install's interpreter is expected to hold the build it planned, as install's own verification
    # expects (found in review: a CPU build where cu126 was planned was no finding); not one --python names
    planned = planned_variant(python) if args.python is None else None
    verify = run_verify(python, timeout=args.timeout, expect_variant=planned,
                        wheelhouse=installed_from_wheelhouse(python))
    checked = verify.get("python") or {"executable": python}
    cut_off: list[Unverified] = []
    if verify.get("checks"):
        # doctor's checks are `torch-setup verify`'s (the same probe, run the same way): a verdict on this
        # interpreter, pass or fail, so an install's verification of it that was cut off is no longer missing
        # (found in use: [ok] import and matmul, then "has not been checked since ... run torch-setup verify");
        # said, all the same: silence read as if the stop had gone unseen (found in use, t9)
        cut_off = unverified_in(checked)
        verify_ended(checked)
    # an install torch-setup was in the middle of, into this very interpreter: going on with it is the fix of
    # what is missing here, and the only one said (not also "install torch into it with the wizard")
    resumed = stopped_into(checked) if verify.get("import_error") else None
    incomplete = half_installed(python)
    # the reinstall commands name the index the install into this environment used, not always PyTorch's
    index = index_lookup(checked)
    # the checks below give the reinstall command itself: "doctor gives the command" inside doctor's output
    # sent the reader round in a circle (found in use); before the pointer, which keeps this fix after it
    advise_import(verify, report, incomplete, index)
    # the active environment, not one named: where torch does not import, point at the last install
    last = (point_at_last_install(verify, "doctor") if args.python is None and instead is None and resumed is None
            else None)
    # the stopped install's own finding (half_done, below) gives its resume command: the check and the finding of
    # torch missing here defer to it (found in use: the command twice, then three times with the check's)
    resumed_fix = _("go on with the install that stopped, above: it was installing torch into this environment")
    if resumed is None:
        advise_missing(verify, "doctor", named=args.python is not None, report=report)
    else:
        check = next((c for c in verify.get("checks") or [] if c.get("name") == "torch-import"), None)
        if check is not None:
            check["fix"], check["fix_msg"] = _("going on with the install that stopped is the fix (under "
                                               "findings)"), None
    # the checks' reinstall commands, as verify writes them (its warnings are doctor's findings here)
    advise_verify(verify, report, cpu_warning=False, companion_warning=False, index=index)
    missing = missing_dependencies(python)
    # the fixes say the command that removes a variable in the user's own shell (fish: `set -e`)
    findings = diagnose(report, verify, incomplete=incomplete, index=index, shell=user_shell(),
                        missing=missing, rerun=rerun_installing(checked, {m.root for m in missing}) if missing else None)
    if planned is not None:
        # where the expectation came from: the person gave no --expect-variant ("none of the usual causes")
        findings = [replace(f, explanation=_("the last install into this environment planned a {expected} build, "
                                             "and a {variant} build is there now", expected=planned,
                                             variant=verify.get("variant") or "-"))
                    if f.id == "check-build" else f for f in findings]
    if resumed is not None:
        findings = [replace(f, fix=resumed_fix) if f.id in ("torch-missing", "torch-broken") else f
                    for f in findings]
    elif last is not None and verify.get("import_error"):
        findings = _pointed(findings, last, missing=torch_missing(verify["import_error"]))
    elif verify.get("last_installed_python") and torch_missing(verify.get("import_error")):
        # --python named an interpreter without torch, and torch-setup installed elsewhere: said first (for
        # torch-setup's own, only that: torch does not go into it)
        findings = (_pointed(findings, verify["last_installed_python"], missing=True) if own_not_target(python)
                    else _pointed_too(findings, verify["last_installed_python"]))
    # every environment a run left half done, not only the newest run's: an install that finished elsewhere
    # since hid a killed one (found in use)
    pairs = half_done(checked, named=args.python is not None)
    stopped = [f for f, line in pairs if line is None]
    first = stopped_run() if stopped and own_not_target(python) and torch_missing(verify.get("import_error")) else None
    if first is not None:
        # torch-setup's own Python, and the newest install stopped before its end: going on with it is the fix,
        # said once, in its finding; "run the wizard" beside it made a second install (found in use, t9), and
        # torch missing from torch-setup's own Python a second problem (found in use, t10): the line before the
        # checks says why doctor checked it
        findings, check_fix, note = _defer_to_stopped(findings, first.target or first.python or "?", python)
        check = next((c for c in verify.get("checks") or [] if c.get("name") == "torch-import"), None)
        if check is not None:
            check["fix"], check["fix_msg"] = check_fix, None
    if resumed is not None and any(f.severity == "error" for f in stopped):
        # the stopped install into this environment is the problem, its resume the one fix: torch missing here is
        # what it had not done yet, said by the check above, not a second problem (found in use, t10)
        findings = [f for f in findings if f.id != "torch-missing"]
    stopped += unverified_findings()  # an install killed while it verified: its steps are done, its check not
    stopped += verified_now_findings(cut_off, ok=bool(verify.get("ok")))  # ... whose check doctor's just were
    # the other environments' stopped runs, one line each after the findings (in --json, findings like the rest)
    others = [(f, line) for f, line in pairs if line is not None]
    if stopped or others:  # first: a run that stopped half way is the likeliest cause of what follows
        # "[ok] nothing to mend" under a warning read as a contradiction (found in use): what is fine is
        # the environment checked, and the finding says so
        # (after the pointer: a run stopped elsewhere keeps its own fix, to run that install again)
        findings = [*stopped, *(_healthy_here(f, python) for f in findings)]
    ok = verdict(findings)
    findings += [f for f, _line in others]
    if args.json:
        doc = {"ok": ok, "python": python, "findings": [f.to_dict() for f in findings], "verify": verify,
               "hardware": report.to_dict()}
        if last is not None:
            doc["last_installed_python"] = last
        if note is not None:
            doc["own_environment"] = {"python": own, "checked_instead": instead, "note_msg": note,
                                      "note": note["text"].format(**note["args"])}
        print(json.dumps(redact_data(doc), indent=2))
        return 0 if ok else 1

    def say(text: str) -> None:
        print(redact_text(text))  # a tool's error in the checks can quote an index URL

    if note is not None and (instead is not None or first is not None
                             or not torch_missing(verify.get("import_error"))):
        say(message({"note_msg": note}, "note") or "")  # (else the finding of torch missing says it)
    gpus = gpu_names(report) or listed(gpu_label(g) for g in report.gpus) or _("none")
    driver = ((report.nvidia_driver.version or _("loaded, version unknown")) if report.nvidia_driver
              else _("none"))
    say(_("GPUs: {gpus}; NVIDIA driver: {driver}", gpus=gpus, driver=driver))
    if verify.get("torch_version"):
        say(_("torch: {version} ({variant}) in {python}", version=verify["torch_version"],
              variant=verify.get("variant") or "-", python=python))
    else:  # the checks below say why
        say(_("torch: does not import in {python}", python=python))
    say(_("checks:"))
    gpu_build = bool(verify.get("cuda_build") or verify.get("hip_build"))
    say("\n".join(render_checks(_checks_shown(verify.get("checks") or [], findings, gpu_build=gpu_build))))
    say(_("findings:"))
    for f in findings[:len(findings) - len(others)]:
        label = {"error": _("PROBLEM"), "warning": _("warning"), "info": _("ok")}[f.severity]
        say(f"  [{label}] {f.title}")
        say("\n".join(f"      {line}" for line in f.explanation.splitlines()))
        if f.fix:
            say("      " + _("fix: {fix}", fix=f.fix))
    if others:
        say(_("other installs left half done (each is listed until it finishes; one whose folder has been deleted "
              "is no longer listed):"))
        for _f, line in others:
            say(f"  - {line}")
    return 0 if ok else 1
