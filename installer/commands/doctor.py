"""`torch-setup doctor`: explain why torch does not use the GPU (or does not work at all), with fixes."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import TYPE_CHECKING

from installer.commands.arguments import add_hardware, hardware, seconds

if TYPE_CHECKING:
    from installer.probes.doctor import Finding


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--python", metavar="PATH",
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


def _healthy_here(finding: Finding, python: str) -> Finding:
    from installer.i18n import _

    if finding.id != "healthy":
        return finding
    return replace(finding, title=_("nothing else to mend in {python}", python=python))


def run(args: argparse.Namespace) -> int:
    from installer.hardware import load_or_detect
    from installer.i18n import _
    from installer.i18n.phrases import listed
    from installer.probes.doctor import advise_import, advise_verify, diagnose, gpu_label, gpu_names, verdict
    from installer.probes.host import half_installed, resolve_python, run_verify
    from installer.probes.last_run import last_run_finding
    from installer.probes.last_target import point_at_last_install, torch_missing
    from installer.probes.text import render_checks
    from installer.redaction import redact_data, redact_text

    python = resolve_python(args.python)
    report = load_or_detect(hardware(args), python=python)
    verify = run_verify(python, timeout=args.timeout)
    incomplete = half_installed(python)
    # the checks below give the reinstall command itself: "doctor gives the command" inside doctor's output
    # sent the reader round in a circle (found in use); before the pointer, which keeps this fix after it
    advise_import(verify, report, incomplete)
    # the active environment, not one named: where torch does not import, point at the last install
    last = point_at_last_install(verify, "doctor") if args.python is None else None
    # the checks' reinstall commands, as verify writes them (its warnings are doctor's findings here)
    advise_verify(verify, report, cpu_warning=False, companion_warning=False)
    findings = diagnose(report, verify, incomplete=incomplete)
    if last is not None and verify.get("import_error"):
        findings = _pointed(findings, last, missing=torch_missing(verify["import_error"]))
    stopped = last_run_finding(checked=verify.get("python") or {"executable": python})
    if stopped is not None:  # first: a run that stopped half way is the likeliest cause of what follows
        # "[ok] nothing to mend" under a warning read as a contradiction (found in use): what is fine is
        # the environment checked, and the finding says so
        # (after the pointer: a run stopped elsewhere keeps its own fix, to run that install again)
        findings = [stopped, *(_healthy_here(f, python) for f in findings)]
    ok = verdict(findings)
    if args.json:
        doc = {"ok": ok, "python": python, "findings": [f.to_dict() for f in findings], "verify": verify,
               "hardware": report.to_dict()}
        if last is not None:
            doc["last_installed_python"] = last
        print(json.dumps(redact_data(doc), indent=2))
        return 0 if ok else 1

    def say(text: str) -> None:
        print(redact_text(text))  # a tool's error in the checks can quote an index URL

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
    say("\n".join(render_checks(verify.get("checks") or [])))
    say(_("findings:"))
    for f in findings:
        label = {"error": _("PROBLEM"), "warning": _("warning"), "info": _("ok")}[f.severity]
        say(f"  [{label}] {f.title}")
        say("\n".join(f"      {line}" for line in f.explanation.splitlines()))
        if f.fix:
            say("      " + _("fix: {fix}", fix=f.fix))
    return 0 if ok else 1
