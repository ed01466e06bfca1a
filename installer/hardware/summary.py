"""`torch-setup detect` for people: what matters for installing PyTorch, and the warnings first-hand.

Renders the report's plain dict (the `detect --json` document), so the summary needs no pydantic import.
"""

from __future__ import annotations

from typing import Any

from installer.i18n import _
from installer.i18n.linebreak import cells, pad
from installer.i18n.phrases import listed
from installer.paths import own_base_python
from installer.redaction import redact


def system_name(pretty_name: str | None, os_id: str | None, version_id: str | None,
                system: str | None) -> str | None:
    """The system as a person reads it: the name it gives itself ("Ubuntu 24.04.3 LTS"), else its id and
    version ("ubuntu 24.04"), else the kernel's family ("Linux"); None when nothing is known."""
    return pretty_name or " ".join(x for x in (os_id, version_id) if x) or system or None


def _gib(mib: int | None) -> str:
    return f"{mib / 1024:.0f} GiB" if mib else "?"


def _gpu_line(g: dict[str, Any]) -> str:
    bits = [g.get("name") or _("unknown {vendor} GPU", vendor=g.get("vendor"))]
    if g.get("compute_capability"):
        cc = _("compute capability {cc}", cc=g["compute_capability"])
        if g.get("compute_capability_source") == "name":
            cc = _("{text} ({note})", text=cc, note=_("guessed from the name"))
        elif g.get("compute_capability_source") == "override":
            cc = _("{text} ({note})", text=cc, note=_("override"))
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
    # what one GPU is, said as a description ("，" in Chinese), not a list of like items ("、")
    return f"  {g.get('vendor')}:{g.get('index')}  " + _(", ").join(str(b) for b in bits)


# (label, value) for a fact; ("", text) for a line under the fact's value; (None, text) for a line as it is
Row = tuple[str | None, str]


def _aligned(rows: list[Row]) -> list[str]:
    """The facts with their values in one column, measured in terminal cells: a Chinese label takes two
    cells a character, and its full-width colon needs no blank after it."""
    heads = {label: label if cells(label[-1:]) == 2 else label + " " for label, _text in rows if label}
    width = max((cells(head) for head in heads.values()), default=0)
    return [text if label is None else (pad(heads.get(label, ""), width) + text).rstrip() for label, text in rows]


def render(report: dict[str, Any]) -> str:
    rows: list[Row] = []
    o = report.get("os") or {}
    system = system_name(o.get("pretty_name"), o.get("id"), o.get("version_id"), o.get("system")) or "?"
    where = (["WSL"] if o.get("wsl") else []) + ([o.get("container_kind") or _("container")] if o.get("container") else [])
    text = _("{system}, kernel {kernel}, {arch}", system=system, kernel=o.get("kernel") or "?", arch=o.get("arch") or "?")
    rows.append((_("System:"), _("{text} ({note})", text=text, note=listed(where)) if where else text))
    if report.get("root"):
        rows.append((_("Root:"), _("{root} (files read under this folder, not /)", root=report["root"])))
    gpus = report.get("gpus") or []
    if gpus:
        rows.append((_("GPUs:"), ""))
        rows.extend((None, _gpu_line(g)) for g in gpus)
    else:
        rows.append((_("GPUs:"), _("none found")))
    d = report.get("nvidia_driver")
    if d and not d.get("version"):
        rows.append((_("NVIDIA driver:"), _("loaded, version unknown")))
    elif d:
        rows.append((_("NVIDIA driver:"), _("{version} (runs CUDA up to {cuda})", version=d["version"],
                                           cuda=d.get("cuda") or "?")))
    elif any(g.get("vendor") == "nvidia" for g in gpus):
        rows.append((_("NVIDIA driver:"), _("not loaded")))
    if report.get("cuda_toolkits"):
        kits = listed(_("{text} ({note})", text=t["version"], note=t.get("path")) for t in report["cuda_toolkits"])
        rows.append((_("CUDA toolkits:"), kits))
    py = report.get("python")
    if py:
        # torch-setup's own venv by the Python it is built on, which a new environment is made from
        rows.append((_("Python:"), _("{text} ({note})", text=py["version"],
                                     note=own_base_python(py["executable"]) or py["executable"])))
        # what decides whether torch can go into this interpreter itself (target.kind: existing)
        if py.get("externally_managed"):
            rows.append(("", _("managed by the operating system (PEP 668: {marker}): torch goes into a "
                               "virtual environment made from it", marker=py["externally_managed"])))
        elif py.get("site_writable") is False:
            rows.append(("", _("its site-packages ({path}) is not writable by you: torch goes into a "
                               "virtual environment made from it", path=py.get("site_packages") or "?")))
    t = report.get("existing_torch")
    if t:
        rows.append((_("Installed torch:"), t["version"] + (t.get("local") or "")))
    pip = (report.get("mirror_config") or {}).get("pip") or {}
    urls = [u for u in [pip.get("index_url"), *pip.get("extra_index_urls", []), *pip.get("find_links", [])] if u]
    if urls:
        rows.append((_("pip sources:"), listed(redact(u) for u in urls)))
    if report.get("secure_boot") is not None:  # a firmware setting, not a tool
        rows.append((_("Secure Boot:"), _("enabled") if report["secure_boot"] else _("disabled")))
    tools = []
    if report.get("gcc"):
        tools.append(f"gcc {report['gcc'].get('version')}")
    if report.get("uv"):
        tools.append(f"uv {report['uv'].get('version') or ''}".strip())
    for c in report.get("conda") or []:
        tools.append(f"{c.get('kind')} {c.get('version') or ''}".strip())
    if tools:
        rows.append((_("Tools:"), listed(tools)))
    if report.get("overrides"):
        rows.append((_("Overrides applied:"), listed(report["overrides"])))
    lines = _aligned(rows)
    if report.get("warnings"):
        lines.append("")
        lines.append(_("Warnings:"))
        lines.extend(f"  ! {w}" for w in report["warnings"])
    return "\n".join(lines)
