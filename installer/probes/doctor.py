"""Why torch does not use the GPU, and how to mend it: `diagnose(report, verify)` -> findings.

A pure function over three things already gathered: the hardware report (detection), the verify
probe's result from the target interpreter, and a few environment facts (those verify saw, unless
given). It knows the usual causes, root causes first:

- torch missing or not importing (a library from LD_LIBRARY_PATH is the usual culprit);
- no NVIDIA driver loaded: nouveau holding the GPU, a module refused by Secure Boot, or none installed;
- GPUs hidden by CUDA_VISIBLE_DEVICES;
- a CPU-only wheel on a machine with an NVIDIA GPU, or with an AMD GPU that a ROCm build runs on;
- a driver older than the build's CUDA needs;
- a build without kernels for the GPU's architecture;
- CUDA libraries from LD_LIBRARY_PATH or a system CUDA shadowing the wheel's own.

Fixes name a concrete build from the compatibility data (installer.compat) where it can.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from installer.compat import recommend
from installer.compat.data import load
from installer.compat.data_model import Kernels
from installer.compat.machine import parse_cc, read_machine
from installer.compat.rules import driver_meets, driver_need, kernel_for, version_key
from installer.hardware.advice import DRIVER_SYSTEMS
from installer.hardware.osinfo import family
from installer.hardware.report import HardwareReport
from installer.i18n import _
from installer.i18n.phrases import all_of, listed
from installer.probes.host import MissingDependency, pip_install_line, pip_uninstall_line
from installer.probes.last_target import torch_missing
from installer.probes.text import message
from installer.shells import unset_command

Severity = Literal["error", "warning", "info"]
PYTORCH_INDEX = "https://download.pytorch.org/whl"
# where a reinstall takes a build from: an index URL (--index-url), (flag, url) for another pip flag (a flat
# page of links is --find-links), or None for pip's own configuration
Source = str | tuple[str, str] | None
# a build ("2.13.0+cpu") -> its Source: `index_for` (PyTorch's own index), or the index the install used
# (installer.probes.run_index)
IndexFor = Callable[[str], Source]


@dataclass(frozen=True)
class Finding:
    id: str  # stable name of the cause: "cpu-wheel", "driver-too-old", "arch-missing", ...
    severity: Severity
    title: str
    explanation: str
    fix: str
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "title": self.title,
                "explanation": self.explanation, "fix": self.fix, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class EnvFacts:
    """What the environment of the target looked like (verify records it; tests may pass their own)."""

    ld_library_path: str | None = None
    cuda_visible_devices: str | None = None
    libraries_outside_env: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_verify(cls, verify: dict[str, Any]) -> EnvFacts:
        env = verify.get("env") or {}
        return cls(ld_library_path=env.get("LD_LIBRARY_PATH"),
                   cuda_visible_devices=env.get("CUDA_VISIBLE_DEVICES"),
                   libraries_outside_env=tuple(verify.get("libraries_outside_env") or ()))


def gpu_label(gpu: Any) -> str:
    """A GPU of the report in words: its name, else its number and what is known of it, as `recommend`
    says it (a GPU from TORCH_SETUP_GPU_CC, or one detection could not name, has no name: "?" said nothing)."""
    if gpu.name:
        return str(gpu.name)
    if gpu.compute_capability:
        return _("GPU {index} (compute capability {cc})", index=gpu.index, cc=gpu.compute_capability)
    return _("GPU {index}", index=gpu.index)


def gpu_names(report: HardwareReport) -> str:
    """"4x NVIDIA GeForce RTX 5090, NVIDIA RTX A6000" for messages."""
    counts: dict[str, int] = {}
    for g in report.nvidia_gpus:
        counts[gpu_label(g)] = counts.get(gpu_label(g), 0) + 1
    return listed(f"{n}x {name}" if n > 1 else name for name, n in counts.items())


# ---- facts drawn from the verify result ------------------------------------------------------------

def _failed(verify: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [c for c in verify.get("checks") or []
            if not c.get("ok") and str(c.get("name", "")).startswith(prefix)]


def _cuda_error(verify: dict[str, Any]) -> str:
    return str((verify.get("cuda") or {}).get("error") or "")


def _driver_cuda_from(verify: dict[str, Any], report: HardwareReport) -> str | None:
    if report.nvidia_driver and report.nvidia_driver.cuda:
        return report.nvidia_driver.cuda
    found = (verify.get("cuda") or {}).get("driver_cuda")
    if found:
        return str(found)
    m = re.search(r"found version (\d+)", _cuda_error(verify))
    if m:
        value = int(m.group(1))
        return f"{value // 1000}.{(value % 1000) // 10}"
    return None


def _arch_entries(arch_list: list[str]) -> tuple[list[str], list[str]]:
    """torch's arch list ("sm_86", "compute_120") as the compat data's capabilities ("8.6"), cubins and PTX.

    Arch-specific builds ("sm_90a") run only on their own capability, so they stay out of the
    same-major rule.
    """
    sm: list[str] = []
    ptx: list[str] = []
    for entry in arch_list:
        m = re.fullmatch(r"(sm|compute)_(\d+)(\d)", entry)
        if not m:
            continue
        cc = f"{m.group(2)}.{m.group(3)}"
        (sm if m.group(1) == "sm" else ptx).append(cc)
    return sm, ptx


def _gpus_for_arch(report: HardwareReport, verify: dict[str, Any]) -> list[tuple[str, tuple[int, int]]]:
    """(name, capability) per NVIDIA GPU: what torch saw when it could, else what detection found."""
    seen = [(str(d.get("name")), parse_cc(d.get("capability"))) for d in verify.get("devices") or []
            if d.get("type") == "cuda"]
    if seen:
        return [(n, c) for n, c in seen if c]
    return [(g.name or f"GPU {g.index}", cc) for g in report.nvidia_gpus
            if (cc := parse_cc(g.compute_capability))]


# ---- what to install instead -----------------------------------------------------------------------

COMPANIONS = ("torchvision", "torchaudio")


@dataclass(frozen=True)
class _Advice:
    as_is: Any | None  # the best compat Choice that works with the machine as it is
    with_driver: Any | None  # the best Choice that needs a driver upgrade first
    rocm: Any | None = None  # the best ROCm Choice, whatever it needs first: the AMD GPU has a build
    have: str | None = None  # the torch version installed now ("2.13.0"), None when torch does not import
    # the companions installed beside it (a reinstall must move them too); None when not known
    companions: tuple[str, ...] | None = ()
    driver: bool = True  # an NVIDIA driver is loaded: a driver change is an upgrade, else an install


def _companions(verify: dict[str, Any], report: HardwareReport, have: str | None) -> tuple[str, ...] | None:
    """torchvision / torchaudio installed beside torch: as the probe read them in the target, else as
    detection read the target's metadata (a saved report speaks of its own machine's torch: only when
    it is this version)."""
    found = verify.get("companions")
    if isinstance(found, dict):
        return tuple(n for n in COMPANIONS if found.get(n))
    existing = report.existing_torch
    if existing is not None and have and existing.version == have:
        return tuple(n for n in COMPANIONS if getattr(existing, n, None))
    return None


def _advice(report: HardwareReport, verify: dict[str, Any], want: Any = None) -> _Advice:
    """The builds to advise, the version installed now first: switching 2.13.0+cpu for 2.14.1+cu126
    would also leave an installed torchvision 0.28 behind, so another version is advised only when no
    build of this one runs here. `want(variant)`: only builds it accepts (verify's "a cuda build")."""
    python = (verify.get("python") or {}).get("version")
    have = str(verify.get("torch_version") or "").split("+")[0] or None
    base = _Advice(None, None, have=have, companions=_companions(verify, report, have),
                   driver=report.nvidia_driver is not None)
    try:
        rec = recommend(report, python=python)
    except Exception:  # the compat data cannot judge this machine: the fix falls back to `recommend`
        return base
    same = None
    if have:
        try:
            same = recommend(report, python=python, torch=have)
        except Exception:  # a version the compat data does not know (a nightly, a local build)
            same = None
    gpu_choices = [c for r in (same, rec) if r is not None for c in r.choices
                   if c.variant not in ("cpu",) and (want is None or want(c.variant))]
    as_is = next((c for c in gpu_choices if not c.actions), None)
    with_driver = next((c for c in gpu_choices if c.action("install-driver")), None)
    rocm = next((c for c in gpu_choices if c.variant.startswith("rocm")), None)
    return replace(base, as_is=as_is, with_driver=with_driver, rocm=rocm)


def _index_args(index: Source) -> list[str]:
    """pip's arguments for a source: a recorded one's own (a tuple), or an index URL."""
    return list(index) if isinstance(index, tuple) else (["--index-url", index] if index else [])


def reinstall_line(python: str, pins: str | list[str], index: Source = None, *, no_deps: bool = False) -> str:
    """A reinstall that works whether or not the environment has pip: torch-setup's own pip, pointed at
    it (`pip --python`), as the plans' fallback does (an environment made by `uv venv` has no pip).
    `doctor` and `verify` both write their commands with it.

    `no_deps`: the same build again (a damaged or half-installed torch, a companion made for it). Found in
    use: `--force-reinstall` alone resolved and reinstalled every dependency of torch too, from `--index-url`
    alone (filelock from download.pytorch.org, unreachable there: the fix failed), and would have moved the
    pinned filelock, sympy or jinja2 of someone's project. A build of another variant keeps its
    dependencies: a CUDA build needs its nvidia-* packages, which a CPU build never had."""
    args = ["--force-reinstall", *(["--no-deps"] if no_deps else []), *([pins] if isinstance(pins, str) else pins)]
    return pip_install_line(python, [*args, *_index_args(index)])


def _pip_line(python: str, choice: Any, companions: tuple[str, ...] | None = ()) -> str:
    # the companions at the versions made for this torch, from the same index
    pins = [f"torch=={choice.torch}"] + [f"{name}=={getattr(choice, name)}" for name in companions or ()
                                         if getattr(choice, name, None)]
    return reinstall_line(python, pins, f"{PYTORCH_INDEX}/{choice.variant}" if choice.local else None)


def _install_fix(python: str, advice: _Advice) -> str:
    if advice.as_is is not None:
        c = advice.as_is
        if advice.have in (None, c.torch):  # no version to keep, or it is kept
            return _("install torch {torch} ({variant}), which fits this machine as it is: `{cmd}` "
                     "(or `torch-setup install` to do it with a plan)",
                     torch=c.torch, variant=c.variant, cmd=_pip_line(python, c, advice.companions))
        if advice.companions is None:
            return _("install torch {torch} ({variant}), which fits this machine as it is (no build of torch {have} "
                     "does, so the version changes): `torch-setup install` changes torchvision and torchaudio "
                     "with it; for torch alone: `{cmd}`", torch=c.torch, variant=c.variant, have=advice.have,
                     cmd=_pip_line(python, c))
        libs = [name for name in advice.companions if getattr(c, name, None)]
        if libs:
            return _("install torch {torch} ({variant}), which fits this machine as it is (no build of torch {have} "
                     "does, so the version changes, and {libs} with it): `{cmd}` (or `torch-setup install` to do "
                     "it with a plan)", torch=c.torch, variant=c.variant, have=advice.have,
                     libs=all_of(libs), cmd=_pip_line(python, c, advice.companions))
        return _("install torch {torch} ({variant}), which fits this machine as it is (no build of torch {have} does, "
                 "so the version changes): `{cmd}` (or `torch-setup install` to do it with a plan)",
                 torch=c.torch, variant=c.variant, have=advice.have, cmd=_pip_line(python, c))
    if advice.with_driver is not None:
        c = advice.with_driver
        act = c.action("install-driver")
        # "upgrade" only where a driver runs: on a machine without one that read as if one were there
        driver = (_("upgrade the NVIDIA driver to branch {branch}", branch=act.branch) if advice.driver else
                  _("install the NVIDIA driver, branch {branch}", branch=act.branch))
        if advice.have in (None, c.torch):
            return _("{driver}, then install torch {torch} ({variant}); `torch-setup` does both",
                     driver=driver, torch=c.torch, variant=c.variant)
        return _("{driver}, then install torch {torch} ({variant}) in place of {have}, which has no build that runs "
                 "here; `torch-setup` does both, and changes torchvision and torchaudio with it",
                 driver=driver, torch=c.torch, variant=c.variant, have=advice.have)
    return _("`torch-setup recommend` lists the builds that fit this machine; `torch-setup install` installs one")


# ---- the causes ------------------------------------------------------------------------------------

# torch's own shared libraries: one of them missing is torch's damage; any other (libcudnn.so.9,
# libcublas.so.12) belongs to a dependency (nvidia-*), which a reinstall of torch alone leaves missing
_TORCH_OWN_LIBRARIES = re.compile(r"^lib(torch|c10|shm|caffe2|gomp)")


def _needs_dependencies(error: str) -> bool:
    """Whether a damaged torch's import error names a shared library of one of its dependencies."""
    return any(not _TORCH_OWN_LIBRARIES.match(name) for name in re.findall(r"(lib[\w.+-]*?\.so)\b", error))


def index_for(version: str) -> Source:
    """The PyTorch index of a build: "+cpu" / "+cu126" come from theirs; a build without a local label from
    PyPI (pip's own sources)."""
    local = version.partition("+")[2]
    return f"{PYTORCH_INDEX}/{local}" if local else None


def same_build_fix(python: str, version: str, error: str = "", *, files_missing: bool = True,
                   index: IndexFor = index_for) -> str:
    """The fix of a damaged or half-installed torch `version` ("2.13.0+cpu"): the same build again, without
    its dependencies unless the damage is in one of them; or, when files are missing, `torch-setup install`
    again. A torch whose files are all there but changed (an emptied or edited __init__.py) passes the
    install step's check, which looks for missing files: "install again" left it as it was, and its own
    failure sent the person back to doctor (found in use)."""
    cmd = reinstall_line(python, f"torch=={version}", index(version), no_deps=not _needs_dependencies(error))
    if not files_missing:
        return _("reinstall it: `{cmd}` (its files are there but changed, so `torch-setup install` would leave "
                 "it as it is)", cmd=cmd)
    return _("reinstall it: `{cmd}`, or run `torch-setup install` again with the answers file that made it "
             "(it finishes a half-done install)", cmd=cmd)


def _files_missing(error: str, code: object) -> bool:
    """Whether a failed `import torch` is torch's files missing, which the install step's check finds and
    installs again. Its code (verify's import_error_code) decides where it says: no-init is half installed,
    no-version has its files there but changed. The probe's words in import_error are for people, not a
    contract to match (found in review: "half installed" was matched here). The codes that cover many failures
    (error, library, ld-library-path) leave it to the interpreter's own message: a module of torch's own wheel
    not found (torchgen, torch._C), or a shared library of torch's own that cannot be opened."""
    if code in ("no-init", "no-version", "not-installed"):
        return code == "no-init"
    if "No module named" in error:
        return True
    return "cannot open shared object file" in error and not _needs_dependencies(error)


# the top-level packages of torch's own wheel: a module of these missing is torch's files missing
_TORCH_OWN = ("torch", "torchgen", "functorch")


def _missing_module(error: str, name: str = "torch") -> str | None:
    """The module a failed import of `name` did not find, where it is another package's (`import torchvision`
    without pillow: "No module named 'PIL'"; `import torch` without typing_extensions): a dependency missing,
    not a damaged torch, nor a companion made for another torch."""
    found = re.search(r"No module named '([\w.]+)'", error)
    top = found.group(1).partition(".")[0] if found else None
    return top if top and top not in (name, *_TORCH_OWN) else None


def _short_of(name: str, error: str, module: str) -> str:
    """Why `import NAME` failed for another package's `module`: torch's and a companion's words alike."""
    return _("`import {name}` fails: {error}; {module} belongs to a package {name} needs, which is not installed, "
             "or is half installed", name=name, error=error, module=module)


def _torch_needs_fix(python: str, version: str, index: IndexFor = index_for) -> str:
    """A torch that does not import for want of a package it needs: pip without --force-reinstall keeps the torch
    there and adds what it lacks (found in use: "reinstall it" with --no-deps, which mended nothing)."""
    return _("install what torch needs: `{cmd}`; `torch-setup doctor` names the package",
             cmd=pip_install_line(python, [f"torch=={version}", *_index_args(index(version))]))


def _companion_findings(verify: dict[str, Any], python: str, index: IndexFor = index_for,
                        short_of: frozenset[str] = frozenset()) -> list[Finding]:
    """torchvision or torchaudio beside torch that does not fit it: its Requires-Dist pins another torch, or
    it does not import (found in use: PyPI's torchvision 0.28.0, built for the CUDA torch, beside
    2.13.0+cpu: "operator torchvision::nms does not exist"; doctor said "nothing wrong found"). The probe
    reads both in the target (`companion_checks`); the pin is judged here, with `packaging`. One that fits
    but does not import for a module of another package is short of a dependency (found in use: "does not
    fit", with a reinstall --no-deps that left pillow missing): said so, and left out for the companions of
    `short_of`, whose missing dependencies doctor's own finding names."""
    from packaging.version import InvalidVersion, Version

    from installer.compat.companions import unmet_torch_requirements

    torch = str(verify.get("torch_version") or "")
    found = verify.get("companion_checks")
    if not torch or not isinstance(found, dict):
        return []
    try:
        have = Version(torch)
    except InvalidVersion:
        return []
    base, local = torch.partition("+")[0], torch.partition("+")[2]
    try:
        release = load().release(base)
    except Exception:  # a version the compat data does not know (a nightly, a local build)
        release = None
    out = []
    for name in COMPANIONS:
        info = found.get(name)
        if not isinstance(info, dict) or not info.get("version"):
            continue
        version = str(info["version"])
        wrong = [str(req) for req in unmet_torch_requirements(info.get("requires_torch") or [], have)]
        error = info.get("import_error")
        if not wrong and not error:
            continue
        lacking = None if wrong else _missing_module(str(error), name)
        if lacking and name in short_of:
            continue
        if lacking:
            # pip without --force-reinstall keeps the one there and adds what it needs
            out.append(Finding(f"companion-{name}", "error",
                               _("{name} {version} does not import: a package it needs is missing",
                                 name=name, version=version),
                               _short_of(name, str(error), lacking),
                               _("install what it needs: `{cmd}`; `torch-setup doctor` names the package",
                                 cmd=pip_install_line(python, [f"{name}=={version}", *_index_args(index(torch))])),
                               (str(error),)))
            continue
        if wrong:
            why = _("{name} {version} requires {requirement}, but torch {torch} is installed",
                    name=name, version=version, requirement=all_of(wrong), torch=torch)
            if error:
                why += "\n" + _("`import {name}` fails: {error}", name=name, error=error)
        else:
            why = _("`import {name}` fails beside torch {torch}: {error}; a {name} built for another build of torch "
                    "(PyPI's CUDA one beside a +cpu torch) fails like this", name=name, torch=torch, error=error)
        remove = pip_uninstall_line(python, [name])
        made = getattr(release, name, None) if release is not None else None
        if made:
            pin = f"{name}=={made}{'+' + local if local else ''}"
            # --no-deps: its own dependency is torch itself, which must stay as it is
            fix = _("install the {name} made for torch {torch}: `{cmd}`; or, if you do not use it, remove it: "
                    "`{remove}`", name=name, torch=torch,
                    cmd=reinstall_line(python, pin, index(torch), no_deps=True), remove=remove)
        else:
            fix = _("install the {name} release made for torch {torch}, from the same index, or, if you do not use "
                    "it, remove it: `{remove}`", name=name, torch=torch, remove=remove)
        # one severity for doctor and verify (advise_verify takes it from here): a companion that does not
        # import fails every program that imports it, which a verify PASS beside doctor's PROBLEM hid (found in
        # use); one whose pin is off but that imports may still work, so that one only warns, in both
        out.append(Finding(f"companion-{name}", "error" if error else "warning",
                           _("{name} {version} does not fit torch {torch}", name=name, version=version, torch=torch),
                           why, fix, tuple(x for x in (*wrong, error) if x)))
    return out


def _half_installed(verify: dict[str, Any], python: str, incomplete: tuple[str, ...],
                    index: IndexFor = index_for) -> list[Finding]:
    """Packages whose RECORD lists files that are not there, as the install step's guard finds them
    (installer.plan.kinds.pip: it installs them again): found in use, doctor said "nothing wrong found"
    of a torch that `import torch.utils.benchmark` failed in."""
    out = []
    for pin in incomplete:
        name, _sep, version = pin.partition("==")
        if name == "torch":
            fix = same_build_fix(python, version, index=index)
        else:
            fix = _("reinstall it: `{cmd}`, or run `torch-setup install` again with the answers file that made it "
                    "(it finishes a half-done install)",
                    cmd=reinstall_line(python, pin, index(version), no_deps=True))
        out.append(Finding("half-installed", "error",
                           _("{name} {version}: half installed (files are missing)", name=name, version=version),
                           _("files that its RECORD lists are not there (an install cut off, or files deleted "
                             "since): the parts that need them fail to import; `torch-setup install` finds the same "
                             "and installs it again"), fix, (pin,)))
    return out


def _requirements_of(missing: tuple[MissingDependency, ...]) -> list[str]:
    """The requirements that install what is not there, one per package, as the packages that need it ask
    (two askers' specifiers joined, "numpy>=1.23,<3"); a requirement that cannot be read is its name alone."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import SpecifierSet

    merged: dict[str, tuple[set[str], SpecifierSet]] = {}
    for m in missing:
        try:
            req = Requirement(m.wants) if m.wants else None
        except InvalidRequirement:
            req = None
        extras, spec = merged.get(m.name, (set(), SpecifierSet()))
        merged[m.name] = (extras | set(req.extras if req else ()), spec & (req.specifier if req else SpecifierSet()))
    return [f"{name}{'[' + ','.join(sorted(extras)) + ']' if extras else ''}{spec}"
            for name, (extras, spec) in sorted(merged.items())]


def _dependencies_missing(verify: dict[str, Any], python: str, missing: tuple[MissingDependency, ...],
                          rerun: str | None, index: IndexFor = index_for) -> list[Finding]:
    """Packages that torch, torchvision or torchaudio need (in turn) and that are not there, or half installed:
    found in use, an install killed in uv left mpmath and filelock out, `import sympy` and torch.compile
    failed, and doctor said "nothing else to mend". The fix installs what is missing, as the packages that
    need it ask, and moves nothing else (found in use: a pillow missing under torchvision got "install torch
    again", which never brings pillow); a half-installed one is put back as it was, without its dependencies,
    as pip alone leaves a package it finds installed. Or the install again (`rerun`, given only where its
    answers install every package that needs them: its step's check then finds them). From the index that
    install recorded (`index`) and the sources of the machine's pip configuration."""
    if not missing:
        return []
    names = sorted({m.name for m in missing})
    found = {m.root for m in missing}
    roots = [r for r in ("torch", *COMPANIONS) if r in found] + sorted(found - {"torch", *COMPANIONS})
    version = str(verify.get("torch_version") or "")
    source = index(version) if version else None
    where = _index_args(source)
    absent = tuple(m for m in missing if not m.have)
    broken = sorted({f"{m.name}=={m.have}" for m in missing if m.have})
    ways = []
    if absent:
        ways.append(_("install what is not there, and nothing else: `{cmd}`",
                      cmd=pip_install_line(python, [*_requirements_of(absent), *where])))
    if broken:
        ways.append(_("reinstall, without dependencies, the half-installed {names}: `{cmd}`",
                      names=all_of(broken), cmd=reinstall_line(python, broken, source, no_deps=True)))
    by_pip = _("{first}; then {second}", first=ways[0], second=ways[1]) if len(ways) == 2 else ways[0]
    if rerun:
        fix = (_("run `{rerun}`: its install step finds it missing and installs it; or {by_pip}", rerun=rerun,
                 by_pip=by_pip) if len(names) == 1 else
               _("run `{rerun}`: its install step finds them missing and installs them; or {by_pip}", rerun=rerun,
                 by_pip=by_pip))
    else:
        fix = by_pip
    url = source[-1] if isinstance(source, tuple) else source
    if url and url.startswith(PYTORCH_INDEX):
        # no install recorded where this environment's build came from: PyTorch's own index, said so
        fix += " " + _("(no install recorded its index, so this is PyTorch's own, {url}; pip adds the sources of "
                       "your pip configuration, such as find-links; where this machine cannot reach {url}, "
                       "name a source it can reach instead)", url=url)
    states = all_of([_("{name} is half installed, files of it missing ({by} needs it)", name=m.name, by=m.by)
                     if m.have else _("{name} is not installed ({by} needs it)", name=m.name, by=m.by)
                     for m in missing])
    why = (_("{states}; the parts of {roots} that import it fail", states=states, roots=all_of(roots))
           if len(names) == 1 else
           _("{states}; the parts of {roots} that import them fail", states=states, roots=all_of(roots)))
    return [Finding("dependencies-missing", "error",
                    _("packages needed by {roots} are missing: {names}", roots=all_of(roots), names=all_of(names)),
                    why, fix, tuple(f"{m.name} <- {m.by}" for m in missing))]


# the findings whose fix changes the environment: no use while its site-packages cannot be written
_WRITES_THE_ENV = ("torch-missing", "torch-broken", "half-installed", "dependencies-missing", "companion-torchvision",
                   "companion-torchaudio", "cpu-wheel", "arch-missing", "driver-too-old", "cuda-wheel-without-gpu")


def _read_only(report: HardwareReport, verify: dict[str, Any], findings: list[Finding]) -> Finding | None:
    """site-packages of the checked interpreter is not writable by this user (detection says so): the fixes
    that install cannot work there, and the refusal of `torch-setup install` said "needs its owner" to the
    owner (found in use, after `chmod -R a-w` on one's own venv)."""
    from installer.paths import owned_by_me

    info = report.python
    if info is None or info.site_writable is not False or not any(f.id in _WRITES_THE_ENV for f in findings):
        return None
    checked = verify.get("python") or {}
    if info.prefix and checked.get("prefix") and info.prefix != checked.get("prefix"):
        return None  # a saved report of another interpreter
    site = info.site_packages or info.prefix or ""
    prefix = info.prefix or site
    yours = next((folder for folder in (prefix, site) if owned_by_me(folder)), None)
    if info.externally_managed and yours is None:
        # the distribution's own Python: read-only to its users by design, and installing into it is refused
        # anyway (PEP 668); its fixes name a venv (found in use: plain `doctor` called it a PROBLEM)
        return None
    if yours is not None:
        fix = _("it is yours: make it writable again with `chmod -R u+w {prefix}`, then apply the fixes below",
                prefix=shlex.quote(yours))
    else:
        fix = _("ask its owner to apply the fixes below, or install into a virtual environment made from this "
                "interpreter (`torch-setup`, target: a new venv)")
    return Finding("site-not-writable", "error", _("{site} is not writable by you", site=site),
                   _("the fixes below install into it, and pip cannot change anything there"), fix,
                   ("site_writable: false",))

def _message(msg: dict[str, Any]) -> str:
    """A message in the probes' shape (installer.probes.last_target), in the reader's language."""
    return _(msg["text"], **msg["args"])


def _missing_fix(python: str, advice: _Advice, refusal: Any = None) -> str:
    """How to put torch into `python`, where it is missing: the build that fits as it is, with pip, when one
    does; the wizard, or an answers file that names this interpreter. Found in use: "`torch-setup install`
    installs one", which refuses without --answers, and the person's answers file installs elsewhere.
    `refusal` (last_target.system_refusal): pip may not install into it (PEP 668), so a venv made from it."""
    from installer.probes.last_target import install_here

    how = _message(install_here(python, refusal))
    c = advice.as_is
    if c is None or refusal is not None:  # pip's own line would be refused too
        return how
    return _("install torch {torch} ({variant}), which fits this machine as it is: `{cmd}`; or, with a plan, {how}",
             torch=c.torch, variant=c.variant, cmd=_pip_line(python, c, advice.companions), how=how)


def _import_findings(verify: dict[str, Any], env: EnvFacts, python: str, advice: _Advice,
                     existing: Any = None, index: IndexFor = index_for, refusal: Any = None) -> list[Finding]:
    error = str(verify.get("import_error") or "")
    if torch_missing(error):
        from installer.probes.last_target import make_one, own_environment

        if own_environment(python):  # the interpreter torch-setup runs on: torch goes elsewhere
            return [Finding("torch-missing", "error",
                            _("{python} is torch-setup's own Python, not a place for torch", python=python),
                            _("torch is not installed in it: torch-setup runs on it, and installs torch into an "
                              "environment of its own"), _message(make_one()), (error,))]
        return [Finding("torch-missing", "error", _("torch is not installed in {python}", python=python),
                        _("this interpreter has no torch package, so nothing can use the GPU or the CPU"),
                        _missing_fix(python, advice, refusal), (error,))]
    if env.ld_library_path and (".so" in error or "undefined symbol" in error):
        return [Finding("ld-library-path", "error", _("torch fails to import because of LD_LIBRARY_PATH"),
                        _("a library torch needs was taken from LD_LIBRARY_PATH ({ld}) instead of the one that "
                          "came with the wheel, and it does not match", ld=env.ld_library_path),
                        _("run with it unset: `env -u LD_LIBRARY_PATH {python} -c 'import torch'`; if that works, "
                          "remove the CUDA folders from LD_LIBRARY_PATH in your shell profile",
                          python=shlex.quote(python)),
                        (error,))]
    lacking = _missing_module(error)
    if lacking and existing is not None and existing.version:
        return [Finding("torch-broken", "error", _("torch does not import: a package it needs is missing"),
                        _short_of("torch", error, lacking),
                        _torch_needs_fix(python, f"{existing.version}{existing.local or ''}", index), (error,))]
    if existing is not None and existing.version:
        fix = same_build_fix(python, f"{existing.version}{existing.local or ''}", error,
                             files_missing=_files_missing(error, verify.get("import_error_code")), index=index)
    else:
        fix = _("reinstall it with `torch-setup install` (the answers file that made it), or remove the "
                "environment and make it again")
    return [Finding("torch-broken", "error", _("torch does not import"),
                    _("the torch package in this interpreter is damaged or incomplete: {error}", error=error),
                    fix, (error,))]


def _driver_missing_findings(report: HardwareReport, verify: dict[str, Any]) -> list[Finding]:
    """The GPU is there but no NVIDIA driver runs it: say why, most specific cause first."""
    gpus = gpu_names(report)
    out: list[Finding] = []
    # the initramfs is rebuilt by each family's own tool (NVIDIA CUDA Installation Guide, "Disabling
    # Nouveau": update-initramfs on Ubuntu and Debian, dracut on RHEL and Fedora)
    rhel = family(report.os.id, report.os.id_like) == "rhel"
    rebuild = "sudo dracut --force" if rhel else "sudo update-initramfs -u"
    if report.nouveau_loaded:
        out.append(Finding(
            "nouveau", "error", _("the nouveau driver holds the GPU"),
            _("the open-source nouveau module is loaded, so NVIDIA's module cannot bind to {gpus}", gpus=gpus),
            _("blacklist nouveau: `printf 'blacklist nouveau\\noptions nouveau modeset=0\\n' | sudo tee "
              "/etc/modprobe.d/blacklist-nouveau.conf && {rebuild}`, reboot, then install "
              "the NVIDIA driver (`torch-setup recommend` says which branch)", rebuild=rebuild),
            ("nouveau_loaded: true",)))
    if report.secure_boot:
        # the key DKMS signs with is the distribution's: Ubuntu's dkms (and its derivatives') uses shim-signed's
        # MOK, others dkms 3's own (installer.plan.kinds.apt.MOK_CERT has the sources)
        from installer.plan.kinds.apt import MOK_CERT

        ubuntu = report.os.id == "ubuntu" or "ubuntu" in (report.os.id_like or "").split()
        cert = MOK_CERT["ubuntu" if ubuntu else "debian"]
        out.append(Finding(
            "secure-boot", "error", _("Secure Boot blocks an unsigned NVIDIA module"),
            _("Secure Boot is on and no NVIDIA module is loaded: the kernel refuses a module that is not "
              "signed with an enrolled key"),
            _("sign the module: install the driver through your distribution's signed path (Ubuntu: `sudo "
              "ubuntu-drivers install`), or enrol the key DKMS signs with: `sudo mokutil --import {cert}`, "
              "reboot and confirm the key in the blue MOK screen; or turn Secure Boot off in the firmware",
              cert=cert),
            ("secure_boot: true", "nvidia_driver: null")))
    if not out:
        out.append(Finding(
            "no-driver", "error", _("no NVIDIA driver is loaded"),
            _("the machine has {gpus}, but no NVIDIA kernel driver is running, so CUDA cannot start", gpus=gpus),
            _("install the driver branch `torch-setup recommend` names (or let `torch-setup` do it), then "
              "reboot") if report.os.id in DRIVER_SYSTEMS else
            _("install the driver branch `torch-setup recommend` names with your distribution's packages "
              "(torch-setup installs it on Ubuntu and Debian only), then reboot"),
            (_cuda_error(verify),) if _cuda_error(verify) else ()))
    return out


def _driver_too_old(report: HardwareReport, verify: dict[str, Any], advice: _Advice) -> Finding | None:
    runtime = verify.get("cuda_build")
    if not runtime or verify.get("hip_build"):
        return None
    driver_cuda = _driver_cuda_from(verify, report)
    says_too_old = "too old" in _cuda_error(verify)
    old_by_numbers = False
    need_text = None
    try:
        windows = bool(report.os.wsl) or (report.os.system or "").lower() == "windows"
        need = driver_need(str(runtime), False, load(), windows)
        need_text = need.version
        driver = report.nvidia_driver.version if report.nvidia_driver else None
        if driver is not None:
            old_by_numbers = not driver_meets(driver, driver_cuda, need)
    except Exception:  # no compat data for this CUDA: judge by the major version the driver offers
        if driver_cuda:
            old_by_numbers = version_key(driver_cuda)[:1] < version_key(str(runtime))[:1]
    if not (says_too_old or old_by_numbers):
        return None
    driver = report.nvidia_driver.version if report.nvidia_driver else None
    evidence = tuple(x for x in (
        f"torch {verify.get('torch_version')} uses CUDA {runtime}",
        f"driver {driver or '?'} offers CUDA {driver_cuda or '?'}",
        _cuda_error(verify) or None) if x)
    keep = advice.as_is
    fix = _("either upgrade the NVIDIA driver to >= {need} (`torch-setup recommend` names the branch), or keep "
            "the driver and {other}",
            need=need_text or _("one for CUDA {v}", v=runtime),
            other=(_install_fix(str((verify.get('python') or {}).get('executable') or 'python'),
                                replace(advice, with_driver=None))
                   if keep is not None else
                   _("install a build for CUDA {v} or older", v=driver_cuda or "?")))
    return Finding(
        "driver-too-old", "error", _("the NVIDIA driver is older than this torch build needs"),
        _("torch {version} is built with CUDA {runtime}; the driver {driver} offers only CUDA {driver_cuda}, so "
          "torch.cuda.is_available() is False", version=verify.get("torch_version"), runtime=runtime,
          driver=driver or "", driver_cuda=driver_cuda or "?"),
        fix, evidence)


def _arch_missing(report: HardwareReport, verify: dict[str, Any], advice: _Advice, python: str) -> Finding | None:
    arch_list = list(verify.get("arch_list") or [])
    if not arch_list or verify.get("hip_build"):
        return None
    sm, ptx = _arch_entries(arch_list)
    kernels = Kernels(sm=sm, ptx=ptx)
    missing = [(name, cc) for name, cc in _gpus_for_arch(report, verify) if kernel_for(cc, kernels) is None]
    if not missing:
        return None
    names = listed(f"{n} (sm_{c[0]}{c[1]})" for n, c in missing)
    first = missing[0][1]
    return Finding(
        "arch-missing", "error", _("this torch build has no kernels for the GPU"),
        _("{gpus}: torch {version} carries kernels for {archs} only, so every GPU operation fails with "
          "\"no kernel image is available\"", gpus=names, version=verify.get("torch_version"),
          archs=" ".join(arch_list)),
        _("no kernels for sm_{sm} in this build: {fix}", sm=f"{first[0]}{first[1]}",
          fix=_install_fix(python, advice)),
        tuple(f"{n}: compute capability {c[0]}.{c[1]}" for n, c in missing) + (f"arch list: {' '.join(arch_list)}",))


def _shadowing(verify: dict[str, Any], env: EnvFacts) -> Finding | None:
    outside = list(env.libraries_outside_env)
    if not outside:
        return None
    gpu_failed = bool(_failed(verify, "matmul") or _failed(verify, "cudnn") or _failed(verify, "gpu-available"))
    folders = sorted({p.rsplit("/", 1)[0] for p in outside})
    system_cuda = any("/cuda" in f for f in folders)
    return Finding(
        "library-shadowing", "error" if gpu_failed else "warning",
        _("CUDA libraries from outside the environment are loaded"),
        _("{libs} came from {folders} ({how}) instead of the copies that came with the torch wheel; versions "
          "that differ break cuDNN and cuBLAS calls in ways that are hard to trace",
          libs=listed(p.rsplit("/", 1)[-1] for p in outside), folders=listed(folders),
          how=_("a system CUDA install") if system_cuda else _("LD_LIBRARY_PATH")),
        _("remove {folders} from LD_LIBRARY_PATH (now {ld}) in your shell profile, or start Python with "
          "`env -u LD_LIBRARY_PATH`; the wheel needs no system CUDA", folders=listed(folders),
          ld=env.ld_library_path or _("unset")),
        tuple(outside))


def _cpu_wheel_on_amd(report: HardwareReport, verify: dict[str, Any], rocm: Any, advice: _Advice,
                      python: str) -> Finding:
    """The NVIDIA cpu-wheel finding's AMD twin: the fix is the ROCm build the compat data picks for the GPU."""
    gpus = listed(gpu_label(g) for g in report.gpus if g.vendor == "amd")
    fix = _install_fix(python, replace(advice, as_is=rocm if rocm.works_as_is else None, with_driver=None))
    return Finding(
        "cpu-wheel", "error", _("a CPU-only build of torch on a machine with an AMD GPU"),
        _("torch {version} is the CPU-only build: it has no ROCm at all, so it cannot use {gpus} and "
          "torch.cuda.is_available() is False; PyTorch's ROCm builds do run on it ({why})",
          version=verify.get("torch_version"), gpus=gpus,
          why=rocm.reasons[0] if rocm.reasons else rocm.variant),
        _("{install}; ROCm wheels also need the amdgpu kernel driver and access to /dev/kfd and /dev/dri (your "
          "user in the render and video groups)", install=fix),
        (f"torch {verify.get('torch_version')}", f"GPU: {gpus}", *rocm.reasons))


def diagnose(report: HardwareReport, verify: dict[str, Any], env: EnvFacts | None = None, *,
             incomplete: tuple[str, ...] = (), index: IndexFor = index_for,
             shell: str | None = None, missing: tuple[MissingDependency, ...] = (),
             rerun: str | None = None) -> list[Finding]:
    """The causes found, root causes first. An empty GPU story on a CPU machine is one `info` finding.
    `incomplete`: the pins (torch==2.13.0+cpu) the install step's guard finds half installed; `index`: where
    the reinstall of the build there now comes from; `shell`: the basename of the user's $SHELL (None: unknown),
    read by the caller, whose command to remove a variable the fixes say (installer.shells.unset_command)."""
    findings = _diagnose(report, verify, env, incomplete, index, shell, frozenset(m.root for m in missing))
    # `missing`: what torch and its companions need that is not there (installer.probes.host.missing_dependencies);
    # `rerun`: the command that runs the install into this environment again, where one is known
    needs = _dependencies_missing(verify, str((verify.get("python") or {}).get("executable") or "python"),
                                  missing, rerun, index)
    if needs:
        # a problem: NumPy's warning keeps to its check line, as beside any other (found in review: listed
        # first, above the problem, when the problem was this one)
        findings = [f for f in findings if f.id not in ("healthy", "numpy")] + needs
    read_only = _read_only(report, verify, findings)
    return [read_only, *findings] if read_only is not None else findings


def _diagnose(report: HardwareReport, verify: dict[str, Any], env: EnvFacts | None,
              incomplete: tuple[str, ...], index: IndexFor = index_for,
              shell: str | None = None, short_of: frozenset[str] = frozenset()) -> list[Finding]:
    # `short_of`: torch and the companions that lack a dependency (the host's check): a failed import of theirs
    # for another package's module is left to that finding, which names the package and mends a half-installed one
    env = env or EnvFacts.from_verify(verify)
    python = str((verify.get("python") or {}).get("executable") or "python")
    advice = _advice(report, verify)
    nvidia = report.nvidia_gpus
    findings: list[Finding] = []

    if verify.get("torch_version") is None:
        if verify.get("import_error"):
            from installer.probes.last_target import system_refusal

            if "torch" in short_of and _missing_module(str(verify["import_error"])):
                return []  # short of a dependency: doctor's finding of it names the package, as for a companion
            found = _import_findings(verify, env, python, advice, report.existing_torch, index,
                                     system_refusal(python, report))
            if found and found[0].id == "torch-broken" and incomplete:
                # the same repair: said once, with what the guard found as its evidence; torch's own files missing
                # is the reinstall's case, whatever its import said (found in review: "cannot import name
                # 'functional'" read as files changed, "`torch-setup install` would leave it as it is")
                own = next((pin.partition("==")[2] for pin in incomplete if pin.partition("==")[0] == "torch"), "")
                found[0] = replace(found[0], explanation="\n".join(
                    [found[0].explanation, _("its files are incomplete: {pins} (half installed, files are missing)",
                                             pins=all_of(list(incomplete)))]),
                    evidence=(*found[0].evidence, *incomplete),
                    fix=same_build_fix(python, own, str(verify.get("import_error")), index=index) if own
                    else found[0].fix)
            return found
        checks = [c for c in verify.get("checks") or [] if not c.get("ok")]
        # the probe's words, said in the reader's language from the template it sends (detail_msg, fix_msg)
        detail = message(checks[0], "detail") if checks else _("no result")
        return [Finding("verify-failed", "error", _("the check of this environment did not run"), str(detail),
                        str(message(checks[0], "fix") if checks else "") or _("run `torch-setup verify` to see why"))]

    variant = str(verify.get("variant") or "")
    cuda = verify.get("cuda") or {}
    available = bool(cuda.get("is_available"))
    gpu_build = bool(verify.get("cuda_build") or verify.get("hip_build"))

    if nvidia and report.nvidia_driver is None and not available:
        findings += _driver_missing_findings(report, verify)

    visible = env.cuda_visible_devices
    if visible is not None and visible.strip() in ("", "-1") and nvidia:
        findings.append(Finding(
            "cuda-visible-devices", "error", _("CUDA_VISIBLE_DEVICES hides every GPU"),
            _("CUDA_VISIBLE_DEVICES is set to {value!r}, so CUDA sees no device", value=visible),
            _("unset it (`{unset}`) or list the GPUs to use, e.g. CUDA_VISIBLE_DEVICES=0",
              unset=unset_command("CUDA_VISIBLE_DEVICES", shell)),
            (f"CUDA_VISIBLE_DEVICES={visible!r}",)))

    if nvidia and not gpu_build and variant in ("cpu", ""):
        gpus = gpu_names(report)
        findings.append(Finding(
            "cpu-wheel", "error", _("a CPU-only build of torch on a machine with an NVIDIA GPU"),
            _("torch {version} is the CPU-only build: it has no CUDA at all, so torch.cuda.is_available() is "
              "False on {gpus} whatever the driver does", version=verify.get("torch_version"), gpus=gpus),
            _install_fix(python, advice),
            (f"torch {verify.get('torch_version')}", f"GPU: {gpus}")))
    elif advice.rocm is not None and not gpu_build and variant in ("cpu", ""):
        findings.append(_cpu_wheel_on_amd(report, verify, advice.rocm, advice, python))

    if (gpu_build and nvidia and report.nvidia_driver is not None) or "too old" in _cuda_error(verify):
        too_old = _driver_too_old(report, verify, advice)
        if too_old:
            findings.append(too_old)

    if gpu_build and not verify.get("hip_build"):
        arch = _arch_missing(report, verify, advice, python)
        if arch:
            findings.append(arch)

    shadow = _shadowing(verify, env)
    if shadow:
        findings.append(shadow)

    if not any(f.id in ("cpu-wheel", "arch-missing") for f in findings):
        # (their fix installs another build of torch, with --force-reinstall, and moves torchvision and
        # torchaudio with it: a repair of the build there now would be undone by it)
        findings += _half_installed(verify, python, incomplete, index)
        findings += _companion_findings(verify, python, index, short_of)

    if gpu_build and not nvidia and not available and not verify.get("hip_build"):
        findings.append(Finding(
            "cuda-wheel-without-gpu", "warning", _("a CUDA build on a machine without an NVIDIA GPU"),
            _("torch {version} carries CUDA libraries (several GB) that this machine cannot use; it runs on the "
              "CPU", version=verify.get("torch_version")),
            _("a CPU build is much smaller: `{cmd}`", cmd=reinstall_line(
                python, f"torch=={str(verify.get('torch_version') or '').split('+')[0]}+cpu",
                f"{PYTORCH_INDEX}/cpu"))))

    if not any(f.severity == "error" for f in findings):
        failing = [c for c in verify.get("checks") or [] if not c.get("ok") and c.get("level") == "error"]
        if not gpu_build and any(c.get("name") == "build" for c in failing):
            # a GPU build was expected and this one has none: the wrong build is why no GPU is used, and its
            # finding the one fix (found in use: a second problem said "none of the usual causes explains it")
            failing = [c for c in failing if c.get("name") != "gpu-available"]
        for check in failing:
            # its title is the probe's detail, said in the reader's language (found in use: English under --lang zh)
            findings.append(Finding(
                f"check-{check.get('name')}", "error", str(message(check, "detail") or check.get("name")),
                _("the verify check {name} failed and none of the usual causes explains it",
                  name=check.get("name")),
                str(message(check, "fix") or _("run `torch-setup verify` for details"))))
    if not any(f.severity == "error" for f in findings):
        # beside a problem, the one fix that matters is said alone (the check above still gives NumPy's)
        findings += _numpy_findings(verify)
    if not findings:
        if available:
            n = cuda.get("device_count")
            detail = (_("torch {version} uses 1 GPU; nothing wrong found", version=verify.get("torch_version"))
                      if n == 1 else
                      _("torch {version} uses {n} GPUs; nothing wrong found", version=verify.get("torch_version"), n=n))
        elif others := listed(gpu_label(g) for g in report.gpus if g.vendor in ("amd", "intel")):
            # "no NVIDIA GPU" is true, but an AMD or Intel GPU owner reads it as "your GPU was not seen"
            detail = _("torch {version} runs on the CPU; none of the PyTorch builds torch-setup knows would use "
                       "{gpus} on this machine; nothing wrong found", version=verify.get("torch_version"),
                       gpus=others)
        else:
            detail = _("torch {version} runs on the CPU and this machine has no NVIDIA GPU; nothing wrong found",
                       version=verify.get("torch_version"))
        findings.append(Finding("healthy", "info", _("nothing to mend"), detail, ""))
    return findings


def _numpy_findings(verify: dict[str, Any]) -> list[Finding]:
    """verify's NumPy warning as a finding of its own: found in use, doctor printed the warning and its fix among
    the checks and then "[ok] nothing to mend" under findings, which read as "ignore it". A warning, as in
    verify: torch works, its NumPy bridge does not."""
    check = next((c for c in verify.get("checks") or [] if c.get("name") == "numpy" and not c.get("ok")), None)
    if check is None:
        return []
    info = verify.get("numpy") or {}
    torch = verify.get("torch_version") or "?"
    version, error = info.get("version"), str(info.get("error") or "")
    detail = str(message(check, "detail") or "")
    if version:
        title = _("torch {torch} cannot use NumPy {version}", torch=torch, version=version)
    elif "No module named 'numpy'" in error:
        title = _("NumPy is not installed beside torch {torch}", torch=torch)
        # (the check above says the same in its own words: this says what it means for the reader)
        detail = _("torch runs without it; code that turns tensors into NumPy arrays or arrays into tensors fails, "
                   "and each `import torch` warns. If your code never uses NumPy, nothing needs doing")
    else:
        title = _("NumPy does not import beside torch {torch}", torch=torch)
    return [Finding("numpy", "warning", title, detail, str(message(check, "fix") or ""), (error,) if error else ())]


def verdict(findings: list[Finding]) -> bool:
    return not any(f.severity == "error" for f in findings)


# ---- verify's fixes, written here --------------------------------------------------------------------

def _wanted(expected: str) -> Any:
    """The variants that answer `verify --expect-variant cuda` (or gpu): any build of that family."""
    if expected == "cuda":
        return lambda v: v.startswith("cu")
    return lambda v: v.startswith(("cu", "rocm", "xpu"))


def _reinstall_fix(check: dict[str, Any], result: dict[str, Any], report: HardwareReport) -> str | None:
    """The fix of a verify check whose remedy is a reinstall (the probe names the build in `reinstall`):
    the command in doctor's form, with an index the compat data says has that build, never a made-up
    one (`whl/cuda` is none). None keeps the probe's own words."""
    want = check.get("reinstall") or {}
    torch, variant = str(want.get("torch") or ""), str(want.get("variant") or "")
    python = str((result.get("python") or {}).get("executable") or "python")
    data = load()
    try:
        release = data.release(torch) if torch else None
    except ValueError:  # not a version packaging reads (a local build): nothing to look up
        release = None
    machine = read_machine(report, data, (result.get("python") or {}).get("version"))
    platform = machine.platform
    published = list(release.variants.get(platform, [])) if release is not None and platform else []
    if variant in ("cuda", "gpu"):
        advice = _advice(report, result, _wanted(variant))
        if advice.as_is is not None or advice.with_driver is not None:
            return _install_fix(python, advice)
        builds = [v for v in published if _wanted(variant)(v)]
        if not builds:
            return None
        indexes = listed(f"{PYTORCH_INDEX}/{v}" for v in builds)
        if report.nvidia_gpus or any(g.vendor == "amd" for g in report.gpus):
            return _("none of the {expected} builds of torch {torch} ({indexes}) runs on this machine: "
                     "`torch-setup recommend` lists the builds that do", expected=variant, torch=torch,
                     indexes=indexes)
        return _("torch {torch} has {expected} builds on {indexes}; this machine shows no GPU to choose one by: "
                 "run `torch-setup recommend` where the GPU is (it names the one its driver runs), and "
                 "`torch-setup install` there", torch=torch, expected=variant, indexes=indexes)
    if variant in published:
        assert release is not None
        pins = [f"torch=={torch}"]
        if check.get("name") != "cudnn":  # a build of another kind: the companions change with it
            installed = result.get("companions") or {}
            pins += [f"{name}=={getattr(release, name)}" for name in COMPANIONS
                     if installed.get(name) and getattr(release, name, None)]
        cmd = reinstall_line(python, pins, f"{PYTORCH_INDEX}/{variant}")
        if check.get("name") == "cudnn":
            return _("reinstall torch so its nvidia-cudnn package comes with it: `{cmd}`", cmd=cmd)
        if check.get("name") == "gpu-available":
            return _("a CPU build is much smaller: `{cmd}`", cmd=cmd)
        return _("reinstall torch as a {expected} build: `{cmd}` (or `torch-setup install`)", expected=variant,
                 cmd=cmd)
    if published:
        return _("torch {torch} has no {expected} build for {platform}, only {builds}: expect one of those, or "
                 "`torch-setup recommend` names the build that fits this machine", torch=torch, expected=variant,
                 platform=machine.platform_text, builds=listed(published))
    return _("`torch-setup recommend` lists the builds that fit this machine; `torch-setup install` installs one")


def advise_verify(result: dict[str, Any], report: HardwareReport, *, cpu_warning: bool = True,
                  companion_warning: bool = True, index: IndexFor = index_for,
                  short_of: frozenset[str] = frozenset()) -> dict[str, Any]:
    """verify's result with the fixes only this side can write, in place: the reinstall commands in
    doctor's form, and (`cpu_warning`) doctor's warning where a CPU build passes on a machine whose GPU a
    build of torch would use (a CPU build is a pass; it is the wrong build there all the same; doctor says
    it as a finding of its own), and (`companion_warning`) a torchvision or torchaudio that does not fit torch,
    with doctor's severity: one that does not import fails the verdict, one that only pins another torch
    warns (not those of `short_of`, which lack a dependency: `advise_dependencies` names it). Otherwise the
    verdict stays."""
    if result.get("torch_version") is None:
        return result
    for check in result.get("checks") or []:
        if check.get("reinstall") and not check.get("ok"):
            fix = _reinstall_fix(check, result, report)
            if fix:
                check["fix"], check["fix_msg"] = fix, None
    # failed checks carry their own fixes; a CPU build that was asked for (--expect-variant cpu) is no news
    if cpu_warning and result.get("ok") and result.get("expected_variant") != "cpu":
        wrong = next((f for f in diagnose(report, result) if f.id == "cpu-wheel"), None)
        if wrong is not None:
            result["checks"].append({"name": "cpu-build", "ok": False, "level": "warning",
                                     "detail": wrong.explanation, "fix": wrong.fix,
                                     "detail_msg": None, "fix_msg": None})
    if companion_warning:
        python = str((result.get("python") or {}).get("executable") or "python")
        for f in _companion_findings(result, python, index, short_of):
            result["checks"].append({"name": f.id, "ok": False, "level": f.severity,
                                     # the language's colon (found in a trial: "不匹配: torchvision")
                                     "detail": _("{head}: {reason}", head=f.title, reason=f.explanation),
                                     "fix": f.fix,
                                     "detail_msg": None, "fix_msg": None})
            if f.severity == "error":
                result["ok"] = False
    return result


def advise_import(result: dict[str, Any], report: HardwareReport | None, incomplete: tuple[str, ...] = (),
                  index: IndexFor = index_for) -> None:
    """A torch that is there but does not import: the torch-import check's fix becomes the reinstall command
    of the same build (doctor's own), in place. The probe can only say "`torch-setup doctor` gives the
    command", which inside doctor's own output sent the reader to doctor again (found in use). The build
    comes from what the install step's guard found half installed (`incomplete`: torch==2.13.0+cpu), else
    from the metadata detection read; without either the probe's words stay. A torch simply missing keeps
    its "install it" fix."""
    error = str(result.get("import_error") or "")
    if result.get("torch_version") is not None or not error or torch_missing(error):
        return
    check = next((c for c in result.get("checks") or [] if c.get("name") == "torch-import" and not c.get("ok")),
                 None)
    if check is None:
        return
    version = next((pin.partition("==")[2] for pin in incomplete if pin.partition("==")[0] == "torch"), "")
    existing = report.existing_torch if report is not None else None
    if not version and existing is not None and existing.version:
        version = f"{existing.version}{existing.local or ''}"
    if not version:
        return
    python = str((result.get("python") or {}).get("executable") or "python")
    half = any(pin.startswith("torch==") for pin in incomplete)
    if not half and _missing_module(error):
        check["fix"], check["fix_msg"] = _torch_needs_fix(python, version, index), None
        return
    missing = half or _files_missing(error, result.get("import_error_code"))
    fix = same_build_fix(python, version, error, files_missing=missing, index=index)
    if half:
        fix = _("torch {version} is half installed (files are missing): {fix}", version=version, fix=fix)
    check["fix"], check["fix_msg"] = fix, None


def short_of_a_module(result: dict[str, Any]) -> bool:
    """Whether torch or a companion failed to import for another package's module (verify's result): the case
    where verify runs the host's dependency check (installer.probes.host.missing_dependencies), which names the
    package; one subprocess, on a failure only."""
    if result.get("torch_version") is None:
        return _missing_module(str(result.get("import_error") or "")) is not None
    found = result.get("companion_checks")
    return isinstance(found, dict) and any(
        isinstance(info, dict) and info.get("import_error") and _missing_module(str(info["import_error"]), name)
        for name, info in found.items())


def advise_dependencies(result: dict[str, Any], missing: tuple[MissingDependency, ...], *, rerun: str | None = None,
                        index: IndexFor = index_for) -> None:
    """verify's result with doctor's finding of what torch or a companion needs and lacks, as a check of its own
    with doctor's command, in place (found in use: verify's line ended "`torch-setup doctor` names the
    package", one more command to run before the one that mends it). A torch that does not import for it
    points its check at that line; a companion short of it is left to that line (advise_verify's `short_of`)."""
    python = str((result.get("python") or {}).get("executable") or "python")
    found = _dependencies_missing(result, python, missing, rerun, index)
    if not found:
        return
    (needs,) = found
    check = next((c for c in result.get("checks") or [] if c.get("name") == "torch-import" and not c.get("ok")),
                 None)
    if check is not None and any(m.root == "torch" for m in missing):
        check["fix"], check["fix_msg"] = _("what it needs is named below, with the command that installs it"), None
    result.setdefault("checks", []).append({"name": needs.id, "ok": False, "level": "error",
                                            "detail": needs.explanation, "fix": needs.fix,
                                            "detail_msg": None, "fix_msg": None})
    result["ok"] = False
