"""The builds to offer when the answers (or the person, in the wizard) already name one.

A pinned version is offered as that version's builds, ranked for this machine: asking for 2.12.0 lists
2.12.0 + cu126, + cu130, + cpu with their reasons, not the newest release. A pinned variant the ranking
leaves out (a CPU build on a GPU machine) is offered first, marked, with the solver's own reasons. A pin
that cannot be had is said in a warning, and the plain ranking is offered instead.
Pure, like `recommend`: reads only the data files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from installer.compat.data import CompatData, load
from installer.compat.machine import read_machine
from installer.compat.model import Choice, Recommendation, Rejection, requirements
from installer.compat.solver import DEFAULT_EXTRAS, recommend
from installer.errors import InputError
from installer.hardware.report import HardwareReport
from installer.i18n import _

#: what an unpinned answer says (the answers' defaults); None is accepted for both as well
ANY_VERSION = "latest"
ANY_VARIANT = "auto"


@dataclass(frozen=True)
class Offer:
    """`recommendation` is the ranking (its warnings led by any about the pin); `pinned` is the build the
    answers name when the ranking does not list it, offered before the ranking."""

    recommendation: Recommendation
    pinned: Choice | None = None
    # `pinned` is no pin of the answers but the newest build on this disk, chosen because no PyTorch index
    # answered for the ranking's first, which stays listed as out of reach (`from_disk`)
    from_disk: bool = False
    # `pinned` is no pin of the answers but the newest release conda-forge is known to build, for the conda
    # method, whose lead (`displaced`: the ranking's first, or its first of the variant written) is a release
    # torch-setup has no record of there (`conda_forge`)
    conda_forge: bool = False
    displaced: Choice | None = None
    # `pinned` is no pin of the answers but the build the wheelhouse holds, for the offline method, the one build
    # its install can have (`wheelhouse`); listed once, before the rest of the ranking
    wheelhouse: bool = False

    @property
    def choices(self) -> tuple[Choice, ...]:
        ranked = self.recommendation.choices
        if self.pinned is not None and self.wheelhouse:
            ranked = tuple(c for c in ranked if not _same_build(c, self.pinned))
        if self.displaced is not None and not any(_same_build(c, self.displaced) for c in ranked):
            ranked = (self.displaced, *ranked)  # the variant written, not in the ranking: listed after the lead
        return ((self.pinned,) if self.pinned else ()) + ranked

    def to_dict(self) -> dict[str, Any]:
        """The `recommend --json` document; a pinned build leads `choices`, with `"pinned": true`."""
        out = self.recommendation.to_dict()
        if self.pinned is not None and self.from_disk:
            first, *rest = out["choices"]
            out["choices"] = [dict(self.pinned.to_dict(), from_disk=True), dict(first, unreachable=True), *rest]
        elif self.pinned is not None and self.conda_forge:
            known, *others = self.choices  # the displaced build among the others, where the ranking does not list it
            out["choices"] = [dict(known.to_dict(), conda_forge=True), *(
                dict(c.to_dict(), conda_forge_unknown=True) if self.displaced is not None and
                _same_build(c, self.displaced) else c.to_dict() for c in others)]
        elif self.pinned is not None and self.wheelhouse:
            lead, *rest = [c.to_dict() for c in self.choices]  # the ranking without the lead's own build
            best = self.recommendation.best
            if rest and best is not None and not _same_build(best, self.pinned):  # it needs a new wheelhouse
                rest[0] = dict(rest[0], not_in_wheelhouse=True)
            out["choices"] = [dict(lead, wheelhouse=True), *rest]
        elif self.pinned is not None:
            out["choices"] = [dict(self.pinned.to_dict(), pinned=True), *out["choices"]]
        return out


def _same_build(a: Choice, b: Choice) -> bool:
    return (a.torch, a.variant) == (b.torch, b.variant)


def is_pinned(torch: str | None, variant: str | None) -> bool:
    return torch not in (None, ANY_VERSION) or variant not in (None, ANY_VARIANT)


def _cannot(torch: str | None, variant: str | None, why: str) -> str:
    return _("The answers ask for torch {version} {variant}: {why}", version=torch, variant=variant, why=why)


def with_pinned(report: HardwareReport, ranked: Recommendation, *, python: str | None = None,
                torch: str | None = None, variant: str | None = None, data: CompatData | None = None,
                fixed_python: bool = False, extras: Iterable[str] = DEFAULT_EXTRAS, recorded: bool = False,
                today: date | None = None) -> Offer:
    """`ranked` (made for `python` and `extras`) with the build that `torch` x `variant` names, when it is
    not there."""
    if not is_pinned(torch, variant):
        return Offer(ranked)
    try:
        asked = recommend(report, python=python, torch=None if torch in (None, ANY_VERSION) else torch,
                          variant=None if variant in (None, ANY_VARIANT) else variant, data=data,
                          fixed_python=fixed_python, extras=extras, recorded=recorded, today=today)
    except InputError as exc:  # a version or variant that was never released: say so, offer the ranking
        return Offer(replace(ranked, warnings=(_cannot(torch, variant, exc.render()), *ranked.warnings)))
    first = asked.best
    if first is None:
        # the first two reasons that differ: for `latest`, each release is refused for the same one (found in
        # review: "no NVIDIA GPU for cu126 wheels to use" twice over)
        why = _("; ").join(list(dict.fromkeys(r.reason for r in asked.rejected))[:2]) or _("no build fits")
        return Offer(replace(ranked, warnings=(_cannot(torch, variant, why), *ranked.warnings)))
    if any(c.torch == first.torch and c.variant == first.variant for c in ranked.choices):
        return Offer(ranked)
    return Offer(ranked, pinned=first)


def offer(report: HardwareReport, *, python: str | None = None, torch: str | None = None,
          variant: str | None = None, data: CompatData | None = None, fixed_python: bool = False,
          extras: Iterable[str] = DEFAULT_EXTRAS, recorded: bool = False, today: date | None = None,
          on_disk: Mapping[str, Sequence[str]] | None = None, index_answers: bool = True,
          conda_forge: bool = False, wheelhouse: Sequence[str] = ()) -> Offer:
    """The wizard's list: the ranking for this machine and `python` (of the pinned version's builds when
    a version is pinned and some build of it fits), led by the build the answers pin. `fixed_python`:
    the target's Python is the one the report (or `python`) names, and builds needing another are refused.
    `extras`: the companion packages wanted, as `plan` pins them: one left out cannot refuse a build, nor
    move the Python. `recorded`: the report is a recorded one (--hardware), which the reasons call so.
    `today`: the day a driver branch's support end is judged on (installer.compat.solver.recommend).
    `on_disk` (version -> builds of the torch wheels in this machine's wheel folders) and `index_answers` (the
    probe's verdict: some PyTorch index answered): with nothing pinned and no index answering, a labelled build
    not on disk has nowhere to come from, so the newest fitting build of its variant that is on disk leads
    (`from_disk`), the ranking's first after it (found in use: n, n, n walked into "torch 2.15.0 · cpu
    recommended", which the same screen said would fail, with 2.13.0 on disk). `conda_forge`: the builds are
    for the conda method; with no version pinned and no record of the lead's release on conda-forge
    (data/conda_forge.yaml), the newest release known there leads (of the variant written, if one is), the
    ranking's first after it (`conda_forge`), as the plan of the same answers pins it (installer.plan.conda_pins)
    (found in use: conda's n, n, n walked into torch 2.15.0, and Review then said conda-forge may not have it,
    "choose 2.12.0", which only the Version field could pick). `wheelhouse`: the pins of the wheelhouse an offline
    install reads (its manifest's, `torch==2.13.0+cpu`); with nothing pinned, the torch build it holds leads
    (`wheelhouse`), where it fits this machine, and the ranking's first, when another, is marked as not in it (found in
    use: with a wheelhouse of 2.13.0+cpu typed, the list kept torch 2.15.0 "recommended", which Review refused)."""
    extras = tuple(extras)
    chosen = _offer(report, python=python, torch=torch, variant=variant, data=data, fixed_python=fixed_python,
                    extras=extras, recorded=recorded, today=today)
    if conda_forge and variant in (None, ANY_VARIANT):
        chosen = _conda_forge_variants(chosen, recorded=recorded)
    if conda_forge and torch in (None, ANY_VERSION):
        # before the pin's early return: a variant written with `latest` is still a choice of release left to
        # the machine, which the plan makes the same way (installer.plan.conda_pins)
        return _known_on_conda_forge(report, chosen, variant=variant, python=python, data=data,
                                     fixed_python=fixed_python, extras=extras, recorded=recorded, today=today)
    if is_pinned(torch, variant):
        return chosen
    if wheelhouse:
        found = _wheelhouse_build(report, wheelhouse, python=python, data=data, fixed_python=fixed_python,
                                  extras=extras, recorded=recorded, today=today)
        return Offer(chosen.recommendation, pinned=found, wheelhouse=True) if found is not None else chosen
    if index_answers or not on_disk:
        return chosen
    return _from_disk(report, chosen, on_disk, python=python, data=data, fixed_python=fixed_python, extras=extras,
                      recorded=recorded, today=today)


def _from_disk(report: HardwareReport, chosen: Offer, on_disk: Mapping[str, Sequence[str]], *,
               python: str | None, data: CompatData | None, fixed_python: bool, extras: tuple[str, ...],
               recorded: bool, today: date | None) -> Offer:
    from packaging.version import InvalidVersion, Version

    best = chosen.recommendation.best
    if best is None or not best.local or best.variant in on_disk.get(best.torch, ()):
        return chosen  # PyPI itself carries it, or it is on disk: it can be had
    def newest_first(version: str) -> Version:
        try:
            return Version(version)
        except InvalidVersion:
            return Version("0")
    found = _first_that_fits(report, sorted((v for v, builds in on_disk.items() if best.variant in builds),
                                            key=newest_first, reverse=True), variant=best.variant, python=python,
                             data=data, fixed_python=fixed_python, extras=extras, recorded=recorded, today=today)
    return Offer(chosen.recommendation, pinned=found, from_disk=True) if found is not None else chosen


def _conda_forge_variants(chosen: Offer, *, recorded: bool) -> Offer:
    """`chosen` without the builds conda-forge does not make (ROCm, XPU): refused with the reason, and a warning
    where the machine's own build was one (its conda environment then runs on the CPU)."""
    from installer.compat.coded import code_of
    from installer.compat.conda_forge import builds_variant, no_build_of
    from installer.compat.solver import ROCM_WARNING, UNVERIFIED_WARNING

    ranked = chosen.recommendation
    gone = [c for c in ranked.choices if not builds_variant(c.variant)]
    if not gone:
        return chosen
    refused = tuple(Rejection(c.torch, c.variant, _("conda-forge has no {variant} builds of PyTorch (the pip method "
                                                     "installs them)", variant=c.variant)) for c in gone)
    kept = tuple(c for c in ranked.choices if builds_variant(c.variant))
    warned = (no_build_of(ranked.choices[0].variant, recorded=recorded),) if ranked.choices[0] in gone else ()

    def of_kept(warning: str) -> bool:  # not about builds this list no longer has
        if code_of(warning) == ROCM_WARNING:
            return any(c.variant.startswith("rocm") for c in kept)
        variant = getattr(warning, "values", {}).get("variant")
        return code_of(warning) != UNVERIFIED_WARNING or any(c.variant == variant for c in kept)

    return replace(chosen, recommendation=replace(
        ranked, choices=kept, rejected=(*refused, *ranked.rejected),
        warnings=(*warned, *(w for w in ranked.warnings if of_kept(w)))))


def _known_on_conda_forge(report: HardwareReport, chosen: Offer, *, variant: str | None, python: str | None,
                          data: CompatData | None, fixed_python: bool, extras: tuple[str, ...], recorded: bool,
                          today: date | None) -> Offer:
    from installer.compat.conda_forge import conda_forge_builds, known_releases

    written = None if variant in (None, ANY_VARIANT) else variant
    # the build the wizard would choose (Combination's matching_choice): the first, or the first of the variant
    lead = next((c for c in chosen.choices if written in (None, c.variant)), None)
    if lead is None or conda_forge_builds(lead.torch):
        return chosen
    found = _first_that_fits(report, known_releases(data or load()), variant=written, python=python, data=data,
                             fixed_python=fixed_python, extras=extras, recorded=recorded, today=today,
                             conda_forge=written is None)
    if found is None:
        return chosen
    return Offer(chosen.recommendation, pinned=found, conda_forge=True, displaced=lead)


def _wheelhouse_build(report: HardwareReport, pins: Sequence[str], *, python: str | None, data: CompatData | None,
                      fixed_python: bool, extras: tuple[str, ...], recorded: bool, today: date | None) -> Choice | None:
    """The build of the torch pin among `pins` (`torch==2.13.0+cpu`; PyPI's own build has no local tag, and is
    that release's default variant for the platform), where it fits this machine; None otherwise."""
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    pin = next((p for p in pins if canonicalize_name(p.split("==")[0]) == "torch" and "==" in p), None)
    try:
        version = Version(pin.split("==", 1)[1]) if pin else None
    except InvalidVersion:
        version = None
    if version is None:
        return None
    variant = version.local
    if variant is None:
        data = data or load()
        platform = read_machine(report, data).platform
        release = next((r for r in data.released() if r.torch == version.public), None)
        variant = release.pypi_default.get(platform) if release is not None and platform else None
    if variant is None:
        return None
    try:
        found = recommend(report, python=python, torch=version.public, variant=variant, data=data,
                          fixed_python=fixed_python, extras=extras, recorded=recorded, today=today).best
    except InputError:
        return None  # a release (or variant) the data does not know
    return found if found is not None and requirements(found.torch, found.local)[0] == pin else None


def _first_that_fits(report: HardwareReport, versions: Iterable[str], *, variant: str | None, python: str | None,
                     data: CompatData | None, fixed_python: bool, extras: tuple[str, ...], recorded: bool,
                     today: date | None, conda_forge: bool = False) -> Choice | None:
    """The best build (of `variant`, where given; `conda_forge`: of a variant conda-forge makes) of the first of
    `versions` that has one for this machine: the lead of a list whose ranking's first cannot be had (from this
    disk, from conda-forge)."""
    from installer.compat.conda_forge import builds_variant

    for version in versions:
        try:
            ranked = recommend(report, python=python, torch=version, variant=variant, data=data,
                               fixed_python=fixed_python, extras=extras, recorded=recorded, today=today).choices
            found = next((c for c in ranked if not conda_forge or builds_variant(c.variant)), None)
        except InputError:
            continue  # a release the data does not know (a wheel on disk of a local build)
        if found is not None and found.torch == version:
            return found
    return None


def _offer(report: HardwareReport, *, python: str | None, torch: str | None, variant: str | None,
           data: CompatData | None, fixed_python: bool, extras: tuple[str, ...], recorded: bool,
           today: date | None) -> Offer:
    ranked = None
    if torch not in (None, ANY_VERSION):
        try:
            ranked = recommend(report, python=python, torch=torch, data=data, fixed_python=fixed_python,
                               extras=extras, recorded=recorded, today=today)
        except InputError:
            ranked = None  # never released: with_pinned says so over the plain ranking
        if ranked is not None and not ranked.choices:
            ranked = None  # nothing of it fits: the plain ranking, with_pinned says why
        elif ranked is not None and variant in (None, ANY_VARIANT):
            return Offer(ranked)  # the version's own builds are the whole answer: its best leads them
    if ranked is None:
        ranked = recommend(report, python=python, data=data, fixed_python=fixed_python, extras=extras,
                           recorded=recorded, today=today)
    return with_pinned(report, ranked, python=python, torch=torch, variant=variant, data=data,
                       fixed_python=fixed_python, extras=extras, recorded=recorded, today=today)


def versions(report: HardwareReport, data: CompatData | None = None) -> list[str]:
    """The released torch versions that have wheels for this machine's platform, newest first: what the
    wizard lets a person pin. Which builds of one fit, and why the others do not, is `offer`'s answer."""
    data = data or load()
    platform = read_machine(report, data).platform
    return [r.torch for r in data.released() if platform and r.variants.get(platform)]
