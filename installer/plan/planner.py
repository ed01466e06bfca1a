"""From answers + hardware report + pins + indexes to a Plan. Pure: no I/O but reading the recipes.

The template namespace (`values.VARIABLES`) is filled here, once, from the resolved decisions: the
target environment as absolute paths, the exact pins, the indexes, the facts of the report. Recipes
whose `when:` holds are expanded in their `order`, and their steps become the plan.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version

from installer.errors import InputError
from installer.hardware.summary import system_name
from installer.i18n import _
from installer.paths import absolute, same_path
from installer.plan.ahead import PY_VERSION
from installer.plan.driver_request import driver_request, installed_driver_fits
from installer.plan.indexes import INDEX_METHODS, Indexes, uses_pytorch_index
from installer.plan.kinds.base import KindContext
from installer.plan.model import Command, Plan, Step
from installer.plan.tools import Tools
from installer.plan.values import VARIABLES, VType, check

if TYPE_CHECKING:
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport
    from installer.plan.recipe import Recipe


def _interpreter(spec: str | None, cwd: str) -> str | None:
    if spec is None:
        return None
    if PY_VERSION.match(spec):
        return f"python{spec}"  # found on PATH when the step runs
    return absolute(spec, cwd)


def _minor(version: str | None) -> str | None:
    if not version:
        return None
    try:
        v = Version(version)
    except InvalidVersion:
        return None
    return f"{v.major}.{v.minor}"


def target_of(answers: Answers, report: HardwareReport, tools: Tools, cwd: str) -> dict[str, str | None]:
    """The target environment as the steps see it: folder, interpreter, base interpreter, X.Y."""
    t = answers.target
    detected = report.python.executable if report.python else None
    detected_version = _minor(report.python.version) if report.python else None
    if t.kind == "existing":
        python = _interpreter(t.python, cwd)
        path = posixpath.dirname(posixpath.dirname(python)) if python and python.startswith("/") else None
        # a version asked for, or the report's, when detection examined this very interpreter (as
        # plan_from_files has it do): torch is pinned for the Python it goes into
        version: str | None = t.python if t.python and PY_VERSION.match(t.python) else (
            detected_version if detected and python and same_path(detected, python) else None)
        return {"path": path, "python": python, "base_python": python, "python_version": version}
    path = absolute(t.path, cwd)
    if t.python is not None:
        base = _interpreter(t.python, cwd)
        version = t.python if PY_VERSION.match(t.python) else (
            detected_version if detected and base == detected else None)
    else:
        base = detected or tools.python
        version = detected_version
    return {"path": path, "python": posixpath.join(path, "bin", "python"), "base_python": base,
            "python_version": version}


def unexamined_python_note(answers: Answers, report: HardwareReport, pins: Any, tools: Tools, cwd: str) -> str | None:
    """A note when the target's interpreter is named by a path the hardware report did not examine (a
    recorded machine's report, planned from here): its version cannot be read, so the packages follow the
    version the pins were resolved for, which may not be that interpreter's."""
    named = answers.target.python
    if not named or PY_VERSION.match(named):
        return None
    target = target_of(answers, report, tools, cwd)
    assumed = _minor(getattr(pins, "python", None))
    if target["python_version"] is not None or not assumed:
        return None
    return _("{python} is not the interpreter the hardware report examined, so its version is not known here: the "
             "packages are for Python {version} -> if {python} is another version, give that version as "
             "target.python (\"3.12\"), or plan from a report made with it there (`torch-setup detect --json --python {python}`)",
             python=shlex.quote(target["base_python"] or named), version=assumed)


def refuse_own_environment(answers: Answers, report: HardwareReport, tools: Tools, cwd: str,
                           own_env: tuple[str, ...]) -> None:
    """InputError (target.path, or target.python) when the target is the venv torch-setup runs from."""
    if answers.method == "wheelhouse-build":  # a build's target is its wheelhouse folder, not an environment
        return
    from installer.plan.own_environment import own_environment_refusal

    target = target_of(answers, report, tools, cwd)
    refused = own_environment_refusal(answers.target.kind, target["path"], target["python"], own_env,
                                      home=absolute("~", cwd))
    if refused is not None:
        raise refused


def _cuda_of_variant(variant: str) -> str | None:
    m = re.fullmatch(r"cu([0-9]{2})([0-9])", variant)
    return f"{int(m.group(1))}.{m.group(2)}" if m else None


