"""Exact pins for the planner: torch, torchvision, torchaudio with the right local tag."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from packaging.version import Version

from installer.compat.data import CompatData, load
from installer.compat.data_model import Release
from installer.compat.machine import Machine, read_machine
from installer.compat.model import Choice, Pins, requirements
from installer.compat.rules import kernel_for, kernel_span
from installer.compat.solver import (
    DEFAULT_EXTRAS,
    PLATFORM_NAMES,
    driver_change_reason,
    evaluate_release,
    in_range,
    parse_range,
    recommend,
    select_releases,
    valid_variant,
)
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.i18n import _
from installer.i18n.phrases import listed, recommend_command


def _pins_from(choice: Choice, extras: tuple[str, ...], extra_reasons: tuple[str, ...] = ()) -> Pins:
    tv = choice.torchvision if "torchvision" in extras else None
    ta = choice.torchaudio if "torchaudio" in extras else None
    reasons = tuple(choice.reasons) + tuple(a.reason for a in choice.actions) + extra_reasons
    driver = next((a for a in choice.actions if a.kind == "install-driver"), None)
    return Pins(torch=choice.torch, variant=choice.variant, torchvision=tv, torchaudio=ta, local=choice.local,
                requirements=requirements(choice.torch, choice.local, tv, ta), reasons=reasons,
                python=choice.python, cuda=choice.cuda, blocked=driver.reason if driver else None,
                blocked_by_driver=driver is not None, driver=driver,
                driver_note=driver_change_reason(choice.cuda, driver) if driver and choice.cuda else None,
                loaded_driver_note=choice.loaded_driver_reason)


def resolve_pins(report: HardwareReport, *, torch: str = "latest", variant: str = "auto", python: str | None = None,
                 extras: Iterable[str] = DEFAULT_EXTRAS, data: CompatData | None = None,
                 recorded: bool = False, today: date | None = None, hardware: str | None = None) -> Pins:
    """Exact versions for `torch` x `variant` on this machine. Pure.

    `latest` + `auto` is the first choice of `recommend` (the newest torch that works here, or after the actions
    it lists). An explicit variant is honoured even where this machine cannot use it (a plan may be meant for
    another machine); the reasons then say why it will not run here. InputError for a version or variant that
    was never released, or, with an explicit `python`, for a combination with no wheel for it. `recorded`: the
    report is a recorded one (--hardware), which the reasons call the recorded machine. `today`: the day of
    the plan, for NVIDIA's driver support (installer.compat.solver.recommend). `hardware`: that report's file as
    the hints' commands name it (installer.paths.hardware_word); None: they say REPORT.
    """
    data = data or load()
    saved = hardware or _("REPORT")
    extras_t = tuple(e for e in extras if e in DEFAULT_EXTRAS)
    unknown = [e for e in extras if e not in DEFAULT_EXTRAS]
    if unknown:
        raise InputError(_("unknown extra package {name!r}", name=unknown[0]), key="torch.extras",
                         hint=_("extras may be torchvision and torchaudio"))
    if variant not in ("auto", "") and not valid_variant(variant):
        raise InputError(_("not a wheel variant: {v!r}", v=variant), key="torch.variant",
                         hint=_("use auto, cpu, cuNNN (cu126), rocmX.Y, xpu or mps"))
    releases = select_releases(data, torch)  # raises for unknown / planned versions
    m = read_machine(report, data, python, recorded=recorded)
    if m.platform is None:
        raise InputError(_("PyTorch publishes no wheels for {platform}", platform=m.platform_text),
                         key="os", hint=_("use Linux x86_64 / aarch64, Windows x86_64 or macOS arm64"))
    if variant == "cpu" and m.platform == "macos_arm64":
        variant = "mps"  # the one macOS arm64 wheel is the CPU build, with MPS for the GPU

    # With a fixed Python, an extra without a wheel for it (torchaudio 2.11 has no cp315) is left out
    # rather than asking for another Python; without one, the extras are kept and the Python may change.
    extra_sets: list[tuple[str, ...]] = [extras_t]
    if python:
        extra_sets += [tuple(e for e in extras_t if e != d) for d in extras_t] + [()]
    extra_sets = list(dict.fromkeys(extra_sets))

    def note(kept: tuple[str, ...]) -> tuple[str, ...]:
        dropped = [e for e in extras_t if e not in kept]
        if not dropped:
            return ()
        return (_("left out {libs}: no wheel for Python {py} on {platform}", libs=listed(dropped), py=python,
                  platform=m.platform_text),)

    if variant in ("auto", ""):
        for kept in extra_sets:
            rec = recommend(report, python=python, torch=None if torch == "latest" else torch, extras=kept,
                            data=data, recorded=recorded, today=today)
            pool = [c for c in rec.choices if not (python and c.action("install-python"))]
            if pool:
                return _pins_from(pool[0], kept, note(kept))
        if torch != "latest":
            # the pinned version is the cause when another version fits (found by a tester: "no torch build has a
            # wheel for Python 3.8" for torch 2.15.0 on a K80, where recommend gives 2.4.1 with Python 3.8)
            raise _pinned_version_fits_not(releases[0], m, python, recorded=recorded, saved=saved)
        if python:
            raise InputError(_("no torch build has a wheel for Python {py} on {platform}", py=python,
                               platform=m.platform_text), key="target.python",
                             hint=_("run `torch-setup recommend --all --hardware {report}` to see which Python "
                                    "each release needs", report=saved) if recorded else
                             _("run `torch-setup recommend --all` to see which Python each release needs"))
        # the recorded machine's refusals are listed by a command for it, not for the machine it is run on
        raise InputError(_("no torch build fits the recorded machine") if recorded else
                         _("no torch build fits this machine"), key="torch",
                         hint=_("run `torch-setup recommend --all --hardware {report}` to see why each was refused",
                                report=saved) if recorded else
                         _("run `torch-setup recommend --all` to see why each was refused"))

    on_platform = [r for r in releases if variant in r.variants.get(m.platform, [])]
    if not on_platform:
        if torch != "latest":
            rel = releases[0]
            have = listed(rel.variants.get(m.platform, [])) or _("none")
            elsewhere = [p for p, vs in rel.variants.items() if variant in vs]
            hint = (_("{variant} exists for {where}; for {platform} pick one of: {have}", variant=variant,
                      where=listed(PLATFORM_NAMES.get(p, p) for p in elsewhere), platform=m.platform_text,
                      have=have) if elsewhere
                    else _("torch {t} variants for {platform}: {have}", t=rel.torch, platform=m.platform_text,
                           have=have))
            raise InputError(_("torch {t} was never built as {variant} for {platform}", t=rel.torch,
                               variant=variant, platform=m.platform_text), key="torch.variant", hint=hint)
        known = sorted({v for r in data.released() for v in r.variants.get(m.platform, [])})
        raise InputError(_("no torch release was built as {variant} for {platform}", variant=variant,
                           platform=m.platform_text), key="torch.variant",
                         hint=_("variants seen for {platform}: {known}", platform=m.platform_text,
                                known=listed(known)))
    # the newest release whose wheels exist for the Python (any Python when none was given)
    for kept in extra_sets:
        for rel in on_platform:
            choice = evaluate_release(rel, variant, m, data, kept, keep_driver=False, today=today).choice
            if choice is not None and not (python and choice.action("install-python")):
                return _pins_from(choice, kept, note(kept))
    if python:
        # nothing runs here: blame the Python only when it is the reason, else the machine is (no GPU for
        # a cuNNN build) and the build is pinned as asked, below
        fits = [r for r in on_platform if _has_wheel_for(r, m.platform, python)]
        if not fits:
            rel = on_platform[0]
            no_kernels = _gpu_without_kernels(on_platform, variant, m, data)
            if no_kernels is not None:
                # the GPU first: another Python would not make the build run on it (found in use: on a K80,
                # cu126 was refused for Python 3.8, then for the driver twice, before its sm_37 was named)
                raise InputError(
                    _("torch {t} ({variant}) cannot use the recorded machine's GPU: {why}; nor has it a wheel for "
                      "Python {py}", t=rel.torch, variant=variant, why=no_kernels, py=python) if recorded else
                    _("torch {t} ({variant}) cannot use this machine's GPU: {why}; nor has it a wheel for Python "
                      "{py}", t=rel.torch, variant=variant, why=no_kernels, py=python),
                    key="torch.variant",
                    hint=_both_pins_hint(rel, python, recorded=recorded, saved=saved)
                    if torch != "latest" and not _pinned_release_fits(report, rel, python, data, recorded, today)
                    else _("pick a build that runs on the recorded machine (torch.variant: auto; {recommend} "
                           "lists them and says why the others do not)",
                           recommend=recommend_command(True, hardware)) if recorded
                    else _("pick a build that runs here (torch.variant: auto; `torch-setup recommend` lists "
                           "them and says why the others do not)"))
            raise InputError(_("torch {t} ({variant}) has no wheel for Python {py} on {platform} (it has {rng})",
                               t=rel.torch, variant=variant, py=python, platform=m.platform_text,
                               rng=rel.python.get(m.platform, "?")),
                             key="target.python",
                             hint=_("pick a Python in that range, or another torch version"))
        on_platform = fits
    rel = on_platform[0]
    out = evaluate_release(rel, variant, m, data, extras_t, keep_driver=False, today=today)
    # the variant cannot run on this machine: pin it anyway (the plan may be for another machine), say why
    local = "" if (variant == rel.pypi_default.get(m.platform) or m.platform.startswith("macos")) else f"+{variant}"
    reason = out.rejection.reason if out.rejection else ""
    vision = rel.torchvision if "torchvision" in extras_t else None
    audio = rel.torchaudio if "torchaudio" in extras_t else None
    build = data.cuda_build(variant, rel.torch) if variant.startswith("cu") else None
    if variant.startswith("cu") and not m.nvidia:
        # a CUDA build imports and runs on a machine with no NVIDIA GPU, on the CPU (found in use: "it will
        # not run on this machine" for a lab's CPU-only box, where it runs)
        said = (_("{variant} was asked for; with no NVIDIA GPU on the recorded machine it runs on the CPU only: "
                  "{why}", variant=variant, why=reason) if recorded else
                _("{variant} was asked for; with no NVIDIA GPU here it runs on the CPU only: {why}",
                  variant=variant, why=reason))
    else:
        said = (_("{variant} was asked for; it will not run on the recorded machine: {why}", variant=variant,
                  why=reason) if recorded else
                _("{variant} was asked for; it will not run on this machine: {why}", variant=variant, why=reason))
    return Pins(torch=rel.torch, variant=variant, torchvision=vision, torchaudio=audio, local=local,
                requirements=requirements(rel.torch, local, vision, audio), reasons=(said,),
                python=m.python, cuda=build.cuda if build else None,
                blocked=reason or None if m.nvidia and variant.startswith("cu") else None,
                cpu_only=(reason or variant) if variant.startswith("cu") and not m.nvidia else None)


def _pinned_release_fits(report: HardwareReport, rel: Release, python: str, data: CompatData, recorded: bool,
                         today: date | None) -> bool:
    """Some variant of the pinned release runs on the machine with this Python as it is or after a driver
    (what `torch.variant: auto` with that version would pin)."""
    rec = recommend(report, python=python, torch=rel.torch, data=data, recorded=recorded, today=today)
    return any(not c.action("install-python") for c in rec.choices)


def _both_pins_hint(rel: Release, python: str, *, recorded: bool, saved: str) -> str:
    """The way out of a refused variant when `torch.variant: auto` alone would be refused next, for the pinned
    version (found by a tester: the K80's fix said torch.variant: auto, then the version was refused). `saved`:
    the recorded report's file as a command names it."""
    if recorded:
        return _("no build of torch {t} runs on the recorded machine with Python {py} either: let torch-setup pick "
                 "both (torch.variant: auto and torch.version: latest); `torch-setup recommend --hardware {report} "
                 "--python {py}` lists what runs there", t=rel.torch, py=python, report=saved)
    return _("no build of torch {t} runs here with Python {py} either: let torch-setup pick both (torch.variant: "
             "auto and torch.version: latest); `torch-setup recommend --python {py}` lists what runs here",
             t=rel.torch, py=python)


def _pinned_version_fits_not(rel: Release, m: Machine, python: str | None, *, recorded: bool,
                             saved: str) -> InputError:
    """The error for a pinned torch version (`torch.variant: auto`) none of whose builds fits the machine: keyed
    to torch.version, saying whether the Python or the machine is why. `saved`: the recorded report's file as a
    command names it."""
    if python and not _has_wheel_for(rel, m.platform or "", python):
        message = _("torch {t} has no wheel for Python {py} on {platform} (it has Python {rng})", t=rel.torch,
                    py=python, platform=m.platform_text, rng=rel.python.get(m.platform or "", "?"))
    else:
        message = (_("no build of torch {t} runs on the recorded machine", t=rel.torch) if recorded else
                   _("no build of torch {t} runs on this machine", t=rel.torch))
    py = f" --python {python}" if python else ""
    return InputError(message, key="torch.version", hint=_(
        "let torch-setup pick the newest version that fits (torch.version: latest); `torch-setup recommend "
        "--hardware {report}{py}` lists what runs there", py=py, report=saved) if recorded else _(
        "let torch-setup pick the newest version that fits (torch.version: latest); `torch-setup recommend{py}` "
        "lists what runs here", py=py))


def _gpu_without_kernels(releases: list[Release], variant: str, m: Machine, data: CompatData) -> str | None:
    """Why no release of CUDA build `variant` has kernels for one of the machine's NVIDIA GPUs (the newest
    release's words); None when one has, or the build is no CUDA build, or a capability is unknown."""
    if not variant.startswith("cu") or not m.nvidia or any(g.cc is None for g in m.nvidia) or m.platform is None:
        return None
    said: str | None = None
    for rel in releases:
        build = data.cuda_build(variant, rel.torch)
        kernels = build.kernels.get(m.platform) if build else None
        if kernels is None:
            return None
        missing = next((g for g in m.nvidia if g.cc is not None and kernel_for(g.cc, kernels) is None), None)
        if missing is None:
            return None
        if said is None:
            said = _("{gpu} is compute capability {cc}: {variant} wheels of torch {t} carry kernels for {span} only, "
                     "none that runs on it", gpu=missing.name, cc=missing.cc_text, variant=variant, t=rel.torch,
                     span=kernel_span(kernels))
    return said


def _has_wheel_for(rel: Release, platform: str, python: str) -> bool:
    text = rel.python.get(platform)
    if not text:
        return False
    major, minor = (int(x) for x in python.split(".")[:2])
    return in_range((major, minor), parse_range(text))


def newest_release(data: CompatData | None = None) -> str:
    data = data or load()
    return max((r.torch for r in data.released()), key=Version)
