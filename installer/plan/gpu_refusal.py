"""An install whose torch cannot use this machine's NVIDIA GPU is refused before anything runs.

Found in use (a lab admin replaying one answers file on every machine): `variant: cu130` on a machine
with driver 550 and `driver.install: false`, and `variant: cu126` on a K80, planned and installed, with
only a `# note:` to say why, and then verification failed after gigabytes of downloads. `plan` still
shows such a plan (it runs nothing, and may be for another day's driver), with a warning atop the script
and on stderr, exit 0; `install` refuses it, naming the answer to change. A CUDA build on a machine with
no NVIDIA GPU is not refused: it runs there, on the CPU, as a lab building one image for all its machines
wants. Pure: it reads the plan's meta
(installer.plan.planner.make_plan, from installer.compat.pins.Pins.blocked).
"""

from __future__ import annotations

from typing import Any

from installer.errors import InputError
from installer.i18n import _
from installer.i18n.phrases import recommend_command


def blocked_message(plan: Any) -> str | None:
    """Why the plan's torch cannot use this machine's GPU as the machine is (the refusal's message, and the
    warning atop the script `plan` prints); None when it can. A plan for a recorded report says so."""
    why = plan.meta.get("blocked")
    if not why:
        return None
    torch, variant = dict(plan.summary).get("torch", "?"), plan.meta.get("variant", "?")
    if plan.meta.get("recorded"):
        return _("torch {torch} ({variant}) cannot use the recorded machine's GPU as it is: {why}",
                 torch=torch, variant=variant, why=why)
    return _("torch {torch} ({variant}) cannot use this machine's GPU as it is: {why}",
             torch=torch, variant=variant, why=why)


def cpu_only_warning(plan: Any) -> InputError | None:
    """The warning for a CUDA build planned for a machine with no NVIDIA GPU (the plan's meta "cpu_only",
    from installer.compat.pins): not refused, as it runs there on the CPU, but said before anything runs,
    by `answers check`, `plan` and `install`, keyed to the answer to change. Found by a tester: `answers check`
    said "ok" of cu130 for a CPU-only box, and `plan` said it only in a `# note:` of the script. It is an
    InputError only to be rendered as `file:line: key: message` (installer.plan.planner.remap_to_answers);
    nobody raises it. None when the plan's build can use a GPU there, or is no CUDA build.
    Likewise the conda method's CPU build where the GPU's build is one conda-forge does not make (ROCm, XPU:
    installer.plan.conda_pins), which a check that said "ok" hid as well."""
    from installer.plan.conda_pins import NoCondaBuild

    conda = next((n for n in getattr(plan, "notes", ()) if isinstance(n, NoCondaBuild)), None)
    if conda is not None:
        return InputError(str(conda), key="torch.variant", hint=_(
            "to use the GPU, install with method: pip; to keep the conda environment on the CPU without this "
            "warning, write torch.variant: cpu"))
    if not plan.meta.get("cpu_only"):
        return None
    from installer.plan.space import build_for, size_text

    torch, variant = dict(plan.summary).get("torch", "?"), plan.meta.get("variant", "?")
    cuda, cpu = build_for(torch, variant)[0], build_for(torch, "cpu")[0]
    values = {"torch": torch, "variant": variant, "size": size_text(cuda.download), "cpu": size_text(cpu.download)}
    message = (_("torch {torch} ({variant}) will use no GPU on the recorded machine: it has no NVIDIA GPU, so this "
                 "CUDA build runs on the CPU only, after downloading about {size} (the CPU build is about {cpu})",
                 **values) if plan.meta.get("recorded") else
               _("torch {torch} ({variant}) will use no GPU on this machine: it has no NVIDIA GPU, so this CUDA "
                 "build runs on the CPU only, after downloading about {size} (the CPU build is about {cpu})",
                 **values))
    return InputError(message, key="torch.variant", hint=_(
        "for a machine with no NVIDIA GPU, install the CPU build (torch.variant: cpu, or auto); keep {variant} "
        "only if these answers are meant for machines that have one", variant=variant))


def cpu_only_said(plan: Any, answers_file: str) -> str | None:
    """cpu_only_warning as `answers check`, `plan` and `install` print it on stderr: `warning: file:line: key:
    message`, keyed to the line of `answers_file` that asks for the build. None when there is none to say."""
    warning = cpu_only_warning(plan)
    if warning is None:
        return None
    from installer.plan.planner import remap_to_answers
    from installer.yamlfile import load_yaml

    return _("warning: {what}", what=remap_to_answers(warning, load_yaml(answers_file)).render())


def set_driver_install() -> str:
    """The way out a plan with no driver step offers, in the language shown now (the wizard says its own
    field instead: installer.tui.screens.review.wizard_words, by the note's code)."""
    return _("install it yourself (then reboot) before running this, or set driver.install: true in the answers "
             "and plan again")


NO_DRIVER_STEP = "no-driver-step"  # the code of no_driver_step_note's text (installer.compat.coded)