def _detected_conda(report: HardwareReport) -> str | None:
    """A conda engine detection found outside PATH (~/miniforge3/bin/conda, /opt/conda/bin/conda)."""
    for tool in report.conda:
        if tool.path and _fact(VType.COMMAND, tool.path) and (tool.kind or "conda") in ("conda", "mamba", "micromamba"):
            return tool.path
    return None


def _fact(vtype: VType, value: Any) -> Any:
    """A fact from a report (maybe another machine's): a value that does not fit its type is unknown."""
    try:
        return check(vtype, value)
    except ValueError:
        return None


def namespace(answers: Answers, report: HardwareReport, pins: Any, indexes: Indexes, tools: Tools,
              cwd: str, cache_dir: str) -> dict[str, Any]:
    """Every template value, checked against its type."""
    from installer.compat.machine import is_jetson

    target = target_of(answers, report, tools, cwd)
    ct = answers.cuda_toolkit
    nvidia = report.nvidia_gpus
    ccs = [g.compute_capability for g in nvidia if g.compute_capability]
    raw: dict[str, Any] = {
        "method": answers.method,
        "target.kind": answers.target.kind,
        "target.path": target["path"],
        "target.python": target["python"],
        "target.base_python": target["base_python"],
        "target.python_version": target["python_version"] or _minor(getattr(pins, "python", None)),
        "torch.version": pins.torch,
        "torch.variant": pins.variant,
        "torch.local": pins.local,
        "torch.cuda": getattr(pins, "cuda", None) or _cuda_of_variant(pins.variant),
        "torch.extras": tuple(answers.torch.extras),
        "pins.torch": pins.requirements[0] if pins.requirements else None,
        "pins.requirements": tuple(pins.requirements),
        "pins.torchvision": pins.torchvision,
        "pins.torchaudio": pins.torchaudio,
        "wheelhouse": absolute(answers.wheelhouse, cwd) if answers.wheelhouse else None,
        "mirror.region": answers.mirror.region,
        "mirror.scope": answers.mirror.scope,
        "mirror.pypi": answers.mirror.pypi,
        "mirror.pytorch": answers.mirror.pytorch,
        "mirror.conda": answers.mirror.conda,
        "mirror.apt": answers.mirror.apt,
        "index.url": indexes.index_url,
        "index.extra_urls": indexes.extra_index_urls,
        "index.find_links": tuple(absolute(x, cwd) for x in indexes.find_links if "://" not in x),
        "index.pytorch": indexes.pytorch_index,
        "driver.install": answers.driver.install,
        "driver.branch": answers.driver.branch,
        "driver.source": answers.driver.source,
        "driver.kernel_modules": answers.driver.kernel_modules,
        "cuda_toolkit.install": ct.install,
        "cuda_toolkit.version": ct.version,
        "cuda_toolkit.source": ct.source,
        "cuda_toolkit.prefix": absolute(ct.prefix, cwd) if ct.prefix else None,
        "verify": answers.verify,
        "bench": answers.bench,
        "tools.uv": tools.uv,
        "tools.python": tools.python,
        "tools.conda": tools.conda or _detected_conda(report),
        "cache.dir": cache_dir,
    }
    facts: dict[str, Any] = {
        "hw.os_id": report.os.id,
        "hw.os_version": report.os.version_id,
        "hw.arch": report.os.arch,
        "hw.kernel": report.os.kernel,
        "hw.kernel_release": report.os.kernel,
        "hw.wsl": report.os.wsl,
        "hw.container": report.os.container,
        "hw.jetson": is_jetson(report),
        "hw.gpu_count": len(report.gpus),
        "hw.nvidia_gpu_count": len(nvidia),
        "hw.gpu_vendors": tuple(dict.fromkeys(g.vendor for g in report.gpus)),
        "hw.min_compute_capability": min((c for c in ccs if _fact(VType.VERSION, c)), key=Version, default=None),
        "hw.driver_version": report.nvidia_driver.version if report.nvidia_driver else None,
        "hw.driver_cuda": report.nvidia_driver.cuda if report.nvidia_driver else None,
        "driver.installed_fits": installed_driver_fits(report, raw["torch.cuda"], answers.driver.branch),
        "hw.secure_boot": report.secure_boot,
        "hw.nouveau_loaded": report.nouveau_loaded,
        "hw.cuda_toolkits": tuple(t.version for t in report.cuda_toolkits
                                  if _fact(VType.VERSION, t.version) is not None),
        "hw.python_version": report.python.version if report.python else None,
    }
    values: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            values[name] = check(VARIABLES[name].vtype, value)
        except ValueError as exc:
            raise InputError(_("{name} cannot be used: {why}", name=name, why=str(exc)), key=name) from None
    for name, value in facts.items():
        values[name] = _fact(VARIABLES[name].vtype, value)
    return values


