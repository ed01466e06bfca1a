"""`torch-setup detect` for people: what matters for installing PyTorch, and the warnings first-hand.

Renders the report's plain dict (the `detect --json` document), so the summary needs no pydantic import.
"""

from __future__ import annotations

from typing import Any

from installer.i18n import _
from installer.redaction import redact


def _gib(mib: int | None) -> str:
    return f"{mib / 1024:.0f} GiB" if mib else "?"


def _gpu_line(g: dict[str, Any]) -> str:
    bits = [g.get("name") or _("unknown {vendor} GPU", vendor=g.get("vendor"))]
    if g.get("compute_capability"):
        cc = _("compute capability {cc}", cc=g["compute_capability"])
        if g.get("compute_capability_source") == "name":
            cc += " " + _("(guessed from the name)")
        elif g.get("compute_capability_source") == "override":
            cc += " " + _("(override)")
        bits.append(cc)
    if g.get("gfx_target"):
        bits.append(g["gfx_target"])
    if g.get("memory_mib"):
        bits.append(_gib(g["memory_mib"]))
    if g.get("integrated"):
        bits.append(_("integrated"))
    if g.get("pci_bus_id"):
        bits.append(g["pci_bus_id"])
    if g.get("kernel_driver"):
        bits.append(_("driver {name}", name=g["kernel_driver"]))
    return f"  {g.get('vendor')}:{g.get('index')}  " + ", ".join(str(b) for b in bits)


def render(report: dict[str, Any]) -> str:
    lines: list[str] = []
    o = report.get("os") or {}
    system = o.get("pretty_name") or " ".join(x for x in (o.get("id"), o.get("version_id")) if x) or o.get("system") or "?"
    where = (["WSL"] if o.get("wsl") else []) + ([o.get("container_kind") or _("container")] if o.get("container") else [])
    lines.append(_("System:   {system}, kernel {kernel}, {arch}", system=system, kernel=o.get("kernel") or "?",
                   arch=o.get("arch") or "?") + (f" ({', '.join(where)})" if where else ""))
    if report.get("root"):
        lines.append(_("Root:     {root} (files read under this folder, not /)", root=report["root"]))
    gpus = report.get("gpus") or []
    if gpus:
        lines.append(_("GPUs:"))
        lines.extend(_gpu_line(g) for g in gpus)
    else:
        lines.append(_("GPUs:     none found"))
    d = report.get("nvidia_driver")
    if d and not d.get("version"):
        lines.append(_("NVIDIA driver: loaded, version unknown"))
    elif d:
        lines.append(_("NVIDIA driver: {version} (runs CUDA up to {cuda})", version=d["version"], cuda=d.get("cuda") or "?"))
    elif any(g.get("vendor") == "nvidia" for g in gpus):
        lines.append(_("NVIDIA driver: not loaded"))
    if report.get("cuda_toolkits"):
        kits = ", ".join(f"{t['version']} ({t.get('path')})" for t in report["cuda_toolkits"])
        lines.append(_("CUDA toolkits: {kits}", kits=kits))
    py = report.get("python")
    if py:
        lines.append(_("Python:   {version} ({executable})", version=py["version"], executable=py["executable"]))
        # what decides whether torch can go into this interpreter itself (target.kind: existing)
        if py.get("externally_managed"):
            lines.append("          " + _("managed by the operating system (PEP 668: {marker}): torch goes into a "
                                          "virtual environment made from it", marker=py["externally_managed"]))
        elif py.get("site_writable") is False:
            lines.append("          " + _("its site-packages ({path}) is not writable by you: torch goes into a "
                                          "virtual environment made from it", path=py.get("site_packages") or "?"))
    t = report.get("existing_torch")
    if t:
        lines.append(_("Installed torch: {version}{local}", version=t["version"], local=t.get("local") or ""))
    pip = (report.get("mirror_config") or {}).get("pip") or {}
    urls = [u for u in [pip.get("index_url"), *pip.get("extra_index_urls", []), *pip.get("find_links", [])] if u]
    if urls:
        lines.append(_("pip sources: {urls}", urls=", ".join(redact(u) for u in urls)))
    facts = []
    if report.get("secure_boot") is not None:
        facts.append(_("Secure Boot {state}", state=_("on") if report["secure_boot"] else _("off")))
    if report.get("gcc"):
        facts.append(f"gcc {report['gcc'].get('version')}")
    if report.get("uv"):
        facts.append(f"uv {report['uv'].get('version') or ''}".strip())
    for c in report.get("conda") or []:
        facts.append(f"{c.get('kind')} {c.get('version') or ''}".strip())
    if facts:
        lines.append(_("Tools:    {facts}", facts="; ".join(facts)))
    if report.get("overrides"):
        lines.append(_("Overrides applied: {names}", names=", ".join(report["overrides"])))
    if report.get("warnings"):
        lines.append("")
        lines.append(_("Warnings:"))
        lines.extend(f"  ! {w}" for w in report["warnings"])
    return "\n".join(lines)
