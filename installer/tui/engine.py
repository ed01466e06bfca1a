"""The wizard's one seam into the engine: every call the screens make goes through `Engine`.

The wizard holds no logic of its own (DESIGN: "screens fill Answers and observe events"), so each
method here is a thin call into the real engine package. Imports happen inside the methods: the
wizard's first screen must be interactive before the engine's heavier modules are loaded, and a part
of the engine that is missing shows up as a clear `EngineUnavailable` on the screen that needs it.
"""

from __future__ import annotations

import os
import posixpath
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from installer.errors import InputError, TorchSetupError
from installer.i18n import _

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.executor.events import Event
    from installer.hardware.report import HardwareReport
    from installer.plan.model import Plan


def anchored(answers: Answers, cwd: str | None = None) -> Answers:
    """The answers with a relative environment folder or wheelhouse made absolute, from the folder the
    wizard runs in (or `cwd`: the folder a stopped run ran in): Review shows the folder that way, and the
    answers file keeps what was reviewed (found in use: Review said /home/t3/.venv-torch, the file said
    .venv-torch, and replayed from another folder it installed there). A folder inside the home folder is
    written from `~`, the same folder here, and each user's own on the lab's other machines (found in use:
    a saved file said /home/u29/w33/.venv-torch, which no other account there can write)."""
    def from_here(path: str | None) -> bool:  # ~ and $HOME/... are not taken from the working folder
        return bool(path) and not os.path.isabs(path or "") and not (path or "").startswith(("~", "$"))

    from installer.paths import unexpanded

    # the answers' paths are expanded where they are used: a `$` in the folder's own name is written `$$`
    base = unexpanded(cwd or os.getcwd())
    home = unexpanded(os.path.normpath(os.path.expanduser("~")))

    def joined(path: str) -> str:
        full = os.path.normpath(os.path.join(base, path))
        if os.path.isabs(home) and home != "/" and full.startswith(home + "/"):
            return "~/" + full[len(home) + 1:]
        return full

    target, wheelhouse = answers.target, answers.wheelhouse
    update: dict[str, Any] = {}
    if target.kind != "existing" and from_here(target.path):
        update["target"] = target.model_copy(update={"path": joined(target.path or "")})
    if wheelhouse and from_here(wheelhouse):
        update["wheelhouse"] = joined(wheelhouse)
    return answers.model_copy(update=update) if update else answers


def _answers_key(answers: Answers) -> str:
    return answers.model_dump_json()


class EngineUnavailable(TorchSetupError):
    """A part of the engine this screen needs is not in this installation."""


def _need(module: str, name: str) -> Any:
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise EngineUnavailable(
            _("{what} is not available in this installation", what=f"{module}.{name}"),
            hint=_("update torch-setup, or use the command line: `torch-setup --help`"),
        ) from None