def select_recipes(recipes: list[Recipe], values: dict[str, Any]) -> list[Recipe]:
    return [r for r in recipes if r.applies(values)]


def make_plan(answers: Answers, report: HardwareReport, *, pins: Any, indexes: Indexes,
              tools: Tools | None = None, cwd: str | None = None, recipes: list[Recipe] | None = None,
              cache_dir: str | None = None, recorded: bool = False, mirror_ids_checked: bool = False,
              today: date | None = None, own_env: tuple[str, ...] = (), hardware: str | None = None) -> Plan:
    """The plan for these decisions on this machine. Pure: the same inputs give the same plan.

    `tools` (uv's path, this interpreter), `cwd` (relative paths in the answers) and `recipes` default
    to what this machine has; tests pass them explicitly. `recorded`: the report is a recorded one
    (--hardware), which the plan's messages call the recorded machine (meta "recorded"); `hardware`: its file as
    their commands name it (installer.paths.hardware_word; meta "hardware"), None: REPORT. `today`: the plan's
    day, on which a driver branch past NVIDIA's support is not chosen (read by the front-end; compat.rules).
    `mirror_ids_checked`: the caller has refused unknown mirror ids already (plan_for does, before its
    probes), so they are not looked up a second time. `own_env`: the names of the venv torch-setup runs from
    (installer.paths.own_venv, read by the front-end), which the plan refuses to install into.
    """
    from installer.paths import cache_dir as default_cache
    from installer.plan.recipe import applicable_recipes
    from installer.plan.unused_mirrors import refuse_unknown_ids

    if not mirror_ids_checked:
        refuse_unknown_ids(answers, report.os.id)  # used or not: a misspelt id is a mistake all the same
    tools = tools or Tools.discover()
    cwd = cwd or os.getcwd()
    refuse_own_environment(answers, report, tools, cwd, own_env)
    values = namespace(answers, report, pins, indexes, tools, cwd, cache_dir or str(default_cache()))
    # before the recipes: the missing GPU is the cause of what follows
    driver_note = driver_request(values, recorded=recorded,
                                 driver_too_old=bool(getattr(pins, "blocked_by_driver", False)),
                                 system=system_name(report.os.pretty_name, report.os.id, report.os.version_id, None))
    chosen = applicable_recipes(values) if recipes is None else select_recipes(recipes, values)
    if not chosen:
        raise InputError(_("no recipe installs with method {method!r} on the recorded machine",
                           method=answers.method) if recorded else
                         _("no recipe installs with method {method!r} on this machine", method=answers.method),
                         key="method", hint=_("see `torch-setup recipes validate` and the recipes folder"))
    steps: list[Step] = []
    # only pip and uv read the indexes: an offline wheelhouse is its install's only source, and conda reads its
    # channels (found in use: Review of a wheelhouse install, then of a conda one, listed "package sources
    # from this machine's pip configuration")
    index_notes = list(indexes.notes) if answers.method in INDEX_METHODS else []
    notes: list[str] = list(getattr(pins, "reasons", ())) + index_notes + ([driver_note] if driver_note else [])
    conda_python = _conda_created_python(answers, values)
    if conda_python:
        notes = _conda_python_notes(notes, report, pins, conda_python)
    from installer.plan.driver_support import kept_driver_support_note

    # a kept driver past NVIDIA's support: said beside driver_note's "so it is kept"
    notes += [n for n in (kept_driver_support_note(values, report, today),) if n]
    python_note = unexamined_python_note(answers, report, pins, tools, cwd)
    notes += [python_note] if python_note else []
    seen: set[str] = set()
    done: set[str] = set()  # what the steps so far do, whatever their ids
    superseded: set[str] = set()
    # the recipes whose work is in the script: the summary names these, not every recipe whose `when:` held
    # (found in use: `recipes: apt-mirror` atop a script with no apt-mirror step)
    made: dict[str, None] = {}
    installs_driver: str | None = None  # the driver branch a step installs ("latest": the repository's pick)
    packages = tuple(pins.requirements)
    for recipe in chosen:
        def context(step_id: str, recipe: Recipe = recipe) -> KindContext:
            return KindContext(answers=answers, report=report, pins=pins, indexes=indexes, tools=tools,
                               values=values, step_id=step_id, recipe=recipe.id, recorded=recorded,
                               today=today, hardware=hardware)

        for step, compiled in recipe.expand(values, context):
            notes.extend(n for n in compiled.notes if n not in notes)
            if compiled.driver_branch is not None and (step.commands or step.downloads or step.files):
                installs_driver = compiled.driver_branch
            superseded.update(compiled.supersedes)
            if compiled.packages:  # conda's specs are what it installs, not the pip pins
                packages = compiled.packages
            if not (step.commands or step.downloads or step.files):
                continue  # a kind found nothing to do here (a mirror already as chosen): no empty step
            made[recipe.id] = None
            same = replace(step, id="").digest()
            if same in done:
                # the same work from two recipes (cuda-keyring for both the driver and the toolkit from NVIDIA's
                # repository): once is enough, and a second step that always says "already done" only puzzles
                continue
            if step.id in seen:  # two recipes may share a step id: keep both, keep ids unique
                step = replace(step, id=f"{recipe.id}-{step.id}")
            seen.add(step.id)
            done.add(same)
            steps.append(step)
    from installer.plan.unused_mirrors import unused_mirror_notes

    # chosen on the Mirrors screen before the method, the build and the driver were: said, not dropped silently
    notes.extend(unused_mirror_notes(answers, steps))
    from installer.plan.space import disk_notes

    notes.extend(disk_notes(steps, pins.variant, report))  # the report's free space below what the plan needs
    builds_wheelhouse = answers.method == "wheelhouse-build"
    target = values["wheelhouse"] if builds_wheelhouse else (values["target.path"] or values["target.python"])
    summary = (
        ("torch", pins.torch), ("variant", pins.variant),
        ("packages", " ".join(packages)),
        ("target", str(target or "")),
        ("python", _("{version} (conda creates it)", version=conda_python) if conda_python else
         str(values["target.python_version"] if builds_wheelhouse else values["target.base_python"] or "")),
        ("method", answers.method),
        ("recipes", ", ".join(made)),
    )
    if installs_driver is not None:
        notes = _reasons_after_driver_step(notes, pins, None if installs_driver == "latest" else installs_driver)
    blocked = getattr(pins, "blocked", None)
    if blocked and getattr(pins, "blocked_by_driver", False) and any(r.id.startswith("driver") for r in chosen):
        blocked = None  # this plan installs the driver the build needs
    elif blocked and getattr(pins, "driver_note", None) in notes:
        notes = _without_driver_step(notes, pins, report, recorded=recorded)
    # a wheelhouse build installs nothing here: there is no interpreter to verify afterwards
    kept = (n for n in notes if n not in superseded)
    return Plan(steps=tuple(steps), summary=summary, notes=tuple(dict.fromkeys(kept)),
                target_python=None if builds_wheelhouse else values["target.python"],
                tools=own_tools(steps, tools),
                index_origins=indexes.origins if answers.method in INDEX_METHODS else (),
                meta={"verify": "true" if answers.verify else "false", "bench": answers.bench,
                      "variant": pins.variant, "blocked": "" if builds_wheelhouse else (blocked or ""),
                      # installed with no index: verify's `pip install` fixes (NumPy's) install from it too
                      "wheelhouse": (values["wheelhouse"] or "") if answers.method == "wheel" else "",
                      "blocked_by_driver": "true" if getattr(pins, "blocked_by_driver", False) else "",
                      # a CUDA build for a machine with no NVIDIA GPU: installed, and said first (gpu_refusal)
                      "cpu_only": getattr(pins, "cpu_only", None) or "",
                      # the journal keeps it: doctor's reinstall commands name the index this run used
                      "pytorch_index": indexes.pytorch_index or "", "pytorch_layout": indexes.pytorch_layout,
                      # and the labelled build it took through pip, from that index or the pip configuration alone
                      "pytorch_variant": pins.variant if uses_pytorch_index(answers, pins) else "",
                      **_driver_elsewhere_meta(report, blocked if getattr(pins, "blocked_by_driver", False) else None,
                                              recorded=recorded),
                "recorded": "true" if recorded else "", "hardware": hardware or ""})


