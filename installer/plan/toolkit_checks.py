"""A CUDA toolkit answer against what the same plan serves: the GPUs, the driver and the PyTorch build.

A toolkit that cannot serve them installs without complaint and fails later, when something is built
with it: nvcc refuses the GPU's architecture, the driver refuses the program, or PyTorch's extension
builder (torch.utils.cpp_extension) refuses a toolkit of another CUDA major than the build's. So the plan
says so up front, as notes; a Jetson, whose CUDA is JetPack's, is refused.
"""

from __future__ import annotations

from packaging.version import Version

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import listed
from installer.plan.kinds.base import KindContext

# (first toolkit of the row, oldest compute capability it compiles for, newest): research/compat.md C4,
# from NVIDIA's CUDA Features Archive (12.9, 13.0), the cuFFT "Deprecated Functionality" page ("Starting
# from CUDA 12.0: SM35 and SM37 are no longer supported. The minimum required architecture is SM50"),
# clang's Cuda.cpp offload-arch version table and CMake MR !8031.
TARGETS: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    ("11.0", (3, 5), (8, 0)),
    ("11.1", (3, 5), (8, 6)),
    ("11.4", (3, 5), (8, 7)),
    ("11.8", (3, 5), (9, 0)),
    ("12.0", (5, 0), (9, 0)),
    ("12.8", (5, 0), (12, 0)),
    ("12.9", (5, 0), (12, 1)),
    ("13.0", (7, 5), (12, 1)),
)


def targets(minor: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(oldest, newest) compute capability toolkit `minor` compiles for; None before CUDA 11."""
    rows = [r for r in TARGETS if Version(r[0]) <= Version(minor)]
    return (rows[-1][1], rows[-1][2]) if rows else None


def _first_toolkit_for(cc: tuple[int, int]) -> str | None:
    return next((first for first, low, high in TARGETS if low <= cc <= high), None)


def _last_toolkit_for(cc: tuple[int, int]) -> str | None:
    fits = [first for first, low, high in TARGETS if low <= cc <= high]
    return fits[-1] if fits else None


def refuse_on_a_jetson(ctx: KindContext) -> None:
    """An InputError for a toolkit asked for on a Jetson: the step kinds call it before they work out which
    toolkit `auto` means, since no version is the fix there (found in use: a Jetson's answers were told first to
    give cuda_toolkit.version, and only once it was given that no toolkit can be installed there)."""
    from installer.compat.data import load
    from installer.compat.machine import read_machine

    if read_machine(ctx.report, load()).jetson:
        have = listed(t.version for t in ctx.report.cuda_toolkits) or _("none found")
        raise InputError(_("a Jetson's CUDA toolkit comes with JetPack (CUDA found here: {have}); NVIDIA's "
                           "desktop and server toolkits do not drive its GPU", have=have),
                         key="cuda_toolkit.install",
                         hint=_("set cuda_toolkit.install: false, and install JetPack's own toolkit if it is "
                                "missing: `sudo apt install nvidia-jetpack`"))


def toolkit_notes(minor: str, ctx: KindContext) -> tuple[str, ...]:
    """What the plan says of CUDA toolkit `minor` on this machine (a Jetson was refused before: refuse_on_a_jetson)."""
    from installer.compat.data import load
    from installer.compat.machine import cc_text, read_machine
    from installer.compat.rules import cuda_minor, driver_meets, driver_need

    data = load()
    machine = read_machine(ctx.report, data)
    notes: list[str] = []
    gpus = [g for g in machine.nvidia if g.cc is not None]
    if not machine.nvidia:
        notes.append(_("the recorded machine shows no NVIDIA GPU: CUDA {minor} can build CUDA programs there, but "
                       "nothing there can run them", minor=minor) if ctx.recorded else
                     _("this machine shows no NVIDIA GPU: CUDA {minor} can build CUDA programs here, but "
                       "nothing here can run them", minor=minor))
    span = targets(minor)
    for gpu in gpus if span else ():
        assert span is not None and gpu.cc is not None
        low, high = span
        if gpu.cc < low:
            fits = _last_toolkit_for(gpu.cc)
            notes.append(_("CUDA {minor} cannot compile for {gpu} (compute capability {cc}): its oldest target "
                           "is {low}{fix}", minor=minor, gpu=gpu.name, cc=gpu.cc_text, low=cc_text(low),
                           fix=_("; CUDA {v} is the last that can", v=fits) if fits else ""))
        elif gpu.cc > high:
            fits = _first_toolkit_for(gpu.cc)
            notes.append(_("CUDA {minor} cannot compile for {gpu} (compute capability {cc}), which is newer "
                           "than it{fix}", minor=minor, gpu=gpu.name, cc=gpu.cc_text,
                           fix=_("; CUDA {v} is the first that can", v=fits) if fits else ""))
    build = cuda_minor(str(ctx.values["torch.cuda"])) if ctx.values.get("torch.cuda") else None
    if build and Version(str(build)).major != Version(minor).major:
        notes.append(_("PyTorch's extension builder refuses a CUDA toolkit of another major version than the "
                       "build's (CUDA {build}): extensions will not build with CUDA {minor}; "
                       "cuda_toolkit.version: auto installs the build's own", build=build, minor=minor))
    elif not build and machine.nvidia:
        notes.append(_("the chosen PyTorch build ({variant}) uses no CUDA: PyTorch will not use this toolkit",
                       variant=ctx.values.get("torch.variant") or "?"))
    if machine.driver and not ctx.values.get("driver.install"):
        need = driver_need(minor, False, data, windows=machine.wsl)
        if not driver_meets(machine.driver, machine.driver_cuda, need):
            notes.append(_("the driver here ({driver}) is older than CUDA {major}.x needs ({need} or newer): "
                           "programs built with this toolkit will not run until the driver is updated",
                           driver=machine.driver, major=Version(minor).major, need=need.version or need.cuda))
    return tuple(notes)
