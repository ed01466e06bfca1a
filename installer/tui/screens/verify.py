"""Verify: runs the checks inside the environment torch went into (in a worker) and shows them as a
checklist, each failure with its fix."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from installer.i18n import _
from installer.tui.screens.base import TargetRunScreen, busy, hanging


def checks_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The verify report's checks as rows: name, ok (True / False / None when skipped), detail, fix,
    and whether a failure is only a warning. Texts come translated (the probe sends each message's
    catalog key and values beside its English)."""
    from installer.probes.text import message

    return [{"name": c.get("name") or "?", "ok": c.get("ok"), "detail": message(c, "detail") or "",
             "fix": message(c, "fix") or "", "warn": c.get("level") not in (None, "error") and c.get("ok") is False}
            for c in result.get("checks", [])]


def finding_text(finding: Any) -> tuple[str, str]:
    """(what is wrong, the fix) of a doctor finding, whatever its exact shape."""
    if isinstance(finding, dict):
        return str(finding.get("title") or finding.get("problem") or finding), str(finding.get("fix") or "")
    title = getattr(finding, "title", None) or getattr(finding, "problem", None) or str(finding)
    return str(title), str(getattr(finding, "fix", "") or "")


class VerifyScreen(TargetRunScreen):
    NAME = "verify"
    RESULT = "verify_result"
    BOX = "checks"
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("r", "rerun", "Check again"),
    ]

    def body(self) -> ComposeResult:
        yield busy(_("Checking torch in the environment it was installed into…"))
        yield Vertical(id="checks")

    def dry_run_note(self) -> str:
        return _("Dry run: nothing was installed, so there is nothing to check. After a real install this "
                 "screen checks that torch imports, which CUDA it was built for, that it sees each GPU and "
                 "has kernels for it, and that a small computation on each device matches the CPU.")

    def start(self, python: str) -> None:
        self.check(python)

    def show_saved(self, result: dict[str, Any]) -> None:
        self.show(result, [])

    @work(thread=True, exclusive=True, group="verify")
    def check(self, python: str) -> None:
        try:
            plan = self.state.plan
            variant = plan.meta.get("variant") if plan is not None else None
            # the install's own verification, recorded while it runs as `install` records it; the same target the
            # run's records name (installer.executor.runner)
            target = (dict(plan.summary).get("target") if plan is not None else None) or python
            result = self.engine.verify(python, variant=variant, target=target,
                                        wheelhouse=(plan.meta.get("wheelhouse") if plan is not None else None) or None)
            findings: list[Any] = []
            if not result.get("ok", False) and self.state.report is not None:
                try:
                    findings = self.engine.diagnose(self.state.report, result)
                except Exception:  # the checklist stands on its own; the doctor only adds explanations
                    findings = []
        except Exception as exc:  # shown on the screen
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show, result, findings)

    def show_error(self, exc: BaseException) -> None:
        self.wizard.exit_code = self.wizard.exit_code or 1
        self.mount_error(_("The checks could not run:"), exc, _("checks did not run"))

    def show(self, result: dict[str, Any], findings: list[Any]) -> None:
        self.state.verify_result = result
        self.query_one("#busy").display = False
        box = self.box()
        box.remove_children()
        widgets = []
        rows = checks_of(result)
        for row in rows:
            icon = {True: "✓", False: "✗", None: "–"}.get(row["ok"], "?")
            if row["warn"]:
                icon = "!"
            # the detail says what was checked, as the command line prints it; the name is the check's
            # id in the JSON contract (torch-import, matmul-cpu), not words for a person
            # a long detail or fix goes on under its own text, not under the mark
            lines: list[tuple[str, RenderableType]] = [(icon, str(row["detail"] or row["name"]))]
            if row["ok"] is False and row["fix"]:
                lines.append(("", hanging([("  →", str(row["fix"]))])))
            widgets.append(Static(hanging(lines), classes="check-fail" if row["ok"] is False else "check"))
        for finding in findings:
            what, fix = finding_text(finding)
            widgets.append(Static(Group(Text(what, style="bold"), *([hanging([("→", fix)])] if fix else [])),
                                  classes="warning"))
        ok = bool(result.get("ok"))
        # named, not "the new environment": a `target: existing` install went into one that was there
        python = result.get("python") or {}
        where = python.get("prefix") or python.get("executable") or "?"
        widgets.append(Static(_("torch works in {env}.", env=where) if ok
                              else _("Some checks failed: each says how to fix it. `torch-setup doctor` explains "
                                     "more."), classes="note" if ok else "error"))
        box.mount_all(widgets)
        if not ok:
            self.wizard.exit_code = self.wizard.exit_code or 1
        # "all checks passed" above a "!" row read as if nothing were left to look at
        warnings = sum(1 for row in rows if row["warn"])
        self.refresh_nav(_("checks failed") if not ok else _("all checks passed") if not warnings else
                         _("checks passed, with a warning") if warnings == 1 else
                         _("checks passed, with {n} warnings", n=warnings))


SCREEN = VerifyScreen