def _conda_created_python(answers: Answers, values: dict[str, Any]) -> str | None:
    """The Python X.Y a conda plan's environment is created with (`python=X.Y` of the conda kind's create
    step), or None for a plan that installs into an interpreter found or made otherwise. Found in use: the
    conda plan's header named /usr/bin/python3, which conda never uses."""
    if answers.method != "conda" or answers.target.kind != "conda":
        return None
    version = values.get("target.python_version")
    return str(version) if version else None


def _conda_python_notes(notes: list[str], report: HardwareReport, pins: Any, python: str) -> list[str]:
    """The notes of a conda plan with the PyPI wheel's Python note (installer.compat.solver: "Python 3.11 has
    wheels for torch …", true of pip's wheels, not of conda-forge's packages) said as what conda does."""
    from installer.compat.data import load
    from installer.compat.machine import read_machine
    from installer.compat.solver import PLATFORM_NAMES

    platform = read_machine(report, load(), python).platform
    wheels = _("Python {py} has wheels for torch {t} on {platform}", py=getattr(pins, "python", None),
               t=pins.torch, platform=PLATFORM_NAMES.get(platform or "", platform))
    created = _("conda creates Python {py} in the environment (python={py} from conda-forge), and installs torch "
                "{t} from conda-forge into it", py=python, t=pins.torch)
    return [created if n == wheels else n for n in notes]


