"""Plain-text rendering of probe results for the command line (the wizard renders the same dicts)."""

from __future__ import annotations

from typing import Any

from installer.i18n import _


def message(check: dict[str, Any], field: str) -> str | None:
    """A check's `detail` or `fix` in the user's language: the probe sends the template and its values."""
    msg = check.get(f"{field}_msg")
    if isinstance(msg, dict) and isinstance(msg.get("text"), str):
        try:
            return _(msg["text"], **(msg.get("args") or {}))
        except (KeyError, IndexError, ValueError):
            pass  # a translation with a broken placeholder must not hide the finding
    value = check.get(field)
    return value if isinstance(value, str) else None


def mark(ok: bool, level: str = "error") -> str:
    if ok:
        return _("ok")
    return _("FAIL") if level == "error" else _("warn")


def render_checks(checks: list[dict[str, Any]]) -> list[str]:
    lines = []
    for check in checks:
        detail = str(message(check, "detail") or check.get("name"))
        first, *more = detail.splitlines() or [""]
        lines.append(f"  [{mark(check.get('ok', False), check.get('level', 'error')):>4}] {first}")
        # a detail of several lines (a companion's "`import torchvision` fails: ...") keeps the text column
        lines += [f"         {line}" for line in more]
        fix = message(check, "fix")
        if fix and not check.get("ok"):
            lines.append(f"         -> {fix}")
    return lines


def render_verify(result: dict[str, Any]) -> str:
    python = (result.get("python") or {}).get("executable") or "?"
    if result.get("torch_version"):
        head = _("torch {version} ({variant} build) in {python}", version=result["torch_version"],
                 variant=result.get("variant") or "-", python=python)
    else:  # the checks below say why ("No module named 'torch'", a missing library)
        head = _("torch does not import in {python}", python=python)
    lines = [head]
    for dev in result.get("devices") or []:
        if dev.get("type") == "cuda":
            lines.append("  " + _("GPU {index}: {name}, compute capability {cc}, {mib} MiB",
                                  index=dev.get("index"), name=dev.get("name"), cc=dev.get("capability"),
                                  mib=dev.get("memory_mib")))
    lines += render_checks(result.get("checks") or [])
    lines.append(_("verify: PASS") if result.get("ok") else _("verify: FAIL"))
    return "\n".join(lines)
