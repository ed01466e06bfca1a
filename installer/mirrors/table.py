"""The ranked table `torch-setup mirrors` prints: one block per kind, best first, every failure with
its reason."""

from __future__ import annotations

from installer.i18n import _, current_language
from installer.i18n.linebreak import cells, pad
from installer.mirrors.catalog import KINDS
from installer.mirrors.probing import MirrorResult, ProbeReport
from installer.redaction import redact_text


def _titles() -> dict[str, str]:
    return {
        "pypi": _("PyPI indexes"),
        "pytorch": _("PyTorch wheel indexes"),
        "conda": _("conda-forge channels"),
        "apt": _("apt archives"),
        "cuda": _("NVIDIA CUDA repositories and runfiles"),
        "miniforge": _("Miniforge installers"),
    }


def _fresh(r: MirrorResult) -> str:
    return {True: _("yes"), False: _("no"), None: "-"}[r.fresh]


def _with_names() -> bool:
    # The ids are English abbreviations, which is how an English reader knows these mirrors; a Chinese
    # reader knows many by the institution's Chinese name (北京外国语大学, not bfsu): in Chinese the
    # table names them too. The id stays first: it is what an answers file or --kind takes.
    return current_language() == "zh"


def _row(rank: str, r: MirrorResult) -> list[str]:
    mark = "*" if r.current else ""
    latency = f"{r.latency_ms:.0f} ms" if r.latency_ms is not None else "-"
    speed = f"{r.throughput_mbps:.1f}" if r.throughput_mbps is not None else "-"
    note = redact_text(r.reason or _("; ").join(r.warnings) or "")  # a reason may quote the URL asked
    if r.ok and r.layout == "flat":
        note = (_("flat index: use as --find-links") + ("; " + note if note else ""))
    name = [r.shown_name] if _with_names() else []
    return [rank, r.id + mark, *name, latency, speed, r.final_host or "-", _fresh(r) if r.ok else "-", note]


def render_table(report: ProbeReport) -> str:
    name = [_("name")] if _with_names() else []
    headers = [_("#"), _("mirror"), *name, _("latency"), _("MB/s"), _("final host"), _("fresh"), _("note")]
    out: list[str] = []
    titles = _titles()
    for kind in KINDS:
        results = report.of_kind(kind)
        if not results:
            continue
        rows = []
        n = 0
        for r in results:
            if r.ok:
                n += 1
            rows.append(_row(str(n) if r.ok else "-", r))
        # in terminal cells: a Chinese header takes two per character
        widths = [max(cells(h), *(cells(row[i]) for row in rows)) for i, h in enumerate(headers[:-1])]
        out.append(titles[kind])
        out.append("  " + "  ".join(pad(h, w) for h, w in zip(headers[:-1], widths, strict=True)) + "  " + headers[-1])
        for row in rows:
            out.append("  " + "  ".join(pad(c, w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
        if kind == "cuda":
            # ranked all the same (`mirrors --kind cuda` is a contract), but no answer chooses one: the
            # runfile and cuda-keyring come from NVIDIA's hosts (installer.mirrors.region.download_region)
            out.append("  " + _("No answer picks these: plans fetch CUDA runfiles and cuda-keyring (which sets apt "
                                "up for NVIDIA's repository) from NVIDIA's own hosts, developer.download.nvidia.cn "
                                "first for region cn or beside a mirror in China chosen by hand"))
        out.append("")
    live = sum(1 for r in report.results if r.ok)
    out.append(_("{live} of {n} mirrors usable; probed in {s:.1f} s (budget {t:.0f} s). "
                 "* = configured on this machine.", live=live, n=len(report.results), s=report.elapsed_s,
                 t=report.timeout))
    return "\n".join(out)