def _driver_elsewhere_meta(report: HardwareReport, blocked: str | None, *, recorded: bool = False) -> dict[str, str]:
    """For a build blocked by the driver on a machine whose driver torch-setup does not install (WSL, a
    container, a Jetson, a system other than Ubuntu and Debian): where it is installed, and whether it is
    WSL's Windows driver, for the refusal's hint (installer.plan.gpu_refusal), which must not offer
    driver.install: true there (found in use: under WSL it did, and driver.install is ignored there)."""
    if not blocked:
        return {}
    from installer.compat.machine import is_jetson
    from installer.plan.driver_request import driver_elsewhere

    elsewhere = driver_elsewhere(report.os, jetson=is_jetson(report), report=report, recorded=recorded)
    if elsewhere is None:
        return {}
    return {"driver_elsewhere": elsewhere, "wsl": "true" if report.os.wsl else ""}


def _reasons_after_driver_step(notes: list[str], pins: Any, branch: str | None) -> list[str]:
    """The build's reasons in a plan whose driver step installs a driver: they name the branch that step
    installs, and none vouches for the build by the loaded driver the step replaces. Found by a tester: "CUDA
    13.2 build, after installing driver branch R580" (recommend's choice) over `ubuntu-drivers install
    nvidia:595-open` (the answers' branch), and "driver 550.54.14 runs CUDA 12.6 wheels" over a plan that
    replaces it with R580. `branch`: the one the driver step installs (None: the repository's pick)."""
    from installer.compat.model import Action
    from installer.compat.solver import driver_change_reason

    cuda = getattr(pins, "cuda", None)
    stale = {n for n in (getattr(pins, "driver_note", None), getattr(pins, "loaded_driver_note", None)) if n}
    if not cuda or not stale:
        return notes
    driver = getattr(pins, "driver", None)
    if driver is not None and driver.branch == branch and pins.driver_note:
        said: str | None = pins.driver_note  # recommend's own words (an update within the branch, a support end)
    elif branch is not None:
        said = driver_change_reason(cuda, Action(kind="install-driver", reason="", branch=branch))
    else:
        said = None  # the branch is the repository's pick: the driver step's own note says what it is
    out: list[str] = []
    for n in notes:
        kept = said if n in stale else n  # in its place in the header: the build's reasons stay together
        if kept is not None and kept not in out:
            out.append(kept)
    return out


def _without_driver_step(notes: list[str], pins: Any, report: HardwareReport, *,
                         recorded: bool = False) -> list[str]:
    """The notes of a plan with no driver step for a build that needs one: the build's "after installing
    driver branch R535" (true of `recommend`'s offer, which comes with the driver) says who installs it."""
    from installer.compat.machine import is_jetson
    from installer.plan.driver_request import driver_elsewhere
    from installer.plan.gpu_refusal import no_driver_step_note

    driver = pins.driver
    if driver is None or driver.host == "windows" or not pins.cuda:
        return notes  # under WSL the build's own note already says it is done in Windows
    elsewhere = driver_elsewhere(report.os, jetson=is_jetson(report), report=report, recorded=recorded)
    said = no_driver_step_note(pins.cuda, driver, elsewhere, loaded=report.nvidia_driver is not None)
    return [said if n == pins.driver_note else n for n in notes]