def no_driver_step_note(cuda: str, driver: Any, elsewhere: str | None, *, todo: str | None = None,
                        loaded: bool = False) -> str:
    """The build's "after installing driver branch R535" reason, as said by a plan that has no driver step
    (driver.install: false, or a machine whose driver torch-setup does not install): the script has only the
    torch steps, so the note says who installs the driver. `driver`: the install-driver action (branch,
    version); `elsewhere`: where this machine's driver is installed (installer.plan.driver_request), None
    where torch-setup could do it. Found in use: a reader of the script believed it installed the driver.
    `todo`: what to do instead of setting driver.install in the answers (the wizard's field); the text made with
    the answers' words is coded NO_DRIVER_STEP, with the values to make it again with another `todo`. `loaded`: an
    NVIDIA driver is loaded, too old for the build (found by a tester: "it needs an NVIDIA driver" on an RTX 4090
    running 550)."""
    if elsewhere is None and todo is None:
        from installer.compat.coded import Coded

        return Coded(no_driver_step_note(cuda, driver, None, todo=set_driver_install(), loaded=loaded),
                     NO_DRIVER_STEP, cuda=cuda, driver=driver, loaded=loaded)
    cuda = ".".join(cuda.split(".")[:2])
    todo = elsewhere or todo or set_driver_install()
    if driver.version:
        return _("CUDA {cuda} build: it needs the R{branch} driver updated to {version} or newer, and this plan "
                 "does NOT update the driver (it has no driver step) -> {todo}", cuda=cuda, branch=driver.branch,
                 version=driver.version, todo=todo)
    # the least version is the other note's ("cu126 wheels need driver >= 525.60.13"); R535 is only the branch
    # torch-setup would install (found in use: two minimums in one header puzzled a newcomer)
    if elsewhere:
        # torch-setup does not install this machine's driver: "the branch torch-setup would install" beside "torch-
        # setup does not install it" read as a contradiction (found by a re-check, Kepler's R470)
        # "needs an NVIDIA driver" of a machine that runs an older one read as if it had none (found in a trial:
        # a recorded Rocky machine running R560)
        if loaded:
            return _("CUDA {cuda} build: it needs a newer NVIDIA driver (branch R{branch}), and this plan does NOT "
                     "install a driver (it has no driver step) -> {todo}", cuda=cuda, branch=driver.branch, todo=todo)
        return _("CUDA {cuda} build: it needs an NVIDIA driver (branch R{branch}), and this plan does NOT install a "
                 "driver (it has no driver step) -> {todo}", cuda=cuda, branch=driver.branch, todo=todo)
    if loaded:
        return _("CUDA {cuda} build: it needs a newer NVIDIA driver (the branch torch-setup would install: R{branch}), "
                 "and this plan does NOT install a driver (it has no driver step) -> {todo}", cuda=cuda,
                 branch=driver.branch, todo=todo)
    return _("CUDA {cuda} build: it needs an NVIDIA driver (the branch torch-setup would install: R{branch}), and "
             "this plan does NOT install a driver (it has no driver step) -> {todo}", cuda=cuda, branch=driver.branch,
             todo=todo)


def refusal(answers: Any, plan: Any) -> InputError | None:
    """The InputError for an install that cannot use the GPU, keyed to the answer to change; None when it
    can (or there is no NVIDIA GPU to use)."""
    message = blocked_message(plan)
    if message is None:
        return None
    asked = answers.torch.variant
    recommend = recommend_command(bool(plan.meta.get("recorded")), plan.meta.get("hardware"))
    if plan.meta.get("blocked_by_driver") and plan.meta.get("driver_elsewhere"):
        # driver.install is ignored or refused where torch-setup does not install the driver (installer.plan.
        # driver_request): the hint says where it is installed instead (found in use: under WSL it said
        # driver.install: true, and the Windows driver is what serves the GPU there)
        if plan.meta.get("wsl"):
            return InputError(message, key="torch.variant", hint=_(
                "install or update the NVIDIA driver in Windows, which serves the GPU under WSL (driver.install "
                "is ignored there), then run again; or install the CPU build (torch.variant: cpu); {recommend} says "
                "more", recommend=recommend) if asked == "auto" else _(
                "install or update the NVIDIA driver in Windows, which serves the GPU under WSL (driver.install "
                "is ignored there), then run again; or pick a build the installed driver runs (torch.variant: "
                "auto; {recommend} lists them)", recommend=recommend))
        elsewhere = plan.meta["driver_elsewhere"]
        return InputError(message, key="torch.variant", hint=_(
            "{elsewhere}; or install the CPU build (torch.variant: cpu); {recommend} says more",
            elsewhere=elsewhere, recommend=recommend) if asked == "auto" else _(
            "{elsewhere}; or pick a build the installed driver runs (torch.variant: auto; {recommend} lists "
            "them)", elsewhere=elsewhere, recommend=recommend))
    if plan.meta.get("blocked_by_driver"):
        if asked == "auto":
            return InputError(message, key="driver.install",
                              hint=_("let this run install the driver (driver.install: true), or install the "
                                     "CPU build (torch.variant: cpu); {recommend} says more", recommend=recommend))
        return InputError(message, key="torch.variant",
                          hint=_("let this run install the driver (driver.install: true), or pick a build the "
                                 "driver runs now (torch.variant: auto; {recommend} lists them)", recommend=recommend))
    if plan.meta.get("recorded"):
        return InputError(message, key="torch.variant",
                          hint=_("pick a build that runs on the recorded machine (torch.variant: auto; {recommend} "
                                 "lists them and says why the others do not)", recommend=recommend))
    return InputError(message, key="torch.variant",
                      hint=_("pick a build that runs here (torch.variant: auto; `torch-setup recommend` lists "
                             "them and says why the others do not)"))
