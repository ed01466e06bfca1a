"""`torch-setup mirrors`: probe the mirrors of every kind and print them ranked, with reasons."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from installer.commands.arguments import seconds, user_path

KIND_CHOICES = ("pypi", "pytorch", "conda", "apt", "cuda", "miniforge")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document (the mirrors contract)")
    parser.add_argument("--catalog", metavar="F", type=user_path,
                        help="a mirror catalog YAML file instead of the built-in one")
    parser.add_argument("--timeout", metavar="S", type=seconds(0.5, 120), default=10.0,
                        help="the whole probe's time budget in seconds (default 10)")
    parser.add_argument("--kind", action="append", choices=KIND_CHOICES, metavar="K",
                        help="only this kind (pypi, pytorch, conda, apt, cuda, miniforge); repeatable")
    parser.add_argument("--region", choices=("auto", "cn", "global"), default="auto",
                        help="which regional mirrors to probe besides the upstreams (default: from timezone/locale)")
    parser.add_argument("--variant", default="auto", metavar="V",
                        help="the PyTorch wheel variant to check indexes for (cpu, cu126, ...; default: "
                             "a CUDA variant when an NVIDIA driver is loaded, else cpu)")
    parser.add_argument("--torch", metavar="X.Y.Z", default=None,
                        help="the torch version an index must list to count as fresh (default: the newest seen)")


def _variant(arg: str, default_cuda: str | None) -> str:
    if arg != "auto":
        return arg
    from installer.hardware.root import at

    return (default_cuda or "cu126") if at("/proc/driver/nvidia/version").exists() else "cpu"


def _live() -> bool:
    """A person watches: the probe's progress is shown on stderr (a file or a pipe gets the table alone)."""
    return sys.stderr.isatty()


def _progress_line(budget: float) -> Callable[[int, int, int], None]:
    """One line on stderr, rewritten as mirrors answer, so that the seconds of probing are not silent
    (found in use: 16 s of nothing with slow mirrors); `run` erases it before the table."""
    from installer.i18n import _

    def show(done: int, answered: int, total: int) -> None:
        line = _("probing mirrors: {done} of {total} done, {ok} answering (at most {s:g} s)", done=done,
                 total=total, ok=answered, s=budget)
        if done == total:
            line += _("; measuring the download speed of the fastest")
        sys.stderr.write("\r\x1b[2K" + line)
        sys.stderr.flush()

    return show


def run(args: argparse.Namespace) -> int:
    from installer.errors import InputError
    from installer.i18n import _
    from installer.i18n.phrases import listed
    from installer.mirrors import ProbeContext, load_catalog, probe
    from installer.mirrors.existing import current_config
    from installer.mirrors.pick import VARIANT
    from installer.mirrors.region import guess_region
    from installer.mirrors.table import render_table
    from installer.redaction import redact, redact_data

    catalog = load_catalog(args.catalog)
    variant = _variant(args.variant, catalog.info("pytorch").default_cuda_variant)
    if not VARIANT.match(variant):
        raise InputError(_("not a PyTorch wheel variant: {v}", v=variant), key="--variant",
                         hint=_("use cpu, cuNNN (e.g. cu126), rocmX.Y or xpu"))
    if args.torch is not None:
        from packaging.version import InvalidVersion, Version

        try:
            Version(args.torch)
        except InvalidVersion:
            raise InputError(_("not a version: {v}", v=args.torch), key="--torch",
                             hint=_("give a torch version such as 2.13.0")) from None
    guess = guess_region()
    region = guess.region if args.region == "auto" else args.region
    region_reason = guess.reason if args.region == "auto" else _("given with --region")
    context = ProbeContext.for_this_machine(catalog, variant=variant, torch_version=args.torch)
    current = current_config()
    report = probe(catalog=catalog, kinds=args.kind, region=region, context=context, timeout=args.timeout,
                   current=current, progress=_progress_line(args.timeout) if _live() else None)
    if _live():
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()
    if args.json:
        doc = report.to_dict()
        doc.update({"region": region, "region_reason": region_reason, "current": current.to_dict()})
        # a failure's reason can quote the URL a tool or server gave back: every string redacted
        json.dump(redact_data(doc), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(_("Region {region} ({why}); PyTorch variant {variant}.", region=region, why=region_reason,
                variant=variant))
        print()
        print(render_table(report))
        if context.apt_distros == () and (not args.kind or "apt" in args.kind):
            print(_("apt: this system installs its packages without apt, so no apt mirror was probed"))
        if current.pip_index or current.conda_forge or current.uv_index:
            print(_("Configured here and kept unless you choose otherwise: {what}", what=listed(
                f"{tool} {redact(url)}" for tool, url in (("pip", current.pip_index), ("uv", current.uv_index),
                                                  ("conda", current.conda_forge)) if url)))
    return 0 if any(r.ok for r in report.results) else 1