def own_tools(steps: Iterable[Step], tools: Tools) -> tuple[str, ...]:
    """torch-setup's own programs (uv, the interpreter it runs on) that the steps run by absolute path, in
    the order they first appear: a saved script needs them where they were (found in use: a script kept
    for later failed once the torch-setup checkout it named was deleted)."""
    mine = {p for p in (tools.uv, tools.python) if p}
    found: dict[str, None] = {}

    def look(cmd: Command | None) -> None:
        while cmd is not None:
            found.update((a, None) for a in cmd.argv if a in mine)
            cmd = cmd.fallback

    for step in steps:
        for cmd in step.commands:
            look(cmd)
        if step.guard and step.guard.unless:
            look(Command(argv=step.guard.unless))
    return tuple(found)


def pins_for(answers: Answers, report: HardwareReport, *, tools: Tools | None = None, cwd: str | None = None,
             recorded: bool = False, today: date | None = None, hardware: str | None = None) -> Any:
    """Exact pins for the answers on this machine (installer.compat), for the target's Python; `recorded`: a
    recorded report's (--hardware), which the reasons call the recorded machine; `hardware`: its file, as
    make_plan's. The conda method's `auto` and `latest` are builds conda-forge makes (installer.plan.conda_pins)."""
    from installer.compat import resolve_pins
    from installer.plan.conda_pins import conda_pins

    target = target_of(answers, report, tools or Tools.discover(), cwd or os.getcwd())

    def resolve(version: str, variant: str) -> Any:
        return resolve_pins(report, torch=version, variant=variant, python=target["python_version"],
                            extras=tuple(answers.torch.extras), recorded=recorded, today=today, hardware=hardware)

    if answers.method == "conda":
        return conda_pins(answers, resolve, recorded=recorded)
    return resolve(answers.torch.version, answers.torch.variant)


def pick_index(answers: Answers, pins: Any, *, timeout: float = 3.0) -> Any:
    """The PyTorch index for the variant (installer.mirrors), or None when the variant or the method
    needs none."""
    if not uses_pytorch_index(answers, pins) or answers.mirror.pytorch == "none":
        return None
    from installer.mirrors import pick_pytorch_index

    region = None if answers.mirror.region == "auto" else answers.mirror.region
    return pick_pytorch_index(pins.variant, pins.torch, preference=answers.mirror.pytorch, region=region,
                              timeout=timeout)


class _Speculative:
    """The pins a PyTorch index is probed for before the real pins are resolved: the build the answers
    name outright (torch 2.13.0, variant cpu)."""

    def __init__(self, torch: str, variant: str) -> None:
        self.torch, self.variant, self.local = torch, variant, f"+{variant}"
        self.requirements = (f"torch=={torch}+{variant}",)


