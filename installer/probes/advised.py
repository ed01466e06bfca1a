"""The verification's verdict with the fixes only the host can write, in one pass that `torch-setup verify`, the
verification that ends `install`, and the wizard's Verify screen all make, so the three say the same of one
environment. Found in use: `install` said PASS beside a torchvision made for another torch, which `torch-setup
verify`, run next on the same environment, warned of (and failed, where it did not import); the wizard said
"torch works" there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from installer.probes.host import MissingDependency


def advise(result: dict[str, Any], *, state_dir: Path | None = None) -> tuple[MissingDependency, ...]:
    """`result` (the probe's verdict, installer.probes.host.run_verify) with, in place: a torch that is there but
    does not import given the reinstall command of its own build; the packages torch or a companion needs and
    lacks, named, with the command that installs them; the checks' reinstall commands in doctor's form; and
    the warnings and failures the probe cannot see (a CPU build where a GPU build would run, a torchvision or
    torchaudio that does not fit torch). The machine is this one, detected with what the interpreter holds;
    `state_dir`: where the runs' records are (the index an install used). Returns the packages found missing,
    so that a caller that goes on to doctor's findings does not look for them again (a second interpreter
    run, found in the wizard)."""
    from installer.hardware import load_or_detect
    from installer.probes.doctor import advise_dependencies, advise_import, advise_verify, short_of_a_module
    from installer.probes.host import half_installed, missing_dependencies
    from installer.probes.last_run import rerun_installing
    from installer.probes.last_target import torch_missing
    from installer.probes.run_index import index_lookup

    checked = result.get("python") or {}
    python = checked.get("executable")
    if not python:
        return ()
    # the reinstall commands name the index the install into this environment used, as doctor's do
    index = index_lookup(checked, state_dir)
    if result.get("import_error") and not torch_missing(result["import_error"]):
        # a torch that is there but broken: the reinstall command of its build, as doctor gives it
        incomplete = half_installed(python)
        report = None if any(p.startswith("torch==") for p in incomplete) else load_or_detect(None, python=python)
        advise_import(result, report, incomplete, index)
    # an import that failed for another package's module: the package, named as doctor names it, with its command
    lacking = missing_dependencies(python) if short_of_a_module(result) else ()
    if lacking:
        advise_dependencies(result, lacking, index=index,
                            rerun=rerun_installing(checked, {m.root for m in lacking}, state_dir))
    if result.get("torch_version"):
        # the probe cannot see this machine's hardware as detection does (nor the overrides), nor write a
        # command that works without pip in the target: the fixes that need either are written here
        advise_verify(result, load_or_detect(None, python=python), index=index,
                      short_of=frozenset(m.root for m in lacking))
    return lacking