@dataclass
class Engine:
    """Calls into the engine. `catalog`, `probe_timeout` and `include_current` steer mirror probing
    (tests point them at 127.0.0.1 servers); `state_dir` is where the executor keeps its journal and logs."""

    catalog: str | None = None
    probe_timeout: float = 5.0
    include_current: bool = True  # probe the mirrors this machine is configured for, too
    state_dir: Path | None = None
    # the day a driver branch's support end is judged on; None: the clock's (tests fix it, so that what the
    # screens say does not change as branches reach their end)
    today: date | None = None
    # the names of the venv torch-setup runs from, which is no target; None: the running interpreter's
    # (installer.paths.own_venv). Tests name a venv of their own, as the tests' interpreter may run from none.
    own_env: tuple[str, ...] | None = None
    # gpu_refusal's last word on each set of answers planned (by _answers_key), for the file saved for them
    _refusals: dict[str, InputError | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    # the last verification advised, with the packages found missing in it: diagnose of that same result uses
    # them rather than running the target's interpreter again for them. The result is held, not its id, so the
    # pair cannot be taken for another result's.
    _advised: tuple[dict[str, Any], tuple[Any, ...]] | None = field(default=None, init=False, repr=False,
                                                                    compare=False)

    def the_day(self) -> date:
        return self.today or date.today()

    def own_environment(self) -> tuple[str, ...]:
        return self.own_env if self.own_env is not None else _need("installer.paths", "own_venv")()  # type: ignore[no-any-return]

    # detect ---------------------------------------------------------------------------------------
    def driver_support_ended(self, report: HardwareReport) -> str | None:
        """When NVIDIA's support of the loaded driver's branch ended ("by 2025-08"), None while it lasts or
        where it is not known: the Hardware screen says it beside the driver."""
        from installer.compat.solver import loaded_driver_ended
        from installer.compat.support_end import ended_when

        row = loaded_driver_ended(report, self.the_day())
        return ended_when(row) if row is not None else None

    def detect(self, python: str | None = None) -> HardwareReport:
        return _need("installer.hardware", "detect")(python=python)

    def hardware_warnings(self, report: HardwareReport) -> list[str]:
        """What a person must know before installing, each with what it means: detection's advice
        for this report (a recorded one too), then anything else the report carries."""
        warnings = list(_need("installer.hardware.advice", "warnings")(report.to_dict()))
        warnings += _need("installer.compat.solver", "hardware_traps")(report)
        return warnings + [w for w in report.warnings if w not in warnings]

    def load_hardware(self, path: str) -> HardwareReport:
        from installer.hardware.report import load_report

        return load_report(path)

    # answers --------------------------------------------------------------------------------------
    def load_answers(self, path: str) -> Answers:
        return _need("installer.answers", "load_answers")(path)

    def default_answers(self) -> dict[str, Any]:
        """Every key with its documented default, as plain data the screens can edit."""
        answers_cls = _need("installer.answers", "Answers")
        data: dict[str, Any] = answers_cls().model_dump(mode="json")
        from installer.paths import in_own_checkout

        if in_own_checkout():  # `make run`: the environment goes in the home folder, not in torch-setup's source
            data["target"]["path"] = "~/" + data["target"]["path"]
        return data

    def answers_from_data(self, data: dict[str, Any], *, recorded: bool = False) -> Answers:
        """Validate what the screens filled in, through the same parser as an answers file. `recorded`: the
        answers are for a recorded machine (--hardware), whose relative folders stay relative: they are taken
        from where torch-setup runs there, not from the folder this wizard runs in (found by a tester: a
        recorded H200's answers said path: /home/t9/.venv-torch, this user's home)."""
        import yaml

        parse = _need("installer.answers", "parse_answers")
        answers = self._settle_region(parse(yaml.safe_dump(data, sort_keys=False), "<wizard>"))
        return answers if recorded else anchored(answers)

    def _settle_region(self, answers: Answers) -> Answers:
        """Region `auto` is written as the region itself when the wizard's language decided it
        (installer.mirrors.region.region_to_record)."""
        from installer.mirrors.region import region_to_record

        region = region_to_record(answers.mirror.region)
        if region == answers.mirror.region:
            return answers
        return answers.model_copy(update={"mirror": answers.mirror.model_copy(update={"region": region})})

    def dump_answers(self, answers: Answers, path: str | Path | None = None, *, recorded: bool = False) -> str:
        """The answers file's text; `path`: where it goes, named in its comment's commands; `recorded`: the
        answers were chosen for a recorded machine (--hardware), as its comment says. Answers that `install`
        refuses on the machine planned for (gpu_refusal, as Review and Done say) have that refusal and its hint
        in the comment, where it offers the replay (found in use: a recorded machine's file said its build "was
        chosen for the recorded machine's GPU and driver", and that machine refused it)."""
        refusal = self._refusals.get(_answers_key(answers))
        return _need("installer.answers", "dump_answers")(  # type: ignore[no-any-return]
            answers, path, recorded=recorded, refused=refusal.message if refusal is not None else None,
            refused_fix=refusal.hint if refusal is not None else None)

    def holds_answers(self, path: str | Path, answers: Answers, *, recorded: bool = False) -> bool:
        """The answers file at `path` says the same as `answers` (its comments and layout aside); False for
        a file that is not a valid answers file. `recorded`: as answers_from_data's, folders as written."""
        try:
            found = self.load_answers(str(path))
            found = found if recorded else anchored(found)
        except Exception:  # noqa: BLE001 - unreadable or invalid: not these answers
            return False
        return bool(found.model_dump(mode="json") == answers.model_dump(mode="json"))

    def has_relative_folders(self, path: str | Path) -> bool:
        """The answers file at `path` names a folder relative to where it is run (`path: .venv-torch`)."""
        try:
            found = self.load_answers(str(path))
        except Exception:  # noqa: BLE001 - unreadable or invalid: nothing to replay from it
            return False
        return anchored(found, "/") != found

    # choose ---------------------------------------------------------------------------------------
    def offer(self, report: HardwareReport, *, python: str | None = None, torch: str | None = None,
              variant: str | None = None, fixed_python: bool = False, extras: tuple[str, ...],
              recorded: bool = False, on_disk: dict[str, list[str]] | None = None,
              conda_forge: bool = False, wheelhouse: Sequence[str] = ()) -> dict[str, Any]:
        """What the Combination screen lists: the ranking for this machine, Python and extras, led by the
        build the answers pin (`recommend --json`'s shape; the pinned choice has `"pinned": true`).
        `fixed_python`: the answers name the target's Python, so no build may ask for another one.
        `recorded`: the report is a recorded one (--hardware), which the reasons call the recorded machine.
        `on_disk`: the torch builds on this disk (version -> builds), given when no PyTorch index answered: the
        newest of the ranking's variant leads then (`"from_disk": true`). `conda_forge`: the builds are for the
        conda method: the newest release known on conda-forge leads where the ranking's first is not known there
        (`"conda_forge": true`). `wheelhouse`: the pins of the wheelhouse an offline install reads: the build it
        holds leads (`"wheelhouse": true`)."""
        offer = _need("installer.compat.offer", "offer")
        return offer(report, python=python, torch=torch, variant=variant, fixed_python=fixed_python,
                     extras=extras, recorded=recorded, today=self.the_day(), on_disk=on_disk,
                     index_answers=not on_disk, conda_forge=conda_forge, wheelhouse=wheelhouse).to_dict()

    def torch_versions(self, report: HardwareReport) -> list[str]:
        """The releases the Combination screen's Version field offers, newest first."""
        return list(_need("installer.compat.offer", "versions")(report))

    def wheels_on_disk(self, report: HardwareReport, python: str | None = None) -> dict[str, str]:
        """pin (`torchvision==0.28.0+cpu`) -> folder, for the torch, torchvision and torchaudio wheels with a
        local label in the report's find-links folders that fit `python` (X.Y), else the report's Python
        (a detected report only)."""
        labelled_wheels = _need("installer.plan.local_builds", "labelled_wheels")
        if python is None and report.python:
            python = ".".join(report.python.version.split(".")[:2])
        return dict(labelled_wheels(report.mirror_config.pip.find_links, python_version=python,
                                    arch=report.os.arch))

    @staticmethod
    def torch_on_disk(wheels: dict[str, str]) -> dict[str, list[str]]:
        """version -> builds (cpu, cu126) whose torch wheel is among `wheels` (what `wheels_on_disk` found),
        newest first."""
        return dict(_need("installer.plan.local_builds", "builds_by_version")(wheels))

    def missing_extras(self, choice: dict[str, Any], extras: list[str], on_disk: dict[str, str],
                       todo: Callable[[str], str] | None = None) -> list[str]:
        """For a ranked choice whose torch wheel is on disk, a warning naming the ticked extras whose wheels
        are not (the note a plan for it would carry when no PyTorch index answers); `todo`: what to do, in the
        screen's words, given the extras' names."""
        requirements = _need("installer.plan.local_builds", "choice_requirements")(choice, extras)
        return list(_need("installer.plan.local_builds", "extras_not_on_disk")(requirements, on_disk, todo))

    # mirrors --------------------------------------------------------------------------------------
    def region_guess(self) -> tuple[str, str]:
        """(cn | global, why) that region `auto` stands for now: the timezone, the locale, and the
        language chosen in the wizard."""
        from installer.mirrors import guess_region

        guess = guess_region()
        return guess.region, guess.reason

    @staticmethod
    def region_saved() -> str:
        """What answers made now say for region `auto`: `auto` (each machine that installs from them guesses
        again), or the region itself where the language chosen here decided it."""
        from installer.mirrors.region import region_to_record

        return region_to_record("auto")

    @staticmethod
    def probe_context(catalog: Any, recorded: HardwareReport | None, **overrides: object) -> Any:
        """What the probes look for: this machine's distribution, or a recorded machine's (found in use:
        an Ubuntu recording was offered this Debian machine's apt mirrors)."""
        from installer.mirrors import ProbeContext

        if recorded is None or recorded.os is None:
            return ProbeContext.for_this_machine(catalog, **overrides)
        os_info = recorded.os
        return ProbeContext.for_system(catalog, distro_id=os_info.id or "", version_id=os_info.version_id or "",
                                       codename=os_info.codename, arch=os_info.arch or "",
                                       id_like=os_info.id_like or "", system=os_info.system or "Linux", **overrides)

    def uses_apt(self, report: HardwareReport) -> bool:
        """Whether the machine installs system packages with apt (so an apt mirror is worth choosing)."""
        uses_apt = _need("installer.mirrors.targets", "uses_apt")
        return bool(uses_apt(report.os.id or "", report.os.id_like or "", report.os.system or "Linux"))

    def mirror_candidates(self, *, kinds: tuple[str, ...], region: str | None,
                          recorded: HardwareReport | None = None) -> list[dict[str, Any]]:
        """The catalog entries that will be probed (so the table can list them before any answers): the
        apt mirrors of the machine's distribution only, as only those are probed (the others stayed
        "probing…" for good)."""
        from installer.mirrors import candidates, load_catalog, resolve_region

        catalog = load_catalog(self.catalog)
        context = self.probe_context(catalog, recorded)
        where = resolve_region(region)
        return [{"id": m.id, "kind": m.kind, "name": m.name, "name_zh": m.name_zh, "url": m.url,
                 "region": m.region, "upstream": m.upstream}
                for m in candidates(catalog, kinds=kinds, region=where)
                if m.kind != "apt" or context.probes_apt_of(m.distro)]

    def probe_mirrors(self, *, kinds: tuple[str, ...], region: str | None, variant: str | None = None,
                      torch_version: str | None = None, recorded: HardwareReport | None = None,
                      on_kind: Callable[[str, list[dict[str, Any]]], None] | None = None,
                      typed: str | None = None) -> list[dict[str, Any]]:
        """Probe the candidates of each kind; `on_kind` gets a kind's ranked rows as soon as it is done.
        `recorded`: a saved report the wizard plans for, whose distribution's apt mirrors are probed.
        `typed`: the PyTorch index typed by hand, probed with the PyTorch kind as the plan probes it
        (`probe_typed_pytorch`), its row last.

        One probe per kind, run at the same time: ranking, freshness and merging are decided within a
        kind, so the rows are the ones a single probe of every kind gives, and the whole takes about as
        long as the slowest kind.
        """
        from concurrent.futures import ThreadPoolExecutor, as_completed

        from installer.mirrors import load_catalog, probe, resolve_region

        catalog = load_catalog(self.catalog)
        overrides: dict[str, object] = {}
        if variant:
            overrides["variant"] = variant
        if torch_version and torch_version != "latest":
            overrides["torch_version"] = torch_version
        context = self.probe_context(catalog, recorded, **overrides)
        where = resolve_region(region)
        current = None
        if self.include_current:
            from installer.mirrors.existing import current_config

            current = current_config()  # once, not once per kind
        def probe_kind(kind: str) -> list[dict[str, Any]]:
            found = [r.to_dict() for r in probe(catalog=catalog, kinds=[kind], region=where, context=context,
                                                timeout=self.probe_timeout, include_current=self.include_current,
                                                current=current).results]
            if kind == "pytorch" and typed:
                found.append(self.probe_typed_pytorch(typed, variant=context.variant,
                                                      torch_version=context.torch_version))
            return found

        rows: list[dict[str, Any]] = []
        with ThreadPoolExecutor(max_workers=len(kinds) or 1) as pool:
            futures = {pool.submit(probe_kind, kind): kind for kind in kinds}
            for future in as_completed(futures):
                kind_rows = future.result()
                rows.extend(kind_rows)
                if on_kind is not None:
                    on_kind(futures[future], kind_rows)
        return rows

    def probe_typed_pytorch(self, url: str, *, variant: str | None = None,
                            torch_version: str | None = None) -> dict[str, Any]:
        """The Mirrors table's row for the PyTorch index typed by hand, with the verdict the plan reaches
        (installer.mirrors.pick.typed_pytorch_index): `ok` only when it serves `variant` (the catalog's
        default build when None) and, given, `torch_version`. `typed`: the URL as typed; `url`: the index the plan
        gives pip, the build's folder added or swapped."""
        from installer.mirrors import load_catalog
        from installer.mirrors.pick import typed_pytorch_index
        from installer.mirrors.targets import ProbeContext

        catalog = load_catalog(self.catalog)
        variant = variant or ProbeContext.from_catalog(catalog).variant
        # the build it was judged for, both halves: the Combination screen probes it again for another one
        row: dict[str, Any] = {"id": "by-hand", "kind": "pytorch", "typed": url, "url": url, "ok": False,
                               "variant": variant, "torch_version": torch_version}
        try:
            pick, result = typed_pytorch_index(url, variant, torch_version, timeout=self.probe_timeout,
                                               catalog=catalog)
        except InputError as exc:  # Review would refuse it the same way: said as this row's failure
            return dict(row, reason=f"{exc.message} ({exc.hint})" if exc.hint else exc.message)
        if result is not None:
            row.update({k: v for k, v in result.to_dict().items() if k not in ("id", "url", "name", "ok", "reason")})
        from installer.redaction import redact_text

        # `answered`: some HTTP answer came (a 404 for the build's folder included), as against a host that never
        # answered: the Combination screen says "no PyTorch index answered" only of the latter
        return dict(row, url=redact_text(pick.url or url), ok=pick.failed is None, reason=pick.failed,
                    answered=result is not None and result.probe_url is not None)

    def driver_elsewhere(self, report: HardwareReport, *, recorded: bool = False) -> str | None:
        """Where this machine's NVIDIA driver is installed when torch-setup does not do it here (WSL, a
        Jetson, a container, a system other than Ubuntu and Debian); None when the driver recipe applies.
        `recorded`: the report is a recorded one (--hardware), said as the recorded machine."""
        is_jetson = _need("installer.compat.machine", "is_jetson")
        return _need("installer.plan.driver_request", "driver_elsewhere")(  # type: ignore[no-any-return]
            report.os, jetson=is_jetson(report), report=report, recorded=recorded)

    def nvidia_apt_serves(self, report: HardwareReport) -> bool:
        """Whether NVIDIA's apt repository has packages for this system (else the toolkit comes from the
        runfile)."""
        return bool(_need("installer.plan.kinds.apt", "nvidia_apt_serves")(report.os))

    def folder_problem(self, path: str, kind: str = "venv") -> tuple[str, str] | None:
        """Why `path` cannot be the new `kind` (venv, conda) environment's folder, as (message, hint), by
        the answers file's own rules (~nosuchuser, a Windows path, a file in the way, a folder of other
        files); None when it can. Stats only."""
        return _need("installer.answers", "folder_problem")(path, writes=True, env=kind)  # type: ignore[no-any-return]

    def python_problem(self, python: str, *, here: bool) -> tuple[str, str] | None:
        """Why `python` cannot be the Python field's answer, as (message, hint; the hint may be empty): a
        version no PyTorch release has wheels for (naming those that do), text that is neither a version
        nor a path (the answers file's rule), or, `here` (this machine's report), a path with no
        interpreter. None when it can be; empty is the Python detected. Stats only."""
        if not python:
            return None
        no_release = _need("installer.compat.solver", "python_without_release")(python)
        if no_release:
            return no_release, _("type one of those versions, or empty the field for the Python detected")
        problem: tuple[str, str] | None = _need("installer.answers", "interpreter_problem")(python)
        if problem is not None or not here:
            return problem
        path = self.detection_python(python)
        try:
            _need("installer.hardware.detection", "check_python")(path)
        except InputError as exc:  # as Review would name it, from `plan --answers`
            return f"{exc.file}: {exc.message}" if exc.file else exc.message, exc.hint or ""
        return None

    def own_environment_problem(self, value: str, kind: str) -> tuple[str, str] | None:
        """Why the Folder field's `value` (for a new `kind` environment) or the Python field's (`kind`
        existing) cannot be the target: it is the venv torch-setup runs from, which the plan refuses
        (installer.plan.own_environment), with the wizard's fields to choose instead. None when it is another
        (or the text is no path: the fields' other checks say that). Stats nothing."""
        from installer.paths import absolute
        from installer.plan.own_environment import own_environment_refusal, suggested_folder

        own = self.own_environment()
        cwd = os.getcwd()
        try:
            home = absolute("~", cwd)
            python = self.detection_python(value) if kind == "existing" else None
            folder = posixpath.dirname(posixpath.dirname(python)) if python else (
                None if kind == "existing" else absolute(value, cwd))
        except ValueError:  # an unset $NAME: the field's own check names it
            return None
        refused = own_environment_refusal(kind, folder, python, own, home=home)
        if refused is None:
            return None
        if kind != "existing":
            return refused.message, refused.hint or ""
        return refused.message, _("choose another interpreter, or choose \"{venv}\" under Target environment, with "
                                  "a folder such as {example}", venv=_("a new virtual environment"),
                                  example=suggested_folder(own, home))

    def system_python_problem(self, python: str, report: HardwareReport | None) -> tuple[str, str] | None:
        """Why the Python field's interpreter `python` cannot be installed into as it is (Target environment:
        an existing Python interpreter): it belongs to the operating system (PEP 668), as the plan says
        (installer.plan.existing_python), read from `report`, this machine's report with `python` examined
        (the wizard's one examination of it, kept per interpreter file: checking the field again runs
        nothing); with the wizard's fields to choose instead. None when pip may install there, or the facts
        cannot be read (no report, or `python` did not start). Stats nothing."""
        info = report.python if report is not None else None
        if info is None or not info.externally_managed or report is None:
            return None
        allowed = report.mirror_config.pip.break_system_packages
        venv = _("choose \"{venv}\" under Target environment, with {python} in the Python field as its base",
                 venv=_("a new virtual environment"), python=python)
        path = self.detection_python(python) or python
        refused = _need("installer.plan.existing_python", "system_python_refusal")(path, info.externally_managed,
                                                                                  allowed=allowed, venv_hint=venv)
        return (refused.message, refused.hint or "") if refused is not None else None

    def wheelhouse_problem(self, path: str, *, here: bool, python_version: str | None = None,
                           arch: str | None = None) -> tuple[str, str] | None:
        """Why `path` cannot be the wheelhouse to install from, as (message, hint; the hint may be empty): the
        answers file's rules for a path, then, `here` (this machine's report), what `plan` checks of the
        folder: there, made by a wheelhouse build, whole. None when it can be. Whether it holds the build
        chosen is `plan`'s to say (Review), which knows the exact pins. Reads the manifest only."""
        problem: tuple[str, str] | None = _need("installer.answers", "path_problem")(path)
        if problem is not None or not here:
            return problem
        full = _need("installer.paths", "absolute")(path, os.getcwd())
        # the Python and processor it would install for: a wheelhouse built for others is said here, at the
        # field, as Review's plan would say it
        error = _need("installer.plan.kinds.wheel", "missing_wheelhouse")(full, (), python_version=python_version,
                                                                          arch=arch)
        return (error.message, error.hint or "") if error is not None else None

    def wheelhouse_holds(self, path: str) -> list[str]:
        """The pins a wheelhouse was built for (its manifest's), as `torch==2.13.0+cpu`; [] when unknown."""
        full = _need("installer.paths", "absolute")(path, os.getcwd())
        return list(_need("installer.plan.kinds.wheel", "built_for")(full))

    def not_in_wheelhouse(self, holds: Sequence[str], choice: dict[str, Any], extras: Sequence[str]) -> list[str]:
        """The pins of build `choice` (an offer's) with `extras` that a wheelhouse built for `holds` does not hold as
        pinned: what Review's plan would refuse it for, as it would spell them."""
        wanted = _need("installer.compat.model", "requirements")(
            str(choice["torch"]), str(choice.get("local") or ""),
            choice.get("torchvision") if "torchvision" in extras else None,
            choice.get("torchaudio") if "torchaudio" in extras else None)
        return list(_need("installer.plan.kinds.wheel", "not_built_for")(holds, wanted))

    # plan -----------------------------------------------------------------------------------------
    def make_plan(self, answers: Answers, report: HardwareReport, *, here: bool = False,
                  hardware_path: str | None = None) -> Plan:
        """The same plan `torch-setup plan --answers F` and `install --answers F` build. `here`: the report
        was detected on this machine, so what the steps read (a wheelhouse folder) is looked for now, as
        `plan` does, rather than when the run starts (found in use: a dry run stopped there). `hardware_path`:
        the recorded report's file (`torch-setup --hardware F`), which the plan's hints name as the command line's
        do (found in a trial: the saved answers said `recommend --hardware REPORT` of the file the wizard had)."""
        from installer.paths import hardware_word

        # a recorded machine's folders are that machine's: torch-setup's own venv is one of this machine's
        _report, plan = _need("installer.plan.ahead", "plan_for_report")(
            answers, report, recorded=not here, today=self.the_day(), own_env=self.own_environment() if here else (),
            hardware=None if here else hardware_word(hardware_path))
        return plan

    def gpu_refusal(self, answers: Answers, plan: Plan) -> InputError | None:
        """The InputError `install` refuses this plan with, its torch unable to use this machine's GPU as
        the machine is (a build that needs a driver, with the driver left out); None when it can. The
        wizard's Install keeps the same rule (found in use: unticking the driver installed a CUDA build that
        could not run, where `install --answers` of the same file refused it)."""
        refusal: InputError | None = _need("installer.plan.gpu_refusal", "refusal")(answers, plan)
        # the answers file saved for these answers says it too (dump_answers): the last plan's word, so a machine
        # looked at again, or a driver ticked, is what it says
        self._refusals[_answers_key(answers)] = refusal
        return refusal

    def detection_python(self, target_python: str | None) -> str | None:
        """The interpreter `plan --answers` has detection examine for a target.python answer: a path
        (made absolute), or None (a version, or nothing given) for the one running torch-setup."""
        return _need("installer.plan.ahead", "detection_python")(target_python, os.getcwd())  # type: ignore[no-any-return]

    def version_asked(self, target_python: str | None) -> str | None:
        """The X.Y a target.python answer asks for; None for an interpreter's path, or nothing given."""
        return target_python if target_python and self.detection_python(target_python) is None else None

    def interpreter_to_examine(self, target_python: str | None, report: HardwareReport) -> str | None:
        """The interpreter a target.python answer names by path, when `report` examined another one: the
        plan needs its own facts, as `plan --answers` detects them. None when the report's will do."""
        python = self.detection_python(target_python)
        if python is None or (report.python is not None
                              and _need("installer.paths", "same_path")(report.python.executable, python)):
            return None
        return python

    @staticmethod
    def own_base_python(python: str | None) -> tuple[str, str] | None:
        """(interpreter, X.Y.Z) a new environment made from `python` is built from, where `python` is the one
        torch-setup runs on; None for another. From inside a venv (torch-setup's own), `uv venv --python` and
        `python -m venv` build from its base interpreter, sys._base_executable (uv: astral-sh/uv PR #8433, "if
        we're in a virtual environment, resolve symlinks until we find a non-virtual interpreter"; venv: the
        standard library's EnvBuilder), not from the venv's bin/python the plan's command names."""
        import platform
        import sys

        from installer.paths import own_base_python, same_path

        if not python or not sys.executable or not same_path(python, sys.executable):
            return None
        return own_base_python(python) or sys.executable, platform.python_version()

    def render_script(self, plan: Plan, target: str | None = None) -> str:
        """`target`: a recorded plan's folder as the answers give it (installer.plan.recorded_folder)."""
        return _need("installer.plan.script", "render_script")(plan, target=target)

    # execute --------------------------------------------------------------------------------------
    def last_stop(self) -> tuple[str, str, str] | None:
        """(step, when, what it said first) of the last install run, where it stopped before its end."""
        return _need("installer.probes.last_run", "stop_summary")(self.state_dir)

    def last_stop_log(self) -> str | None:
        """The log of the last install run, where it stopped before its end and kept one."""
        return _need("installer.probes.last_run", "stop_log")(self.state_dir)  # type: ignore[no-any-return]

    def last_stop_running(self) -> int | None:
        """The pid (0: not known) of the run that looks stopped when it is in fact still going, else None."""
        return _need("installer.probes.last_run", "stop_running")(self.state_dir)  # type: ignore[no-any-return]

    def last_stop_answers(self) -> tuple[str, bool, str] | None:
        """The answers file the stopped run was started from, while it is there, whether it has changed
        since that run, and the folder that run ran in."""
        return _need("installer.probes.last_run", "stop_answers")(self.state_dir)  # type: ignore[no-any-return]

    def last_stop_target(self) -> str | None:
        """The folder (or interpreter) the stopped run was installing into, where its records say it."""
        return _need("installer.probes.last_run", "stop_target")(self.state_dir)

    def sudo_would_ask(self, plan: Plan) -> bool:
        """Whether sudo needs a password before the plan's root steps can run (the wizard then lets
        sudo ask in the real terminal, the app suspended, before the run starts)."""
        if not plan.needs_root:
            return False
        try:
            self.prepare_root(plan, interactive=False)  # never prompts: it only says whether it would
        except TorchSetupError:
            return True
        return False

    def prepare_root(self, plan: Plan, *, interactive: bool) -> None:
        """Make sure the root steps can run (sudo asks once when `interactive`); TorchSetupError if not."""
        from installer.executor import sudo

        sudo.preflight(needs_root=plan.needs_root, interactive=interactive,
                       steps=[s.id for s in plan.steps if s.root], env_names=sudo.root_env_names(plan))

    def run_plan(self, plan: Plan, *, dry_run: bool, cancel: threading.Event,
                 simulate: bool = True) -> Iterator[Event]:
        run_plan = _need("installer.executor", "run_plan")
        return run_plan(plan, dry_run=dry_run, cancel=cancel, state_dir=self.state_dir, simulate=simulate)

    def other_system(self, report: HardwareReport) -> str | None:
        """The recorded machine's system, when it is not this computer's: a dry run does not simulate its
        package steps here, where apt knows another release's packages (found in use: an Ubuntu machine's
        ubuntu-drivers "would fail" on this Debian). None when the same."""
        return _need("installer.hardware.same_machine", "other_system")(report.os)  # type: ignore[no-any-return]

    # verify / bench -------------------------------------------------------------------------------
    def verify(self, python: str, *, variant: str | None = None, target: str = "",
               wheelhouse: str | None = None) -> dict[str, Any]:
        """Verify the environment of `python`. `target`: the install's target (its folder, or the interpreter),
        when this verification is the install's own: it is recorded while it runs, as `install` records it
        (installer.probes.last_target), so a wizard killed during it is named by `torch-setup doctor` (found in
        use: only `install` left that trace). `wheelhouse`: the folder it was installed from with no index,
        which the fixes then install from."""
        if not target:
            result: dict[str, Any] = _need("installer.probes.host", "run_verify")(
                python, expect_variant=variant, wheelhouse=wheelhouse)
        else:
            result = _need("installer.probes.last_target", "verify_install")(
                target, python, variant=variant, wheelhouse=wheelhouse, state_dir=self.state_dir)
        # the verdict `torch-setup verify` gives of this environment, its fixes and warnings too (found in use:
        # "torch works" beside a torchvision made for another torch, which verify failed)
        lacking = _need("installer.probes.advised", "advise")(result, state_dir=self.state_dir)
        self._advised = (result, tuple(lacking))
        return result

    def bench(self, python: str, *, quick: bool,
              on_progress: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        return _need("installer.probes.host", "run_bench")(python, quick=quick, on_progress=on_progress)

    def diagnose(self, report: HardwareReport, verify: dict[str, Any]) -> list[Any]:
        """doctor's findings for a failed verification (`verify`, advised as engine.verify gives it), less those
        that are checks of the verification already (a companion that does not fit, the packages missing):
        each said once, as `torch-setup doctor` says it."""
        from installer.shells import user_shell

        checked = verify.get("python") or {}
        python = checked.get("executable")
        # what is missing, for the finding that names it to stand in for the import's own ("doctor names it"):
        # what advise found, where `verify` is the result engine.verify advised
        if self._advised is not None and self._advised[0] is verify:
            missing = self._advised[1]
        elif python and _need("installer.probes.doctor", "short_of_a_module")(verify):
            missing = _need("installer.probes.host", "missing_dependencies")(python)
        else:
            missing = ()
        index = _need("installer.probes.run_index", "index_lookup")(checked, self.state_dir)
        found = _need("installer.probes.doctor", "diagnose")(report, verify, shell=user_shell(), missing=missing,
                                                             index=index)
        # a finding of a check's own (a companion's, the packages missing), or doctor's last resort for a failed
        # check no cause explains (check-NAME: the check's words again)
        said = {str(c.get("name")) for c in verify.get("checks") or []}
        said |= {f"check-{name}" for name in said}
        return [f for f in found if getattr(f, "id", None) not in said]