class InThread:
    """A call run in a daemon thread from the start, while planning goes on; `result()` waits for it and
    raises, in the planning thread, whatever it raised."""

    def __init__(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._result: list[Any] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(call, args, kwargs), daemon=True)
        self._thread.start()

    def _run(self, call: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self._result.append(call(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the planning thread, which raises it
            self._error.append(exc)

    def result(self) -> Any:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._result[0]


class IndexAhead(InThread):
    """The PyTorch index probe, started in a thread as soon as the answers say which build they want
    (an explicit version and variant), so that it runs while the pins are resolved. Its result is used
    only when the pins turn out to be that build; otherwise the index is picked again for the real pins."""

    def __init__(self, answers: Answers, timeout: float) -> None:
        self.want = (answers.torch.version, answers.torch.variant)
        super().__init__(pick_index, answers, _Speculative(*self.want), timeout=timeout)

    @staticmethod
    def speculation(answers: Answers) -> _Speculative | None:
        """The build to probe for ahead, or None when the answers leave it to the machine (auto, latest)."""
        if answers.torch.version == "latest" or answers.torch.variant in ("auto", "mps"):
            return None
        if answers.mirror.pytorch == "none" or answers.method not in INDEX_METHODS:
            return None
        return _Speculative(answers.torch.version, answers.torch.variant)

    def result_for(self, pins: Any) -> tuple[bool, Any]:
        """(True, pick) when this probe was for `pins`' build; (False, None) when it was not."""
        if (pins.torch, pins.variant) != self.want:
            return False, None
        return True, self.result()


def _chosen_pypi_failure(preference: str, timeout: float) -> tuple[str, str] | None:
    from installer.mirrors.pick import chosen_pypi_failure

    return chosen_pypi_failure(preference, timeout=timeout)


class PypiProbe(InThread):
    """The probe of a PyPI mirror chosen by hand, in a thread of its own while the pins are resolved and the
    PyTorch index is probed: a dead one would otherwise be found by minutes of uv's and pip's retries, and
    then be written into the environment's pip.conf for every later install. `result()`: (url, why) when
    it does not answer, else None."""

    def __init__(self, answers: Answers, timeout: float) -> None:
        super().__init__(_chosen_pypi_failure, answers.mirror.pypi, timeout)

    @staticmethod
    def wanted(answers: Answers) -> bool:
        """A PyPI mirror chosen by hand, for a method that takes packages from it or writes it for later."""
        return answers.mirror.pypi not in ("auto", "none") and answers.method in (*INDEX_METHODS, "wheel")


def _local_folder(answers: Answers, report: HardwareReport, pins: Any, python_version: str | None) -> str | None:
    from installer.plan.indexes import local_wheel_folder

    if answers.mirror.pytorch != "auto":
        return None  # a mirror chosen by hand is what the person wants used
    return local_wheel_folder(pins, report.mirror_config.pip.find_links, python_version=python_version,
                              arch=report.os.arch)


def pytorch_source(answers: Answers, report: HardwareReport, pins: Any, *, timeout: float = 3.0,
                   this_machine: bool = True, python_version: str | None = None,
                   ahead: IndexAhead | None = None) -> Any:
    """Where the PyTorch wheels come from: a find-links folder of this machine's pip configuration that
    already holds every wheel with a local label (then nothing is probed: no mirror beats a local file),
    else the index picked by probing (installer.mirrors), else None."""
    from installer.plan.indexes import LocalWheels

    if not uses_pytorch_index(answers, pins):
        return None
    if this_machine:
        folder = _local_folder(answers, report, pins, python_version)
        if folder is not None:
            return LocalWheels(local_folder=folder)
    if ahead is not None:
        used, pick = ahead.result_for(pins)
        if used:
            return pick
    return pick_index(answers, pins, timeout=timeout)


def upstream_for_another_machine(answers: Answers, pins: Any, pick: Any) -> Any:
    """A plan for a recorded machine names the PyTorch index even when none answered here: what this
    machine's network reaches says nothing of that one's, and without an index its `+cuNNN` pins
    (found on no PyPI) cannot install there. The upstream index, unless the answers chose otherwise."""
    if pick is None or getattr(pick, "url", None) or getattr(pick, "local_folder", None):
        return pick
    if answers.mirror.pytorch != "auto":
        return pick  # `none`: the answers leave it to that machine's pip configuration
    from installer.mirrors.catalog import load_catalog
    from installer.mirrors.pick import IndexPick

    upstream = load_catalog().get("pytorch")
    if upstream is None:
        return pick
    return IndexPick(upstream.variant_url(pins.variant), _(
        "the upstream index: none answered from here, and the recorded machine has a network of its own"),
        mirror_id=upstream.id)


def plan_for(answers: Answers, report: HardwareReport, *, probe_timeout: float = 3.0,
             cwd: str | None = None, this_machine: bool = True, recorded: bool = False,
             today: date | None = None, own_env: tuple[str, ...] = (), hardware: str | None = None) -> Plan:
    """The whole choose -> plan chain `plan` and `install` run: pins, the PyTorch index, the plan.

    `this_machine`: the report describes the machine that plans (detected here, not another machine's
    saved report), so the wheels in its find-links folders are on this disk and can be looked at.
    `recorded`: the report was given (--hardware), not detected now: messages say the recorded machine.
    `own_env`: as make_plan's, refused before any probe. `hardware`: as make_plan's.
    """
    from installer.plan.indexes import choose_indexes
    from installer.plan.unused_mirrors import refuse_unknown_ids

    # before the probes: no wait for one, and a misspelt PyTorch index id is told in the same words as the
    # other kinds' (pick_pytorch_index has words of its own)
    refuse_unknown_ids(answers, report.os.id)
    tools = Tools.discover()
    cwd = cwd or os.getcwd()
    from installer.plan.held_build import held_build

    # latest, offline: the build the wheelhouse holds; another machine's wheelhouse is on its own disk, not read
    # here (as its check: installer.plan.ahead)
    answers, held = held_build(answers, cwd) if this_machine else (answers, None)
    refuse_own_environment(answers, report, tools, cwd, own_env)  # before the probes: no wait for a refusal
    python_version = target_of(answers, report, tools, cwd)["python_version"]
    ahead = None
    speculation = IndexAhead.speculation(answers)
    if speculation is not None and not (this_machine and _local_folder(answers, report, speculation, python_version)):
        ahead = IndexAhead(answers, probe_timeout)
    pypi_probe = PypiProbe(answers, probe_timeout) if this_machine and PypiProbe.wanted(answers) else None
    pins = pins_for(answers, report, tools=tools, cwd=cwd, recorded=recorded, today=today, hardware=hardware)
    if held:
        pins = replace(pins, reasons=(held, *pins.reasons))
    pick = pytorch_source(answers, report, pins, timeout=probe_timeout, this_machine=this_machine,
                          python_version=python_version, ahead=ahead)
    if not this_machine:
        pick = upstream_for_another_machine(answers, pins, pick)
    indexes = choose_indexes(answers, report, pins, pick,
                             pypi_failed=pypi_probe.result() if pypi_probe is not None else None)
    if this_machine and pick is not None and getattr(pick, "url", None) is None and not getattr(pick, "local_folder", None):
        from installer.plan.local_builds import on_disk_notes

        notes = on_disk_notes(pins, report.mirror_config.pip.find_links, python_version=python_version,
                              arch=report.os.arch)
        if notes:
            indexes = replace(indexes, notes=(*indexes.notes, *notes))
    return make_plan(answers, report, pins=pins, indexes=indexes, tools=tools, cwd=cwd, recorded=recorded,
                     mirror_ids_checked=True, today=today, own_env=own_env, hardware=hardware)


def remap_to_answers(exc: InputError, located: Any) -> InputError:
    """An error about an answers key (from compat, mirrors, or a step kind: `cuda_toolkit.version`,
    `driver.branch`, `mirror.conda`) points at that key's line in the answers file; a key the file
    leaves at its default points at the nearest section it has."""
    from installer.answers import Answers

    if exc.file is not None or not exc.key or exc.key.startswith("-"):
        return exc
    path = tuple(exc.key.split("."))
    if path[0] not in Answers.model_fields:
        return exc
    return InputError(exc.message, file=located.file, line=located.line_of(path), key=exc.key, hint=exc.hint)



def _import_mirrors() -> None:
    try:
        import installer.mirrors  # noqa: F401 - the PyTorch index prober
    except Exception:  # noqa: BLE001 - the real import, later, reports any problem
        pass


def warm_up(answers: Answers) -> None:
    """Load what planning these answers needs next, while detection (in its thread) waits on its probes:
    the compatibility data, the recipes the answers use, and (in a thread of its own, as it may not be
    needed) the PyTorch index prober when the variant is left to the machine. Loading only: a problem
    is reported by the real use, later."""
    try:
        from installer.compat.data import load

        data = load()
        data.releases  # noqa: B018 - read now: every plan needs it
        if answers.torch.variant != "cpu":  # a GPU build is checked against the builds, drivers and GPUs
            data.builds, data.drivers, data.amd  # noqa: B018
        from installer.plan.recipe import warm_recipes

        warm_recipes(answers)
    except Exception:  # noqa: BLE001 - see the docstring
        pass
    if answers.mirror.pytorch != "none" and IndexAhead.speculation(answers) is None:
        threading.Thread(target=_import_mirrors, daemon=True).start()


def plan_from_files(answers_path: str, hardware_path: str | None = None, *,
                    probe_timeout: float = 3.0, installs_here: bool = False) -> tuple[Answers, HardwareReport, Plan]:
    """What `plan` and `install` share: load the answers, detect (or load) the machine, make the plan.
    Changes nothing: detection only reads, and planning is pure. (installer.plan.ahead has the steps.)"""
    from installer.plan.ahead import plan_from_files as _plan_from_files

    answers, report, plan = _plan_from_files(answers_path, hardware_path, probe_timeout=probe_timeout,
                                             installs_here=installs_here)
    return answers, report, plan
